#include "flatten.h"

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

QString jsonQuote(const QString &s) {
    QString out;
    out.reserve(s.size() + 2);
    out += u'"';
    for (const QChar c : s) {
        switch (c.unicode()) {
        case '"':
            out += u"\\\""_s;
            break;
        case '\\':
            out += u"\\\\"_s;
            break;
        case '\n':
            out += u"\\n"_s;
            break;
        case '\r':
            out += u"\\r"_s;
            break;
        case '\t':
            out += u"\\t"_s;
            break;
        default:
            if (c.unicode() < 0x20)
                out += u"\\u%1"_s.arg(c.unicode(), 4, 16, QChar(u'0'));
            else
                out += c;
        }
    }
    out += u'"';
    return out;
}

bool Flattener::spend() {
    if (++m_visits <= m_limits.maxVisits) return true;
    return false;
}

bool Flattener::toJson(const Doc &doc, int index, QString &out, int depth) {
    if (!spend() || depth > m_limits.maxDepth) return false;
    const DocNode &n = doc.node(index);
    switch (n.kind) {
    case DocNode::Kind::Scalar: {
        const Value &v = n.value;
        switch (v.type()) {
        case Value::Type::String:
            out += jsonQuote(v.rawText());
            break;
        case Value::Type::Real: {
            const double d = v.toDouble();
            if (std::isnan(d))
                out += u"NaN"_s;
            else if (std::isinf(d))
                out += d > 0 ? u"Infinity"_s : u"-Infinity"_s;
            else
                out += v.displayText();
            break;
        }
        case Value::Type::Missing:
            out += u"null"_s;
            break;
        default:
            out += v.displayText();
        }
        return true;
    }
    case DocNode::Kind::Seq: {
        out += u'[';
        bool first = true;
        for (int item : n.items) {
            if (!first) out += u", "_s;
            first = false;
            if (!toJson(doc, item, out, depth + 1)) return false;
        }
        out += u']';
        return true;
    }
    case DocNode::Kind::Map: {
        out += u'{';
        bool first = true;
        for (const auto &[k, child] : n.members) {
            if (!first) out += u", "_s;
            first = false;
            out += jsonQuote(k);
            out += u": "_s;
            if (!toJson(doc, child, out, depth + 1)) return false;
        }
        out += u'}';
        return true;
    }
    }
    return true;
}

void Flattener::flatten(const Doc &doc, int node, const Key &prefix, Family family,
                        const QString &desc, RunRecord &out, const QString &file) {
    if (node < 0) return;
    walk(doc, node, prefix, 0, family, desc, out, file);
}

void Flattener::walk(const Doc &doc, int index, const Key &key, int depth, Family family,
                     const QString &desc, RunRecord &out, const QString &file) {
    const DocNode &n = doc.node(index);
    if (!spend()) {
        if (!m_reportedVisits) {
            m_reportedVisits = true;
            out.addIssue(
                Issue::Severity::Error, file, n.line, n.column,
                u"aliases expand to more than %1 nodes (an alias bomb?); the rest of the file is left out"_s
                    .arg(m_limits.maxVisits));
        }
        return;
    }
    if (depth > m_limits.maxDepth) {
        if (!m_reportedDepth) {
            m_reportedDepth = true;
            out.addIssue(Issue::Severity::Error, file, n.line, n.column,
                         u"nesting deeper than %1 levels at %2; the deeper values are left out"_s
                             .arg(m_limits.maxDepth)
                             .arg(key.display()));
        }
        return;
    }
    const auto addValue = [&](Value v) {
        if (m_keys >= m_limits.maxKeys) {
            if (!m_reportedKeys) {
                m_reportedKeys = true;
                out.addIssue(Issue::Severity::Error, file, n.line, n.column,
                             u"more than %1 keys in this run; the rest are left out"_s.arg(
                                 m_limits.maxKeys));
            }
            return;
        }
        ++m_keys;
        out.add(family, key, std::move(v), desc);
    };

    switch (n.kind) {
    case DocNode::Kind::Scalar:
        if (!key.isEmpty()) addValue(n.value);
        return;
    case DocNode::Kind::Seq:
    case DocNode::Kind::Map: {
        const bool isMap = n.kind == DocNode::Kind::Map;
        const DocNode *typeMember = isMap ? doc.member(n, u"_type"_s) : nullptr;
        const bool whole = !isMap || n.members.empty() ||
                           (typeMember && typeMember->kind == DocNode::Kind::Scalar &&
                            typeMember->value.type() == Value::Type::String);
        if (!whole) {
            for (const auto &[k, child] : n.members)
                walk(doc, child, key.child(k), depth + 1, family, desc, out, file);
            return;
        }
        if (key.isEmpty()) return;
        QString json;
        if (!toJson(doc, index, json, depth)) {
            if (!m_reportedVisits && m_visits > m_limits.maxVisits) {
                m_reportedVisits = true;
                out.addIssue(
                    Issue::Severity::Error, file, n.line, n.column,
                    u"aliases expand to more than %1 nodes (an alias bomb?) at %2; the value is left out"_s
                        .arg(m_limits.maxVisits)
                        .arg(key.display()));
            } else if (!m_reportedDepth) {
                m_reportedDepth = true;
                out.addIssue(Issue::Severity::Error, file, n.line, n.column,
                             u"nesting deeper than %1 levels in %2; the value is left out"_s
                                 .arg(m_limits.maxDepth)
                                 .arg(key.display()));
            }
            return;
        }
        addValue(isMap ? Value::object(json) : Value::list(json));
        return;
    }
    }
}

} // namespace runlens
