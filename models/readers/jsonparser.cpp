// JSON half of docparser.h: RapidJSON SAX events -> Doc.
#include "docparser.h"
#include "scalars.h"
#include "textfile.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

struct Frame {
    int node;
    QString pendingKey;
    int keyOffset = 0;
};

/// RapidJSON handler building the Doc. Positions come from the input stream's offset.
class JsonBuilder : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, JsonBuilder> {
public:
    JsonBuilder(Doc &doc, RunRecord &run, const QString &file, const QByteArray &bytes,
                const rapidjson::StringStream &stream, const ParseLimits &limits)
        : m_doc(doc)
        , m_run(run)
        , m_file(file)
        , m_bytes(bytes)
        , m_stream(stream)
        , m_limits(limits) {}

    bool Null() { return dropScalar() || scalar(Value::null()); }
    bool Bool(bool b) { return dropScalar() || scalar(Value::boolean(b)); }
    bool RawNumber(const char *s, rapidjson::SizeType len, bool) {
        if (dropScalar()) return true;
        Value v = parseNumber(std::string_view(s, len));
        if (v.isMissing()) v = Value::string(QString::fromUtf8(s, qsizetype(len)));
        return scalar(std::move(v));
    }
    bool String(const char *s, rapidjson::SizeType len, bool) {
        if (dropScalar()) return true;
        return scalar(Value::string(QString::fromUtf8(s, qsizetype(len))));
    }
    bool Key(const char *s, rapidjson::SizeType len, bool) {
        if (m_skip || m_ignore) return true;
        Frame &f = m_stack.back();
        f.pendingKey = QString::fromUtf8(s, qsizetype(len));
        if (m_stack.size() == 1 && m_limits.onlyTopLevelKeys && !m_limits.onlyTopLevelKeys->contains(f.pendingKey))
            m_ignoreNext = true;
        f.keyOffset = int(m_stream.Tell());
        return true;
    }
    bool StartObject() { return open(DocNode::Kind::Map); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool StartArray() { return open(DocNode::Kind::Seq); }
    bool EndArray(rapidjson::SizeType) { return close(); }

    bool tooManyNodes = false;

    void salvage() {
        if (m_doc.root < 0 && !m_stack.empty()) m_doc.root = m_stack.front().node;
    }

private:
    int newNode(DocNode::Kind kind) {
        if (qsizetype(m_doc.nodes.size()) >= m_limits.maxNodes) {
            tooManyNodes = true;
            return -1;
        }
        DocNode node;
        node.kind = kind;
        m_doc.nodes.push_back(std::move(node));
        return int(m_doc.nodes.size()) - 1;
    }

    /// Whether a scalar belongs to a skipped member (then it is not even converted).
    bool dropScalar() {
        if (m_ignore) return true;
        if (m_ignoreNext) {
            m_ignoreNext = false;
            return true;
        }
        return false;
    }

    bool scalar(Value v) {
        if (m_skip) return true;
        const int n = newNode(DocNode::Kind::Scalar);
        if (n < 0) return false;
        m_doc.nodes[std::size_t(n)].value = std::move(v);
        attach(n);
        return true;
    }

    bool open(DocNode::Kind kind) {
        if (m_ignore || m_ignoreNext) {
            m_ignoreNext = false;
            ++m_ignore;
            return true;
        }
        if (m_skip || int(m_stack.size()) >= m_limits.maxDepth) {
            if (m_skip++ == 0 && !m_reportedDepth) {
                m_reportedDepth = true;
                const auto [line, column] = lineColumnAt(m_bytes, qsizetype(m_stream.Tell()));
                m_run.addIssue(
                    Issue::Severity::Error, m_file, line, column,
                    u"nesting deeper than %1 levels; the deeper part is read as null"_s.arg(
                        m_limits.maxDepth));
            }
            return true;
        }
        const int n = newNode(kind);
        if (n < 0) return false;
        m_stack.push_back(Frame{n, {}, 0});
        return true;
    }

    bool close() {
        if (m_ignore) {
            --m_ignore;
            return true;
        }
        if (m_skip) {
            if (--m_skip == 0) return scalar(Value::null());
            return true;
        }
        const int n = m_stack.back().node;
        m_stack.pop_back();
        attach(n);
        return true;
    }

    void attach(int node) {
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
        if (m_doc.setMember(top.node, top.pendingKey, node) >= 0) {
            // Positions cost a scan of the file, so only the first few duplicates get one.
            if (++m_duplicates <= kReportedDuplicates) {
                const auto [line, column] = lineColumnAt(m_bytes, top.keyOffset);
                m_run.addIssue(
                    Issue::Severity::Warning, m_file, line, column,
                    u"duplicate key '%1'; the later value is used"_s.arg(top.pendingKey));
            }
        }
    }

public:
    /// After parsing: one issue for the duplicates beyond those reported one by one.
    void reportRemainingDuplicates() {
        if (m_duplicates > kReportedDuplicates)
            m_run.addIssue(Issue::Severity::Warning, m_file, 0, 0,
                           u"%1 more duplicate keys; the later values are used"_s.arg(
                               m_duplicates - kReportedDuplicates));
    }

private:
    static constexpr int kReportedDuplicates = 20;
    int m_duplicates = 0;

    Doc &m_doc;
    RunRecord &m_run;
    const QString &m_file;
    const QByteArray &m_bytes;
    const rapidjson::StringStream &m_stream;
    const ParseLimits &m_limits;
    std::vector<Frame> m_stack;
    int m_skip = 0;
    int m_ignore = 0;          ///< depth inside a skipped top-level member
    bool m_ignoreNext = false; ///< the next value belongs to a skipped top-level member
    bool m_reportedDepth = false;
};

} // namespace

