#pragma once

#include "doc.h"
#include "run.h"

namespace runlens {

/// Bounds that keep one hostile file from exhausting the process: nesting depth, number of
/// keys, and node visits (aliases can make a small file expand enormously).
struct FlattenLimits {
    int maxDepth = 64;
    int maxKeys = 20000;
    long long maxVisits = 2'000'000;
};

/// Turns document trees into dotted keys. Nested mappings become key paths in file order;
/// sequences stay one List value; a mapping with a `_type` member (a W&B media or histogram
/// object) stays one Object value; an empty mapping is the value `{}`. One Flattener per run
/// so the key limit counts over all of the run's files.
class Flattener {
public:
    explicit Flattener(FlattenLimits limits = {})
        : m_limits(limits) {}

    /// Flattens `node` of `doc` under `prefix` into `out`; limits hit become issues on `file`.
    void flatten(const Doc &doc, int node, const Key &prefix, Family family, const QString &desc,
                 RunRecord &out, const QString &file);

    /// Compact JSON text of a subtree (lists and objects kept whole); NaN and infinities are
    /// written as Python's json writes them. Returns false when the visit budget ran out.
    bool toJson(const Doc &doc, int node, QString &out, int depth = 0);

    int keyCount() const { return m_keys; }

private:
    void walk(const Doc &doc, int node, const Key &key, int depth, Family family,
              const QString &desc, RunRecord &out, const QString &file);
    bool spend();

    FlattenLimits m_limits;
    int m_keys = 0;
    long long m_visits = 0;
    bool m_reportedKeys = false;
    bool m_reportedDepth = false;
    bool m_reportedVisits = false;
};

/// Escapes a string as a JSON string literal, quotes included.
QString jsonQuote(const QString &s);

} // namespace runlens
