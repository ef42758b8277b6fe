#include "pyliteral.h"
#include "scalars.h"

#include <utility>

namespace runlens {

namespace {

/// Recursive descent over repr() text; builds nodes straight into the Doc's arena (indices,
/// never references, since the arena grows).
class PyParser {
public:
    PyParser(QStringView text, Doc &doc, int maxDepth)
        : m_text(text)
        , m_doc(doc)
        , m_maxDepth(maxDepth) {}

    bool parseAll() {
        const int root = value(0);
        if (root < 0) return false;
        skipSpace();
        if (m_pos != m_text.size()) return false;
        m_doc.root = root;
        return true;
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek() const { return atEnd() ? QChar() : m_text[m_pos]; }
    void skipSpace() {
        while (!atEnd() && m_text[m_pos].isSpace())
            ++m_pos;
    }

    int newNode(DocNode::Kind kind) {
        m_doc.nodes.emplace_back();
        m_doc.nodes.back().kind = kind;
        return int(m_doc.nodes.size()) - 1;
    }

    int scalar(Value v) {
        const int n = newNode(DocNode::Kind::Scalar);
        m_doc.nodes[std::size_t(n)].value = std::move(v);
        return n;
    }

    int value(int depth) {
        if (depth > m_maxDepth) return -1;
        skipSpace();
        if (atEnd()) return -1;
        const QChar c = peek();
        if (c == u'[') return sequence(u']', depth);
        if (c == u'(') return sequence(u')', depth);
        if (c == u'{') return mapping(depth);
        if (c == u'\'' || c == u'"') {
            QString s;
            if (!string(s)) return -1;
            return scalar(Value::string(s));
        }
        return token();
    }

    /// `None`, `True`, `False` or a number, up to the next delimiter.
    int token() {
        const qsizetype start = m_pos;
        while (!atEnd()) {
            const QChar c = m_text[m_pos];
            if (c.isSpace() || c == u',' || c == u':' || c == u']' || c == u')' || c == u'}') break;
            ++m_pos;
        }
        const QStringView t = m_text.sliced(start, m_pos - start);
        if (t.isEmpty()) return -1;
        if (t == u"None") return scalar(Value::null());
        if (t == u"True") return scalar(Value::boolean(true));
        if (t == u"False") return scalar(Value::boolean(false));
        for (const QChar c : t)
            if (c.unicode() > 0x7f) return -1;
        const QByteArray ascii = t.toLatin1();
        Value v = parseNumber(std::string_view(ascii.constData(), std::size_t(ascii.size())));
        if (v.isMissing()) return -1;
        return scalar(std::move(v));
    }

    int sequence(QChar close, int depth) {
        ++m_pos; // the opening bracket
        const int seq = newNode(DocNode::Kind::Seq);
        skipSpace();
        if (peek() == close) {
            ++m_pos;
            return seq;
        }
        while (true) {
            const int item = value(depth + 1);
            if (item < 0) return -1;
            m_doc.nodes[std::size_t(seq)].items.push_back(item);
            skipSpace();
            if (peek() == u',') {
                ++m_pos;
                skipSpace();
                if (peek() == close) { // `(1,)` and a trailing comma
                    ++m_pos;
                    return seq;
                }
                continue;
            }
            if (peek() == close) {
                ++m_pos;
                return seq;
            }
            return -1;
        }
    }

    int mapping(int depth) {
        ++m_pos; // `{`
        const int map = newNode(DocNode::Kind::Map);
        skipSpace();
        if (peek() == u'}') {
            ++m_pos;
            return map;
        }
        while (true) {
            skipSpace();
            QString key;
            if (peek() == u'\'' || peek() == u'"') {
                if (!string(key)) return -1;
            } else {
                const qsizetype start = m_pos;
                const int k = token();
                if (k < 0) return -1;
                key = m_text.sliced(start, m_pos - start).toString();
            }
            skipSpace();
            if (peek() != u':') return -1; // a set, or not Python at all
            ++m_pos;
            const int item = value(depth + 1);
            if (item < 0) return -1;
            m_doc.setMember(map, key, item);
            skipSpace();
            if (peek() == u',') {
                ++m_pos;
                skipSpace();
                if (peek() == u'}') {
                    ++m_pos;
                    return map;
                }
                continue;
            }
            if (peek() == u'}') {
                ++m_pos;
                return map;
            }
            return -1;
        }
    }

    /// The character that a backslash and `e` stand for, when it is a fixed one; null otherwise.
    static QChar simpleEscape(QChar e) {
        static constexpr std::pair<char16_t, char16_t> table[] = {
            {u'\\', u'\\'}, {u'\'', u'\''}, {u'"', u'"'}, {u'n', u'\n'}, {u'r', u'\r'},
            {u't', u'\t'},  {u'a', 0x07},   {u'b', 0x08}, {u'f', 0x0c},  {u'v', 0x0b}};
        for (const auto &[escape, c] : table)
            if (e == escape) return QChar(c);
        return {};
    }

    /// Reads `count` hex digits as one code point; false when they are not there.
    bool hexEscape(int count, QString &out) {
        if (m_pos + count > m_text.size()) return false;
        bool ok = false;
        const uint cp = m_text.sliced(m_pos, count).toUInt(&ok, 16);
        if (!ok || cp > 0x10FFFF) return false;
        m_pos += count;
        const char32_t c = cp;
        out += QString::fromUcs4(&c, 1);
        return true;
    }

    /// A quoted string with Python's escapes, the position on its opening quote.
    bool string(QString &out) {
        const QChar quote = m_text[m_pos++];
        while (!atEnd()) {
            const QChar c = m_text[m_pos++];
            if (c == quote) return true;
            if (c == u'\n') return false;
            if (c != u'\\') {
                out += c;
                continue;
            }
            if (atEnd()) return false;
            const QChar e = m_text[m_pos++];
            if (const QChar plain = simpleEscape(e); !plain.isNull()) {
                out += plain;
            } else if (e == u'x' || e == u'u' || e == u'U') {
                if (!hexEscape(e == u'x' ? 2 : e == u'u' ? 4 : 8, out)) return false;
            } else if (e >= u'0' && e <= u'7') { // octal, up to three digits
                uint cp = e.unicode() - '0';
                for (int k = 0; k < 2 && !atEnd() && peek() >= u'0' && peek() <= u'7'; ++k)
                    cp = cp * 8 + (m_text[m_pos++].unicode() - '0');
                out += QChar(char16_t(cp));
            } else { // Python keeps an unknown escape as written
                out += u'\\';
                out += e;
            }
        }
        return false;
    }

    QStringView m_text;
    Doc &m_doc;
    int m_maxDepth;
    qsizetype m_pos = 0;
};

} // namespace

bool parsePythonLiteral(QStringView text, Doc &doc, int maxDepth) {
    return PyParser(text, doc, maxDepth).parseAll();
}

} // namespace runlens
