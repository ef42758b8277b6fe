// Line-based parser for the YAML subset in yamlfast.h. Mirrors the event order of yaml-cpp and
// yamlparser.cpp's DocBuilder: a container's node, then per entry the key's node and the value's.
#include "yamlfast.h"
#include "scalars.h"

#include "run/key.h"

#include <QStringList>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <string_view>
#include <vector>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

struct Decline {};

/// A line with content (neither blank nor only a comment): 1-based number, indentation, and the
/// byte range of its content without indentation, trailing spaces and line break.
struct Line {
    int no;
    int indent;
    int begin;
    int end;
};

constexpr int kHardDepth = 256; // recursion bound, whatever the limits say
constexpr int kMaxKeyBytes = 1000;

class FastParser {
public:
    FastParser(const QByteArray &bytes, Doc &doc, const ParseLimits &limits)
        : m_d(bytes.constData())
        , m_size(int(bytes.size()))
        , m_doc(doc)
        , m_limits(limits) {}

    void parse() {
        scanLines();
        if (m_lines.empty()) decline();
        m_doc.nodes.reserve(m_lines.size() * 2 + 4);
        const Line &first = m_lines.front();
        m_end = first.end;
        int root = -1;
        if (isDash(first.begin) || keyColon(first.begin) >= 0) {
            root = isDash(first.begin) ? parseSeq(first.begin) : parseMap(first.begin);
        } else { // a one-line document: `{}`, `[]`, a scalar
            root = inlineValue(first.begin);
            ++m_li;
        }
        if (m_li != m_lines.size()) decline();
        m_doc.root = root;
    }

    std::vector<std::pair<int, QString>> warnings; ///< duplicate keys: line, message

private:
    struct Frame {
        int node;
        const QString *key; // maps: the key whose value is being read
    };

    [[noreturn]] static void decline() { throw Decline{}; }
    char at(int p) const { return p < m_end ? m_d[p] : '\0'; } // NUL never occurs in the input
    int skipSpaces(int p) const {
        while (p < m_end && m_d[p] == ' ')
            ++p;
        return p;
    }
    int column(int p) const { return p - m_lines[m_li].begin + m_lines[m_li].indent + 1; }
    int lineNo() const { return m_lines[m_li].no; }
    bool isDash(int p) const { return m_d[p] == '-' && (p + 1 == m_end || m_d[p + 1] == ' '); }
    void enterLine() { m_end = m_li < m_lines.size() ? m_lines[m_li].end : 0; }

    /// Splits the input into content lines; declines on bytes and markers outside the subset.
    void scanLines() {
        int no = 1, lineStart = 0;
        bool docStart = false;
        for (int i = 0; i < m_size;) {
            const int start = i;
            while (i < m_size && m_d[i] == ' ')
                ++i;
            const int begin = i;
            int end = -1;
            for (; i < m_size && m_d[i] != '\n'; ++i) {
                const auto c = static_cast<unsigned char>(m_d[i]);
                if (c >= 0x20 && c != 0x7f) continue;
                if (c != '\r' || i + 1 >= m_size || m_d[i + 1] != '\n')
                    decline(); // tabs, control characters, a lone CR
                end = i;
            }
            if (end < 0) end = i;
            while (end > begin && m_d[end - 1] == ' ')
                --end;
            if (end > begin && m_d[begin] != '#') {
                const int len = end - begin;
                const bool marker = len >= 3 &&
                                    (std::memcmp(m_d + begin, "---", 3) == 0 ||
                                     std::memcmp(m_d + begin, "...", 3) == 0) &&
                                    (len == 3 || m_d[begin + 3] == ' ');
                if (begin == start && (marker || m_d[begin] == '%')) {
                    if (!m_lines.empty() || docStart || len != 3 || m_d[begin] != '-')
                        decline(); // directives, document end, a second document
                    docStart = true;
                } else {
                    m_lines.push_back(Line{no, begin - start, begin, end});
                }
            }
            if (i++ < m_size) {
                ++no;
                lineStart = i;
            }
        }
        m_eofLine = no;
        m_eofColumn = m_size - lineStart;
    }

