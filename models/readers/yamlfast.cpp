// Line-based parser for the YAML subset in yamlfast.h. Mirrors the event order of yaml-cpp and
// yamlparser.cpp's DocBuilder: a container's node, then per entry the key's node and the value's.
#include "yamlfast.h"
#include "scalars.h"

#include "run/key.h"

#include <QStringList>

#include <cstring>
#include <string>
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
        : m_d(bytes.constData()), m_size(int(bytes.size())), m_doc(doc), m_limits(limits)
    {
    }

    void parse()
    {
        scanLines();
        if (m_lines.empty())
            decline();
        m_doc.nodes.reserve(m_lines.size() * 2 + 4);
        const Line &first = m_lines.front();
        m_end = first.end;
        const int root = isDash(first.begin) ? parseSeq() : parseMap(first.begin);
        if (m_li != m_lines.size())
            decline();
        m_doc.root = root;
    }

    std::vector<std::pair<int, QString>> warnings; ///< duplicate keys: line, message

private:
    struct Frame {
        int node;
        QString key; // maps: the key whose value is being read
    };

    [[noreturn]] static void decline() { throw Decline{}; }
    char at(int p) const { return p < m_end ? m_d[p] : '\0'; } // NUL never occurs in the input
    int skipSpaces(int p) const
    {
        while (p < m_end && m_d[p] == ' ')
            ++p;
        return p;
    }
    int column(int p) const { return p - m_lines[m_li].begin + m_lines[m_li].indent + 1; }
    int lineNo() const { return m_lines[m_li].no; }
    bool isDash(int p) const { return m_d[p] == '-' && (p + 1 == m_end || m_d[p + 1] == ' '); }
    void enterLine() { m_end = m_li < m_lines.size() ? m_lines[m_li].end : 0; }

    /// Splits the input into content lines; declines on bytes and markers outside the subset.
    void scanLines()
    {
        int no = 1;
        bool docStart = false;
        for (int i = 0; i < m_size;) {
            const int start = i;
            while (i < m_size && m_d[i] == ' ')
                ++i;
            const int begin = i;
            int end = -1;
            for (; i < m_size && m_d[i] != '\n'; ++i) {
                const auto c = static_cast<unsigned char>(m_d[i]);
                if (c >= 0x20 && c != 0x7f)
                    continue;
                if (c != '\r' || i + 1 >= m_size || m_d[i + 1] != '\n')
                    decline(); // tabs, control characters, a lone CR
                end = i;
            }
            if (end < 0)
                end = i;
            while (end > begin && m_d[end - 1] == ' ')
                --end;
            if (end > begin && m_d[begin] != '#') {
                const int len = end - begin;
                const bool marker = len >= 3 && (std::memcmp(m_d + begin, "---", 3) == 0
                                                 || std::memcmp(m_d + begin, "...", 3) == 0)
                                    && (len == 3 || m_d[begin + 3] == ' ');
                if (begin == start && (marker || m_d[begin] == '%')) {
                    if (!m_lines.empty() || docStart || len != 3 || m_d[begin] != '-')
                        decline(); // directives, document end, a second document
                    docStart = true;
                } else {
                    m_lines.push_back(Line{no, begin - start, begin, end});
                }
            }
            if (i < m_size)
                ++no;
            ++i;
        }
        m_eofLine = no;
        int lastBreak = m_size;
        while (lastBreak > 0 && m_d[lastBreak - 1] != '\n')
            --lastBreak;
        m_eofColumn = m_size - lastBreak;
    }

    int newNode(DocNode::Kind kind, int line, int col)
    {
        if (qsizetype(m_doc.nodes.size()) >= m_limits.maxNodes)
            decline(); // yaml-cpp's path reports it
        DocNode &n = m_doc.nodes.emplace_back();
        n.kind = kind;
        n.line = line;
        n.column = col;
        return int(m_doc.nodes.size()) - 1;
    }
    int scalar(int line, int col, Value v)
    {
        const int n = newNode(DocNode::Kind::Scalar, line, col);
        m_doc.nodes[std::size_t(n)].value = std::move(v);
        return n;
    }
    int open(DocNode::Kind kind, int line, int col)
    {
        if (int(m_stack.size()) >= m_limits.maxDepth || int(m_stack.size()) >= kHardDepth)
            decline(); // yaml-cpp's path cuts it off with an issue
        const int n = newNode(kind, line, col);
        m_stack.push_back(Frame{n, {}});
        return n;
    }
    void close() { m_stack.pop_back(); }
    void addItem(int seq, int item) { m_doc.nodes[std::size_t(seq)].items.push_back(item); }

    /// A plain scalar's node as yaml-cpp reports it: `~` and the null words as null, else typed.
    int plain(int from, int to, int col, QString *keyText)
    {
        const std::string_view t(m_d + from, std::size_t(to - from));
        if (t == "~" || t == "null" || t == "Null" || t == "NULL") {
            if (keyText)
                *keyText = u"null"_s;
            return scalar(lineNo(), col, Value::null());
        }
        if (keyText)
            *keyText = QString::fromUtf8(t.data(), qsizetype(t.size()));
        return scalar(lineNo(), col, resolvePlainScalar(t));
    }

    /// Whether a plain scalar may start at p (no indicator that would make it something else).
    bool plainStart(int p, bool flow) const
    {
        const char c = at(p);
        const char n = at(p + 1);
        if (c == '\0' || std::strchr(",[]{}#&*!|>'\"%@`?:", c))
            return false;
        return c != '-' || !(n == '\0' || n == ' ' || (flow && (n == ',' || n == ']')));
    }

    /// The end of a one-line quoted scalar starting at p (just past the closing quote); its text
    /// into `out` when given. Declines on unclosed quotes and unsupported escapes.
    int quoted(int p, QString *out) const
    {
        const char quote = m_d[p];
        std::string buf;
        int run = ++p;
        for (;; ++p) {
            if (p >= m_end)
                decline();
            if (m_d[p] == quote && quote == '\'' && at(p + 1) == '\'') {
                buf.append(m_d + run, std::size_t(p + 1 - run));
                run = ++p + 1;
            } else if (m_d[p] == quote) {
                if (out)
                    *out = buf.empty() ? QString::fromUtf8(m_d + run, p - run)
                                       : QString::fromStdString(buf.append(m_d + run, std::size_t(p - run)));
                return p + 1;
            } else if (m_d[p] == '\\' && quote == '"') {
                buf.append(m_d + run, std::size_t(p - run));
                p = escape(p, buf);
                run = p + 1;
            }
        }
    }

    /// Appends the escape at p (a backslash) to buf; returns its last byte's position.
    int escape(int p, std::string &buf) const
    {
        static constexpr char from[] = "\\\"/ntr0";
        static constexpr char to[] = "\\\"/\n\t\r";
        const char e = at(p + 1);
        if (const char *f = e ? std::strchr(from, e) : nullptr) {
            buf.push_back(to[f - from]); // \0 maps onto the NUL that ends `to`
            return p + 1;
        }
        if (e != 'u')
            decline();
        unsigned cp = 0;
        for (int i = p + 2; i < p + 6; ++i) {
            const char h = at(i);
            const int v = h >= '0' && h <= '9' ? h - '0'
                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                        : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (v < 0)
                decline();
            cp = cp * 16 + unsigned(v);
        }
        if (cp >= 0xD800 && cp <= 0xDFFF)
            decline();
        if (cp < 0x80) {
            buf.push_back(char(cp));
        } else if (cp < 0x800) {
            buf.push_back(char(0xC0 | (cp >> 6)));
            buf.push_back(char(0x80 | (cp & 0x3F)));
        } else {
            buf.push_back(char(0xE0 | (cp >> 12)));
            buf.push_back(char(0x80 | ((cp >> 6) & 0x3F)));
            buf.push_back(char(0x80 | (cp & 0x3F)));
        }
        return p + 5;
    }

    /// The position of the `:` ending a mapping key that starts at p, or -1 if none does.
    int keyColon(int p) const
    {
        int q = p;
        if (at(p) == '"' || at(p) == '\'') {
            q = quoted(p, nullptr);
        } else {
            if (!plainStart(p, false))
                return -1;
            while (q < m_end && !(m_d[q] == ':' && (q + 1 == m_end || m_d[q + 1] == ' '))) {
                if (m_d[q] == '#' && m_d[q - 1] == ' ')
                    return -1;
                ++q;
            }
            if (q == m_end || m_d[q - 1] == ' ')
                return -1;
        }
        return at(q) == ':' && (q + 1 == m_end || m_d[q + 1] == ' ') && q - p <= kMaxKeyBytes ? q : -1;
    }

    /// A value written on the key's or dash's line: scalar, flow sequence or `{}`, then nothing
    /// but a comment.
    int inlineValue(int p)
    {
        int node = -1;
        const char c = m_d[p];
        if (c == '[') {
            p = flowSeq(p, node);
        } else if (c == '{') {
            p = emptyMap(p, node);
        } else if (c == '"' || c == '\'') {
            QString text;
            const int col = column(p);
            p = quoted(p, &text);
            node = scalar(lineNo(), col, Value::string(text));
        } else {
            if (!plainStart(p, false))
                decline();
            int q = p, last = p;
            for (; q < m_end && !(m_d[q] == '#' && m_d[q - 1] == ' '); ++q) {
                if (m_d[q] == ':' && (q + 1 == m_end || m_d[q + 1] == ' '))
                    decline(); // a nested mapping on one line: not YAML
                if (m_d[q] != ' ')
                    last = q + 1;
            }
            return plain(p, last, column(p), nullptr);
        }
        const int q = skipSpaces(p);
        if (q < m_end && (q == p || m_d[q] != '#'))
            decline();
        return node;
    }

    int emptyMap(int p, int &node)
    {
        if (at(p + 1) != '}')
            decline(); // flow mappings other than {}
        node = open(DocNode::Kind::Map, lineNo(), column(p));
        close();
        return p + 2;
    }

    /// A one-line flow sequence at p of scalars, flow sequences and `{}`; returns the end.
    int flowSeq(int p, int &node)
    {
        node = open(DocNode::Kind::Seq, lineNo(), column(p));
        p = skipSpaces(p + 1);
        if (at(p) == ']') {
            close();
            return p + 1;
        }
        for (;;) {
            const char c = at(p);
            int item = -1;
            if (c == '[') {
                p = flowSeq(p, item);
            } else if (c == '{') {
                p = emptyMap(p, item);
            } else if (c == '"' || c == '\'') {
                QString text;
                const int col = column(p);
                p = quoted(p, &text);
                item = scalar(lineNo(), col, Value::string(text));
            } else {
                if (!plainStart(p, true))
                    decline();
                int q = p, last = p;
                for (; q < m_end && m_d[q] != ',' && m_d[q] != ']'; ++q) {
                    if (std::strchr(":?#{}[\"'", m_d[q]))
                        decline();
                    if (m_d[q] != ' ')
                        last = q + 1;
                }
                item = plain(p, last, column(p), nullptr);
                p = q;
            }
            addItem(node, item);
            p = skipSpaces(p);
            if (at(p) == ']') {
                close();
                return p + 1;
            }
            if (at(p) != ',')
                decline();
            p = skipSpaces(p + 1);
            if (at(p) == ']')
                decline(); // trailing comma
        }
    }

    /// The node below a `key:` or `-` with nothing after it: a more indented block, for a key
    /// also a sequence at the key's own indentation, else null at the next token.
    int below(int col, bool mapValue)
    {
        enterLine();
        if (m_li == m_lines.size()) {
            // yaml-cpp ends the innermost block at the last line's end when it is indented
            // deeper (a sequence: as deep) than that end; else at the start of that line.
            const bool popped = col - 1 > m_eofColumn || (!mapValue && col - 1 == m_eofColumn);
            return scalar(m_eofLine, popped ? m_eofColumn + 1 : 1, Value::null());
        }
        const Line &n = m_lines[m_li];
        if (n.indent + 1 > col)
            return isDash(n.begin) ? parseSeq() : parseMap(n.begin);
        if (mapValue && n.indent + 1 == col && isDash(n.begin))
            return parseSeq();
        return scalar(n.no, n.indent + 1, Value::null());
    }

    /// A block mapping whose first key starts at p on the current line.
    int parseMap(int p)
    {
        const int col = column(p);
        const int map = open(DocNode::Kind::Map, lineNo(), col);
        for (;;) {
            QString key;
            const int keyLine = lineNo();
            const int colon = keyColon(p);
            if (colon < 0)
                decline();
            if (m_d[p] == '"' || m_d[p] == '\'') {
                quoted(p, &key);
                scalar(keyLine, col, Value::string(key));
            } else {
                plain(p, colon, col, &key);
            }
            m_stack.back().key = key;
            const int v = skipSpaces(colon + 1);
            int value;
            if (v == m_end || m_d[v] == '#') {
                ++m_li;
                value = below(col, true);
            } else {
                value = inlineValue(v);
                ++m_li;
            }
            addMember(map, key, keyLine, value);
            enterLine();
            if (m_li == m_lines.size() || m_lines[m_li].indent + 1 < col)
                break;
            if (m_lines[m_li].indent + 1 > col || isDash(m_lines[m_li].begin))
                decline();
            p = m_lines[m_li].begin;
        }
        close();
        return map;
    }

    /// A block sequence whose first dash starts the current line.
    int parseSeq()
    {
        const int col = m_lines[m_li].indent + 1;
        const int seq = open(DocNode::Kind::Seq, lineNo(), col);
        for (;;) {
            const int p = skipSpaces(m_lines[m_li].begin + 1);
            int item;
            if (p == m_end || m_d[p] == '#') {
                ++m_li;
                item = below(col, false);
            } else if (isDash(p)) {
                decline(); // `- - x`
            } else if (keyColon(p) >= 0) {
                item = parseMap(p);
            } else {
                item = inlineValue(p);
                ++m_li;
            }
            addItem(seq, item);
            enterLine();
            if (m_li == m_lines.size())
                break;
            const Line &n = m_lines[m_li];
            if (n.indent + 1 < col || (n.indent + 1 == col && !isDash(n.begin)))
                break; // a more outdented line, or the key after a sequence at its key's indentation
            if (n.indent + 1 > col)
                decline();
        }
        close();
        return seq;
    }

    /// Adds key: value to a mapping; a repeated key keeps the later value with a warning.
    void addMember(int map, const QString &key, int keyLine, int value)
    {
        auto &members = m_doc.nodes[std::size_t(map)].members;
        for (auto &m : members) {
            if (m.first == key) {
                QStringList path;
                for (const Frame &f : m_stack) {
                    const DocNode &n = m_doc.nodes[std::size_t(f.node)];
                    path << (n.kind == DocNode::Kind::Seq ? QString::number(n.items.size()) : f.key);
                }
                warnings.emplace_back(keyLine, u"duplicate key '%1' (first at line %2); the later value is used"_s
                                                   .arg(Key(path).display())
                                                   .arg(m_doc.nodes[std::size_t(m.second)].line));
                m.second = value;
                return;
            }
        }
        members.emplace_back(key, value);
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
                   const ParseLimits &limits)
{
    if (!doc.nodes.empty() || doc.root >= 0 || bytes.size() > (1 << 30) || bytes.startsWith("\xEF\xBB\xBF")
        || !bytes.isValidUtf8())
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
