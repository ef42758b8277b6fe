#include "tablewriter.h"
#include "writersupport.h"

#include "run/flatten.h"

#include <rapidjson/document.h>

#include <QBuffer>
#include <QFileInfo>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>
#include <cmath>
#include <vector>

namespace runlens {

using namespace Qt::StringLiterals;
using namespace exportdetail;

std::optional<TableFormat> tableFormatFromName(const QString &name) {
    const QString n = name.toLower();
    if (n == u"text" || n == u"txt") return TableFormat::Text;
    if (n == u"csv") return TableFormat::Csv;
    if (n == u"tsv") return TableFormat::Tsv;
    if (n == u"md" || n == u"markdown") return TableFormat::Markdown;
    if (n == u"json") return TableFormat::Json;
    if (n == u"latex" || n == u"tex") return TableFormat::Latex;
    if (n == u"html" || n == u"htm") return TableFormat::Html;
    return std::nullopt;
}

bool isForPeople(TableFormat format) {
    switch (format) {
    case TableFormat::Text:
    case TableFormat::Markdown:
    case TableFormat::Latex:
    case TableFormat::Html:
        return true;
    case TableFormat::Csv:
    case TableFormat::Tsv:
    case TableFormat::Json:
        break;
    }
    return false;
}

namespace {

bool looksLikeFormula(const QString &s) {
    if (s.isEmpty()) return false;
    const QChar c = s[0];
    return c == u'=' || c == u'+' || c == u'-' || c == u'@' || c == u'\t' || c == u'\r';
}

/// Appends a CSV field (RFC 4180: quoted when it holds a comma, quote or line break, quotes
/// doubled) to `out`: one scan of the text, no temporary for the common unquoted field.
void appendCsvField(QString &out, const Value &v, const WriteOptions &o) {
    const QString s = v.exportText();
    const bool guard = o.neutralizeFormulas && !v.isNumber() && looksLikeFormula(s);
    const bool quote = std::any_of(s.cbegin(), s.cend(), [](QChar c) {
        return c == u',' || c == u'"' || c == u'\n' || c == u'\r';
    });
    if (quote) out += u'"';
    if (guard) out += u'\'';
    if (!quote) {
        out += s;
        return;
    }
    for (const QChar c : s) {
        if (c == u'"') out += u'"';
        out += c;
    }
    out += u'"';
}

QString tsvField(const Value &v, const WriteOptions &o) {
    QString s = v.exportText();
    if (o.neutralizeFormulas && !v.isNumber() && looksLikeFormula(s)) s.prepend(u'\'');
    s.replace(u"\\"_s, u"\\\\"_s)
        .replace(u"\t"_s, u"\\t"_s)
        .replace(u"\n"_s, u"\\n"_s)
        .replace(u"\r"_s, u"\\r"_s);
    return s;
}

QString markdownField(const QString &text) {
    QString s = text;
    s.replace(u"\\"_s, u"\\\\"_s)
        .replace(u"|"_s, u"\\|"_s)
        .replace(u"\r\n"_s, u"<br>"_s)
        .replace(u"\n"_s, u"<br>"_s);
    return s;
}

bool isStrictJson(const QString &text) {
    rapidjson::Document d;
    const QByteArray utf8 = text.toUtf8();
    d.Parse(utf8.constData(), std::size_t(utf8.size()));
    return !d.HasParseError();
}

QString jsonValue(const Value &v) {
    switch (v.type()) {
    case Value::Type::Missing:
    case Value::Type::Null:
        return u"null"_s;
    case Value::Type::Bool:
        return v.toBool() ? u"true"_s : u"false"_s;
    case Value::Type::Int: {
        const QString t = v.displayText();
        return isStrictJson(t) ? t : QString::number(v.toInt());
    }
    case Value::Type::Real: {
        const double d = v.toDouble();
        if (std::isnan(d)) return u"\"NaN\""_s;
        if (std::isinf(d)) return d > 0 ? u"\"Infinity\""_s : u"\"-Infinity\""_s;
        const QString t = v.displayText();
        return isStrictJson(t) ? t : Value::formatReal(d);
    }
    case Value::Type::String:
        return jsonQuote(v.rawText());
    case Value::Type::List:
    case Value::Type::Object:
        // Kept whole as JSON; one holding NaN (not JSON) is written as its text instead.
        return isStrictJson(v.rawText()) ? v.rawText() : jsonQuote(v.rawText());
    }
    return u"null"_s;
}

QString clipText(QString s, const WriteOptions &o) {
    s.replace(u'\n', u' ').replace(u'\t', u' ');
    if (o.maxTextWidth > 0 && s.size() > o.maxTextWidth)
        s = s.left(o.maxTextWidth - 1) + QChar(0x2026);
    return s;
}

void writeText(const TableSource &t, const WriteOptions &o, Sink &out) {
    const int cols = t.columnCount();
    const std::vector<ColumnMeta> meta = columnMetas(t);
    const auto text = [&](int r, int c) {
        const Value v = t.cell(r, c);
        return clipText(peopleText(t, r, c, meta[std::size_t(c)], v, v.displayText(), o), o);
    };
    std::vector<qsizetype> width(std::size_t(cols), 0);
    for (int c = 0; c < cols; ++c)
        width[std::size_t(c)] = clipText(t.header(c), o).size();
    for (int r = 0; r < t.rowCount(); ++r)
        for (int c = 0; c < cols; ++c)
            width[std::size_t(c)] = std::max(width[std::size_t(c)], text(r, c).size());
    const std::vector<bool> numeric = numericColumns(t);
    const auto line = [&](int r) {
        QString row;
        for (int c = 0; c < cols; ++c) {
            const QString s = r < 0 ? clipText(t.header(c), o) : text(r, c);
            if (c > 0) row += u"  "_s;
            row += numeric[std::size_t(c)] && r >= 0 ? s.rightJustified(width[std::size_t(c)])
                                                     : s.leftJustified(width[std::size_t(c)]);
        }
        while (row.endsWith(u' '))
            row.chop(1);
        out += row;
        out += u'\n';
    };
    line(-1);
    QString rule;
    for (int c = 0; c < cols; ++c)
        rule += (c > 0 ? u"  "_s : QString()) + QString(width[std::size_t(c)], u'-');
    out += rule;
    out += u'\n';
    for (int r = 0; r < t.rowCount(); ++r)
        line(r);
}

} // namespace

bool writeTable(const TableSource &t, TableFormat format, QIODevice &device,
                const WriteOptions &o) {
    Sink out(device);
    const int cols = t.columnCount();
    switch (format) {
    case TableFormat::Text:
        writeText(t, o, out);
        break;
    case TableFormat::Csv:
    case TableFormat::Tsv: {
        const bool csv = format == TableFormat::Csv;
        const QString sep = csv ? u","_s : u"\t"_s;
        for (int c = 0; c < cols; ++c) {
            const Value h = Value::string(t.header(c));
            QString field;
            if (csv)
                appendCsvField(field, h, o);
            else
                field = tsvField(h, o);
            out += (c ? sep : QString()) + field;
        }
        out += u'\n';
        // Rows are independent: render blocks of them on all cores, write them in order.
        // TableSource::cell is const and reads only, so concurrent calls are safe.
        const auto renderRows = [&](int first, int last) {
            QString block;
            for (int r = first; r < last; ++r) {
                for (int c = 0; c < cols; ++c) {
                    const Value v = programValue(t.cell(r, c), o);
                    if (c) block += sep;
                    if (csv)
                        appendCsvField(block, v, o);
                    else
                        block += tsvField(v, o);
                }
                block += u'\n';
            }
            return block;
        };
        constexpr int kBlock = 2048;
        const int rows = t.rowCount();
        for (int first = 0; first < rows; first += 8 * kBlock) {
            QList<int> starts;
            for (int b = first; b < std::min(rows, first + 8 * kBlock); b += kBlock) starts << b;
            const QList<QString> blocks = QtConcurrent::blockingMapped(
                starts, [&](int b) { return renderRows(b, std::min(rows, b + kBlock)); });
            for (const QString &b : blocks) out += b;
        }
        break;
    }
    case TableFormat::Markdown: {
        const std::vector<bool> numeric = numericColumns(t);
        const std::vector<ColumnMeta> meta = columnMetas(t);
        out += u'|';
        for (int c = 0; c < cols; ++c)
            out += u' ' + markdownField(t.header(c)) + u" |"_s;
        out += u"\n|"_s;
        for (int c = 0; c < cols; ++c)
            out += numeric[std::size_t(c)] ? u" ---: |"_s : u" --- |"_s;
        out += u'\n';
        for (int r = 0; r < t.rowCount(); ++r) {
            out += u'|';
            for (int c = 0; c < cols; ++c) {
                const Value v = t.cell(r, c);
                out +=
                    u' ' +
                    markdownField(peopleText(t, r, c, meta[std::size_t(c)], v, v.exportText(), o)) +
                    u" |"_s;
            }
            out += u'\n';
        }
        break;
    }
    case TableFormat::Json: {
        out += u"[\n"_s;
        for (int r = 0; r < t.rowCount(); ++r) {
            out += u"  {"_s;
            bool first = true;
            for (int c = 0; c < cols; ++c) {
                const Value v = programValue(t.cell(r, c), o);
                if (v.isMissing()) continue;
                out +=
                    (first ? QString() : u", "_s) + jsonQuote(t.header(c)) + u": "_s + jsonValue(v);
                first = false;
            }
            out += r + 1 < t.rowCount() ? u"},\n"_s : u"}\n"_s;
        }
        out += u"]\n"_s;
        break;
    }
    case TableFormat::Latex:
        writeLatex(t, o, out);
        break;
    case TableFormat::Html:
        writeHtml(t, o, out);
        break;
    }
    return out.flush();
}

QByteArray renderTable(const TableSource &t, TableFormat format, const WriteOptions &o) {
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    writeTable(t, format, buffer, o);
    return bytes;
}

bool writeFileAtomically(const QString &path, const std::function<bool(QIODevice &)> &write,
                         QString *error) {
    // Say what is wrong with the target in words before QSaveFile's terse reasons.
    const QFileInfo target(path), folder(target.path());
    QString problem;
    if (target.isDir())
        problem = u"it is a folder"_s;
    else if (folder.exists() && !folder.isDir())
        problem = u"'%1' is not a folder"_s.arg(target.path());
    else if (!folder.exists())
        problem = u"the folder '%1' does not exist"_s.arg(target.path());
    QSaveFile file(path);
    if (problem.isEmpty()) {
        if (!file.open(QIODevice::WriteOnly))
            problem = file.errorString();
        else if (!write(file) || !file.commit())
            problem = file.errorString().isEmpty() ? u"the write failed"_s : file.errorString();
    }
    if (problem.isEmpty()) return true;
    if (error) *error = u"cannot write '%1': %2"_s.arg(path, problem);
    return false;
}

bool writeTableFile(const TableSource &table, TableFormat format, const QString &path,
                    const WriteOptions &options, QString *error) {
    return writeFileAtomically(
        path, [&](QIODevice &device) { return writeTable(table, format, device, options); },
        error);
}

} // namespace runlens
