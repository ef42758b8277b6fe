// The table writers (export/tablewriter.h) on small tables made here: LaTeX and HTML escaping
// of every special character, numbers and marks as they are typeset, --precision in every
// format, the formula guard of CSV; and that the LaTeX output compiles with pdflatex (skipped
// where no TeX is installed; scripts/setup-debian.sh installs it).
#include "export/tablewriter.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "testutil.h"

#include <algorithm>
#include <limits>

Q_DECLARE_METATYPE(runlens::Value)

using namespace runlens;
using namespace Qt::StringLiterals;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

/// A table given cell by cell, with optional column meta, marks and summaries.
class FakeTable final : public TableSource {
public:
    QStringList headers;
    std::vector<std::vector<Value>> rows;
    std::vector<ColumnMeta> meta; ///< per column; empty: none
    std::map<std::pair<int, int>, CellMarks> marks;
    std::map<std::pair<int, int>, ColumnSummary> summaries;
    QString what;

    int rowCount() const override { return int(rows.size()); }
    int columnCount() const override { return int(headers.size()); }
    QString header(int column) const override { return headers[column]; }
    Value cell(int row, int column) const override {
        return rows[std::size_t(row)][std::size_t(column)];
    }
    ColumnMeta columnMeta(int column) const override {
        return std::size_t(column) < meta.size() ? meta[std::size_t(column)] : ColumnMeta{};
    }
    CellMarks cellMarks(int row, int column) const override {
        const auto it = marks.find({row, column});
        return it == marks.end() ? CellMarks() : it->second;
    }
    const ColumnSummary *cellSummary(int row, int column) const override {
        const auto it = summaries.find({row, column});
        return it == summaries.end() ? nullptr : &it->second;
    }
    QString description() const override { return what; }
};

/// One column of values under `header`.
FakeTable column(const QString &header, const std::vector<Value> &values) {
    FakeTable t;
    t.headers = {header};
    for (const Value &v : values)
        t.rows.push_back({v});
    return t;
}

QString render(const TableSource &t, TableFormat f, const WriteOptions &o = {}) {
    return QString::fromUtf8(renderTable(t, f, o));
}

/// The body rows of a LaTeX tabular (between \midrule and \bottomrule), one per line.
QStringList latexRows(const QString &latex) {
    const qsizetype from = latex.indexOf(u"\\midrule\n"_s) + 9;
    const qsizetype to = latex.indexOf(u"\\bottomrule"_s);
    QStringList rows = latex.mid(from, to - from).split(u'\n', Qt::SkipEmptyParts);
    for (QString &r : rows)
        r.chop(3); // " \\"
    return rows;
}

/// The `<td>` elements of an HTML page, one per entry.
QStringList htmlCells(const QString &html) {
    static const QRegularExpression td(u"<td[^>]*>.*?</td>"_s);
    QStringList out;
    for (auto it = td.globalMatch(html); it.hasNext();)
        out << it.next().captured(0);
    return out;
}

/// A summary of three numbers with mean 0.9122 and std 0.01039 (joined: `0.912 ± 0.010`).
ColumnSummary threeRuns() {
    ColumnSummary s;
    s.runs = s.count = 3;
    s.mean = 0.9122;
    s.std = 0.01039;
    s.sem = 0.006;
    s.median = 0.91;
    s.min = 0.9;
    s.max = 0.92346;
    return s;
}

/// Runs a TeX engine on `body` in a minimal article; empty on success, else the log's errors.
QString compileLatex(const QString &engine, const QString &body) {
    QTemporaryDir dir;
    const QString doc = u"\\documentclass{article}\n\\usepackage[T1]{fontenc}\n"
                        "\\usepackage{booktabs}\n\\usepackage{graphicx}\n"
                        "\\begin{document}\n"_s +
                        body + u"\\end{document}\n"_s;
    if (!testutil::writeFile(dir.filePath(u"doc.tex"_s), doc.toUtf8())) return u"cannot write"_s;
    QProcess p;
    p.setWorkingDirectory(dir.path());
    p.start(engine, {u"-interaction=nonstopmode"_s, u"-halt-on-error"_s, u"doc.tex"_s});
    if (!p.waitForFinished(120000)) return engine + u" did not finish"_s;
    const QString log = QString::fromUtf8(p.readAllStandardOutput());
    if (p.exitCode() == 0 && QFileInfo::exists(dir.filePath(u"doc.pdf"_s))) return {};
    QStringList errors;
    for (const QString &line : log.split(u'\n'))
        if (line.startsWith(u'!') || line.startsWith(u"l."_s)) errors << line;
    return errors.isEmpty() ? log.right(2000) : errors.join(u'\n');
}

