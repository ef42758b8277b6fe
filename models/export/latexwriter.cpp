// The LaTeX writer: a booktabs tabular (in a table float when asked), for papers.
#include "writersupport.h"

#include <QRegularExpression>

#include <cmath>

namespace runlens {

using namespace Qt::StringLiterals;

QString latexEscape(const QString &text) {
    QString out;
    out.reserve(text.size() + 8);
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar ch = text[i];
        switch (ch.unicode()) {
        case u'\\':
            out += u"\\textbackslash{}"_s;
            break;
        case u'&':
        case u'%':
        case u'$':
        case u'#':
        case u'_':
        case u'{':
        case u'}':
            out += u'\\';
            out += ch;
            break;
        case u'~':
            out += u"\\textasciitilde{}"_s;
            break;
        case u'^':
            out += u"\\textasciicircum{}"_s;
            break;
        case u'<':
            out += u"\\textless{}"_s;
            break;
        case u'>':
            out += u"\\textgreater{}"_s;
            break;
        case u'|':
            out += u"\\textbar{}"_s;
            break;
        case u'-': // `--` would print an en dash
            out += ch;
            if (i + 1 < text.size() && text[i + 1] == u'-') out += u"{}"_s;
            break;
        case u'[':
        case u'*':
            // After a row's `\\` a leading `[` or `*` would be read as its argument.
            if (i == 0)
                out += u'{' + QString(ch) + u'}';
            else
                out += ch;
            break;
        case u'\n':
        case u'\r':
        case u'\t':
            out += u' ';
            break;
        case 0x00b1: // ±
            out += u"$\\pm$"_s;
            break;
        case 0x0394: // Δ
            out += u"$\\Delta$"_s;
            break;
        case 0x00d7: // ×
            out += u"$\\times$"_s;
            break;
        case 0x2212: // minus sign
            out += u"$-$"_s;
            break;
        case 0x2026: // …
            out += u"\\dots{}"_s;
            break;
        case 0x2013: // –
            out += u"--"_s;
            break;
        case 0x2014: // —
            out += u"---"_s;
            break;
        default:
            out += ch;
        }
    }
    return out;
}

namespace exportdetail {
namespace {

/// A number's text (`-1.5e-03`, `0.93`, `NaN`, `inf`) as math-mode LaTeX: `-1.5\times10^{-3}`;
/// empty for text that is not a plain number (`0x1f`).
QString mathNumber(const QString &text) {
    if (text == u"NaN" || text == u"nan") return u"\\mathrm{NaN}"_s;
    if (text == u"inf" || text == u"Infinity" || text == u"+inf") return u"\\infty"_s;
    if (text == u"-inf" || text == u"-Infinity") return u"-\\infty"_s;
    static const QRegularExpression number(u"^([+-]?)(\\d*\\.?\\d*)(?:[eE]([+-]?)0*(\\d+))?$"_s);
    const auto m = number.match(text);
    if (!m.hasMatch() || m.captured(2).isEmpty() || m.captured(2) == u".") return {};
    QString out = (m.captured(1) == u"-" ? u"-"_s : QString()) + m.captured(2);
    if (m.hasCaptured(4))
        out +=
            u"\\times10^{"_s + (m.captured(3) == u"-" ? u"-"_s : QString()) + m.captured(4) + u'}';
    return out;
}

/// A number for text mode: as it is where it needs no math (`0.93`), else in math
/// (`$-0.5$`, `$1\times10^{-300}$`, `$\infty$`); NaN as text; anything else escaped.
QString textNumber(const QString &text) {
    if (text == u"NaN" || text == u"nan") return u"NaN"_s;
    const QString math = mathNumber(text);
    if (math.isEmpty()) return latexEscape(text);
    return math == text && !text.startsWith(u'-') ? text : u'$' + math + u'$';
}

/// A joined summary cell: `$0.912 \pm 0.010$ (n=3)`, `median 0.93`, as joinedText() has them.
QString latexSummary(const std::vector<Aggregate> &aggregates, const ColumnSummary &s,
                     const WriteOptions &o) {
    const JoinedParts p = joinedParts(aggregates, s, joinedDigits(o));
    QStringList parts;
    if (!p.mean.isEmpty()) {
        if (p.spread.isEmpty()) {
            parts << textNumber(p.mean);
        } else {
            const QString mean = mathNumber(p.mean), spread = mathNumber(p.spread);
            parts << u'$' + (mean.isEmpty() ? p.mean : mean) + u" \\pm "_s +
                         (spread.isEmpty() ? p.spread : spread) + u'$';
        }
    }
    for (const auto &[name, number] : p.named)
        parts << latexEscape(name) + u' ' + textNumber(number);
    QString text = parts.join(u", "_s);
    if (!p.count.isEmpty()) {
        const QString count = latexEscape(p.count);
        text = text.isEmpty() ? count : text + u" ("_s + count + u')';
    }
    return text;
}

QString latexCell(const TableSource &t, int r, int c, const ColumnMeta &meta,
                  const WriteOptions &o) {
    const Value v = t.cell(r, c);
    QString text;
    if (!meta.aggregates.empty() && t.cellSummary(r, c))
        text = latexSummary(meta.aggregates, *t.cellSummary(r, c), o);
    else if (v.isMissing())
        return u"--"_s;
    else if (v.isNumber())
        text = textNumber(peopleText(t, r, c, meta, v, v.exportText(), o));
    else
        text = latexEscape(peopleText(t, r, c, meta, v, v.exportText(), o));
    if (text.isEmpty()) return u"--"_s;
    if (t.cellMarks(r, c) & CellMark::Best)
        text = u"\\textbf{"_s + (text.contains(u'$') ? u"\\boldmath "_s : QString()) + text + u'}';
    return text;
}

} // namespace

void writeLatex(const TableSource &t, const WriteOptions &o, Sink &out) {
    const int cols = t.columnCount();
    const std::vector<ColumnMeta> meta = columnMetas(t);
    const std::vector<bool> right = rightAlignedColumns(t, meta);
    QString spec;
    for (int c = 0; c < cols; ++c)
        spec += right[std::size_t(c)] ? u'r' : u'l';

    const QString what = t.description();
    out += u"% "_s + (what.isEmpty() ? u"A table"_s : latexEscape(what)) +
           u", written by RunLens; needs \\usepackage{booktabs}\n"_s;
    const bool floating = !o.caption.isEmpty() || !o.label.isEmpty();
    if (floating) {
        out += u"\\begin{table}[htbp]\n\\centering\n"_s;
        if (!o.caption.isEmpty()) out += u"\\caption{"_s + latexEscape(o.caption) + u"}\n"_s;
        if (!o.label.isEmpty()) out += u"\\label{"_s + o.label + u"}\n"_s;
    }
    out += u"\\begin{tabular}{"_s + spec + u"}\n\\toprule\n"_s;
    for (int c = 0; c < cols; ++c)
        out += (c ? u" & "_s : QString()) + latexEscape(t.header(c));
    out += u" \\\\\n\\midrule\n"_s;
    for (int r = 0; r < t.rowCount(); ++r) {
        for (int c = 0; c < cols; ++c)
            out += (c ? u" & "_s : QString()) + latexCell(t, r, c, meta[std::size_t(c)], o);
        out += u" \\\\\n"_s;
    }
    out += u"\\bottomrule\n\\end{tabular}\n"_s;
    if (floating) out += u"\\end{table}\n"_s;
}

} // namespace exportdetail
} // namespace runlens
