#include "interpolation.h"

#include <QHash>
#include <QSet>

#include <optional>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

/// References followed one inside another before giving up (a chain a -> b -> c ...).
constexpr int kMaxDepth = 64;
/// Node visits spent on checking that a spliced mapping does not contain its own key.
constexpr long long kMaxVisits = 2'000'000;

/// Whether a string holds an interpolation (or an escaped one) to look at.
bool hasInterpolation(const QString &text) {
    return text.contains(u"${"_s);
}

/// Python's str() of a scalar, which OmegaConf uses inside a longer string.
QString pythonText(const Value &v) {
    switch (v.type()) {
    case Value::Type::Bool:
        return v.toBool() ? u"True"_s : u"False"_s;
    case Value::Type::Null:
        return u"None"_s;
    case Value::Type::String:
        return v.rawText();
    default:
        return v.displayText();
    }
}

/// Index of the `}` closing the `{` at `open`, skipping nested braces and quoted resolver
/// arguments; -1 when the text ends first.
qsizetype closingBrace(const QString &text, qsizetype open) {
    int depth = 0;
    for (qsizetype j = open; j < text.size(); ++j) {
        const QChar c = text[j];
        if (c == u'\'' || c == u'"') {
            for (++j; j < text.size() && text[j] != c; ++j)
                if (text[j] == u'\\') ++j;
            if (j >= text.size()) return -1;
        } else if (c == u'{') {
            ++depth;
        } else if (c == u'}' && --depth == 0) {
            return j;
        }
    }
    return -1;
}

/// `a.b[0].c` as segments; nothing when malformed (an empty segment, an open bracket).
std::optional<QStringList> pathSegments(const QString &path) {
    QStringList out;
    QString current;
    bool afterBracket = false;
    for (qsizetype i = 0; i < path.size(); ++i) {
        const QChar c = path[i];
        if (c == u'.') {
            if (current.isEmpty() && !afterBracket) return std::nullopt;
            if (!current.isEmpty()) out << current;
            current.clear();
            afterBracket = false;
        } else if (c == u'[') {
            if (!current.isEmpty()) out << current;
            current.clear();
            const qsizetype close = path.indexOf(u']', i);
            if (close < 0 || close == i + 1) return std::nullopt;
            out << path.mid(i + 1, close - i - 1);
            i = close;
            afterBracket = true;
        } else {
            if (afterBracket) return std::nullopt; // `a[0]b`
            current += c;
        }
    }
    if (!current.isEmpty())
        out << current;
    else if (!afterBracket)
        return std::nullopt;
    return out;
}

/// What a string node resolves to.
struct Resolved {
    bool complete = false; ///< no interpolation is left in it
    bool changed = false;  ///< differs from the text as written
    Value value;           ///< the new scalar, when `container` < 0
    int container = -1;    ///< a whole-value reference to this mapping or sequence
};

/// A string node holding `${`, where it sits: the containers from the root down to its parent
/// (relative interpolations count from there) and its slot in the parent.
struct Occurrence {
    int node;
    int parent;
    std::size_t slot;
    std::vector<int> chain;
};

/// One document's resolution: collects the strings holding `${`, resolves each against the
/// document as written (memoised, cycles and depth bounded), then changes the document.
class Resolver {
public:
    Resolver(Doc &doc, RunRecord &run, const QString &file)
        : m_doc(doc)
        , m_run(run)
        , m_file(file)
        , m_visited(doc.nodes.size(), false) {}

    /// Resolves every interpolation of the document and applies the results.
    void resolveAll() {
        if (m_doc.root < 0 || m_doc.node(m_doc.root).kind == DocNode::Kind::Scalar) return;
        std::vector<int> chain;
        collect(m_doc.root, chain);
        // Resolve everything against the document as written, then change it.
        std::vector<Resolved> results;
        results.reserve(m_occurrences.size());
        for (const Occurrence &o : m_occurrences)
            results.push_back(resolveNode(o.node, o.chain, 0));
        for (std::size_t i = 0; i < m_occurrences.size(); ++i)
            apply(m_occurrences[i], results[i]);
    }

private:
    /// A node an interpolation names, with the containers above it.
    struct Target {
        int node = -1;
        std::vector<int> chain;
    };

