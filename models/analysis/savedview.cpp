#include "savedview.h"

#include "run/flatten.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>

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

/// Converts a member's JSON value into the view's member; false when it has the wrong type.
bool convert(const QJsonValue &v, QString &out) {
    out = v.toString();
    return v.isString();
}

bool convert(const QJsonValue &v, bool &out) {
    out = v.toBool();
    return v.isBool();
}

bool convert(const QJsonValue &v, QStringList &out) {
    const QJsonArray items = v.toArray();
    for (const QJsonValue &item : items)
        out << item.toString();
    return v.isArray() && std::all_of(items.begin(), items.end(),
                                      [](const QJsonValue &item) { return item.isString(); });
}

QString typeName(const QString &) {
    return u"a string"_s;
}
QString typeName(bool) {
    return u"true or false"_s;
}
QString typeName(const QStringList &) {
    return u"a list of strings"_s;
}

/// Reads member `name` into `out` when present (absent or null: `out` keeps its default);
/// false with `error` set when it has the wrong type.
template <typename T> bool read(const QJsonObject &o, const QString &name, T &out, QString *error) {
    const QJsonValue v = o.value(name);
    if (v.isUndefined() || v.isNull()) return true;
    T value{};
    if (convert(v, value)) {
        out = std::move(value);
        return true;
    }
    if (error) *error = u"\"%1\" is not %2"_s.arg(name, typeName(value));
    return false;
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
    bool ok = read(o, u"name"_s, v.name, &e) && read(o, u"filter"_s, v.filter, &e) &&
              read(o, u"columns"_s, v.columns, &e) && read(o, u"pinned"_s, v.pinned, &e) &&
              read(o, u"varyingOnly"_s, v.varyingOnly, &e) &&
              read(o, u"groupBy"_s, v.groupBy, &e) && read(o, u"nested"_s, v.nested, &e) &&
              read(o, u"aggregates"_s, v.aggregates, &e) && read(o, u"joined"_s, v.joined, &e) &&
              read(o, u"baseline"_s, v.baseline, &e);
    const QJsonValue sort = o.value(u"sort"_s);
    if (ok && !sort.isUndefined() && !sort.isNull()) {
        ok = sort.isArray();
        for (const QJsonValue &item : sort.toArray()) {
            const QJsonObject s = item.toObject();
            Sort key;
            ok = ok && item.isObject() && s.value(u"column"_s).isString() &&
                 read(s, u"descending"_s, key.descending, &e);
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
