#pragma once

#include "run/key.h"
#include "run/value.h"

#include <QHash>
#include <QString>

#include <optional>
#include <vector>

namespace runlens {

// How config values are spelled in the texts a diff is copied as: Hydra command-line overrides
// and YAML. Pure functions; see RunDiff::overrides() and RunDiff::differencesAsYaml().

/// A value in Hydra's (1.1 and later) override grammar: null, true/false, numbers as the file
/// wrote them where Hydra reads that as the same number (else canonical, a real always with a
/// `.` or exponent, NaN and infinities as nan, inf, -inf), strings bare when made of ASCII
/// letters, digits and `_ - / . + % * @` only and not readable as a number, bool or null,
/// double-quoted otherwise (a `${...}` in them stays an interpolation, as in the config file
/// it came from), lists as `[a,b]`, dicts as `{k:v}`.
/// nullopt when the grammar cannot say it: a dict key with a quote or non-ASCII character.
std::optional<QString> hydraValue(const Value &value);

/// Whether `segment` can be one dot-separated part of a Hydra override key: a name of
/// letters, digits, `_` and `-` not starting with a digit or `-`, or an unsigned integer.
bool isHydraKeySegment(const QString &segment);

/// One override that sets `key` to `value` (`a.b=1`, `+a.b=1` when `added`) or, when `value`
/// is missing, deletes it (`~a.b`). A key with a segment Hydra cannot name (`["a.b"]`, `x y`)
/// is set as a dict merged into the longest nameable prefix: `++a={b.c:1}`. nullopt when that
/// cannot be said either: no nameable first segment, a deletion of such a key, or a value
/// hydraValue() cannot write.
std::optional<QString> hydraOverride(const Key &key, const Value &value, bool added);

/// `word` as one POSIX shell word: unchanged when it holds only characters no shell expands
/// (letters, digits, `_ - . / + = , : @ %`, a leading `~` of a deletion), else single-quoted.
QString shellWord(const QString &word);

/// A string as a YAML scalar: bare when every YAML reader (1.1 and 1.2) keeps it the same
/// string, else double-quoted with escapes (`"yes"`, `"1e-3"`, `"null"`, `""`, `"a: b"`).
QString yamlString(const QString &s);

/// A value as a YAML scalar or flow collection that reads back as the same typed value:
/// numbers in a spelling both YAML 1.1 and 1.2 take as that type (`1.0e-04`, `.nan`, `.inf`),
/// lists as `[a, b]`, dicts as `{k: v}`.
QString yamlValue(const Value &value);

/// `s` with line breaks replaced by spaces, for a comment line.
QString oneLine(QString s);

/// Values by key path, written as nested YAML block mappings in insertion order.
class YamlTree {
public:
    void insert(const QStringList &path, const Value &value);
    bool isEmpty() const { return m_nodes.front().children.empty(); }
    /// The mapping indented by two spaces per level, starting at `level`.
    QString toYaml(int level) const;

private:
    struct Node {
        QString name;
        Value value; ///< leaves only
        std::vector<int> children;
        QHash<QString, int> index;
    };
    void write(int node, int level, QString &out) const;
    std::vector<Node> m_nodes{Node{}};
};

} // namespace runlens
