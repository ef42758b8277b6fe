#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <memory>
#include <span>

namespace runlens {

/// A W&B run's config or summary as its transaction log builds it up, one change record after
/// the other: an update sets a value (JSON text, NaN and Infinity allowed) at a key path, a
/// removal deletes one, as W&B applies them (core/internal/runconfig ApplyChangeRecord). A path
/// that runs through a value that is not a mapping replaces it by one; through a value that is
/// a JSON object, the update lands inside that object. Values stay text until the whole tree
/// is taken out as one JSON object (toJson()), so applying a change costs a hash lookup per
/// segment and a check of the value, not a parse into nodes. Bounded: key paths at most
/// `maxDepth` deep, at most `maxKeys` keys alive, at most `maxBytes` of value text.
class WandbTree {
public:
    struct Limits {
        int maxKeys = 20000;
        qint64 maxBytes = 64 * 1000 * 1000;
        int maxDepth = 64;
    };
    enum class Status { Ok, NotJson, TooDeep, TooManyKeys, TooLarge };

    explicit WandbTree(Limits limits);
    ~WandbTree();
    WandbTree(const WandbTree &) = delete;
    WandbTree &operator=(const WandbTree &) = delete;

    /// Sets the value at `path` (UTF-8 segments, at least one) to `json`. Not Ok: the value is
    /// not set (mappings on the way to it may have been made).
    Status set(std::span<const QByteArrayView> path, QByteArrayView json);
    /// Deletes the value or mapping at `path`; nothing when there is none.
    void remove(std::span<const QByteArrayView> path);

    bool isEmpty() const;
    int keyCount() const { return m_keys; }
    /// The tree as one JSON object, each mapping's keys in the order they were first set.
    QByteArray toJson() const;

private:
    struct Node;
    Node *child(Node &map, QByteArrayView key) const;
    Node *addChild(Node &map, QByteArrayView key);
    bool makeMap(Node &node);
    void drop(Node &node);

    Limits m_limits;
    std::unique_ptr<Node> m_root;
    int m_keys = 0;
    qint64 m_bytes = 0;
};

/// Whether `json` is exactly one JSON value (NaN, Infinity and -Infinity allowed, white space
/// around it allowed).
bool isJsonValue(QByteArrayView json);

} // namespace runlens
