#pragma once

#include "value.h"

#include <QString>

#include <QHash>

#include <unordered_map>
#include <utility>
#include <vector>

namespace runlens {

/// A parsed config or summary file as a small tree of our own, the common ground between the
/// YAML and JSON parsers and the flattener. Nodes live in one arena; an alias in YAML shares
/// the node it names (so the tree is a DAG, which the flattener bounds). Scalars carry their
/// typed value already. Transient: built per file, dropped once flattened.
struct DocNode {
    enum class Kind : unsigned char { Scalar, Map, Seq };
    Kind kind = Kind::Scalar;
    int line = 0; ///< 1-based position in the file, 0 when unknown
    int column = 0;
    Value value;                                  ///< scalars
    std::vector<std::pair<QString, int>> members; ///< maps, in file order, keys unique
    std::vector<int> items;                       ///< sequences

    const DocNode *member(const std::vector<DocNode> &arena, const QString &key) const {
        for (const auto &m : members)
            if (m.first == key) return &arena[std::size_t(m.second)];
        return nullptr;
    }
};

struct Doc {
    std::vector<DocNode> nodes;
    int root = -1;

    /// Sets `key` to `value` in mapping `map`. A repeated key keeps the later value (as PyYAML
    /// and Python's json do) and returns the node it replaced; otherwise returns -1. Mappings
    /// with many keys get a hash index, so a file of a million keys stays linear.
    int setMember(int map, QString key, int value);
    bool truncated =
        false; ///< the text ended inside a value: a file cut short or still being written

    bool isEmpty() const { return root < 0; }
    const DocNode &node(int i) const { return nodes[std::size_t(i)]; }
    const DocNode *rootNode() const { return root < 0 ? nullptr : &nodes[std::size_t(root)]; }
    const DocNode *member(const DocNode &map, const QString &key) const {
        return map.member(nodes, key);
    }

private:
    std::unordered_map<int, QHash<QString, std::size_t>>
        m_memberIndex; ///< map node -> key -> position
};

} // namespace runlens