    int newNode(DocNode::Kind kind, int line, int col, Value v = {}) {
        if (qsizetype(m_doc.nodes.size()) >= m_limits.maxNodes)
            decline(); // yaml-cpp's path reports it
        DocNode &n = m_doc.nodes.emplace_back();
        n.kind = kind;
        n.line = line;
        n.column = col;
        n.value = std::move(v);
        return int(m_doc.nodes.size()) - 1;
    }
    int scalar(int line, int col, Value v) {
        return newNode(DocNode::Kind::Scalar, line, col, std::move(v));
    }
    int open(DocNode::Kind kind, int line, int col) {
        if (int(m_stack.size()) >= m_limits.maxDepth || int(m_stack.size()) >= kHardDepth)
            decline(); // yaml-cpp's path cuts it off with an issue
        const int n = newNode(kind, line, col);
        m_stack.push_back(Frame{n, nullptr});
        return n;
    }
    void close() { m_stack.pop_back(); }
    void addItem(int seq, int item) { m_doc.nodes[std::size_t(seq)].items.push_back(item); }

    /// A plain scalar's node as yaml-cpp reports it: `~` and the null words as null, else typed.
    int plain(int from, int to, int col, QString *keyText) {
        const std::string_view t(m_d + from, std::size_t(to - from));
        if (t == "~" || t == "null" || t == "Null" || t == "NULL") {
            if (keyText) *keyText = u"null"_s;
            return scalar(lineNo(), col, Value::null());
        }
        Value v = resolvePlainScalar(t);
        if (keyText) // a string's text is the key's: share it
            *keyText = v.type() == Value::Type::String
                           ? v.rawText()
                           : QString::fromUtf8(t.data(), qsizetype(t.size()));
        return scalar(lineNo(), col, std::move(v));
    }

    /// Whether a plain scalar may start at p (no indicator that would make it something else).
    bool plainStart(int p, bool flow) const {
        const char c = at(p);
        const char n = at(p + 1);
        if (c == '\0' || std::strchr(",[]{}#&*!|>'\"%@`?:", c)) return false;
        return c != '-' || !(n == '\0' || n == ' ' || (flow && (n == ',' || n == ']')));
    }

    /// The end of a one-line quoted scalar starting at p (just past the closing quote); its text
    /// into `out` when given. Declines on unclosed quotes and unsupported escapes.
    int quoted(int p, QString *out) const {
        const char quote = m_d[p];
        QString text;
        int run = ++p;
        const auto flush = [&](int to) {
            if (out) text += QString::fromUtf8(m_d + run, to - run);
        };
        for (;; ++p) {
            if (p >= m_end) decline();
            if (m_d[p] == quote && quote == '\'' && at(p + 1) == '\'') {
                flush(++p); // keeps one quote
                run = p + 1;
            } else if (m_d[p] == quote) {
                flush(p);
                if (out) *out = std::move(text);
                return p + 1;
            } else if (m_d[p] == '\\' && quote == '"') {
                flush(p);
                text += escape(p);
                run = p + 1;
            }
        }
    }

