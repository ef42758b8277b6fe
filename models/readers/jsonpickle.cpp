#include "jsonpickle.h"

#include "run/flatten.h"

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

QString textOf(const DocNode &n) {
    if (n.kind != DocNode::Kind::Scalar) return {};
    return n.value.type() == Value::Type::String ? n.value.rawText() : n.value.displayText();
}

int memberIndex(const DocNode &n, const QString &key) {
    for (const auto &[k, child] : n.members)
        if (k == key) return child;
    return -1;
}

void becomeText(Doc &doc, int index, const QString &text) {
    DocNode &n = doc.nodes[std::size_t(index)];
    n.kind = DocNode::Kind::Scalar;
    n.value = Value::string(text);
    n.members.clear();
    n.items.clear();
}

/// The node takes the content of one of its members (`{"py/tuple": [..]}` becomes the list).
void becomeMember(Doc &doc, int index, int member) {
    DocNode content = doc.nodes[std::size_t(member)];
    const DocNode &n = doc.nodes[std::size_t(index)];
    content.line = n.line;
    content.column = n.column;
    doc.nodes[std::size_t(index)] = std::move(content);
}

/// Rewrites one mapping whose members are already decoded.
void decodeMap(Doc &doc, int index) {
    const DocNode &n = doc.nodes[std::size_t(index)];
    for (const QString &listKey : {u"py/tuple"_s, u"py/set"_s})
        if (const int list = memberIndex(n, listKey);
            list >= 0 && doc.node(list).kind == DocNode::Kind::Seq)
            return becomeMember(doc, index, list);
    if (const int object = memberIndex(n, u"py/object"_s); object >= 0) {
        const QString type = textOf(doc.node(object));
        // jsonpickle's numpy handlers: arrays keep `values` (a list, or base64 bytes), scalars
        // keep `value`.
        if (const int values = memberIndex(n, u"values"_s); values >= 0) {
            if (doc.node(values).kind == DocNode::Kind::Seq)
                return becomeMember(doc, index, values);
            const int dtype = memberIndex(n, u"dtype"_s);
            return becomeText(
                doc, index,
                u"<%1 %2>"_s.arg(type, dtype >= 0 ? textOf(doc.node(dtype)) : QString()));
        }
        if (const int value = memberIndex(n, u"value"_s);
            value >= 0 && type.startsWith(u"numpy."_s))
            return becomeMember(doc, index, value);
        bool internals = false;
        for (const auto &[k, child] : n.members)
            internals = internals || (k != u"py/object" && k.startsWith(u"py/"_s));
        if (!internals && n.members.size() > 1) { // attributes as plain members: a mapping
            DocNode &map = doc.nodes[std::size_t(index)];
            std::erase_if(map.members, [](const auto &m) { return m.first == u"py/object"; });
            return;
        }
        return becomeText(doc, index, u'<' + type + u'>');
    }
    for (const QString &nameKey : {u"py/type"_s, u"py/function"_s, u"py/repr"_s})
        if (const int name = memberIndex(n, nameKey); name >= 0)
            return becomeText(doc, index, textOf(doc.node(name)));
    if (const int id = memberIndex(n, u"py/id"_s); id >= 0)
        return becomeText(doc, index, u"<py/id %1>"_s.arg(textOf(doc.node(id))));
    if (const int reduce = memberIndex(n, u"py/reduce"_s); reduce >= 0) {
        const DocNode &r = doc.node(reduce);
        const QString callable = r.kind == DocNode::Kind::Seq && !r.items.empty()
                                     ? textOf(doc.node(r.items.front()))
                                     : QString();
        return becomeText(doc, index, u"<%1(...)>"_s.arg(callable));
    }
    if (memberIndex(n, u"py/b64"_s) >= 0 || memberIndex(n, u"py/bytes"_s) >= 0)
        return becomeText(doc, index, u"<bytes>"_s);
    for (const auto &[k, child] : n.members) {
        if (!k.startsWith(u"py/"_s)) continue;
        QString json; // an encoding not decoded above: its JSON text
        Flattener().toJson(doc, index, json);
        return becomeText(doc, index, json);
    }
}

} // namespace

// Children first; JSON trees share no nodes, so each node is rewritten once.
void decodeJsonpickle(Doc &doc, int index) {
    DocNode &n = doc.nodes[std::size_t(index)];
    if (n.kind == DocNode::Kind::Seq) {
        for (const int item : n.items)
            decodeJsonpickle(doc, item);
        return;
    }
    if (n.kind != DocNode::Kind::Map) return;
    for (auto &[key, child] : n.members) {
        // Non-string dict keys: `json://1`, `json://"a"`.
        if (key.startsWith(u"json://"_s)) {
            key = key.mid(7);
            if (key.size() >= 2 && key.startsWith(u'"') && key.endsWith(u'"'))
                key = key.mid(1, key.size() - 2);
        }
        decodeJsonpickle(doc, child);
    }
    decodeMap(doc, index);
}

} // namespace runlens
