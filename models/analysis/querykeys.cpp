// Keys in the query language: reading them, binding them to table columns or run fields,
// suggesting the key a misspelled one meant, and spelling a column as a query writes it.
#include "queryinternal.h"

#include <algorithm>

namespace runlens::query {

using namespace Qt::StringLiterals;

namespace {

std::optional<RunField> fieldNamed(const QString &name) {
    for (RunField f : queryFields())
        if (runFieldName(f) == name) return f;
    return std::nullopt;
}

/// Whether a segment can be written bare: word characters only, and no `/` or `-`, which read
/// like arithmetic (`"val/acc"` is clearer than val/acc, though both work).
bool isPlain(const QString &segment, bool first) {
    if (segment.isEmpty()) return false;
    if (first && !(segment[0].isLetter() || segment[0] == u'_')) return false;
    return std::all_of(segment.begin(), segment.end(),
                       [](QChar c) { return isWordChar(c) && c != u'/' && c != u'-'; });
}

} // namespace

QString spellSegments(const QStringList &segments) {
    QString out;
    for (qsizetype s = 0; s < segments.size(); ++s) {
        const QString &seg = segments[s];
        if (s == 0) {
            const bool keyword = segments.size() == 1 && isKeyword(seg);
            out += isPlain(seg, true) && !keyword ? seg : quoteString(seg);
        } else {
            out += isPlain(seg, false) ? u'.' + seg : u'[' + quoteString(seg) + u']';
        }
    }
    return out;
}

namespace {

QString spelling(const RunTable &table, const Target &t) {
    if (t.field) return u"run:"_s + runFieldName(*t.field);
    const ColumnInfo &info = table.column(t.column);
    return familyName(info.family) + u':' + spellSegments(info.key.segments());
}

/// `a`, `a or b`, `a, b or c`.
QString alternatives(const QStringList &names) {
    if (names.size() <= 1) return names.value(0);
    return names.mid(0, names.size() - 1).join(u", "_s) + u" or "_s + names.last();
}

/// Why `key` names nothing, with the closest keys as a suggestion.
void explainUnknown(const RunTable &table, const KeyRef &key, std::optional<Family> family,
                    const QString &written, QueryError *error) {
    const QString typed = Key(key.segments).display();
    const bool fieldsOnly = key.family == u"run";
    // A dict's name: its keys are what can be compared.
    QStringList children;
    for (int c = 0; !fieldsOnly && c < table.columnCount() && children.size() < 4; ++c) {
        const ColumnInfo &info = table.column(c);
        if ((!family || info.family == *family) && info.display.startsWith(typed + u'.'))
            children << queryKey(table, c);
    }
    if (!children.isEmpty()) {
        setError(error, key.pos, key.len,
                 u"%1 is not a key itself; its keys are %2"_s.arg(
                     written,
                     children.mid(0, 3).join(u", "_s) + (children.size() > 3 ? u", …"_s : u""_s)),
                 {u"a key"_s}, children.first());
        return;
    }
    // Closest spellings: of the whole key, else of its last segment (`lr` -> optimizer.lr).
    const QString last = key.segments.value(key.segments.size() - 1);
    // Up to a third of the letters may be wrong (at most 3); a name of one or two letters only
    // matches whole, ignoring case.
    const auto threshold = [](qsizetype n) {
        return n < 3 ? 0 : int(std::clamp<qsizetype>(n / 3, 1, 3));
    };
    std::vector<std::pair<int, QString>> scored; // (distance * 2, +1 for a segment match)
    for (int c = 0; !fieldsOnly && c < table.columnCount(); ++c) {
        const ColumnInfo &info = table.column(c);
        if (family && info.family != *family) continue;
        const int whole = editDistance(typed, info.display);
        const int seg =
            editDistance(last, info.key.segments().value(info.key.segments().size() - 1));
        int score = -1;
        if (whole <= threshold(typed.size())) score = whole * 2;
        if (seg <= threshold(last.size()) && (score < 0 || seg * 2 + 1 < score))
            score = seg * 2 + 1;
        if (score >= 0) {
            const QString name =
                family ? familyName(*family) + u':' + spellSegments(info.key.segments())
                       : queryKey(table, c);
            scored.emplace_back(score, name);
        }
    }
    if (!family) {
        for (RunField f : queryFields()) {
            const int d = editDistance(typed, runFieldName(f));
            if (d <= threshold(typed.size()))
                scored.emplace_back(d * 2, key.family.isEmpty() ? runFieldName(f)
                                                                : u"run:"_s + runFieldName(f));
        }
    }
    std::stable_sort(scored.begin(), scored.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    QStringList best;
    for (const auto &[score, name] : scored)
        if (score == scored.front().first && best.size() < 3 && !best.contains(name)) best << name;
    QString what = family ? u"unknown %1 key %2"_s.arg(familyName(*family), written)
                          : u"unknown key %1"_s.arg(written);
    // The key in another family than the one written: say where it is.
    for (Family f : {Family::Config, Family::Metric, Family::Meta}) {
        if (!family || f == *family) continue;
        if (const int c = table.findColumn(f, Key(key.segments)); c >= 0) {
            best = {familyName(f) + u':' + spellSegments(key.segments)};
            what = u"no %1 key %2"_s.arg(familyName(*family), Key(key.segments).display());
            setError(error, key.pos, key.len,
                     u"%1 \u2014 it is a %2 key: %3"_s.arg(what, familyName(f), best.first()),
                     {u"a key"_s}, best.first());
            return;
        }
    }
    if (best.isEmpty()) {
        setError(error, key.pos, key.len, what, {u"a key"_s});
        return;
    }
    setError(error, key.pos, key.len, u"%1 \u2014 did you mean %2?"_s.arg(what, alternatives(best)),
             {u"a key"_s}, best.first());
}

} // namespace

const std::vector<RunField> &queryFields() {
    static const std::vector<RunField> fields = {
        RunField::Name, RunField::Id,    RunField::Status,   RunField::Format,
        RunField::Path, RunField::Start, RunField::Duration, RunField::Issues};
    return fields;
}

int editDistance(QStringView a, QStringView b) {
    // Optimal string alignment: insertions, deletions, substitutions, adjacent transpositions.
    const qsizetype n = a.size(), m = b.size();
    std::vector<int> prev2(std::size_t(m + 1)), prev(std::size_t(m + 1)), cur(std::size_t(m + 1));
    for (qsizetype j = 0; j <= m; ++j)
        prev[std::size_t(j)] = int(j);
    for (qsizetype i = 1; i <= n; ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= m; ++j) {
            const bool same = a[i - 1].toCaseFolded() == b[j - 1].toCaseFolded();
            int d = std::min({prev[std::size_t(j)] + 1, cur[std::size_t(j - 1)] + 1,
                              prev[std::size_t(j - 1)] + (same ? 0 : 1)});
            if (i > 1 && j > 1 && a[i - 1].toCaseFolded() == b[j - 2].toCaseFolded() &&
                a[i - 2].toCaseFolded() == b[j - 1].toCaseFolded())
                d = std::min(d, prev2[std::size_t(j - 2)] + 1);
            cur[std::size_t(j)] = d;
        }
        std::swap(prev2, prev);
        std::swap(prev, cur);
    }
    return prev[std::size_t(m)];
}

std::optional<KeyRef> parseKeyRef(const std::vector<Token> &tokens, std::size_t &i,
                                  QueryError *error) {
    KeyRef key;
    key.pos = tokens[i].pos;
    const auto touching = [&](std::size_t j) { return !tokens[j].spaceBefore; };
    static const QStringList families = {u"config"_s,  u"metric"_s, u"metrics"_s,
                                         u"summary"_s, u"meta"_s,   u"run"_s};
    if (tokens[i].kind == Token::Kind::Word && families.contains(tokens[i].text) &&
        tokens[i + 1].kind == Token::Kind::Colon && touching(i + 1) &&
        tokens[i + 2].kind != Token::Kind::End && touching(i + 2)) {
        key.family = tokens[i].text;
        i += 2;
    }
    const auto addWord = [&](const Token &t) {
        const QStringList parts = t.text.split(u'.');
        if (parts.contains(QString())) {
            setError(error, t.pos, t.len, u"'%1' is not a key: a segment is empty"_s.arg(t.text),
                     {u"a key segment after '.'"_s});
            return false;
        }
        key.segments += parts;
        return true;
    };
    const Token &first = tokens[i];
    const auto bracketed = [&](std::size_t j) {
        return tokens[j].kind == Token::Kind::LBracket &&
               tokens[j + 1].kind == Token::Kind::String && !tokens[j + 1].open &&
               tokens[j + 2].kind == Token::Kind::RBracket;
    };
    if (first.kind == Token::Kind::Word && !(isKeyword(first.text) && key.family.isEmpty())) {
        if (!addWord(first)) return std::nullopt;
        ++i;
    } else if (first.kind == Token::Kind::String) {
        key.segments << first.text;
        key.quoted = true;
        ++i;
    } else if (bracketed(i)) {
        key.segments << tokens[i + 1].text;
        i += 3;
    } else {
        if (first.kind == Token::Kind::Bad) {
            setError(error, first.pos, first.len, first.text, first.expected);
            return std::nullopt;
        }
        const QString found =
            first.kind == Token::Kind::End ? u"the end of the query"_s : u"'%1'"_s.arg(first.text);
        setError(error, first.pos, first.len, u"expected a key, found %1"_s.arg(found),
                 {u"a key"_s, u"not"_s, u"exists"_s, u"missing"_s, u"("_s});
        return std::nullopt;
    }
    while (true) {
        if (touching(i) && bracketed(i)) {
            key.segments << tokens[i + 1].text;
            i += 3;
        } else if (touching(i) && tokens[i].kind == Token::Kind::Dot &&
                   tokens[i + 1].kind == Token::Kind::Word && touching(i + 1)) {
            if (!addWord(tokens[i + 1])) return std::nullopt;
            i += 2;
        } else {
            break;
        }
    }
    if (key.segments.size() > 1) key.quoted = false;
    const Token &last = tokens[i - 1];
    key.len = last.pos + last.len - key.pos;
    return key;
}

std::optional<Target> resolveKey(const RunTable &table, const KeyRef &key, const QString &source,
                                 QueryError *error) {
    const QString written = source.mid(key.pos, key.len);
    if (key.family == u"run") {
        if (key.segments.size() == 1)
            if (const auto f = fieldNamed(key.segments[0])) return Target{-1, f};
        QStringList names;
        for (RunField f : queryFields())
            names << runFieldName(f);
        explainUnknown(table, key, std::nullopt, written, error);
        if (error && error->suggestion.isEmpty())
            error->message =
                u"unknown run field %1 (the fields are %2)"_s.arg(written, names.join(u", "_s));
        return std::nullopt;
    }
    const std::optional<Family> family =
        key.family.isEmpty() ? std::nullopt : familyFromName(key.family);
    const std::vector<Family> families =
        family ? std::vector<Family>{*family}
               : std::vector<Family>{Family::Config, Family::Metric, Family::Meta};
    std::vector<Target> found;
    const auto lookUp = [&](const Key &k) {
        for (Family f : families)
            if (const int c = table.findColumn(f, k); c >= 0) found.push_back(Target{c, {}});
    };
    lookUp(Key(key.segments));
    // A quoted key is one segment, else the key as the table displays it ("optimizer.lr").
    if (found.empty() && key.quoted) lookUp(Key::fromDisplay(key.segments[0]));
    // `config["a.b"]`: a family's name in front of a key, where no key starts with it.
    if (found.empty() && !family && key.segments.size() > 1) {
        if (const auto f = familyFromName(key.segments[0]); f && key.segments[0] != u"run") {
            if (const int c = table.findColumn(*f, Key(key.segments.mid(1))); c >= 0)
                found.push_back(Target{c, {}});
        }
    }
    if (!family && key.segments.size() == 1)
        if (const auto f = fieldNamed(key.segments[0])) found.push_back(Target{-1, f});
    if (found.size() == 1) return found.front();
    if (found.empty()) {
        explainUnknown(table, key, family, written, error);
        return std::nullopt;
    }
    QStringList spellings;
    for (const Target &t : found)
        spellings << spelling(table, t);
    setError(error, key.pos, key.len,
             u"%1 is ambiguous: write %2"_s.arg(written, alternatives(spellings)), spellings,
             spellings.first());
    return std::nullopt;
}

} // namespace runlens::query

namespace runlens {

using namespace Qt::StringLiterals;

QString queryKey(const RunTable &table, int column) {
    const ColumnInfo &info = table.column(column);
    const QStringList &segments = info.key.segments();
    bool clash = segments.size() == 1 && query::fieldNamed(segments[0]).has_value();
    for (Family f : {Family::Config, Family::Metric, Family::Meta})
        clash = clash || (f != info.family && table.findColumn(f, info.key) >= 0);
    const QString body = query::spellSegments(segments);
    return clash ? familyName(info.family) + u':' + body : body;
}

QString queryKey(const RunTable &table, RunField field) {
    const QString name = runFieldName(field);
    const Key key(QStringList{name});
    for (Family f : {Family::Config, Family::Metric, Family::Meta})
        if (table.findColumn(f, key) >= 0) return u"run:"_s + name;
    return name;
}

} // namespace runlens
