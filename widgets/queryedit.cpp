#include "queryedit.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QKeyEvent>
#include <QPainter>
#include <QStringListModel>
#include <QStyle>
#include <QStyleOptionFrame>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {
constexpr int kMaxHistory = 50;
}

QueryEdit::QueryEdit(QWidget *parent)
    : QLineEdit(parent)
    , m_popup(new QCompleter(this))
    , m_candidates(new QStringListModel(this)) {
    m_popup->setModel(m_candidates);
    m_popup->setWidget(this);
    m_popup->setCompletionMode(QCompleter::UnfilteredPopupCompletion);
    m_popup->setCaseSensitivity(Qt::CaseInsensitive);
    connect(m_popup, qOverload<const QString &>(&QCompleter::activated), this,
            &QueryEdit::insertCompletion);
}

void QueryEdit::setError(const QueryError &error) {
    m_error = error;
    QString tip = error.toString();
    if (!error.expected.isEmpty())
        tip += u"\n"_s + tr("expected: %1").arg(error.expected.join(u", "_s));
    setToolTip(tip);
    update();
}

void QueryEdit::clearError() {
    if (m_error.message.isEmpty()) return;
    m_error = {};
    setToolTip(tr("A query such as  optimizer.name == \"adam\" and optimizer.lr < 1e-3  or words "
                  "to search for; Tab completes, Up/Down recall earlier filters"));
    update();
}

void QueryEdit::remember() {
    const QString text = this->text().trimmed();
    m_historyAt = -1;
    if (text.isEmpty() || hasError()) return;
    m_history.removeAll(text);
    m_history.prepend(text);
    while (m_history.size() > kMaxHistory)
        m_history.removeLast();
    emit historyChanged();
}

QStringList QueryEdit::completeNow() {
    if (!m_complete) return {};
    m_pending = m_complete(text(), cursorPosition());
    if (m_pending.candidates.isEmpty()) return {};
    if (m_pending.candidates.size() == 1) {
        insertCompletion(m_pending.candidates.first());
    } else {
        m_candidates->setStringList(m_pending.candidates);
        const QRect at = cursorRect();
        m_popup->complete(QRect(at.left(), at.top(), 320, at.height()));
    }
    return m_pending.candidates;
}

void QueryEdit::insertCompletion(const QString &candidate) {
    QString t = text();
    t.replace(m_pending.start, m_pending.length, candidate);
    setText(t);
    setCursorPosition(m_pending.start + int(candidate.size()));
    m_popup->popup()->hide();
}

bool QueryEdit::event(QEvent *event) {
    // Tab completes here rather than moving the focus on.
    if (event->type() == QEvent::KeyPress &&
        static_cast<QKeyEvent *>(event)->key() == Qt::Key_Tab &&
        static_cast<QKeyEvent *>(event)->modifiers() == Qt::NoModifier) {
        completeNow();
        return true;
    }
    return QLineEdit::event(event);
}

void QueryEdit::keyPressEvent(QKeyEvent *event) {
    if (m_popup->popup()->isVisible()) {
        QLineEdit::keyPressEvent(event); // the popup handles its own keys
        return;
    }
    if ((event->key() == Qt::Key_Up || event->key() == Qt::Key_Down) && !m_history.isEmpty()) {
        if (m_historyAt < 0) m_draft = text();
        m_historyAt += event->key() == Qt::Key_Up ? 1 : -1;
        m_historyAt = std::clamp(m_historyAt, -1, int(m_history.size()) - 1);
        setText(m_historyAt < 0 ? m_draft : m_history[m_historyAt]);
        return;
    }
    if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) remember();
    QLineEdit::keyPressEvent(event);
}

void QueryEdit::paintEvent(QPaintEvent *event) {
    QLineEdit::paintEvent(event);
    if (m_error.message.isEmpty()) return;
    // A red line under the part the error is about (the whole box's bottom when the text is
    // scrolled too far to tell).
    QStyleOptionFrame option;
    initStyleOption(&option);
    const QRect contents = style()->subElementRect(QStyle::SE_LineEditContents, &option, this);
    const QFontMetrics fm = fontMetrics();
    const QString t = text();
    const int start = std::clamp(m_error.position, 0, int(t.size()));
    const int length = std::max(1, m_error.length);
    const int x0 = contents.left() + 2 + fm.horizontalAdvance(t.left(start));
    const int x1 = start >= t.size() ? x0 + fm.horizontalAdvance(u' ') * 2
                                      : x0 + fm.horizontalAdvance(t.mid(start, length));
    QPainter painter(this);
    painter.setPen(QPen(QColor(0xc0, 0x39, 0x2b), 2));
    const int y = contents.bottom() - 1;
    painter.drawLine(std::min(x0, contents.right()), y, std::min(x1, contents.right()), y);
    painter.setPen(QPen(QColor(0xc0, 0x39, 0x2b), 1));
    painter.drawRect(rect().adjusted(0, 0, -1, -1));
}

} // namespace runlens
