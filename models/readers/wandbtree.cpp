#include "wandbtree.h"

#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace runlens {

namespace {

constexpr unsigned kJsonFlags = rapidjson::kParseNanAndInfFlag |
                                rapidjson::kParseNumbersAsStringsFlag |
                                rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool onlySpaceFrom(QByteArrayView text, std::size_t from) {
    for (auto i = qsizetype(from); i < text.size(); ++i)
        if (!isSpace(text[i])) return false;
    return true;
}

/// Whether a value's text is a JSON object (its first non-space character opens one).
bool isObjectText(const std::string &json) {
    for (const char c : json)
        if (!isSpace(c)) return c == '{';
    return false;
}

std::string_view view(QByteArrayView b) {
    return std::string_view(b.data(), std::size_t(b.size()));
}

/// Splits a JSON object's text into its members' keys (unescaped) and value texts, for a
/// change record that lands inside a value set earlier as a whole object.
class MemberSplitter : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, MemberSplitter> {
public:
    MemberSplitter(QByteArrayView text, const rapidjson::MemoryStream &stream)
        : m_text(text)
        , m_stream(stream) {}

    struct Member {
        std::string key;
        std::size_t begin;
        std::size_t end;
    };
    std::vector<Member> members;

    bool Default() {
        valueDone();
        return true;
    }
    bool Key(const char *s, rapidjson::SizeType length, bool) {
        if (m_depth == 1) {
            m_key.assign(s, length);
            m_keyEnd = m_stream.Tell();
        }
        return true;
    }
    bool StartObject() { return open(); }
    bool StartArray() { return open(); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool EndArray(rapidjson::SizeType) { return close(); }

private:
    bool open() {
        ++m_depth;
        return true;
    }
    bool close() {
        --m_depth;
        valueDone();
        return true;
    }
    void valueDone() {
        if (m_depth != 1) return;
        std::size_t begin = m_keyEnd;
        while (begin < std::size_t(m_text.size()) &&
               (isSpace(m_text[qsizetype(begin)]) || m_text[qsizetype(begin)] == ':'))
            ++begin;
        members.push_back(Member{m_key, begin, m_stream.Tell()});
    }

    QByteArrayView m_text;
    const rapidjson::MemoryStream &m_stream;
    int m_depth = 0;
    std::string m_key;
    std::size_t m_keyEnd = 0;
};

void appendQuoted(QByteArray &out, const std::string &key) {
    out += '"';
    for (const char c : key) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (std::uint8_t(c) < 0x20) {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[std::uint8_t(c) >> 4];
            out += hex[std::uint8_t(c) & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

} // namespace

bool isJsonValue(QByteArrayView json) {
    rapidjson::MemoryStream stream(json.data(), std::size_t(json.size()));
    rapidjson::BaseReaderHandler<> handler;
    rapidjson::Reader reader;
    if (reader.Parse<kJsonFlags>(stream, handler).IsError()) return false;
    return onlySpaceFrom(json, stream.Tell());
}

struct WandbTree::Node {
    std::string key;
    std::string json; ///< a value's text; empty for a mapping
    bool map = false;
    /// A mapping's members, in the order set; a removed one leaves a null until compacted.
    std::vector<std::unique_ptr<Node>> children;
    std::unordered_map<std::string_view, Node *> index; ///< views into the children's keys
    std::size_t pos = 0;   ///< this node's place in its parent's children
    std::size_t holes = 0; ///< nulls in children
};

WandbTree::WandbTree(Limits limits)
    : m_limits(limits)
    , m_root(std::make_unique<Node>()) {
    m_root->map = true;
}

WandbTree::~WandbTree() = default;

bool WandbTree::isEmpty() const {
    return m_root->children.size() == m_root->holes;
}

WandbTree::Node *WandbTree::child(Node &map, QByteArrayView key) const {
    const auto it = map.index.find(view(key));
    return it == map.index.end() ? nullptr : it->second;
}

WandbTree::Node *WandbTree::addChild(Node &map, QByteArrayView key) {
    if (m_keys >= m_limits.maxKeys || m_bytes + key.size() > m_limits.maxBytes) return nullptr;
    auto node = std::make_unique<Node>();
    node->key.assign(key.data(), std::size_t(key.size()));
    Node *raw = node.get();
    raw->pos = map.children.size();
    map.children.push_back(std::move(node));
    map.index.emplace(std::string_view(raw->key), raw);
    ++m_keys;
    m_bytes += key.size();
    return raw;
}

void WandbTree::drop(Node &node) {
    for (const auto &c : node.children) {
        if (!c) continue;
        drop(*c);
        --m_keys;
        m_bytes -= qint64(c->key.size());
    }
    node.children.clear();
    node.holes = 0;
    node.index.clear();
    m_bytes -= qint64(node.json.size());
    node.json.clear();
}

bool WandbTree::makeMap(Node &node) {
    // A value set earlier as a whole JSON object becomes a mapping of its members, so the change
    // lands inside it; any other value is replaced by an empty mapping.
    std::string json;
    json.swap(node.json);
    m_bytes -= qint64(json.size());
    node.map = true;
    if (!isObjectText(json)) return true;
    rapidjson::MemoryStream stream(json.data(), json.size());
    MemberSplitter splitter(QByteArrayView(json.data(), qsizetype(json.size())), stream);
    rapidjson::Reader reader;
    if (reader.Parse<kJsonFlags>(stream, splitter).IsError()) return true;
    for (const MemberSplitter::Member &m : splitter.members) {
        const QByteArrayView key(m.key.data(), qsizetype(m.key.size()));
        const std::string_view text = std::string_view(json).substr(m.begin, m.end - m.begin);
        if (m_bytes + qint64(text.size()) > m_limits.maxBytes) return false;
        Node *c = child(node, key);
        if (!c && !(c = addChild(node, key))) return false;
        drop(*c);
        c->map = false;
        c->json.assign(text);
        m_bytes += qint64(text.size());
    }
    return true;
}

WandbTree::Status WandbTree::set(std::span<const QByteArrayView> path, QByteArrayView json) {
    if (path.empty() || !isJsonValue(json)) return Status::NotJson;
    if (qsizetype(path.size()) > m_limits.maxDepth) return Status::TooDeep;
    const auto full = [this] {
        return m_keys >= m_limits.maxKeys ? Status::TooManyKeys : Status::TooLarge;
    };
    Node *node = m_root.get();
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        Node *c = child(*node, path[i]);
        if (!c) {
            if (!(c = addChild(*node, path[i]))) return full();
            c->map = true;
        } else if (!c->map && !makeMap(*c)) {
            return full();
        }
        node = c;
    }
    Node *leaf = child(*node, path.back());
    const qint64 old = leaf && !leaf->map ? qint64(leaf->json.size()) : 0;
    if (m_bytes - old + json.size() > m_limits.maxBytes) return Status::TooLarge;
    if (!leaf && !(leaf = addChild(*node, path.back()))) return full();
    drop(*leaf);
    leaf->map = false;
    leaf->json.assign(json.data(), std::size_t(json.size()));
    m_bytes += json.size();
    return Status::Ok;
}

void WandbTree::remove(std::span<const QByteArrayView> path) {
    if (path.empty()) return;
    Node *node = m_root.get();
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        Node *c = child(*node, path[i]);
        if (!c) return;
        if (!c->map) {
            // Removing inside a value that is a whole JSON object: split it first.
            if (!isObjectText(c->json) || !makeMap(*c)) return;
        }
        node = c;
    }
    Node *victim = child(*node, path.back());
    if (!victim) return;
    drop(*victim);
    --m_keys;
    m_bytes -= qint64(victim->key.size());
    node->index.erase(std::string_view(victim->key));
    // A null in its place keeps removal O(1); the holes are swept once they are half the list.
    node->children[victim->pos].reset();
    if (++node->holes > 16 && node->holes * 2 > node->children.size()) {
        std::erase_if(node->children, [](const auto &c) { return !c; });
        for (std::size_t i = 0; i < node->children.size(); ++i)
            node->children[i]->pos = i;
        node->holes = 0;
    }
}

QByteArray WandbTree::toJson() const {
    QByteArray out;
    out.reserve(qsizetype(m_bytes) + 4 * qsizetype(m_keys) + 2);
    const auto write = [&out](const Node &n, const auto &self) -> void {
        if (!n.map) {
            out.append(n.json.data(), qsizetype(n.json.size()));
            return;
        }
        out += '{';
        bool first = true;
        for (const auto &c : n.children) {
            if (!c) continue;
            if (!first) out += ',';
            first = false;
            appendQuoted(out, c->key);
            out += ':';
            self(*c, self);
        }
        out += '}';
    };
    write(*m_root, write);
    return out;
}

} // namespace runlens
