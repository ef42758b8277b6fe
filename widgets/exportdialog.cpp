#include "exportdialog.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QButtonGroup>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QEventLoop>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressDialog>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

#include <atomic>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

struct FormatEntry {
    TableFormat format;
    const char *label;
};

constexpr FormatEntry kFormats[] = {
    {TableFormat::Csv, QT_TRANSLATE_NOOP("ExportDialog", "CSV (spreadsheets, pandas)")},
    {TableFormat::Tsv, QT_TRANSLATE_NOOP("ExportDialog", "TSV (tab-separated)")},
    {TableFormat::Markdown, QT_TRANSLATE_NOOP("ExportDialog", "Markdown (GitHub table)")},
    {TableFormat::Latex, QT_TRANSLATE_NOOP("ExportDialog", "LaTeX (booktabs)")},
    {TableFormat::Html, QT_TRANSLATE_NOOP("ExportDialog", "HTML (standalone page)")},
    {TableFormat::Json, QT_TRANSLATE_NOOP("ExportDialog", "JSON (records)")},
};

bool sameChoice(const ExportChoice &a, const ExportChoice &b) {
    // Programs and people get differently shaped tables (one column per statistic, or joined).
    return isForPeople(a.format) == isForPeople(b.format) && a.allColumns == b.allColumns &&
           a.selectedRows == b.selectedRows && a.withPath == b.withPath &&
           a.precision == b.precision;
}

/// Passes writes on to a file, counting the bytes, and refuses them once cancelled (the
/// writer then stops and the file is not committed).
class ProgressDevice final : public QIODevice {
public:
    ProgressDevice(QIODevice &inner, const std::atomic<bool> &cancel, std::atomic<qint64> &bytes)
        : m_inner(inner), m_cancel(cancel), m_bytes(bytes) {}

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override {
        if (m_cancel) return -1;
        const qint64 written = m_inner.write(data, size);
        if (written > 0) m_bytes += written;
        return written;
    }

private:
    QIODevice &m_inner;
    const std::atomic<bool> &m_cancel;
    std::atomic<qint64> &m_bytes;
};

} // namespace

QString formatExtension(TableFormat format) {
    switch (format) {
    case TableFormat::Text: return u"txt"_s;
    case TableFormat::Csv: return u"csv"_s;
    case TableFormat::Tsv: return u"tsv"_s;
    case TableFormat::Markdown: return u"md"_s;
    case TableFormat::Json: return u"json"_s;
    case TableFormat::Latex: return u"tex"_s;
    case TableFormat::Html: return u"html"_s;
    }
    return u"txt"_s;
}

