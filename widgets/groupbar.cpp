#include "groupbar.h"

#include <QAction>
#include <QComboBox>
#include <QCompleter>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMimeData>
#include <QToolButton>

namespace runlens {

using namespace Qt::StringLiterals;

GroupBar::GroupBar(QWidget *parent)
    : QWidget(parent)
    , m_chips(new QHBoxLayout)
    , m_add(new QComboBox(this))
    , m_stats(new QToolButton(this))
    , m_statsMenu(new QMenu(this))
    , m_clear(new QToolButton(this)) {
    setAcceptDrops(true);
    // The bar never widens the window or squeezes the docks: on a narrow window it clips.
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 2, 4, 2);
    auto *label = new QLabel(tr("Group by:"), this);
    label->setToolTip(tr("Group the runs by these keys (drag a column header here to add one)"));
    layout->addWidget(label);
    m_chips->setSpacing(2);
    layout->addLayout(m_chips);
    m_clear->setText(u"\u2715"_s);
    m_clear->setAutoRaise(true);
    m_clear->setToolTip(tr("Ungroup: show every run again"));
    connect(m_clear, &QToolButton::clicked, this, [this] { setKeys({}); });
    m_clear->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    layout->addWidget(m_clear);

    m_add->setEditable(true);
    m_add->setInsertPolicy(QComboBox::NoInsert);
    m_add->setMinimumContentsLength(8);
    m_add->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_add->lineEdit()->setPlaceholderText(tr("add a key…"));
    m_add->completer()->setFilterMode(Qt::MatchContains);
    m_add->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_add->setToolTip(tr("Add a group key: type part of its name, or pick it from the list"));
    connect(m_add, &QComboBox::activated, this, [this](int index) {
        if (index >= 0 && index < m_identities.size()) addKey(m_identities[index]);
        m_add->setCurrentIndex(-1);
        m_add->clearEditText();
    });
    layout->addWidget(m_add);

    m_stats->setText(tr("Statistics"));
    m_stats->setPopupMode(QToolButton::InstantPopup);
    m_stats->setToolTip(tr("The statistics each metric shows per group"));
    for (Aggregate a : allAggregates()) {
        QAction *action = m_statsMenu->addAction(aggregateName(a));
        action->setCheckable(true);
        action->setData(int(a));
        connect(action, &QAction::toggled, this, &GroupBar::aggregatesChanged);
    }
    m_statsMenu->addSeparator();
    QAction *join = m_statsMenu->addAction(tr("In One Cell (mean ± std)"));
    join->setCheckable(true);
    join->setObjectName(u"joined"_s);
    connect(join, &QAction::toggled, this, &GroupBar::aggregatesChanged);
    m_stats->setMenu(m_statsMenu);
    setAggregates({Aggregate::Mean, Aggregate::Std, Aggregate::Count}, true);
    m_stats->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    layout->addWidget(m_stats);

    // Less frequent actions share one button (they are in the View menu too).
    auto *more = new QToolButton(this);
    more->setText(tr("More"));
    more->setPopupMode(QToolButton::InstantPopup);
    auto *moreMenu = new QMenu(more);
    moreMenu->addAction(tr("Collapse over Seeds…"), this, &GroupBar::collapseSeedsRequested)
        ->setToolTip(tr("Group by every varying config key except seeds and other "
                        "repetition keys"));
    moreMenu->addAction(tr("Pivot…"), this, &GroupBar::pivotRequested)
        ->setToolTip(tr("A metric by the values of two keys, as rows and columns"));
    moreMenu->addSeparator();
    m_nested = moreMenu->addAction(tr("Nest Groups by Key"));
    m_nested->setCheckable(true);
    m_nested->setChecked(true);
    m_nested->setToolTip(tr("One level of groups per key; off: one group per combination of "
                            "values"));
    connect(m_nested, &QAction::toggled, this, [this] {
        rebuildChips();
        emit nestedChanged();
    });
    more->setMenu(moreMenu);
    more->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    layout->addWidget(more);
    layout->addStretch(1);
    rebuildChips();
}

void GroupBar::setAvailableKeys(const QStringList &identities, const QStringList &names) {
    m_identities = identities;
    m_names = names;
    const QSignalBlocker block(m_add);
    m_add->clear();
    m_add->addItems(names);
    m_add->setCurrentIndex(-1);
    rebuildChips(); // chip names may read differently now
}

QString GroupBar::nameOf(const QString &identity) const {
    const qsizetype at = m_identities.indexOf(identity);
    if (at >= 0) return m_names[at];
    return identity.mid(identity.indexOf(u':') + 1);
}

