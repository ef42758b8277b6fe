// The HTML writer: one standalone page, styled inline, with the marks the window shows.
#include "writersupport.h"

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

QString htmlEscape(const QString &text) {
    QString out;
    out.reserve(text.size() + 8);
    for (const QChar ch : text) {
        switch (ch.unicode()) {
        case u'&':
            out += u"&amp;"_s;
            break;
        case u'<':
            out += u"&lt;"_s;
            break;
        case u'>':
            out += u"&gt;"_s;
            break;
        case u'"':
            out += u"&quot;"_s;
            break;
        case u'\'':
            out += u"&#39;"_s;
            break;
        default:
            out += ch;
        }
    }
    return out;
}

namespace exportdetail {
namespace {

// The window's colours (widgets/runtableview.cpp, widgets/diffwindow.cpp): family bands,
// tints with the same alpha, NaN red.
const char16_t *const kStyle = uR"(
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5em; color: #1f2328; background: #fff; }
h1 { font-size: 1.3em; margin: 0 0 .2em; }
p.caption { color: #59636e; margin: 0 0 1em; }
div.table { overflow: auto; max-height: 85vh; border: 1px solid #d0d7de; border-radius: 4px; width: max-content; max-width: 100%; }
table { border-collapse: separate; border-spacing: 0; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eaeef2; white-space: nowrap; text-align: left; vertical-align: top; }
thead th { position: sticky; top: 0; z-index: 1; background: #f6f8fa; border-bottom: 1px solid #d0d7de; box-shadow: inset 0 3px #f6f8fa; }
thead th.config { box-shadow: inset 0 3px #3b7dd8; }
thead th.metric { box-shadow: inset 0 3px #e08a1e; }
thead th.meta { box-shadow: inset 0 3px #888888; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.long { white-space: normal; min-width: 20em; max-width: 40em; overflow-wrap: anywhere; }
td.missing { color: #b1b8c0; text-align: center; }
td.nan { color: #c0392b; font-style: italic; }
.baseline { font-weight: bold; background: rgba(59, 125, 216, 0.19); }
.differs, .changed { background: rgba(242, 177, 52, 0.25); }
.added { background: rgba(46, 160, 67, 0.22); }
.removed { background: rgba(215, 58, 73, 0.22); }
.best { font-weight: bold; background: rgba(46, 160, 67, 0.22); }
.better { color: #1a7f37; }
.worse { color: #c0392b; }
p.legend { color: #59636e; font-size: .9em; margin-top: .8em; }
p.legend span { display: inline-block; padding: 0 .5em; margin-right: .6em; border-radius: 3px; }
@media print { div.table { overflow: visible; max-height: none; border: none; } thead th { position: static; } }
)";

/// The marks a page can show: class, legend text.
struct MarkStyle {
    CellMark mark;
    const char16_t *cssClass;
    const char16_t *legend;
};
constexpr MarkStyle kMarks[] = {
    {CellMark::Best, u"best", u"best in its column"},
    {CellMark::Baseline, u"baseline", u"baseline run"},
    {CellMark::DiffersFromBaseline, u"differs", u"differs from the baseline"},
    {CellMark::Changed, u"changed", u"changed"},
    {CellMark::Added, u"added", u"added (the baseline lacks it)"},
    {CellMark::Removed, u"removed", u"removed (this run lacks it)"},
    {CellMark::Better, u"better", u"better than the baseline"},
    {CellMark::Worse, u"worse", u"worse than the baseline"},
};

QString familyClass(const std::optional<Family> &family) {
    return family ? familyName(*family) : QString();
}

bool isNotFinite(const Value &v) {
    return v.type() == Value::Type::Real && !std::isfinite(v.toDouble());
}

QString cellHtml(const TableSource &t, int r, int c, const ColumnMeta &meta, bool right,
                 const WriteOptions &o, CellMarks &used) {
    const Value v = t.cell(r, c);
    const CellMarks marks = t.cellMarks(r, c);
    used |= marks;
    QStringList classes;
    if (right) classes << u"num"_s;
    for (const MarkStyle &m : kMarks)
        if (marks & m.mark) classes << QString::fromUtf16(m.cssClass);
    QString text;
    if (v.isMissing()) {
        classes << u"missing"_s;
        text = QString(QChar(0x2014)); // the window's dash for no value
    } else {
        if (isNotFinite(v)) classes << u"nan"_s;
        const QString plain = peopleText(t, r, c, meta, v, v.exportText(), o);
        if (plain.size() > 60) classes << u"long"_s; // wraps instead of widening its column
        text = htmlEscape(plain);
        text.replace(u"\n"_s, u"<br>"_s);
    }
    return (classes.isEmpty() ? u"<td>"_s : u"<td class=\""_s + classes.join(u' ') + u"\">"_s) +
           text + u"</td>"_s;
}

} // namespace

void writeHtml(const TableSource &t, const WriteOptions &o, Sink &out) {
    const int cols = t.columnCount();
    const std::vector<ColumnMeta> meta = columnMetas(t);
    const std::vector<bool> aligned = rightAlignedColumns(t, meta);
    const auto right = [&](int c) { return aligned[std::size_t(c)]; };
    const QString what = t.description();
    const QString title = !o.caption.isEmpty() ? o.caption
                          : what.isEmpty()     ? u"RunLens table"_s
                                               : u"RunLens: "_s + what;
    QStringList line;
    if (!what.isEmpty()) line << what;
    if (!o.source.isEmpty()) line << u"from "_s + o.source;
    if (o.written.isValid())
        line << u"written "_s + o.written.toUTC().toString(u"yyyy-MM-dd HH:mm"_s) + u" UTC"_s;

    out += u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"_s
           u"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"_s
           u"<meta name=\"generator\" content=\"RunLens\">\n<title>"_s +
           htmlEscape(title) + u"</title>\n<style>"_s + QString::fromUtf16(kStyle) +
           u"</style>\n</head>\n<body>\n<h1>"_s + htmlEscape(title) +
           u"</h1>\n<p class=\"caption\">"_s + htmlEscape(line.join(u" \u00b7 "_s)) +
           u"</p>\n<div class=\"table\">\n<table>\n<thead>\n<tr>"_s;
    for (int c = 0; c < cols; ++c) {
        QStringList classes;
        if (const QString f = familyClass(meta[std::size_t(c)].family); !f.isEmpty()) classes << f;
        if (right(c)) classes << u"num"_s;
        out += (classes.isEmpty() ? u"<th>"_s : u"<th class=\""_s + classes.join(u' ') + u"\">"_s) +
               htmlEscape(t.header(c)) + u"</th>"_s;
    }
    out += u"</tr>\n</thead>\n<tbody>\n"_s;
    CellMarks used;
    for (int r = 0; r < t.rowCount(); ++r) {
        out += u"<tr>"_s;
        for (int c = 0; c < cols; ++c)
            out += cellHtml(t, r, c, meta[std::size_t(c)], right(c), o, used);
        out += u"</tr>\n"_s;
    }
    out += u"</tbody>\n</table>\n</div>\n"_s;
    if (used) {
        out += u"<p class=\"legend\">"_s;
        for (const MarkStyle &m : kMarks)
            if (used & m.mark)
                out += u"<span class=\""_s + QString::fromUtf16(m.cssClass) + u"\">"_s +
                       QString::fromUtf16(m.legend) + u"</span>"_s;
        out += u"</p>\n"_s;
    }
    out += u"</body>\n</html>\n"_s;
}

} // namespace exportdetail
} // namespace runlens