ExportDialog::ExportDialog(ExportSourceFactory factory, ExportOffer offer, QWidget *parent)
    : QDialog(parent)
    , m_factory(std::move(factory))
    , m_offer(std::move(offer))
    , m_format(new QComboBox(this))
    , m_shownColumns(new QRadioButton(tr("Shown columns, in their order"), this))
    , m_allColumns(new QRadioButton(tr("All keys"), this))
    , m_allRows(new QRadioButton(this))
    , m_selectedRows(new QRadioButton(this))
    , m_withPath(new QCheckBox(tr("Each run's folder after its id"), this))
    , m_precision(new QSpinBox(this))
    , m_caption(new QLineEdit(this))
    , m_label(new QLineEdit(this))
    , m_guard(new QCheckBox(tr("Guard against spreadsheet formulas (prefix = + - @, tab, CR with ')"), this))
    , m_preview(new QPlainTextEdit(this))
    , m_previewNote(new QLabel(this))
    , m_timer(new QTimer(this)) {
    setWindowTitle(tr("Export %1").arg(m_offer.noun));
    for (const FormatEntry &f : kFormats)
        m_format->addItem(tr(f.label), int(f.format));

    const QLocale locale;
    auto *columns = new QButtonGroup(this);
    columns->addButton(m_shownColumns);
    columns->addButton(m_allColumns);
    m_shownColumns->setChecked(true);
    auto *rows = new QButtonGroup(this);
    rows->addButton(m_allRows);
    rows->addButton(m_selectedRows);
    m_allRows->setText(tr("All shown %1 (%2)").arg(m_offer.noun, locale.toString(m_offer.shownRows)));
    m_selectedRows->setText(
        tr("Selected %1 (%2)").arg(m_offer.noun, locale.toString(m_offer.selectedRows)));
    m_allRows->setChecked(true);
    m_selectedRows->setEnabled(m_offer.selectedRows > 0);
    m_shownColumns->setEnabled(m_offer.columnsChoice);
    m_allColumns->setEnabled(m_offer.columnsChoice);
    m_withPath->setVisible(m_offer.pathChoice);

    m_precision->setRange(0, 17);
    m_precision->setSpecialValueText(tr("full (as written)"));
    m_precision->setSuffix(tr(" significant digits"));
    m_precision->setToolTip(tr("Round real numbers to this many significant digits; integers "
                               "are never rounded. 0 keeps every number as the run wrote it."));
    m_caption->setPlaceholderText(tr("LaTeX \\caption, HTML title (optional)"));
    m_label->setPlaceholderText(tr("LaTeX \\label, e.g. tab:results (optional)"));
    m_guard->setChecked(true);

    m_preview->setReadOnly(true);
    m_preview->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setMinimumSize(560, 260);
    m_previewNote->setWordWrap(true);

    auto *form = new QFormLayout;
    form->addRow(tr("&Format:"), m_format);
    auto *columnBox = new QVBoxLayout;
    columnBox->addWidget(m_shownColumns);
    columnBox->addWidget(m_allColumns);
    columnBox->addWidget(m_withPath);
    form->addRow(tr("Columns:"), columnBox);
    auto *rowBox = new QVBoxLayout;
    rowBox->addWidget(m_allRows);
    rowBox->addWidget(m_selectedRows);
    form->addRow(tr("Rows:"), rowBox);
    form->addRow(tr("&Precision:"), m_precision);
    form->addRow(tr("&Caption:"), m_caption);
    form->addRow(tr("&Label:"), m_label);
    form->addRow(QString(), m_guard);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *saveButton = buttons->addButton(tr("&Save…"), QDialogButtonBox::AcceptRole);
    QPushButton *copyButton = buttons->addButton(tr("Cop&y"), QDialogButtonBox::ActionRole);
    buttons->addButton(QDialogButtonBox::Close);
    saveButton->setDefault(true);
    copyButton->setToolTip(tr("Put the whole export on the clipboard"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(saveButton, &QPushButton::clicked, this, &ExportDialog::save);
    connect(copyButton, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(QString::fromUtf8(render())); });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Preview:"), this));
    layout->addWidget(m_preview, 1);
    layout->addWidget(m_previewNote);
    layout->addWidget(buttons);

    // The format and precision last used.
    QSettings settings;
    const int format = settings.value(u"export/format"_s, int(TableFormat::Csv)).toInt();
    if (const int i = m_format->findData(format); i >= 0) m_format->setCurrentIndex(i);
    m_precision->setValue(settings.value(u"export/precision"_s, 0).toInt());

    m_timer->setSingleShot(true);
    m_timer->setInterval(120);
    connect(m_timer, &QTimer::timeout, this, &ExportDialog::refreshPreview);
    for (QRadioButton *b : {m_shownColumns, m_allColumns, m_allRows, m_selectedRows})
        connect(b, &QRadioButton::toggled, this, &ExportDialog::schedulePreview);
    for (QCheckBox *b : {m_withPath, m_guard})
        connect(b, &QCheckBox::toggled, this, &ExportDialog::schedulePreview);
    connect(m_format, &QComboBox::currentIndexChanged, this, [this] {
        updateControls();
        schedulePreview();
    });
    connect(m_precision, &QSpinBox::valueChanged, this, &ExportDialog::schedulePreview);
    connect(m_caption, &QLineEdit::textChanged, this, &ExportDialog::schedulePreview);
    connect(m_label, &QLineEdit::textChanged, this, &ExportDialog::schedulePreview);
    updateControls();
    refreshPreview();
}

ExportDialog *ExportDialog::open(QWidget *parent, ExportSourceFactory factory, ExportOffer offer,
                                 std::initializer_list<const QAbstractItemModel *> watched) {
    auto *dialog = new ExportDialog(std::move(factory), std::move(offer), parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    for (const QAbstractItemModel *model : watched) {
        connect(model, &QAbstractItemModel::modelAboutToBeReset, dialog, &ExportDialog::invalidate);
        connect(model, &QAbstractItemModel::layoutChanged, dialog, &ExportDialog::invalidate);
        connect(model, &QAbstractItemModel::rowsInserted, dialog, &ExportDialog::invalidate);
    }
    dialog->QDialog::open();
    return dialog;
}

ExportChoice ExportDialog::choice() const {
    ExportChoice c;
    c.format = TableFormat(m_format->currentData().toInt());
    c.allColumns = m_offer.columnsChoice && m_allColumns->isChecked();
    c.selectedRows = m_offer.selectedRows > 0 && m_selectedRows->isChecked();
    c.withPath = m_offer.pathChoice && m_withPath->isChecked();
    c.precision = m_precision->value();
    return c;
}

void ExportDialog::setChoice(const ExportChoice &c) {
    if (const int i = m_format->findData(int(c.format)); i >= 0) m_format->setCurrentIndex(i);
    (c.allColumns ? m_allColumns : m_shownColumns)->setChecked(true);
    (c.selectedRows && m_offer.selectedRows > 0 ? m_selectedRows : m_allRows)->setChecked(true);
    m_withPath->setChecked(c.withPath);
    m_precision->setValue(c.precision);
    refreshPreview();
}

WriteOptions ExportDialog::writeOptions() const {
    WriteOptions o;
    o.precision = m_precision->value();
    o.caption = m_caption->text().trimmed();
    o.label = m_label->text().trimmed();
    o.neutralizeFormulas = m_guard->isChecked();
    o.source = m_offer.source;
    o.written = QDateTime::currentDateTime();
    o.maxTextWidth = 0;
    return o;
}

void ExportDialog::setCaption(const QString &caption, const QString &label) {
    m_caption->setText(caption);
    m_label->setText(label);
    refreshPreview();
}

QString ExportDialog::previewText() const { return m_preview->toPlainText(); }

void ExportDialog::invalidate() {
    m_source.reset();
    m_sourceChoice.reset();
    schedulePreview();
}

const TableSource *ExportDialog::source() {
    const ExportChoice c = choice();
    if (!m_sourceChoice || !sameChoice(*m_sourceChoice, c)) {
        m_source = m_factory(c);
        m_sourceChoice = c;
    }
    return m_source.get();
}

void ExportDialog::updateControls() {
    const TableFormat f = choice().format;
    const bool latexOrHtml = f == TableFormat::Latex || f == TableFormat::Html;
    m_caption->setEnabled(latexOrHtml);
    m_label->setEnabled(f == TableFormat::Latex);
    m_guard->setEnabled(f == TableFormat::Csv || f == TableFormat::Tsv);
}

void ExportDialog::schedulePreview() { m_timer->start(); }

void ExportDialog::refreshPreview() {
    m_timer->stop();
    const TableSource *table = source();
    if (!table) {
        m_preview->setPlainText({});
        m_previewNote->setText(tr("Nothing to export."));
        return;
    }
    const RowSubset head(*table, RowSubset::firstRows(*table, kPreviewRows));
    m_preview->setPlainText(QString::fromUtf8(renderTable(head, choice().format, writeOptions())));
    const QLocale locale;
    const QString size = tr("%1 row(s) × %2 column(s)")
                             .arg(locale.toString(table->rowCount()))
                             .arg(table->columnCount());
    m_previewNote->setText(table->rowCount() > kPreviewRows
                               ? tr("%1; the preview shows the first %2 rows.")
                                     .arg(size)
                                     .arg(kPreviewRows)
                               : size + u'.');
}

QByteArray ExportDialog::render() {
    const TableSource *table = source();
    return table ? renderTable(*table, choice().format, writeOptions()) : QByteArray();
}

bool ExportDialog::exportTo(const QString &path, QString *error) {
    const TableSource *table = source();
    if (!table) {
        if (error) *error = tr("There is nothing to export.");
        return false;
    }
    // A big export takes seconds: it is written on a thread while a progress dialog counts
    // the bytes and offers Cancel (which leaves the target as it was: QSaveFile is not
    // committed). The window holds its table still meanwhile (busyChanged).
    const TableFormat format = choice().format;
    const WriteOptions options = writeOptions();
    std::atomic<bool> cancel = false;
    std::atomic<qint64> bytes = 0;
    QString threadError;
    bool ok = false;
    QThread *thread = QThread::create([&] {
        ok = writeFileAtomically(
            path,
            [&](QIODevice &file) {
                ProgressDevice device(file, cancel, bytes);
                device.open(QIODevice::WriteOnly);
                return writeTable(*table, format, device, options);
            },
            &threadError);
    });
    emit busyChanged(true);
    QProgressDialog progress(tr("Writing %1…").arg(QFileInfo(path).fileName()), tr("Cancel"), 0,
                             0, this);
    progress.setWindowTitle(tr("Export"));
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(400);
    QTimer tick;
    connect(&tick, &QTimer::timeout, &progress, [&] {
        progress.setLabelText(tr("Writing %1… %2")
                                  .arg(QFileInfo(path).fileName(),
                                       QLocale().formattedDataSize(bytes.load())));
    });
    connect(&progress, &QProgressDialog::canceled, &progress, [&] { cancel = true; });
    QEventLoop loop;
    connect(thread, &QThread::finished, &loop, &QEventLoop::quit);
    tick.start(200);
    thread->start();
    loop.exec();
    thread->wait();
    delete thread;
    progress.reset();
    emit busyChanged(false);
    if (cancel) {
        if (error) *error = tr("The export was cancelled; '%1' was not changed.").arg(path);
        return false;
    }
    if (!ok && error) *error = threadError;
    return ok;
}

void ExportDialog::save() {
    const TableFormat format = choice().format;
    QSettings settings;
    const QString folder = settings.value(u"export/folder"_s, QDir::homePath()).toString();
    const QString extension = formatExtension(format);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export %1").arg(m_offer.noun),
        QDir(folder).filePath(m_offer.baseName + u'.' + extension),
        tr("%1 (*.%2);;All files (*)").arg(m_format->currentText(), extension));
    if (path.isEmpty()) return;
    QString error;
    if (!exportTo(path, &error)) {
        QMessageBox::critical(this, tr("Export failed"),
                              tr("The export was not written.\n\n%1").arg(error));
        return;
    }
    m_savedPath = path;
    settings.setValue(u"export/folder"_s, QFileInfo(path).absolutePath());
    settings.setValue(u"export/format"_s, int(format));
    settings.setValue(u"export/precision"_s, m_precision->value());
    accept();
}

} // namespace runlens