void GroupBar::setKeys(const QStringList &keys) {
    if (keys == m_keys) return;
    m_keys = keys;
    rebuildChips();
    emit keysChanged();
}

void GroupBar::addKey(const QString &identity) {
    if (identity.isEmpty() || m_keys.contains(identity)) return;
    setKeys(m_keys + QStringList{identity});
}

void GroupBar::removeKey(const QString &identity) {
    QStringList keys = m_keys;
    keys.removeAll(identity);
    setKeys(keys);
}

bool GroupBar::nested() const {
    return m_nested->isChecked();
}

void GroupBar::setNested(bool nested) {
    m_nested->setChecked(nested); // emits nestedChanged when it changes
}

std::vector<Aggregate> GroupBar::aggregates() const {
    std::vector<Aggregate> out;
    for (QAction *a : m_statsMenu->actions())
        if (a->isCheckable() && a->isChecked() && a->data().isValid())
            out.push_back(Aggregate(a->data().toInt()));
    return out;
}

bool GroupBar::joined() const {
    for (QAction *a : m_statsMenu->actions())
        if (a->objectName() == u"joined"_s) return a->isChecked();
    return false;
}

void GroupBar::setAggregates(const std::vector<Aggregate> &aggregates, bool joined) {
    const QSignalBlocker block(this);
    for (QAction *a : m_statsMenu->actions()) {
        const QSignalBlocker blockAction(a);
        if (a->objectName() == u"joined"_s) {
            a->setChecked(joined);
        } else if (a->data().isValid()) {
            a->setChecked(std::find(aggregates.begin(), aggregates.end(),
                                    Aggregate(a->data().toInt())) != aggregates.end());
        }
    }
}

void GroupBar::rebuildChips() {
    while (QLayoutItem *item = m_chips->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    // Many keys (a collapse over seeds): the first few as chips, the rest behind "+N more".
    constexpr qsizetype kMaxChips = 4;
    const qsizetype chips = m_keys.size() > kMaxChips + 1 ? kMaxChips : m_keys.size();
    const auto keyMenu = [this](QMenu *menu, qsizetype i) {
        const QString identity = m_keys[i];
        QAction *left = menu->addAction(tr("Move Left (Outer)"), this, [this, i] {
            QStringList keys = m_keys;
            keys.move(i, i - 1);
            setKeys(keys);
        });
        left->setEnabled(i > 0);
        QAction *right = menu->addAction(tr("Move Right (Inner)"), this, [this, i] {
            QStringList keys = m_keys;
            keys.move(i, i + 1);
            setKeys(keys);
        });
        right->setEnabled(i + 1 < m_keys.size());
        menu->addAction(tr("Remove"), this, [this, identity] { removeKey(identity); });
    };
    const QString separator = nested() ? u"\u203a"_s : u"+"_s;
    for (qsizetype i = 0; i < chips; ++i) {
        auto *chip = new QToolButton(this);
        chip->setText(nameOf(m_keys[i]));
        chip->setToolTip(tr("Grouped by %1 (key %2); click for options").arg(m_keys[i]).arg(i + 1));
        chip->setPopupMode(QToolButton::InstantPopup);
        chip->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed); // names are never cut
        auto *menu = new QMenu(chip);
        keyMenu(menu, i);
        chip->setMenu(menu);
        m_chips->addWidget(chip);
        if (i + 1 < m_keys.size()) m_chips->addWidget(new QLabel(separator, this));
    }
    if (chips < m_keys.size()) {
        auto *rest = new QToolButton(this);
        rest->setText(tr("%n more", nullptr, int(m_keys.size() - chips)));
        rest->setPopupMode(QToolButton::InstantPopup);
        rest->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
        QStringList names;
        auto *menu = new QMenu(rest);
        for (qsizetype i = chips; i < m_keys.size(); ++i) {
            names << nameOf(m_keys[i]);
            keyMenu(menu->addMenu(nameOf(m_keys[i])), i);
        }
        rest->setToolTip(names.join(u'\n'));
        rest->setMenu(menu);
        m_chips->addWidget(rest);
    }
    m_clear->setVisible(!m_keys.isEmpty());
}

void GroupBar::dragEnterEvent(QDragEnterEvent *event) {
    if (event->mimeData()->hasFormat(QString::fromLatin1(kKeyMimeType)))
        event->acceptProposedAction();
}

void GroupBar::dropEvent(QDropEvent *event) {
    const QByteArray data = event->mimeData()->data(QString::fromLatin1(kKeyMimeType));
    if (data.isEmpty()) return;
    addKey(QString::fromUtf8(data));
    event->acceptProposedAction();
}

} // namespace runlens
