// YAML half of docparser.h: yaml-cpp events -> Doc.
#include "docparser.h"
#include "scalars.h"
#include "yamlfast.h"

#include "run/flatten.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <QHash>

#include <sstream>
#include <unordered_map>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

struct TooManyNodes {};

/// Builds the Doc from parser events. Containers open as frames; a finished node is attached
/// to the frame below it (as a sequence item, a mapping key, or a mapping value).
class DocBuilder final : public YAML::EventHandler {
public:
    DocBuilder(Doc &doc, RunRecord &run, const QString &file, const ParseLimits &limits)
        : m_doc(doc)
        , m_run(run)
        , m_file(file)
        , m_limits(limits) {}

    void OnDocumentStart(const YAML::Mark &) override {}
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override {
        if (m_skip) return;
        const int n = newNode(DocNode::Kind::Scalar, mark);
        m_doc.nodes[std::size_t(n)].value = Value::null();
        setAnchor(anchor, n);
        attach(n, u"null"_s);
    }

    void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override {
        if (m_skip) return;
        const auto it = m_anchors.find(anchor);
        int target = it == m_anchors.end() ? -1 : it->second;
        bool open = false;
        for (const Frame &f : m_stack)
            open = open || f.node == target;
        if (target < 0 || open) {
            m_run.addIssue(
                Issue::Severity::Error, m_file, int(mark.line) + 1, int(mark.column) + 1,
                target < 0 ? u"alias to an unknown anchor; read as null"_s
                           : u"alias refers to a node that contains it (a cycle); read as null"_s);
            target = newNode(DocNode::Kind::Scalar, mark);
            m_doc.nodes[std::size_t(target)].value = Value::null();
        }
        attach(target, {});
    }

    void OnScalar(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t anchor,
                  const std::string &value) override {
        if (m_skip) return;
        const int n = newNode(DocNode::Kind::Scalar, mark);
        m_doc.nodes[std::size_t(n)].value = typed(tag, value);
        setAnchor(anchor, n);
        attach(n, QString::fromStdString(value));
    }

    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override {
        open(DocNode::Kind::Seq, mark, anchor);
    }
    void OnSequenceEnd() override { close(); }

    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override {
        open(DocNode::Kind::Map, mark, anchor);
    }
    void OnMapEnd() override { close(); }

    /// After a syntax error: keep the containers opened so far, as far as they were read.
    void salvage() {
        if (m_doc.root < 0 && !m_stack.empty()) m_doc.root = m_stack.front().node;
    }

private:
    struct Frame {
        int node;
        bool expectKey = true; // maps only
        bool keyIsComplex = false;
        QString pendingKey;
        int keyLine = 0;
    };

    Value typed(const std::string &tag, const std::string &value) const {
        // yaml-cpp tags quoted scalars "!" and plain untagged ones "?".
        if (tag == "?") return resolvePlainScalar(value);
        const QString text = QString::fromStdString(value);
        if (tag == "!" || tag.ends_with(":str") || tag.ends_with(":binary") ||
            tag.ends_with("/str"))
            return Value::string(text);
        if (tag.ends_with(":int") || tag.ends_with(":float") || tag.ends_with(":bool") ||
            tag.ends_with(":null")) {
            const Value v = resolvePlainScalar(value);
            return v.type() == Value::Type::String ? Value::string(text) : v;
        }
        // PyYAML's `!!python/name:numpy.ndarray ''`: the tag names the value, the text is empty.
        if (const auto at = tag.find("python/name:"); value.empty() && at != std::string::npos)
            return Value::string(QString::fromStdString(tag.substr(at + 12)));
        // Other tags (!!python/..., custom ones): the plain reading of the text.
        return resolvePlainScalar(value);
    }

    int newNode(DocNode::Kind kind, const YAML::Mark &mark) {
        if (qsizetype(m_doc.nodes.size()) >= m_limits.maxNodes) throw TooManyNodes{};
        DocNode node;
        node.kind = kind;
        node.line = int(mark.line) + 1;
        node.column = int(mark.column) + 1;
        m_doc.nodes.push_back(std::move(node));
        return int(m_doc.nodes.size()) - 1;
    }

    void setAnchor(YAML::anchor_t anchor, int node) {
        if (anchor != YAML::NullAnchor) m_anchors[anchor] = node;
    }

    void open(DocNode::Kind kind, const YAML::Mark &mark, YAML::anchor_t anchor) {
        if (m_skip || int(m_stack.size()) >= m_limits.maxDepth) {
            if (m_skip++ == 0) {
                m_skipMark = mark;
                if (!m_reportedDepth) {
                    m_reportedDepth = true;
                    m_run.addIssue(
                        Issue::Severity::Error, m_file, int(mark.line) + 1, int(mark.column) + 1,
                        u"nesting deeper than %1 levels; the deeper part is read as null"_s.arg(
                            m_limits.maxDepth));
                }
            }
            return;
        }
        const int n = newNode(kind, mark);
        setAnchor(anchor, n);
        m_stack.push_back(Frame{n, true, false, {}, 0});
    }

