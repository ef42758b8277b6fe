#pragma once

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace runlens {

/// A whole view of the runs, saved by name as a small JSON file beside the runs
/// (`<folder>/.runlens/views/<name>.json`) so it can be versioned with the project, and loaded
/// by the window's Views menu and by `runlens table --view NAME`. Keys are kept by identity
/// (`config:optimizer.lr`, `metric:val/acc`, `run:name`), so a view outlives reloads and
/// applies to other folders with the same keys.
struct SavedView {
    struct Sort {
        QString column; ///< identity
        bool descending = false;
    };
    QString name;
    QString filter;      ///< query text (docs/QUERY.md) or plain search words
    QStringList columns; ///< shown columns in order; empty: the default columns
    QStringList pinned;  ///< pinned columns, in order
    bool varyingOnly = false;
    std::vector<Sort> sort; ///< primary key first
    QStringList groupBy;    ///< group keys, outermost first; empty: not grouped
    bool nested = true;
    QStringList aggregates; ///< aggregate names ("mean", "std", ...); empty: the default
    bool joined = true;
    QString baseline; ///< run id; empty: none

    /// The JSON text (UTF-8, indented, keys in a fixed order, `"version": 1`).
    QByteArray toJson() const;
    /// Reads a view; nullopt with `error` set for text that is not a view of a version this
    /// release reads. Unknown members are ignored, missing ones take their defaults.
    static std::optional<SavedView> fromJson(const QByteArray &json, QString *error = nullptr);
};

/// The folder views of `root` are saved in: `<root>/.runlens/views`.
QString viewsFolder(const QString &root);
/// Names of the views saved under `root`, sorted.
QStringList savedViewNames(const QString &root);
/// Loads view `name` of `root`; nullopt with `error` set ("no view named X in F", or why the
/// file cannot be read).
std::optional<SavedView> loadView(const QString &root, const QString &name,
                                  QString *error = nullptr);
/// Writes the view atomically (QSaveFile), creating the folders; false with `error` set.
/// A name is a file name: letters, digits, space, `-`, `_`, `.` (not leading).
bool saveView(const QString &root, const SavedView &view, QString *error = nullptr);
bool isValidViewName(const QString &name);

} // namespace runlens
