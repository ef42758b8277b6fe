// Saved views (models/analysis/savedview.h): the JSON round trip, tolerance of unknown
// members, refusal of what is not a view, atomic writes beside the runs, and view names.
#include "analysis/savedview.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "testutil.h"

#include <unistd.h>

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

SavedView fullView() {
    SavedView v;
    v.name = u"adam sweep"_s;
    v.filter = u"optimizer.name == \"adam\" and \"val/acc\" > 0.9"_s;
    v.columns = {u"run:name"_s, u"config:optimizer.lr"_s, u"metric:val/acc"_s};
    v.pinned = {u"run:name"_s};
    v.varyingOnly = true;
    v.sort = {{u"metric:val/acc"_s, true}, {u"config:seed"_s, false}};
    v.groupBy = {u"config:optimizer.name"_s, u"config:optimizer.lr"_s};
    v.nested = false;
    v.aggregates = {u"mean"_s, u"sem"_s};
    v.joined = false;
    v.baseline = u"5sy8ppad"_s;
    return v;
}

/// Every member as one line of text, to compare two views whole.
QString dump(const SavedView &v) {
    QStringList sort;
    for (const SavedView::Sort &s : v.sort)
        sort << s.column + (s.descending ? u":desc"_s : QString());
    return QStringList{v.name,
                       v.filter,
                       v.columns.join(u','),
                       v.pinned.join(u','),
                       v.varyingOnly ? u"varying"_s : u"all"_s,
                       sort.join(u','),
                       v.groupBy.join(u','),
                       v.nested ? u"nested"_s : u"flat"_s,
                       v.aggregates.join(u','),
                       v.joined ? u"joined"_s : u"columns"_s,
                       v.baseline}
        .join(u" | "_s);
}

} // namespace

class TestSavedView : public QObject {
    Q_OBJECT

private slots:
    void roundTrip() {
        const SavedView v = fullView();
        const QByteArray json = v.toJson();
        QString error;
        const auto back = SavedView::fromJson(json, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(dump(*back), dump(v));
        // Members in a fixed order, the version first; the same view, the same bytes.
        QVERIFY(json.startsWith("{\n    \"version\": 1,\n    \"name\": \"adam sweep\",\n"));
        QVERIFY(json.indexOf("\"filter\"") < json.indexOf("\"columns\""));
        QVERIFY(json.indexOf("\"groupBy\"") < json.indexOf("\"baseline\""));
        QCOMPARE(back->toJson(), json);
    }

    void defaults() {
        const auto v = SavedView::fromJson(R"({"version": 1})");
        QVERIFY(v);
        QCOMPARE(dump(*v), dump(SavedView{}));
        QVERIFY(v->nested);
        QVERIFY(v->joined);
        QVERIFY(!v->varyingOnly);
        QCOMPARE(dump(*SavedView::fromJson(SavedView{}.toJson())), dump(SavedView{}));
    }

    void unknownMembersIgnored() {
        const auto v = SavedView::fromJson(
            R"({"version": 1, "filter": "seed == 1", "plots": [{"x": "lr"}], "columns": ["seed"],
                "colour": "red", "sort": [{"column": "seed", "descending": true, "nulls": "first"}]})");
        QVERIFY(v);
        QCOMPARE(v->filter, u"seed == 1"_s);
        QCOMPARE(v->columns, QStringList{u"seed"_s});
        QCOMPARE(v->sort.size(), std::size_t(1));
        QVERIFY(v->sort[0].descending);
    }