    void close() {
        if (m_skip) {
            if (--m_skip == 0) {
                const int n = newNode(DocNode::Kind::Scalar, m_skipMark);
                m_doc.nodes[std::size_t(n)].value = Value::null();
                attach(n, u"null"_s);
            }
            return;
        }
        const Frame f = m_stack.back();
        m_stack.pop_back();
        attach(f.node, {});
    }

    /// Attaches a finished node to the open container; `keyText` is its text should it be a key.
    void attach(int node, const QString &keyText) {
        if (m_stack.empty()) {
            if (m_doc.root < 0) m_doc.root = node;
            return;
        }
        Frame &top = m_stack.back();
        DocNode &parent = m_doc.nodes[std::size_t(top.node)];
        if (parent.kind == DocNode::Kind::Seq) {
            parent.items.push_back(node);
            return;
        }
        if (top.expectKey) {
            const DocNode &k = m_doc.nodes[std::size_t(node)];
            if (k.kind == DocNode::Kind::Scalar) {
                top.pendingKey = keyText.isNull() ? k.value.displayText() : keyText;
            } else {
                // A sequence or mapping used as a key: its JSON text names the key.
                QString json;
                Flattener().toJson(m_doc, node, json);
                top.pendingKey = json;
            }
            top.keyLine = k.line;
            top.expectKey = false;
            return;
        }
        top.expectKey = true;
        if (const int old = m_doc.setMember(top.node, top.pendingKey, node); old >= 0) {
            m_run.addIssue(
                Issue::Severity::Warning, m_file, top.keyLine, 0,
                u"duplicate key '%1' (first at line %2); the later value is used"_s.arg(openPath())
                    .arg(m_doc.nodes[std::size_t(old)].line));
        }
    }

    /// Dotted path of the key being read in the innermost mapping (`optimizer.name`), so an
    /// issue names the key the user knows, not only its last segment.
    QString openPath() const {
        QStringList segments;
        for (const Frame &f : m_stack) {
            const DocNode &n = m_doc.nodes[std::size_t(f.node)];
            segments << (n.kind == DocNode::Kind::Seq ? QString::number(n.items.size())
                                                      : f.pendingKey);
        }
        return Key(segments).display();
    }

    Doc &m_doc;
    RunRecord &m_run;
    const QString &m_file;
    const ParseLimits &m_limits;
    std::vector<Frame> m_stack;
    std::unordered_map<YAML::anchor_t, int> m_anchors;
    int m_skip = 0;
    YAML::Mark m_skipMark;
    bool m_reportedDepth = false;
};

} // namespace

bool parseYaml(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
               const ParseLimits &limits) {
    if (parseYamlFast(bytes, doc, run, file, limits)) return true;
    return parseYamlEvents(bytes, doc, run, file, limits);
}

bool parseYamlEvents(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
                     const ParseLimits &limits) {
    std::istringstream in(std::string(bytes.constData(), std::size_t(bytes.size())));
    DocBuilder builder(doc, run, file, limits);
    try {
        YAML::Parser parser(in);
        parser.HandleNextDocument(builder);
    } catch (const YAML::DeepRecursion &e) {
        // Caught by type: yaml-cpp's own message for it is a misleading "bad file".
        run.addIssue(
            Issue::Severity::Error, file, e.mark.is_null() ? 0 : e.mark.line + 1,
            e.mark.is_null() ? 0 : e.mark.column + 1,
            u"nesting too deep (over %1 levels, the YAML parser's limit); the rest of the file is not read"_s
                .arg(e.depth()));
        builder.salvage();
        return !doc.isEmpty();
    } catch (const YAML::Exception &e) {
        run.addIssue(Issue::Severity::Error, file, e.mark.is_null() ? 0 : e.mark.line + 1,
                     e.mark.is_null() ? 0 : e.mark.column + 1,
                     u"YAML syntax error: %1"_s.arg(QString::fromStdString(e.msg)));
        builder.salvage();
        if (!doc.isEmpty())
            run.addIssue(Issue::Severity::Warning, file, 0, 0,
                         u"the values read before the syntax error are kept"_s);
        return !doc.isEmpty();
    } catch (const TooManyNodes &) {
        run.addIssue(Issue::Severity::Error, file, 0, 0,
                     u"more than %1 YAML nodes; the file is not read"_s.arg(limits.maxNodes));
        doc = Doc{};
        return false;
    } catch (const std::bad_alloc &) {
        run.addIssue(Issue::Severity::Error, file, 0, 0,
                     u"out of memory while parsing; the file is not read"_s);
        doc = Doc{};
        return false;
    }
    return !doc.isEmpty(); // empty, or comments only
}

} // namespace runlens