    /// Records the strings holding `${` below container `index`, each container once.
    void collect(int index, std::vector<int> &chain) {
        if (m_visited[std::size_t(index)] || int(chain.size()) > kMaxDepth) return;
        m_visited[std::size_t(index)] = true;
        const DocNode &n = m_doc.node(index);
        chain.push_back(index);
        const auto visit = [&](std::size_t slot, int child) {
            const DocNode &c = m_doc.node(child);
            if (c.kind != DocNode::Kind::Scalar)
                collect(child, chain);
            else if (c.value.type() == Value::Type::String && hasInterpolation(c.value.rawText()))
                m_occurrences.push_back(Occurrence{child, index, slot, chain});
        };
        for (std::size_t i = 0; i < n.members.size(); ++i)
            visit(i, n.members[i].second);
        for (std::size_t i = 0; i < n.items.size(); ++i)
            visit(i, n.items[i]);
        chain.pop_back();
    }

    /// One warning per node, at its position in the file.
    void warn(int node, const QString &message) {
        if (m_reported.contains(node)) return;
        m_reported.insert(node);
        const DocNode &n = m_doc.node(node);
        m_run.addIssue(Issue::Severity::Warning, m_file, n.line, n.column, message);
    }

    /// What string node `node` resolves to; `depth` counts the references followed to get here.
    Resolved resolveNode(int node, const std::vector<int> &chain, int depth) {
        if (const auto it = m_memo.constFind(node); it != m_memo.constEnd()) return *it;
        const QString &text = m_doc.node(node).value.rawText();
        if (m_inProgress.contains(node)) {
            warn(node,
                 u"the interpolation in \"%1\" refers back to itself (a cycle); kept as written"_s
                     .arg(text));
            return {};
        }
        if (depth > kMaxDepth) {
            warn(node, u"interpolations nest deeper than %1 levels at \"%2\"; kept as written"_s
                           .arg(kMaxDepth)
                           .arg(text));
            return {};
        }
        m_inProgress.insert(node);
        Resolved r = resolveText(text, chain, depth);
        m_inProgress.remove(node);
        m_memo.insert(node, r);
        return r;
    }

    /// Resolves the interpolations in `text`, which sits below the containers `chain`.
    Resolved resolveText(const QString &text, const std::vector<int> &chain, int depth) {
        Resolved r;
        r.complete = true;
        QString out;
        qsizetype i = 0;
        while (i < text.size()) {
            if (text[i] == u'\\' && QStringView(text).mid(i + 1).startsWith(u"${")) {
                out += u"${"_s;
                r.changed = true;
                i += 3;
                continue;
            }
            if (text[i] != u'$' || i + 1 >= text.size() || text[i + 1] != u'{') {
                out += text[i++];
                continue;
            }
            const qsizetype end = closingBrace(text, i + 1);
            if (end < 0) {
                out += text.mid(i);
                r.complete = false;
                break;
            }
            const bool whole = i == 0 && end == text.size() - 1;
            const QString body = text.mid(i + 2, end - i - 2);
            std::optional<Target> target = findTarget(body, chain, depth);
            std::optional<Value> scalar;
            int container = -1;
            if (target) {
                const DocNode &n = m_doc.node(target->node);
                if (n.kind != DocNode::Kind::Scalar) {
                    container = target->node;
                } else if (n.value.type() != Value::Type::String) {
                    scalar = n.value;
                } else if (n.value.rawText() == u"???") {
                    // OmegaConf's missing value: reading it fails.
                } else if (!hasInterpolation(n.value.rawText())) {
                    scalar = n.value;
                } else if (const Resolved t = resolveNode(target->node, target->chain, depth + 1);
                           t.complete) {
                    if (t.container >= 0)
                        container = t.container;
                    else
                        scalar = t.value;
                }
            }
            if (whole && (scalar || container >= 0)) {
                r.changed = true;
                r.container = container;
                if (scalar) r.value = *scalar;
                return r;
            }
            if (scalar) {
                out += pythonText(*scalar);
                r.changed = true;
            } else {
                out += QStringView(text).mid(i, end - i + 1);
                r.complete = false;
            }
            i = end + 1;
        }
        r.value = Value::string(out);
        return r;
    }