/// A table of every character LaTeX and HTML treat specially, Latin accents, RunLens's own
/// symbols, a leading `[` and `*`, numbers of every kind, and the marks.
FakeTable hostile() {
    FakeTable t;
    t.what = u"hostile strings & 100% <b>bold</b>"_s;
    t.headers = {u"key_with_underscores"_s, u"text & more"_s, u"score # $"_s,
                 u"acc mean \u00b1 std (n)"_s};
    t.meta.resize(4);
    t.meta[2].direction = Direction::Higher;
    t.meta[3].aggregates = {Aggregate::Mean, Aggregate::Std, Aggregate::Count};
    t.meta[3].direction = Direction::Higher;
    const QStringList texts = {
        u"\\ & % $ # _ { } ~ ^"_s,
        u"<script>alert('x')</script> \"q\" | a--b"_s,
        u"[0.9, 0.999]"_s,
        u"*starred"_s,
        u"na\u00efve caf\u00e9 \u00b1 \u0394 \u00d7 \u2212 \u2026 \u2013 \u2014"_s,
        u"line one\nline two\ttab"_s};
    const std::vector<Value> numbers = {
        Value::real(-0.5), Value::real(1e-300), Value::real(3e-6, u"3.0e-06"_s),
        Value::real(kNaN), Value::real(kInf),   Value::real(-kInf)};
    for (int r = 0; r < int(texts.size()); ++r)
        t.rows.push_back({Value::string(u"k_%1"_s.arg(r)), Value::string(texts[r]),
                          numbers[std::size_t(r)],
                          r < 3 ? Value::string(u"0.912 \u00b1 0.010 (n=3)"_s) : Value()});
    t.rows.push_back({Value::string(u"big"_s), Value::missing(),
                      Value::bigInteger(u"12345678901234567890123"_s, 1.2345678901234568e22),
                      Value::missing()});
    t.marks[{1, 2}] = CellMark::Best;
    t.marks[{0, 3}] = CellMark::Best;
    for (int r = 0; r < 3; ++r)
        t.summaries[{r, 3}] = threeRuns();
    return t;
}

} // namespace

