#include "savedview.h"

#include "run/flatten.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

constexpr int kVersion = 1;
constexpr qint64 kMaxViewBytes = 1 << 20; // a view is a few hundred bytes; refuse a stray huge file

QString jsonList(const QStringList &items) {
    QStringList quoted;
    for (const QString &s : items)
        quoted << jsonQuote(s);
    return u'[' + quoted.join(u", "_s) + u']';
}

QString jsonBool(bool b) {
    return b ? u"true"_s : u"false"_s;
}

/// Reads member `name` into `out` when present; false with `error` set when it has the wrong type.
bool readStrings(const QJsonObject &o, const QString &name, QStringList &out, QString *error) {
    const QJsonValue v = o.value(name);
    if (v.isUndefined() || v.isNull()) return true;
    if (!v.isArray()) {
        if (error) *error = u"\"%1\" is not a list of strings"_s.arg(name);
        return false;
    }
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString()) {
            if (error) *error = u"\"%1\" is not a list of strings"_s.arg(name);
            return false;
        }
        out << item.toString();
    }
    return true;
}

bool readString(const QJsonObject &o, const QString &name, QString &out, QString *error) {
    const QJsonValue v = o.value(name);
    if (v.isUndefined() || v.isNull()) return true;
    if (!v.isString()) {
        if (error) *error = u"\"%1\" is not a string"_s.arg(name);
        return false;
    }
    out = v.toString();
    return true;
}

bool readBool(const QJsonObject &o, const QString &name, bool &out, QString *error) {
    const QJsonValue v = o.value(name);
    if (v.isUndefined() || v.isNull()) return true;
    if (!v.isBool()) {
        if (error) *error = u"\"%1\" is not true or false"_s.arg(name);
        return false;
    }
    out = v.toBool();
    return true;
}

QString viewPath(const QString &root, const QString &name) {
    return QDir(viewsFolder(root)).filePath(name + u".json"_s);
}

} // namespace

QByteArray SavedView::toJson() const {
    // Written by hand rather than through QJsonObject, which would sort the members: a view
    // reads top-down in the order the window applies it, and diffs well under version control.
    QStringList sortItems;
    for (const Sort &s : sort)
        sortItems << u"{\"column\": %1, \"descending\": %2}"_s.arg(jsonQuote(s.column),
                                                                   jsonBool(s.descending));
    QString out = u"{\n"_s;
    const auto member = [&](const QString &key, const QString &json, bool last = false) {
        out += u"    "_s + jsonQuote(key) + u": "_s + json + (last ? u"\n"_s : u",\n"_s);
    };
    member(u"version"_s, QString::number(kVersion));
    member(u"name"_s, jsonQuote(name));
    member(u"filter"_s, jsonQuote(filter));
    member(u"columns"_s, jsonList(columns));
    member(u"pinned"_s, jsonList(pinned));
    member(u"varyingOnly"_s, jsonBool(varyingOnly));
    member(u"sort"_s, u'[' + sortItems.join(u", "_s) + u']');
    member(u"groupBy"_s, jsonList(groupBy));
    member(u"nested"_s, jsonBool(nested));
    member(u"aggregates"_s, jsonList(aggregates));
    member(u"joined"_s, jsonBool(joined));
    member(u"baseline"_s, jsonQuote(baseline), true);
    out += u"}\n"_s;
    return out.toUtf8();
}

