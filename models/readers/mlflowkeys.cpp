#include "mlflowkeys.h"
#include "pyliteral.h"
#include "scalars.h"

namespace runlens {

using namespace Qt::StringLiterals;

void addMlflowValue(const QString &text, const Key &key, Family family, Flattener &flattener,
                    RunRecord &run, const QString &path, const ReadLimits &limits) {
    if (text == u"None") return run.add(family, key, Value::null());
    if (text == u"True" || text == u"False")
        return run.add(family, key, Value::boolean(text == u"True"));
    if (!text.isEmpty()) {
        const QChar c = text.front();
        if (c == u'[' || c == u'(' || c == u'{') {
            Doc doc;
            if (parsePythonLiteral(text, doc, limits.parse.maxDepth))
                return flattener.flatten(doc, doc.root, key, family, {}, run, path);
        } else if (c.isDigit() || c == u'-' || c == u'+' || c == u'.' || c == u'n' || c == u'i') {
            const QByteArray ascii = text.toUtf8();
            if (Value v =
                    parseNumber(std::string_view(ascii.constData(), std::size_t(ascii.size())));
                !v.isMissing())
                return run.add(family, key, std::move(v));
        }
    }
    run.add(family, key, Value::string(text));
}

void settleMlflowKeys(RunRecord &run, std::size_t first, QSet<Key> &seen, const Key &prefix,
                const QString &mlflowKey, const QString &path) {
    for (std::size_t i = first; i < run.entries.size(); ++i) {
        Entry &e = run.entries[i];
        if (!seen.contains(e.key)) {
            seen.insert(e.key);
            continue;
        }
        const QString taken = e.key.display();
        e.key = Key(QStringList{mlflowKey} + e.key.segments().mid(prefix.segments().size()));
        seen.insert(e.key);
        run.addIssue(
            Issue::Severity::Warning, path, 0, 0,
            u"another file of this run already gives the key %1; this one is shown as %2"_s.arg(
                taken, e.key.display()));
    }
}

std::pair<RunStatus, QString> mlflowStatus(const QString &text, bool present) {
    static const QStringList words = {u"RUNNING"_s, u"SCHEDULED"_s, u"FINISHED"_s, u"FAILED"_s,
                                      u"KILLED"_s};
    QString word = present ? text : words[0];
    bool isCode = false;
    const int code = word.toInt(&isCode);
    if (isCode && code >= 1 && code <= 5) word = words[code - 1];
    word = word.toUpper();
    if (word == u"FINISHED") return {RunStatus::Finished, word};
    if (word == u"RUNNING" || word == u"SCHEDULED") return {RunStatus::Running, word};
    if (word == u"FAILED" || word == u"KILLED") return {RunStatus::Crashed, word};
    return {RunStatus::Unknown, text};
}

} // namespace runlens