class TestExport : public QObject {
    Q_OBJECT

private slots:
    void formatNames_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("format");
        QTest::newRow("latex") << u"latex"_s << int(TableFormat::Latex);
        QTest::newRow("tex") << u"tex"_s << int(TableFormat::Latex);
        QTest::newRow("LaTeX") << u"LaTeX"_s << int(TableFormat::Latex);
        QTest::newRow("html") << u"html"_s << int(TableFormat::Html);
        QTest::newRow("htm") << u"htm"_s << int(TableFormat::Html);
        QTest::newRow("md") << u"md"_s << int(TableFormat::Markdown);
    }

    void formatNames() {
        QFETCH(QString, name);
        QFETCH(int, format);
        QCOMPARE(int(tableFormatFromName(name).value()), format);
        QVERIFY(isForPeople(TableFormat::Latex) && isForPeople(TableFormat::Html));
        QVERIFY(!isForPeople(TableFormat::Json) && !isForPeople(TableFormat::Csv));
    }

    void latexEscaping_data() {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("latex");
        QTest::newRow("ampersand") << u"a&b"_s << u"a\\&b"_s;
        QTest::newRow("percent") << u"100%"_s << u"100\\%"_s;
        QTest::newRow("dollar") << u"$5"_s << u"\\$5"_s;
        QTest::newRow("hash") << u"#1"_s << u"\\#1"_s;
        QTest::newRow("underscore") << u"learning_rate"_s << u"learning\\_rate"_s;
        QTest::newRow("braces") << u"{a}"_s << u"\\{a\\}"_s;
        QTest::newRow("tilde") << u"~/runs"_s << u"\\textasciitilde{}/runs"_s;
        QTest::newRow("caret") << u"x^2"_s << u"x\\textasciicircum{}2"_s;
        QTest::newRow("backslash") << u"a\\b"_s << u"a\\textbackslash{}b"_s;
        QTest::newRow("all ten") << u"\\&%$#_{}~^"_s
                                 << u"\\textbackslash{}\\&\\%\\$\\#\\_\\{\\}\\textasciitilde{}"
                                    "\\textasciicircum{}"_s;
        QTest::newRow("less, greater, bar")
            << u"<a|b>"_s << u"\\textless{}a\\textbar{}b\\textgreater{}"_s;
        QTest::newRow("double dash") << u"a--b---c"_s << u"a-{}-b-{}-{}-c"_s;
        QTest::newRow("leading bracket") << u"[1, 2]"_s << u"{[}1, 2]"_s;
        QTest::newRow("inner bracket") << u"x[1]"_s << u"x[1]"_s;
        QTest::newRow("leading star") << u"*x*"_s << u"{*}x*"_s;
        QTest::newRow("line breaks") << u"a\nb\r\nc\td"_s << u"a b  c d"_s;
        QTest::newRow("plus-minus") << u"0.9 \u00b1 0.1"_s << u"0.9 $\\pm$ 0.1"_s;
        QTest::newRow("delta") << u"acc \u0394%"_s << u"acc $\\Delta$\\%"_s;
        QTest::newRow("times, minus") << u"\u00d7\u2212"_s << u"$\\times$$-$"_s;
        QTest::newRow("dots, dashes") << u"\u2026\u2013\u2014"_s << u"\\dots{}-----"_s;
        QTest::newRow("accents stay") << u"na\u00efve"_s << u"na\u00efve"_s;
        QTest::newRow("plain") << u"optimizer.lr"_s << u"optimizer.lr"_s;
    }

    void latexEscaping() {
        QFETCH(QString, text);
        QFETCH(QString, latex);
        QCOMPARE(latexEscape(text), latex);
    }

    void htmlEscaping() {
        QCOMPARE(htmlEscape(u"<a href=\"x\">Tom & Jerry's</a>"_s),
                 u"&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;"_s);
        QCOMPARE(htmlEscape(u"caf\u00e9 \u00b1"_s), u"caf\u00e9 \u00b1"_s);
    }

    void latexNumbers_data() {
        QTest::addColumn<Value>("value");
        QTest::addColumn<QString>("latex");
        QTest::newRow("plain") << Value::real(0.9314) << u"0.9314"_s;
        QTest::newRow("integer") << Value::integer(128) << u"128"_s;
        QTest::newRow("negative") << Value::real(-0.5) << u"$-0.5$"_s;
        QTest::newRow("exponent") << Value::real(1e-300) << u"$1\\times10^{-300}$"_s;
        QTest::newRow("file's spelling")
            << Value::real(3e-6, u"3.0e-06"_s) << u"$3.0\\times10^{-6}$"_s;
        QTest::newRow("positive exponent") << Value::real(1.5e20) << u"$1.5\\times10^{20}$"_s;
        QTest::newRow("NaN") << Value::real(kNaN) << u"NaN"_s;
        QTest::newRow("inf") << Value::real(kInf) << u"$\\infty$"_s;
        QTest::newRow("-inf") << Value::real(-kInf) << u"$-\\infty$"_s;
        QTest::newRow("big integer")
            << Value::bigInteger(u"12345678901234567890123"_s, 1.2345678901234568e22)
            << u"12345678901234567890123"_s;
        QTest::newRow("missing") << Value::missing() << u"--"_s;
        QTest::newRow("bool") << Value::boolean(true) << u"true"_s;
    }

    void latexNumbers() {
        QFETCH(Value, value);
        QFETCH(QString, latex);
        QCOMPARE(latexRows(render(column(u"x"_s, {value}), TableFormat::Latex)),
                 QStringList{latex});
    }

    void latexTabular() {
        // Given a numeric and a text column, when written as LaTeX, then a booktabs tabular
        // with the numbers right-aligned, the header escaped and no float.
        FakeTable t;
        t.headers = {u"run_id"_s, u"val/acc"_s};
        t.rows = {{Value::string(u"a_1"_s), Value::real(0.9)},
                  {Value::string(u"b"_s), Value::real(0.8)}};
        const QString latex = render(t, TableFormat::Latex);
        QVERIFY2(latex.contains(u"\\begin{tabular}{lr}\n\\toprule\nrun\\_id & val/acc \\\\\n"
                                "\\midrule\na\\_1 & 0.9 \\\\\nb & 0.8 \\\\\n\\bottomrule\n"
                                "\\end{tabular}\n"_s),
                 qPrintable(latex));
        QVERIFY(latex.startsWith(u"% "_s));
        QVERIFY(!latex.contains(u"\\begin{table}"_s));
    }

    void latexFloatWithCaptionAndLabel() {
        const FakeTable t = column(u"x"_s, {Value::integer(1)});
        WriteOptions o;
        o.caption = u"Accuracy & loss, 95% CI"_s;
        o.label = u"tab:results"_s;
        const QString latex = render(t, TableFormat::Latex, o);
        QVERIFY2(latex.contains(u"\\begin{table}[htbp]\n\\centering\n"
                                "\\caption{Accuracy \\& loss, 95\\% CI}\n\\label{tab:results}\n"
                                "\\begin{tabular}{r}"_s),
                 qPrintable(latex));
        QVERIFY(latex.endsWith(u"\\end{tabular}\n\\end{table}\n"_s));
        // A label alone asks for the float too.
        o.caption.clear();
        QVERIFY(render(t, TableFormat::Latex, o).contains(u"\\begin{table}"_s));
    }

    void latexSummariesAndBest() {
        // Given a joined statistics column with two summaries, the first marked best: the
        // pair typeset in math, the best in bold (math too), right-aligned.
        FakeTable t = column(u"acc mean \u00b1 std (n)"_s,
                             {Value::string(u"0.912 \u00b1 0.010 (n=3)"_s), Value::string(u"x"_s)});
        t.meta = {ColumnMeta{Family::Metric,
                             Direction::Higher,
                             {Aggregate::Mean, Aggregate::Std, Aggregate::Count}}};
        ColumnSummary one = threeRuns();
        one.count = 1;
        one.std = kNaN;
        t.summaries[{0, 0}] = threeRuns();
        t.summaries[{1, 0}] = one;
        t.marks[{0, 0}] = CellMark::Best;
        const QString latex = render(t, TableFormat::Latex);
        QCOMPARE(latexRows(latex), (QStringList{u"\\textbf{\\boldmath $0.912 \\pm 0.010$ (n=3)}"_s,
                                                u"0.9122 (n=1)"_s}));
        QVERIFY(latex.contains(u"\\begin{tabular}{r}"_s));
        QVERIFY(latex.contains(u"acc mean $\\pm$ std (n)"_s));

        // Other aggregates are named; their numbers follow the precision.
        t.meta[0].aggregates = {Aggregate::Mean, Aggregate::Median, Aggregate::Max};
        WriteOptions o;
        o.precision = 2;
        QCOMPARE(latexRows(render(t, TableFormat::Latex, o)).value(1),
                 u"0.91, median 0.91, max 0.92"_s);
        // A plain number marked best is bold without math.
        FakeTable plain = column(u"acc"_s, {Value::real(0.9), Value::real(-0.5)});
        plain.marks[{0, 0}] = CellMark::Best;
        plain.marks[{1, 0}] = CellMark::Best;
        QCOMPARE(latexRows(render(plain, TableFormat::Latex)),
                 (QStringList{u"\\textbf{0.9}"_s, u"\\textbf{\\boldmath $-0.5$}"_s}));
    }

    void precisionInEveryFormat() {
        // Given reals, an integer, NaN and a real with the file's spelling: without a precision
        // every format keeps every digit; with 3, reals are rounded to 3 significant digits in
        // every format and integers are not.
        FakeTable t;
        t.headers = {u"a"_s, u"b"_s, u"c"_s, u"d"_s, u"e"_s};
        t.rows = {{Value::real(0.123456), Value::real(123456.7), Value::integer(123456),
                   Value::real(kNaN), Value::real(1.23456e-7, u"1.23456e-07"_s)}};
        QCOMPARE(render(t, TableFormat::Csv),
                 u"a,b,c,d,e\n0.123456,123456.7,123456,NaN,1.23456e-07\n"_s);
        WriteOptions o;
        o.precision = 3;
        QCOMPARE(render(t, TableFormat::Csv, o),
                 u"a,b,c,d,e\n0.123,123000,123456,NaN,1.23e-07\n"_s);
        QCOMPARE(render(t, TableFormat::Tsv, o),
                 u"a\tb\tc\td\te\n0.123\t123000\t123456\tNaN\t1.23e-07\n"_s);
        QCOMPARE(
            render(t, TableFormat::Json, o),
            u"[\n  {\"a\": 0.123, \"b\": 123000, \"c\": 123456, \"d\": \"NaN\", \"e\": 1.23e-07}\n]\n"_s);
        QVERIFY2(render(t, TableFormat::Markdown, o)
                     .endsWith(u"| 0.123 | 123457 | 123456 | NaN | 1.23e-07 |\n"_s),
                 qPrintable(render(t, TableFormat::Markdown, o)));
        QVERIFY(
            render(t, TableFormat::Text, o).contains(u"0.123  123457  123456  NaN  1.23e-07"_s));
        QCOMPARE(latexRows(render(t, TableFormat::Latex, o)),
                 QStringList{u"0.123 & 123457 & 123456 & NaN & $1.23\\times10^{-7}$"_s});
        QCOMPARE(htmlCells(render(t, TableFormat::Html, o)).join(u""_s),
                 u"<td class=\"num\">0.123</td><td class=\"num\">123457</td>"
                 "<td class=\"num\">123456</td><td class=\"num nan\">NaN</td>"
                 "<td class=\"num\">1.23e-07</td>"_s);
    }

    void precisionNeverOverflowsToInfinity() {
        // The largest double rounded up to 3 digits (1.80e308) is beyond every double: the
        // number stays as it is rather than turn into infinity.
        FakeTable t;
        t.headers = {u"x"_s};
        t.rows = {{Value::real(std::numeric_limits<double>::max())}};
        WriteOptions o;
        o.precision = 3;
        QCOMPARE(render(t, TableFormat::Csv, o), u"x\n1.7976931348623157e+308\n"_s);
        QVERIFY(!render(t, TableFormat::Json, o).contains(u"Infinity"_s));
    }

    void precisionKeepsTrailingZeros() {
        // People read a column of rounded numbers by their digits: 0.26 to 4 digits is 0.2600.
        FakeTable t = column(u"x"_s, {Value::real(0.259958952665329), Value::real(0.99996),
                                      Value::real(-0.00012344), Value::real(2.5e-9),
                                      Value::real(98765.4321), Value::integer(7)});
        t.meta = {ColumnMeta{Family::Metric, Direction::Higher, {}}};
        WriteOptions o;
        o.precision = 4;
        QCOMPARE(latexRows(render(t, TableFormat::Latex, o)),
                 (QStringList{u"0.2600"_s, u"1.000"_s, u"$-0.0001234$"_s,
                              u"$2.500\\times10^{-9}$"_s, u"98765"_s, u"7"_s}));
        QVERIFY(render(t, TableFormat::Markdown, o).contains(u"| 0.2600 |\n| 1.000 |"_s));
        // Programs get the rounded number, spelled shortest.
        QCOMPARE(render(t, TableFormat::Csv, o), u"x\n0.26\n1\n-0.0001234\n2.5e-09\n98770\n7\n"_s);
        // A config value (a learning rate) reads as written, without padding zeros.
        t.meta = {ColumnMeta{Family::Config, std::nullopt, {}}};
        QCOMPARE(latexRows(render(t, TableFormat::Latex, o)).mid(0, 2),
                 (QStringList{u"0.26"_s, u"1"_s}));
    }

    void precisionOfJoinedCells() {
        // A joined cell keeps `mean ± spread` as reported (two significant digits of the
        // spread) whatever the precision; the lone numbers take the precision (4 by default).
        FakeTable t = column(u"acc"_s, {Value::string(u"x"_s)});
        t.meta = {ColumnMeta{Family::Metric,
                             std::nullopt,
                             {Aggregate::Mean, Aggregate::Std, Aggregate::Max, Aggregate::Count}}};
        t.summaries[{0, 0}] = threeRuns();
        WriteOptions o;
        QCOMPARE(latexRows(render(t, TableFormat::Latex, o)),
                 QStringList{u"$0.912 \\pm 0.010$, max 0.9235 (n=3)"_s});
        o.precision = 2;
        QCOMPARE(latexRows(render(t, TableFormat::Latex, o)),
                 QStringList{u"$0.912 \\pm 0.010$, max 0.92 (n=3)"_s});
        QVERIFY(render(t, TableFormat::Markdown, o)
                    .endsWith(u"| 0.912 \u00b1 0.010, max 0.92 (n=3) |\n"_s));
        QCOMPARE(htmlCells(render(t, TableFormat::Html, o)),
                 QStringList{u"<td class=\"num\">0.912 \u00b1 0.010, max 0.92 (n=3)</td>"_s});
    }

    void formulaGuardStillOnForCsv() {
        const FakeTable t = column(u"c"_s, {Value::string(u"=1+1"_s), Value::string(u"-x"_s),
                                            Value::real(-0.5), Value::string(u"@a"_s)});
        QCOMPARE(render(t, TableFormat::Csv), u"c\n'=1+1\n'-x\n-0.5\n'@a\n"_s);
        WriteOptions raw;
        raw.neutralizeFormulas = false;
        QCOMPARE(render(t, TableFormat::Csv, raw), u"c\n=1+1\n-x\n-0.5\n@a\n"_s);
        // People's formats never prefix: there is no spreadsheet to fool.
        QVERIFY(render(t, TableFormat::Html).contains(u"<td>=1+1</td>"_s));
        QCOMPARE(latexRows(render(t, TableFormat::Latex)).value(0), u"=1+1"_s);
    }

    void htmlPage() {
        // Given the hostile table: one standalone page, no script, everything escaped, a title
        // and a caption line, a sticky header, family bands, and the marks as classes.
        FakeTable t = hostile();
        t.meta[1].family = Family::Config;
        t.meta[2].family = Family::Metric;
        t.marks[{2, 1}] = CellMark::DiffersFromBaseline;
        t.marks[{3, 1}] = CellMark::Changed | CellMark::Worse;
        WriteOptions o;
        o.source = u"runs/<a>"_s;
        o.written = QDateTime(QDate(2024, 5, 2), QTime(12, 30), Qt::UTC);
        const QString html = render(t, TableFormat::Html, o);
        QVERIFY(html.startsWith(
            u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"_s));
        QVERIFY(html.endsWith(u"</body>\n</html>\n"_s));
        QVERIFY(!html.contains(u"<script"_s, Qt::CaseInsensitive));
        QVERIFY(html.contains(u"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"_s));
        QVERIFY(html.contains(
            u"<title>RunLens: hostile strings &amp; 100% &lt;b&gt;bold&lt;/b&gt;</title>"_s));
        QVERIFY(html.contains(
            u"<p class=\"caption\">hostile strings &amp; 100% &lt;b&gt;bold&lt;/b&gt; \u00b7 "
            "from runs/&lt;a&gt; \u00b7 written 2024-05-02 12:30 UTC</p>"_s));
        QVERIFY(html.contains(u"position: sticky"_s));
        QVERIFY(html.contains(u"<th class=\"config\">text &amp; more</th>"_s));
        QVERIFY(html.contains(u"<th class=\"metric num\">score # $</th>"_s));
        const QStringList cells = htmlCells(html);
        QCOMPARE(cells.size(), 7 * 4);
        QCOMPARE(cells[0 * 4 + 3], u"<td class=\"num best\">0.912 \u00b1 0.010 (n=3)</td>"_s);
        QCOMPARE(cells[1 * 4 + 2], u"<td class=\"num best\">1e-300</td>"_s);
        QCOMPARE(cells[2 * 4 + 1], u"<td class=\"differs\">[0.9, 0.999]</td>"_s);
        QCOMPARE(cells[3 * 4 + 1], u"<td class=\"changed worse\">*starred</td>"_s);
        QCOMPARE(cells[3 * 4 + 2], u"<td class=\"num nan\">NaN</td>"_s);
        QCOMPARE(cells[4 * 4 + 2], u"<td class=\"num nan\">inf</td>"_s);
        QCOMPARE(cells[5 * 4 + 1], u"<td>line one<br>line two\ttab</td>"_s);
        QCOMPARE(cells[6 * 4 + 1], u"<td class=\"missing\">\u2014</td>"_s);
        QVERIFY(html.contains(u"<p class=\"legend\"><span class=\"best\">best in its column</span>"
                              "<span class=\"differs\">differs from the baseline</span>"
                              "<span class=\"changed\">changed</span>"
                              "<span class=\"worse\">worse than the baseline</span></p>"_s));
        // A caption becomes the title; a table without marks has no legend.
        o.caption = u"Results <v2>"_s;
        const QString plain = render(column(u"x"_s, {Value::integer(1)}), TableFormat::Html, o);
        QVERIFY(plain.contains(u"<title>Results &lt;v2&gt;</title>"_s));
        QVERIFY(plain.contains(u"<h1>Results &lt;v2&gt;</h1>"_s));
        QVERIFY(!plain.contains(u"class=\"legend\""_s));
    }

    void latexCompiles_data() {
        QTest::addColumn<QString>("engine");
        QTest::addColumn<QString>("body");
        QTest::addColumn<QStringList>("goldens");
        WriteOptions floating;
        floating.caption = u"Hostile strings: 100% & more"_s;
        floating.label = u"tab:hostile_1"_s;
        const QString hostileTex =
            render(hostile(), TableFormat::Latex) + render(hostile(), TableFormat::Latex, floating);
        QTest::newRow("pdflatex, hostile strings") << u"pdflatex"_s << hostileTex << QStringList{};
        // Every LaTeX golden of the command line; pdflatex sets Latin scripts, LuaLaTeX the
        // others (a golden of hostile strings has Japanese).
        const QDir golden(QFINDTESTDATA("golden"));
        for (const QString &name : golden.entryList({u"*_latex*.txt"_s}, QDir::Files, QDir::Name)) {
            QFile f(golden.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString tex = QString::fromUtf8(f.readAll());
            const bool latin =
                std::all_of(tex.begin(), tex.end(), [](QChar ch) { return ch.unicode() < 0x250; });
            const QString engine = latin ? u"pdflatex"_s : u"lualatex"_s;
            QTest::addRow("%s, %s", qPrintable(engine), qPrintable(name))
                << engine << QString() << QStringList{golden.filePath(name)};
        }
        // Scripts pdflatex cannot set (CJK) need LuaLaTeX or XeLaTeX; they must still compile.
        QTest::newRow("lualatex, CJK")
            << u"lualatex"_s
            << render(column(u"name"_s, {Value::string(u"\u6771\u4eac \u00b1 caf\u00e9"_s)}),
                      TableFormat::Latex)
            << QStringList{};
    }

    void latexCompiles() {
        QFETCH(QString, engine);
        QFETCH(QString, body);
        QFETCH(QStringList, goldens);
        if (QStandardPaths::findExecutable(engine).isEmpty())
            QSKIP(
                qPrintable(engine + u" is not installed (scripts/setup-debian.sh installs TeX)"_s));
        QString doc = body;
        for (const QString &path : goldens) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QString tex = QString::fromUtf8(f.readAll());
            // A float cannot go in a box; a bare tabular is scaled to the page.
            doc += tex.contains(u"\\begin{table}"_s)
                       ? tex
                       : u"\\resizebox{\\textwidth}{!}{%\n"_s + tex + u"}\n\n"_s;
        }
        QVERIFY(!doc.isEmpty());
        const QString errors = compileLatex(engine, doc);
        QVERIFY2(errors.isEmpty(), qPrintable(errors));
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
