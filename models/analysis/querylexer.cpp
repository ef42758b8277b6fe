// The query language's tokens: a hand-written scanner, one pass, no backtracking.
#include "queryinternal.h"

namespace runlens::query {

using namespace Qt::StringLiterals;

namespace {

bool isWordStart(QChar c) {
    return c.isLetter() || c == u'_';
}

bool isDigit(QChar c) {
    return c >= u'0' && c <= u'9';
}

class Lexer {
public:
    Lexer(const QString &text, bool tolerant)
        : m_s(text)
        , m_n(int(text.size()))
        , m_tolerant(tolerant) {}

    std::vector<Token> run() {
        std::vector<Token> out;
        int i = 0;
        while (true) {
            const int start = i;
            while (i < m_n && m_s[i].isSpace())
                ++i;
            Token t;
            t.pos = i;
            t.spaceBefore = i > start || i == 0;
            if (i >= m_n) {
                out.push_back(t);
                return out;
            }
            const bool ok = next(i, t);
            i = std::max(i + 1, t.pos + t.len);
            out.push_back(std::move(t));
            if (!ok && !m_tolerant) {
                out.push_back(Token{Token::Kind::End, m_n, 0, {}, {}, {}, true, false});
                return out;
            }
        }
    }

private:
    QChar at(int i) const { return i < m_n ? m_s[i] : QChar(); }

    /// Makes `t` a Bad token over the span in error, with the message as its text.
    bool fail(Token &t, int pos, int len, const QString &message,
              const QStringList &expected = {}) {
        t.kind = Token::Kind::Bad;
        t.pos = pos;
        t.len = std::max(1, len);
        t.text = message;
        t.expected = expected;
        return false;
    }

    bool next(int i, Token &t) {
        const QChar c = m_s[i];
        const auto simple = [&](Token::Kind kind, int len) {
            t.kind = kind;
            t.len = len;
            t.text = m_s.mid(i, len);
            return true;
        };
        if (c == u'"' || c == u'\'') return string(i, t);
        if (c == u'/') return regex(i, t);
        if (isDigit(c) || ((c == u'-' || c == u'+') && isDigit(at(i + 1)))) return number(i, t);
        if (c == u'-' && isWordStart(at(i + 1))) {
            // -inf, -infinity, -nan: numbers; anything else is no token.
            int j = i + 1;
            while (j < m_n && isWordChar(m_s[j]))
                ++j;
            const QString w = m_s.mid(i + 1, j - i - 1).toLower();
            if (w == u"inf" || w == u"infinity" || w == u"nan") {
                t.kind = Token::Kind::Number;
                t.len = j - i;
                t.text = m_s.mid(i, t.len);
                return true;
            }
        }
        if (isWordStart(c)) return word(i, t);
        switch (c.unicode()) {
        case '=':
            return simple(Token::Kind::Op, at(i + 1) == u'=' ? 2 : 1);
        case '!':
            return at(i + 1) == u'=' ? simple(Token::Kind::Op, 2) : simple(Token::Kind::Bang, 1);
        case '<':
        case '>':
            return simple(Token::Kind::Op, at(i + 1) == u'=' ? 2 : 1);
        case '~':
            return simple(Token::Kind::Op, 1);
        case '&':
            if (at(i + 1) == u'&') return simple(Token::Kind::AndAnd, 2);
            return fail(t, i, 1, u"unexpected '&': write and (or &&)"_s);
        case '|':
            if (at(i + 1) == u'|') return simple(Token::Kind::OrOr, 2);
            return fail(t, i, 1, u"unexpected '|': write or (or ||)"_s);
        case '(':
            return simple(Token::Kind::LParen, 1);
        case ')':
            return simple(Token::Kind::RParen, 1);
        case '[':
            return simple(Token::Kind::LBracket, 1);
        case ']':
            return simple(Token::Kind::RBracket, 1);
        case '{':
            return simple(Token::Kind::LBrace, 1);
        case '}':
            return simple(Token::Kind::RBrace, 1);
        case ',':
            return simple(Token::Kind::Comma, 1);
        case ':':
            return simple(Token::Kind::Colon, 1);
        case '.':
            return at(i + 1) == u'.' ? simple(Token::Kind::DotDot, 2) : simple(Token::Kind::Dot, 1);
        default:
            break;
        }
        return fail(t, i, 1, u"unexpected character '%1'"_s.arg(c));
    }

    bool word(int i, Token &t) {
        int j = i;
        while (j < m_n) {
            if (isWordChar(m_s[j])) {
                ++j;
            } else if (m_s[j] == u'.' && at(j + 1) != u'.' && at(j + 1) != u'[') {
                ++j; // a dotted path is one word; `a.` (still being typed) too
            } else {
                break;
            }
        }
        t.kind = Token::Kind::Word;
        t.len = j - i;
        t.text = m_s.mid(i, t.len);
        return true;
    }