bool parseJson(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
               const ParseLimits &limits) {
    rapidjson::StringStream stream(bytes.constData());
    // Room for the values of a typical file at once: growing the arena step by step costs
    // allocations of kilobytes, each of which makes malloc sweep its free lists.
    doc.nodes.reserve(std::size_t(std::min<qsizetype>(bytes.size() / 16 + 4, 4096)));
    JsonBuilder builder(doc, run, file, bytes, stream, limits);
    rapidjson::Reader reader;
    constexpr unsigned flags = rapidjson::kParseNanAndInfFlag |
                               rapidjson::kParseNumbersAsStringsFlag |
                               rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;
    const rapidjson::ParseResult result = reader.Parse<flags>(stream, builder);
    builder.reportRemainingDuplicates();
    if (result.IsError()) {
        if (builder.tooManyNodes) {
            run.addIssue(Issue::Severity::Error, file, 0, 0,
                         u"more than %1 JSON values; the file is not read"_s.arg(limits.maxNodes));
            doc = Doc{};
            return false;
        }
        const qsizetype offset = qsizetype(result.Offset());
        const auto [line, column] = lineColumnAt(bytes, offset);
        const bool truncated = offset >= bytes.size() - (bytes.endsWith('\n') ? 1 : 0);
        builder.salvage();
        doc.truncated = truncated;
        QString message = truncated
                              ? u"JSON ends early (the file is truncated, or still being written)"_s
                              : u"JSON syntax error: %1"_s.arg(
                                    QString::fromUtf8(rapidjson::GetParseError_En(result.Code())));
        if (!doc.isEmpty()) message += u"; the values before it are kept"_s;
        run.addIssue(truncated ? Issue::Severity::Warning : Issue::Severity::Error, file, line,
                     column, message);
        return !doc.isEmpty();
    }
    // Anything but white space after the value is an error too.
    qsizetype rest = qsizetype(stream.Tell());
    while (rest < bytes.size() && QChar::isSpace(uchar(bytes[rest])))
        ++rest;
    if (rest < bytes.size()) {
        const auto [line, column] = lineColumnAt(bytes, rest);
        run.addIssue(Issue::Severity::Warning, file, line, column,
                     u"text after the JSON value is ignored"_s);
    }
    return true;
}

} // namespace runlens