    /// The node an interpolation's body names, when it names one (not a resolver call).
    std::optional<Target> findTarget(QString body, const std::vector<int> &chain, int depth) {
        if (depth > kMaxDepth) return std::nullopt; // `${${${...}}}` nested past reason
        if (hasInterpolation(body)) {               // `${a.${b}}`: the inner one names the key
            const Resolved inner = resolveText(body, chain, depth + 1);
            if (!inner.complete || inner.container >= 0) return std::nullopt;
            body = pythonText(inner.value);
        }
        body = body.trimmed();
        if (body.contains(u':')) return std::nullopt; // a resolver: `now:`, `oc.env:`, `hydra:`
        qsizetype dots = 0;
        while (dots < body.size() && body[dots] == u'.')
            ++dots;
        const std::optional<QStringList> segments = pathSegments(body.mid(dots));
        if (!segments) return std::nullopt;
        Target t;
        if (dots == 0) {
            t.node = m_doc.root;
        } else {
            // One dot is the container of the interpolating value, each further dot one up.
            if (std::size_t(dots) > chain.size()) return std::nullopt;
            t.chain.assign(chain.begin(), chain.end() - qsizetype(dots));
            t.node = chain[chain.size() - std::size_t(dots)];
        }
        for (const QString &segment : *segments) {
            const DocNode &n = m_doc.node(t.node);
            int next = -1;
            if (n.kind == DocNode::Kind::Map) {
                for (const auto &[k, child] : n.members)
                    if (k == segment) next = child;
            } else if (n.kind == DocNode::Kind::Seq) {
                bool ok = false;
                const int index = segment.toInt(&ok);
                if (ok && index >= 0 && std::size_t(index) < n.items.size())
                    next = n.items[std::size_t(index)];
            }
            if (next < 0) return std::nullopt;
            t.chain.push_back(t.node);
            t.node = next;
        }
        return t;
    }

    enum class Reach { No, Yes, Unknown };

    /// Whether `to` can be reached from `from` through the document as it is now; Unknown when
    /// the visit budget has run out.
    Reach reaches(int from, int to) {
        std::vector<int> stack{from};
        std::vector<bool> seen(m_doc.nodes.size(), false);
        while (!stack.empty()) {
            const int n = stack.back();
            stack.pop_back();
            if (n == to) return Reach::Yes;
            if (++m_visits > kMaxVisits) return Reach::Unknown;
            if (seen[std::size_t(n)]) continue;
            seen[std::size_t(n)] = true;
            const DocNode &node = m_doc.node(n);
            for (const auto &m : node.members)
                stack.push_back(m.second);
            for (int item : node.items)
                stack.push_back(item);
        }
        return Reach::No;
    }

    /// Puts a result into the document: a new scalar, or the parent's reference to a container.
    void apply(const Occurrence &o, const Resolved &r) {
        if (!r.changed) return;
        if (r.container < 0) {
            m_doc.nodes[std::size_t(o.node)].value = r.value;
            return;
        }
        const QString &text = m_doc.node(o.node).value.rawText();
        switch (reaches(r.container, o.parent)) {
        case Reach::Yes:
            warn(o.node,
                 u"\"%1\" would copy a mapping into itself (a cycle); kept as written"_s.arg(text));
            return;
        case Reach::Unknown:
            warn(
                o.node,
                u"too many interpolated mappings to check \"%1\" for cycles; kept as written"_s.arg(
                    text));
            return;
        case Reach::No:
            break;
        }
        DocNode &parent = m_doc.nodes[std::size_t(o.parent)];
        if (parent.kind == DocNode::Kind::Map)
            parent.members[o.slot].second = r.container;
        else
            parent.items[o.slot] = r.container;
    }

    Doc &m_doc;
    RunRecord &m_run;
    const QString &m_file;
    std::vector<bool> m_visited;
    std::vector<Occurrence> m_occurrences;
    QHash<int, Resolved> m_memo;
    QSet<int> m_inProgress;
    QSet<int> m_reported;
    long long m_visits = 0;
};

} // namespace

void resolveInterpolations(Doc &doc, RunRecord &run, const QString &file) {
    Resolver(doc, run, file).resolveAll();
}

} // namespace runlens