    bool number(int i, Token &t) {
        int j = i;
        if (m_s[j] == u'-' || m_s[j] == u'+') ++j;
        while (j < m_n && isDigit(m_s[j]))
            ++j;
        if (at(j) == u'.' && isDigit(at(j + 1))) { // `1..2` is a range, not 1. .2
            ++j;
            while (j < m_n && isDigit(m_s[j]))
                ++j;
        }
        if ((at(j) == u'e' || at(j) == u'E') &&
            (isDigit(at(j + 1)) ||
             ((at(j + 1) == u'-' || at(j + 1) == u'+') && isDigit(at(j + 2))))) {
            j += 2;
            while (j < m_n && isDigit(m_s[j]))
                ++j;
        }
        t.kind = Token::Kind::Number;
        t.len = j - i;
        t.text = m_s.mid(i, t.len);
        if (j < m_n && (isWordChar(m_s[j]) || m_s[j] == u'.') &&
            !(m_s[j] == u'.' && at(j + 1) == u'.')) {
            int k = j;
            while (k < m_n && (isWordChar(m_s[k]) || m_s[k] == u'.'))
                ++k;
            return fail(
                t, i, k - i,
                u"'%1' is not a number (numbers read like 3, -0.5, 1e-4)"_s.arg(m_s.mid(i, k - i)));
        }
        return true;
    }

    bool string(int i, Token &t) {
        const QChar quote = m_s[i];
        QString out;
        int j = i + 1;
        while (j < m_n && m_s[j] != quote) {
            if (m_s[j] == u'\\' && j + 1 < m_n) {
                const QChar e = m_s[j + 1];
                switch (e.unicode()) {
                case 'n':
                    out += u'\n';
                    break;
                case 't':
                    out += u'\t';
                    break;
                case 'r':
                    out += u'\r';
                    break;
                case 'u': {
                    bool ok = false;
                    const uint code = m_s.mid(j + 2, 4).toUInt(&ok, 16);
                    if (!ok || j + 6 > m_n)
                        return fail(t, j, std::min(6, m_n - j),
                                    u"\\u takes four hex digits (\\u00e9)"_s);
                    out += QChar(char16_t(code));
                    j += 6;
                    continue;
                }
                default:
                    out += e; // \" \' \\ \/ and any other escaped character stand for themselves
                }
                j += 2;
                continue;
            }
            out += m_s[j++];
        }
        t.kind = Token::Kind::String;
        t.text = out;
        if (j >= m_n) {
            t.open = true;
            t.len = m_n - i;
            if (m_tolerant) return true;
            return fail(t, i, m_n - i, u"unterminated string: add the closing %1"_s.arg(quote),
                        {QString(quote)});
        }
        t.len = j + 1 - i;
        return true;
    }

    bool regex(int i, Token &t) {
        QString pattern;
        int j = i + 1;
        while (j < m_n && m_s[j] != u'/') {
            if (m_s[j] == u'\\' && j + 1 < m_n) {
                if (m_s[j + 1] != u'/') pattern += u'\\'; // `\/` is a slash, other escapes stay
                pattern += m_s[j + 1];
                j += 2;
                continue;
            }
            pattern += m_s[j++];
        }
        t.kind = Token::Kind::Regex;
        t.text = pattern;
        if (j >= m_n) {
            t.open = true;
            t.len = m_n - i;
            if (m_tolerant) return true;
            return fail(t, i, m_n - i, u"unterminated regular expression: add the closing /"_s,
                        {u"/"_s});
        }
        int k = j + 1;
        while (k < m_n && m_s[k].isLetter())
            ++k;
        t.flags = m_s.mid(j + 1, k - j - 1);
        t.len = k - i;
        for (int f = j + 1; f < k; ++f)
            if (!QStringView(u"imsx").contains(m_s[f]))
                return fail(
                    t, f, 1,
                    u"unknown regular expression flag '%1' (use i, m, s or x)"_s.arg(m_s[f]));
        return true;
    }

    const QString &m_s;
    const int m_n;
    const bool m_tolerant;
};

} // namespace

bool isWordChar(QChar c) {
    return c.isLetterOrNumber() || c == u'_' || c == u'-' || c == u'/';
}

bool isWord(const Token &t, QStringView word) {
    return t.kind == Token::Kind::Word && t.text.compare(word, Qt::CaseInsensitive) == 0;
}

QString found(const Token &t) {
    if (t.kind == Token::Kind::End) return u"the end of the query"_s;
    if (t.kind == Token::Kind::String) return quoteString(t.text);
    return u"'%1'"_s.arg(t.text);
}

bool setError(QueryError *error, int pos, int len, const QString &message,
              const QStringList &expected, const QString &suggestion) {
    if (error) {
        error->position = pos;
        error->length = std::max(1, len);
        error->message = message;
        error->expected = expected;
        error->suggestion = suggestion;
    }
    return false;
}

bool isKeyword(const QString &word) {
    static const QStringList words = {u"and"_s,    u"or"_s,      u"not"_s,  u"in"_s,
                                      u"exists"_s, u"missing"_s, u"true"_s, u"false"_s,
                                      u"null"_s,   u"nan"_s,     u"inf"_s,  u"infinity"_s};
    return words.contains(word, Qt::CaseInsensitive);
}

std::vector<Token> lex(const QString &text, bool tolerant) {
    return Lexer(text, tolerant).run();
}

} // namespace runlens::query