    void notAView_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << QByteArray("filter: x") << u"not valid JSON at byte"_s;
        QTest::newRow("truncated")
            << QByteArray(R"({"version": 1, "filter": ")") << u"not valid JSON"_s;
        QTest::newRow("empty") << QByteArray() << u"not valid JSON"_s;
        QTest::newRow("array") << QByteArray("[1]") << u"not an object"_s;
        QTest::newRow("no version") << QByteArray(R"({"filter": "x"})") << u"no \"version\""_s;
        QTest::newRow("version as text")
            << QByteArray(R"({"version": "1"})") << u"no \"version\""_s;
        QTest::newRow("newer version")
            << QByteArray(R"({"version": 2})") << u"a view of version 2"_s;
        QTest::newRow("columns not a list")
            << QByteArray(R"({"version": 1, "columns": "seed"})") << u"\"columns\""_s;
        QTest::newRow("columns of numbers")
            << QByteArray(R"({"version": 1, "columns": [1]})") << u"\"columns\""_s;
        QTest::newRow("filter not text")
            << QByteArray(R"({"version": 1, "filter": 3})") << u"\"filter\" is not a string"_s;
        QTest::newRow("bool as text")
            << QByteArray(R"({"version": 1, "varyingOnly": "yes"})") << u"\"varyingOnly\""_s;
        QTest::newRow("sort not objects")
            << QByteArray(R"({"version": 1, "sort": ["seed"]})") << u"\"sort\""_s;
        QTest::newRow("sort column not text")
            << QByteArray(R"({"version": 1, "sort": [{"column": 1}]})") << u"\"sort\""_s;
    }

    void notAView() {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        QString error;
        QVERIFY(!SavedView::fromJson(json, &error));
        QVERIFY2(error.contains(message), qPrintable(error));
        QVERIFY(!SavedView::fromJson(json)); // no error wanted: still refused
    }

    void saveAndLoad() {
        const QTemporaryDir root;
        QCOMPARE(viewsFolder(root.path()), root.path() + u"/.runlens/views"_s);
        QCOMPARE(savedViewNames(root.path()), QStringList{});
        SavedView v = fullView();
        QString error;
        QVERIFY2(saveView(root.path(), v, &error), qPrintable(error));
        v.name = u"b-view"_s;
        v.filter = u"seed == 2"_s;
        QVERIFY2(saveView(root.path(), v, &error), qPrintable(error));
        QCOMPARE(savedViewNames(root.path()), (QStringList{u"adam sweep"_s, u"b-view"_s}));
        const auto loaded = loadView(root.path(), u"b-view"_s, &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(dump(*loaded), dump(v));
        // Overwriting replaces the file whole and leaves no temporary file behind.
        v.filter = u"seed == 3"_s;
        QVERIFY(saveView(root.path(), v));
        QCOMPARE(loadView(root.path(), u"b-view"_s)->filter, u"seed == 3"_s);
        QCOMPARE(QDir(viewsFolder(root.path())).entryList(QDir::Files | QDir::Hidden),
                 (QStringList{u"adam sweep.json"_s, u"b-view.json"_s}));
    }

    void nameComesFromTheFile() {
        const QTemporaryDir root;
        QVERIFY(testutil::writeFile(viewsFolder(root.path()) + u"/mine.json"_s,
                                    R"({"version": 1, "name": "theirs", "filter": "x == 1"})"));
        const auto v = loadView(root.path(), u"mine"_s);
        QVERIFY(v);
        QCOMPARE(v->name, u"mine"_s);
        QCOMPARE(v->filter, u"x == 1"_s);
    }

    void loadErrors() {
        const QTemporaryDir root;
        QString error;
        QVERIFY(!loadView(root.path(), u"best"_s, &error));
        QVERIFY2(error.contains(u"no view named 'best'"_s), qPrintable(error));
        QVERIFY2(error.contains(u"there are no saved views"_s), qPrintable(error));
        QVERIFY(saveView(root.path(), fullView()));
        QVERIFY(testutil::writeFile(viewsFolder(root.path()) + u"/broken.json"_s, "{\"version\""));
        QVERIFY(testutil::writeFile(viewsFolder(root.path()) + u"/.hidden.json"_s, "{}"));
        QVERIFY(testutil::writeFile(viewsFolder(root.path()) + u"/notes.txt"_s, "x"));
        QCOMPARE(savedViewNames(root.path()), (QStringList{u"adam sweep"_s, u"broken"_s}));
        QVERIFY(!loadView(root.path(), u"best"_s, &error));
        QVERIFY2(error.contains(u"saved views: adam sweep, broken"_s), qPrintable(error));
        QVERIFY(!loadView(root.path(), u"broken"_s, &error));
        QVERIFY2(error.contains(u"broken.json"_s) && error.contains(u"not valid JSON"_s),
                 qPrintable(error));
        QVERIFY(!loadView(root.path(), u"../escape"_s, &error)); // a name, never a path
        QVERIFY2(error.contains(u"no view named"_s), qPrintable(error));
    }

    void saveErrors() {
        const QTemporaryDir root;
        SavedView v = fullView();
        v.name = u"a/b"_s;
        QString error;
        QVERIFY(!saveView(root.path(), v, &error));
        QVERIFY2(error.contains(u"cannot name a view"_s), qPrintable(error));
        QVERIFY(!QFileInfo::exists(viewsFolder(root.path())));
        // A folder that cannot be written: the old view stays as it was.
        v.name = u"kept"_s;
        QVERIFY(saveView(root.path(), v));
        if (geteuid() == 0) QSKIP("root writes into read-only folders");
        QFile::setPermissions(viewsFolder(root.path()), QFile::ReadOwner | QFile::ExeOwner);
        v.filter = u"changed"_s;
        const bool saved = saveView(root.path(), v, &error);
        QFile::setPermissions(viewsFolder(root.path()),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY(!saved);
        QVERIFY2(error.contains(u"cannot write"_s), qPrintable(error));
        QCOMPARE(loadView(root.path(), u"kept"_s)->filter, fullView().filter);
    }

    void names_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("word") << u"best"_s << true;
        QTest::newRow("spaces") << u"lr sweep"_s << true;
        QTest::newRow("dots inside") << u"v1.2"_s << true;
        QTest::newRow("dash underscore") << u"a_b-c"_s << true;
        QTest::newRow("accented") << u"r\u00e9sum\u00e9"_s << true;
        QTest::newRow("empty") << QString() << false;
        QTest::newRow("leading dot") << u".hidden"_s << false;
        QTest::newRow("dot dot") << u".."_s << false;
        QTest::newRow("slash") << u"a/b"_s << false;
        QTest::newRow("backslash") << u"a\\b"_s << false;
        QTest::newRow("colon") << u"a:b"_s << false;
        QTest::newRow("star") << u"x*"_s << false;
        QTest::newRow("leading space") << u" a"_s << false;
        QTest::newRow("trailing space") << u"a "_s << false;
        QTest::newRow("newline") << u"a\nb"_s << false;
        QTest::newRow("too long") << QString(129, u'a') << false;
    }

    void names() {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidViewName(name), valid);
    }
};

QTEST_GUILESS_MAIN(TestSavedView)
#include "tst_savedview.moc"
