#pragma once

#include "key.h"
#include "value.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <vector>

namespace runlens {

enum class RunStatus : std::uint8_t { Unknown, Finished, Running, Crashed };
QString statusName(RunStatus s);

/// Something that went wrong (or is worth knowing) while reading one run: which file, where,
/// and what. Errors lost data, warnings mean a value may not be what the user expects, notes
/// are informational (a duplicate folder that was merged) and do not make `check` fail.
struct Issue {
    enum class Severity : std::uint8_t { Note, Warning, Error };
    Severity severity = Severity::Error;
    QString file; ///< path of the file concerned, empty when it is about the run folder
    int line = 0; ///< 1-based; 0 when unknown
    int column = 0;
    QString message;

    static QString severityName(Severity s);
    /// `file:line:column: message`, leaving out what is unknown.
    QString toString() const;
};

/// A reader that knows whether a larger value of a metric is better (Optuna's study direction)
/// says so at the end of the metric's description: "<text> (higher is better)". The table's
/// best marks and the diff's verdicts follow it before guessing from the key's name.
QString withDirection(const QString &description, bool higherIsBetter);
/// The direction a description states: true higher is better, false lower; nullopt: none.
std::optional<bool> directionInDescription(const QString &description);

/// One flattened value of a run, as a reader emits it.
struct Entry {
    Family family;
    Key key;
    Value value;
    QString description; ///< `desc` of W&B configs, empty otherwise
};

/// Everything a reader learned about one run folder. Transient: the loader moves it into a
/// RunTable, which stores it compactly.
struct RunRecord {
    QString id;     ///< stable id: the tool's own run id, else the folder relative to its root
    QString name;   ///< display name; the id when the tool keeps none
    QString format; ///< reader name: "wandb", "generic", ...
    QString path;   ///< the run folder
    RunStatus status = RunStatus::Unknown;
    qint64 startMs = -1;        ///< start as ms since the epoch (UTC); -1 when unknown
    double durationSec = -1.0;  ///< wall-clock run time; negative when unknown
    std::vector<Entry> entries; ///< config, metric and meta values in file order
    std::vector<Issue> issues;
    int unlistedIssues = 0; ///< issues beyond kMaxIssues, counted but not kept

    /// A hostile file can hold a million duplicate keys: past this, issues are only counted.
    static constexpr std::size_t kMaxIssues = 200;

    void addIssue(Issue::Severity s, const QString &file, int line, int column,
                  const QString &message) {
        if (issues.size() >= kMaxIssues) {
            ++unlistedIssues;
            return;
        }
        issues.push_back(Issue{s, file, line, column, message});
    }
    void add(Family f, Key k, Value v, QString desc = {}) {
        entries.push_back(Entry{f, std::move(k), std::move(v), std::move(desc)});
    }
};

} // namespace runlens
