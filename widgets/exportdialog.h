#pragma once

#include "analysis/tablesource.h"
#include "export/tablewriter.h"

#include <QDialog>

#include <functional>
#include <memory>

class QAbstractItemModel;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;
class QTimer;

namespace runlens {

/// What the user chose to export; the window builds the table for it.
struct ExportChoice {
    TableFormat format = TableFormat::Csv;
    bool allColumns = false;   ///< every key, not only the shown columns
    bool selectedRows = false; ///< only the selected runs (or groups)
    bool withPath = false;     ///< per-run tables: each run's folder after its id
    /// Significant digits (0: as written), for tables that spell numbers into text themselves
    /// (a diff's joined cells); the writers round the rest.
    int precision = 0;
};

/// What a view offers to export.
struct ExportOffer {
    QString noun = QStringLiteral("runs"); ///< what the rows are, for the labels
    int shownRows = 0;
    int selectedRows = 0;        ///< 0: no choice between selected and all rows
    bool columnsChoice = true;   ///< shown columns or all columns
    bool pathChoice = true;      ///< the run folder column (per-run tables)
    QString baseName = QStringLiteral("runs"); ///< the suggested file name, without extension
    QString source;              ///< where the runs came from (the HTML page says it)
};

/// Builds the table to write for a choice; null when there is nothing to export.
using ExportSourceFactory = std::function<std::unique_ptr<TableSource>(const ExportChoice &)>;

/// File > Export: format, which columns and rows, precision, LaTeX caption and label, the
/// formula guard; a live preview of the output's start; Save writes atomically (QSaveFile) and
/// says clearly when the target cannot be written; Copy puts the whole output on the clipboard.
/// The format, precision and folder are remembered.
class ExportDialog : public QDialog {
    Q_OBJECT

public:
    ExportDialog(ExportSourceFactory factory, ExportOffer offer, QWidget *parent = nullptr);
    /// Opens a dialog (window-modal, deleted on close) that builds its table anew whenever one
    /// of `watched` resets, re-sorts or gains rows (a reload under the open dialog).
    static ExportDialog *open(QWidget *parent, ExportSourceFactory factory, ExportOffer offer,
                              std::initializer_list<const QAbstractItemModel *> watched);

    ExportChoice choice() const;
    void setChoice(const ExportChoice &choice);
    WriteOptions writeOptions() const;
    void setCaption(const QString &caption, const QString &label = {});
    /// The preview as shown (the first rows of the output).
    QString previewText() const;
    /// Writes the whole export to `path` atomically; false with `error` set.
    bool exportTo(const QString &path, QString *error = nullptr);
    /// Where Save last wrote (empty before).
    QString savedPath() const { return m_savedPath; }
    /// The whole export, as Copy puts it on the clipboard.
    QByteArray render();
    /// The table changed under the dialog (a reload): build it again.
    void invalidate();

    /// How many rows the preview shows at most.
    static constexpr int kPreviewRows = 200;

signals:
    /// A file is being written on a thread from the table: the window must not change it.
    void busyChanged(bool busy);

private:
    void updateControls();
    void schedulePreview();
    void refreshPreview();
    void save();
    const TableSource *source();

    ExportSourceFactory m_factory;
    ExportOffer m_offer;
    std::unique_ptr<TableSource> m_source;
    std::optional<ExportChoice> m_sourceChoice;
    QComboBox *m_format;
    QRadioButton *m_shownColumns;
    QRadioButton *m_allColumns;
    QRadioButton *m_allRows;
    QRadioButton *m_selectedRows;
    QCheckBox *m_withPath;
    QSpinBox *m_precision;
    QLineEdit *m_caption;
    QLineEdit *m_label;
    QCheckBox *m_guard;
    QPlainTextEdit *m_preview;
    QLabel *m_previewNote;
    QTimer *m_timer;
    QString m_savedPath;
};

/// The usual file name extension of a format (`csv`, `md`, `tex`, …).
QString formatExtension(TableFormat format);

} // namespace runlens