    /// The character of the escape at p (a backslash); moves p to the escape's last byte.
    char16_t escape(int &p) const {
        const char e = at(p + 1);
        const std::size_t simple =
            e ? std::string_view("\\\"/ntr0").find(e) : std::string_view::npos;
        if (simple != std::string_view::npos) {
            p += 1;
            return u"\\\"/\n\t\r\0"[simple];
        }
        unsigned cp = 0;
        if (e != 'u' ||
            std::from_chars(m_d + p + 2, m_d + std::min(p + 6, m_end), cp, 16).ptr != m_d + p + 6 ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            decline(); // other escapes, surrogates
        p += 5;
        return char16_t(cp);
    }

    /// The position of the `:` ending a mapping key that starts at p, or -1 if none does.
    int keyColon(int p) const {
        int q = p;
        if (at(p) == '"' || at(p) == '\'') {
            q = quoted(p, nullptr);
        } else {
            if (!plainStart(p, false)) return -1;
            while (q < m_end && !(m_d[q] == ':' && (q + 1 == m_end || m_d[q + 1] == ' '))) {
                if (m_d[q] == '#' && m_d[q - 1] == ' ') return -1;
                ++q;
            }
            if (q == m_end || m_d[q - 1] == ' ') return -1;
        }
        return at(q) == ':' && (q + 1 == m_end || m_d[q + 1] == ' ') && q - p <= kMaxKeyBytes ? q
                                                                                              : -1;
    }

    /// The scalar, flow sequence or `{}` at p, in a flow sequence or not: its node into `node`;
    /// returns the position after it (in block context a plain scalar takes the line).
    int value(int p, bool flow, int &node) {
        const char c = at(p);
        const int col = column(p);
        if (c == '[') return flowSeq(p, node);
        if (c == '{') {
            if (at(p + 1) != '}') decline(); // flow mappings other than {}
            node = open(DocNode::Kind::Map, lineNo(), col);
            close();
            return p + 2;
        }
        if (c == '"' || c == '\'') {
            QString text;
            p = quoted(p, &text);
            node = scalar(lineNo(), col, Value::string(text));
            return p;
        }
        if (!plainStart(p, flow)) decline();
        int q = p, last = p;
        for (; q < m_end; ++q) {
            const char ch = m_d[q];
            if (flow ? ch == ',' || ch == ']' : ch == '#' && m_d[q - 1] == ' ') break;
            const bool indicator = flow ? std::strchr(":?#{}[\"'", ch) != nullptr
                                        : ch == ':' && (q + 1 == m_end || m_d[q + 1] == ' ');
            if (indicator) decline(); // in block context a nested mapping on one line: not YAML
            if (ch != ' ') last = q + 1;
        }
        node = plain(p, last, col, nullptr);
        return flow ? q : m_end;
    }

    /// A value written on the key's or dash's line, then nothing but a comment.
    int inlineValue(int p) {
        int node = -1;
        const int end = value(p, false, node);
        const int q = skipSpaces(end);
        if (q < m_end && (q == end || m_d[q] != '#')) decline();
        return node;
    }

    /// A one-line flow sequence at p of scalars, flow sequences and `{}`; returns its end.
    int flowSeq(int p, int &node) {
        node = open(DocNode::Kind::Seq, lineNo(), column(p));
        p = skipSpaces(p + 1);
        while (at(p) != ']') {
            int item = -1;
            p = skipSpaces(value(p, true, item));
            addItem(node, item);
            if (at(p) != ',') break;
            p = skipSpaces(p + 1);
            if (at(p) == ']') decline(); // a trailing comma
        }
        if (at(p) != ']') decline();
        close();
        return p + 1;
    }

    /// The node below a `key:` or `-` with nothing after it: a more indented block, for a key
    /// also a sequence at the key's own indentation, else null at the next token.
    int below(int col, bool mapValue) {
        enterLine();
        if (m_li == m_lines.size()) {
            // yaml-cpp ends the innermost block at the last line's end when it is indented
            // deeper (a sequence: as deep) than that end; else at the start of that line.
            const bool popped = col - 1 > m_eofColumn || (!mapValue && col - 1 == m_eofColumn);
            return scalar(m_eofLine, popped ? m_eofColumn + 1 : 1, Value::null());
        }
        const Line &n = m_lines[m_li];
        if (n.indent + 1 > col && (isDash(n.begin) || keyColon(n.begin) >= 0))
            return isDash(n.begin) ? parseSeq(n.begin) : parseMap(n.begin);
        if (n.indent + 1 > col) { // a one-line value on the next line (PyYAML wraps long ones so)
            const int v = inlineValue(n.begin);
            ++m_li;
            return v;
        }
        if (mapValue && n.indent + 1 == col && isDash(n.begin)) return parseSeq(n.begin);
        return scalar(n.no, n.indent + 1, Value::null());
    }

    /// A block mapping whose first key starts at p on the current line.
    int parseMap(int p) {
        const int col = column(p);
        const int map = open(DocNode::Kind::Map, lineNo(), col);
        for (;;) {
            QString key;
            const int keyLine = lineNo();
            const int colon = keyColon(p);
            if (colon < 0) decline();
            if (m_d[p] == '"' || m_d[p] == '\'') {
                quoted(p, &key);
                scalar(keyLine, col, Value::string(key));
            } else {
                plain(p, colon, col, &key);
            }
            m_stack.back().key = &key;
            const int v = skipSpaces(colon + 1);
            int value;
            if (v == m_end || m_d[v] == '#') {
                ++m_li;
                value = below(col, true);
            } else {
                value = inlineValue(v);
                ++m_li;
            }
            addMember(map, std::move(key), keyLine, value);
            enterLine();
            if (m_li == m_lines.size() || m_lines[m_li].indent + 1 < col) break;
            if (m_lines[m_li].indent + 1 > col || isDash(m_lines[m_li].begin)) decline();
            p = m_lines[m_li].begin;
        }
        close();
        return map;
    }

    /// A block sequence whose first dash is at p on the current line (after another dash for
    /// PyYAML's nested lists, `- - x`).
    int parseSeq(int dash) {
        const int col = column(dash);
        const int seq = open(DocNode::Kind::Seq, lineNo(), col);
        for (;;) {
            const int p = skipSpaces(dash + 1);
            int item;
            if (p == m_end || m_d[p] == '#') {
                ++m_li;
                item = below(col, false);
            } else if (isDash(p)) {
                item = parseSeq(p);
            } else if (keyColon(p) >= 0) {
                item = parseMap(p);
            } else {
                item = inlineValue(p);
                ++m_li;
            }
            addItem(seq, item);
            enterLine();
            if (m_li == m_lines.size()) break;
            const Line &n = m_lines[m_li];
            if (n.indent + 1 < col || (n.indent + 1 == col && !isDash(n.begin)))
                break; // a more outdented line, or the key after a sequence at its key's
                       // indentation
            if (n.indent + 1 > col) decline();
            dash = n.begin;
        }
        close();
        return seq;
    }

    /// Adds key: value to a mapping; a repeated key keeps the later value with a warning.
    void addMember(int map, QString &&key, int keyLine, int value) {
        if (const int old = m_doc.setMember(map, key, value); old >= 0) {
            QStringList path;
            for (const Frame &f : m_stack) {
                const DocNode &n = m_doc.nodes[std::size_t(f.node)];
                path << (n.kind == DocNode::Kind::Seq ? QString::number(n.items.size()) : *f.key);
            }
            warnings.emplace_back(
                keyLine, u"duplicate key '%1' (first at line %2); the later value is used"_s
                             .arg(Key(path).display())
                             .arg(m_doc.nodes[std::size_t(old)].line));
        }
    }

    const char *m_d;
    int m_size;
    Doc &m_doc;
    const ParseLimits &m_limits;
    std::vector<Line> m_lines;
    std::size_t m_li = 0; // current line
    int m_end = 0;        // its content's end
    int m_eofLine = 1;
    int m_eofColumn = 0; // bytes after the last line break
    std::vector<Frame> m_stack;
};

} // namespace

bool parseYamlFast(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
                   const ParseLimits &limits) {
    if (!doc.nodes.empty() || doc.root >= 0 || bytes.size() > (1 << 30) ||
        bytes.startsWith("\xEF\xBB\xBF") || !bytes.isValidUtf8())
        return false;
    FastParser parser(bytes, doc, limits);
    try {
        parser.parse();
    } catch (const Decline &) {
        doc = Doc{};
        return false;
    } catch (const std::bad_alloc &) {
        doc = Doc{};
        return false;
    }
    for (const auto &[line, message] : parser.warnings)
        run.addIssue(Issue::Severity::Warning, file, line, 0, message);
    return true;
}

} // namespace runlens