std::optional<SavedView> SavedView::fromJson(const QByteArray &json, QString *error) {
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        if (error)
            *error = u"not valid JSON at byte %1: %2"_s.arg(parseError.offset)
                         .arg(parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        if (error) *error = u"not a view: the JSON is not an object"_s;
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    const QJsonValue version = o.value(u"version"_s);
    if (!version.isDouble()) {
        if (error) *error = u"not a view: no \"version\""_s;
        return std::nullopt;
    }
    if (version.toDouble() != kVersion) {
        if (error)
            *error = u"a view of version %1, which this release does not read (it reads %2)"_s
                         .arg(version.toDouble())
                         .arg(kVersion);
        return std::nullopt;
    }
    SavedView v;
    QString e;
    bool ok =
        readString(o, u"name"_s, v.name, &e) && readString(o, u"filter"_s, v.filter, &e) &&
        readStrings(o, u"columns"_s, v.columns, &e) && readStrings(o, u"pinned"_s, v.pinned, &e) &&
        readBool(o, u"varyingOnly"_s, v.varyingOnly, &e) &&
        readStrings(o, u"groupBy"_s, v.groupBy, &e) && readBool(o, u"nested"_s, v.nested, &e) &&
        readStrings(o, u"aggregates"_s, v.aggregates, &e) &&
        readBool(o, u"joined"_s, v.joined, &e) && readString(o, u"baseline"_s, v.baseline, &e);
    const QJsonValue sort = o.value(u"sort"_s);
    if (ok && !sort.isUndefined() && !sort.isNull()) {
        ok = sort.isArray();
        for (const QJsonValue &item : sort.toArray()) {
            const QJsonObject s = item.toObject();
            Sort key;
            ok = ok && item.isObject() && s.value(u"column"_s).isString() &&
                 readBool(s, u"descending"_s, key.descending, &e);
            key.column = s.value(u"column"_s).toString();
            v.sort.push_back(key);
        }
        if (!ok && e.isEmpty()) e = u"\"sort\" is not a list of {\"column\", \"descending\"}"_s;
    }
    if (!ok) {
        if (error) *error = e;
        return std::nullopt;
    }
    return v;
}

QString viewsFolder(const QString &root) {
    return QDir(root).filePath(u".runlens/views"_s);
}

bool isValidViewName(const QString &name) {
    if (name.isEmpty() || name.size() > 128 || name.startsWith(u'.') || name.trimmed() != name)
        return false;
    return std::all_of(name.begin(), name.end(), [](QChar c) {
        return c.isLetterOrNumber() || c == u' ' || c == u'-' || c == u'_' || c == u'.';
    });
}

QStringList savedViewNames(const QString &root) {
    QStringList names;
    const QFileInfoList files =
        QDir(viewsFolder(root)).entryInfoList({u"*.json"_s}, QDir::Files, QDir::Name);
    for (const QFileInfo &f : files)
        if (isValidViewName(f.completeBaseName())) names << f.completeBaseName();
    names.sort();
    return names;
}

std::optional<SavedView> loadView(const QString &root, const QString &name, QString *error) {
    const QString path = viewPath(root, name);
    if (!isValidViewName(name) || !QFileInfo(path).isFile()) {
        if (error) {
            const QStringList names = savedViewNames(root);
            *error = u"no view named '%1' in %2 (%3)"_s.arg(
                name, QDir::toNativeSeparators(root),
                names.isEmpty() ? u"there are no saved views"_s
                                : u"saved views: "_s + names.join(u", "_s));
        }
        return std::nullopt;
    }
    QFile file(path);
    if (QFileInfo(path).size() > kMaxViewBytes) {
        if (error)
            *error = u"view '%1' (%2) is over %3 bytes: not a view"_s
                         .arg(name, QDir::toNativeSeparators(path))
                         .arg(kMaxViewBytes);
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = u"cannot read view '%1' (%2): %3"_s.arg(name, QDir::toNativeSeparators(path),
                                                             file.errorString());
        return std::nullopt;
    }
    QString why;
    auto view = SavedView::fromJson(file.read(kMaxViewBytes), &why);
    if (!view) {
        if (error) *error = u"view '%1' (%2): %3"_s.arg(name, QDir::toNativeSeparators(path), why);
        return std::nullopt;
    }
    view->name = name; // the file's name is the view's identity
    return view;
}

bool saveView(const QString &root, const SavedView &view, QString *error) {
    if (!isValidViewName(view.name)) {
        if (error)
            *error =
                u"'%1' cannot name a view: use letters, digits, spaces, - _ and . (not first)"_s
                    .arg(view.name);
        return false;
    }
    if (!QDir().mkpath(viewsFolder(root))) {
        if (error) *error = u"cannot create %1"_s.arg(QDir::toNativeSeparators(viewsFolder(root)));
        return false;
    }
    QSaveFile file(viewPath(root, view.name));
    const QByteArray bytes = view.toJson();
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = u"cannot write %1: %2"_s.arg(QDir::toNativeSeparators(file.fileName()),
                                                  file.errorString());
        return false;
    }
    return true;
}

} // namespace runlens
