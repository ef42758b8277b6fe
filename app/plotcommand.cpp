// runlens plot parallel|scatter|importance|curves FOLDER... -o FILE.png|.svg: the window's
// plots, drawn by the same code, into image files for papers.
#include "clicommon.h"
#include "viewoptions.h"

#include "analysis/diff.h"
#include "analysis/grouping.h"
#include "analysis/importance.h"
#include "plots.h"
#include "readers/readerregistry.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <cmath>
#include <numeric>

namespace runlens::cli {

using namespace Qt::StringLiterals;

namespace {

/// The one table column a key names (`optimizer.lr`, `metric:epoch`), or a run field (start,
/// duration); an error naming the option when it names none or several.
std::optional<PlotKey> plotKey(const RunTable &table, const QString &spec, const QString &option,
                               QString &error) {
    for (RunField f : {RunField::Start, RunField::Duration, RunField::Status, RunField::Format})
        if (spec == runFieldName(f) || spec == u"run:"_s + runFieldName(f)) return PlotKey{f, -1};
    const std::vector<int> columns = matchColumns(table, spec);
    if (columns.size() == 1) return PlotKey{std::nullopt, columns.front()};
    error = columns.empty() ? u"%1: no key named '%2'"_s.arg(option, spec)
                            : u"%1: '%2' names %3 keys; write config:%2 or metric:%2"_s.arg(option, spec)
                                  .arg(columns.size());
    return std::nullopt;
}

std::optional<std::vector<int>> plotColumns(const RunTable &table, const QString &list,
                                            const QString &option, QString &error) {
    std::vector<int> out;
    for (const QString &spec : splitList(list)) {
        const auto key = plotKey(table, spec, option, error);
        if (!key) return std::nullopt;
        if (key->column < 0) {
            error = u"%1: '%2' is a run field; name keys"_s.arg(option, spec);
            return std::nullopt;
        }
        out.push_back(key->column);
    }
    return out;
}

/// WIDTHxHEIGHT in pixels.
std::optional<QSize> parseSize(const QString &text) {
    const QStringList parts = text.toLower().split(u'x');
    if (parts.size() != 2) return std::nullopt;
    bool okW = false, okH = false;
    const int w = parts[0].toInt(&okW), h = parts[1].toInt(&okH);
    if (!okW || !okH || w < 50 || h < 50 || w > 20000 || h > 20000) return std::nullopt;
    return QSize(w, h);
}

} // namespace

int plotCommand(const QStringList &args) {
    QCommandLineParser p;
    p.setApplicationDescription(
        u"Draw a plot of the runs into a PNG or SVG file: parallel coordinates, a scatter plot, parameter importance for a metric, or a metric's curves over steps."_s);
    p.addPositionalArgument(u"kind"_s, u"parallel, scatter, importance or curves."_s);
    addCommonOptions(p);
    addFilterOption(p, u"Only the runs"_s);
    p.addOption({u"size"_s, u"Size in pixels, WIDTHxHEIGHT (default 1200x700)."_s, u"WxH"_s});
    p.addOption({u"scale"_s,
                 u"PNG: device pixels per pixel (default 3: a 1200 px wide plot is 3600 px, 300 dpi at 12 in)."_s,
                 u"N"_s});
    p.addOption({u"axes"_s,
                 u"parallel: the keys of the axes, in order (default: the varying config keys, up to six, and the first metric)."_s,
                 u"KEY,..."_s});
    p.addOption({u"color"_s,
                 u"parallel, scatter: the key that colours lines or points (parallel default: the first metric)."_s,
                 u"KEY"_s});
    p.addOption({u"log"_s, u"parallel: axes on a log scale."_s, u"KEY,..."_s});
    p.addOption({u"flip"_s, u"parallel: axes drawn upside down."_s, u"KEY,..."_s});
    p.addOption({u"x"_s, u"scatter: the key along x."_s, u"KEY"_s});
    p.addOption({u"y"_s, u"scatter: the key along y (default: the first metric)."_s, u"KEY"_s});
    p.addOption({u"log-x"_s, u"scatter: log scale along x."_s});
    p.addOption({u"log-y"_s, u"scatter, curves: log scale along y."_s});
    p.addOption({u"group-by"_s,
                 u"scatter: one point per group (mean ± std); curves: one mean line with a ± std band per group."_s,
                 u"KEY,..."_s});
    p.addOption({u"metric"_s, u"importance, curves: the metric (default: the first metric)."_s,
                 u"KEY"_s});
    p.addOption({u"runs"_s, u"curves: the runs (ids, unique names or id prefixes; default: the first ten)."_s,
                 u"ID,..."_s});
    p.addOption({u"smoothing"_s, u"curves: exponential moving average weight in [0, 1)."_s,
                 u"W"_s});
    // The kind comes first, before the folders.
    QStringList rest = args;
    const QString kind = rest.size() > 1 && !rest[1].startsWith(u'-') ? rest.takeAt(1) : QString();
    Common c;
    if (const auto status = parseCommon(p, rest, c)) return *status;
    if (!QStringList{u"parallel"_s, u"scatter"_s, u"importance"_s, u"curves"_s}.contains(kind)) {
        err(u"plot: say which plot: parallel, scatter, importance or curves"_s);
        return kUsage;
    }
    if (c.folders.isEmpty()) {
        err(u"plot %1: name the run folders"_s.arg(kind));
        return kUsage;
    }
    const QString suffix = QFileInfo(c.output).suffix().toLower();
    if (c.output.isEmpty() || (suffix != u"png" && suffix != u"svg")) {
        err(u"plot: -o FILE.png or -o FILE.svg is needed"_s);
        return kUsage;
    }
    QSize size(1200, 700);
    if (p.isSet(u"size"_s)) {
        const auto s = parseSize(p.value(u"size"_s));
        if (!s) {
            err(u"--size takes WIDTHxHEIGHT, each 50 to 20000 pixels"_s);
            return kUsage;
        }
        size = *s;
    }
    double scale = 3;
    if (p.isSet(u"scale"_s)) {
        bool ok = false;
        scale = p.value(u"scale"_s).toDouble(&ok);
        if (!ok || scale < 0.25 || scale > 8) {
            err(u"--scale takes a number from 0.25 to 8"_s);
            return kUsage;
        }
    }

    const LoadResult result = load(c);
    const RunTable &table = result.table;
    std::optional<std::vector<int>> filtered;
    if (const auto status = selectRows(table, p.value(u"filter"_s), false, filtered)) return *status;
    std::vector<int> rows(std::size_t(table.rowCount()));
    std::iota(rows.begin(), rows.end(), 0);
    if (filtered) rows = *filtered;
    const DefaultPlotKeys defaults = defaultPlotKeys(table, rows);

    QString error;
    const auto keyOr = [&](const QString &option, std::optional<PlotKey> fallback)
        -> std::optional<std::optional<PlotKey>> {
        if (!p.isSet(option)) return fallback;
        const auto key = plotKey(table, p.value(option), u"--"_s + option, error);
        if (!key) return std::nullopt;
        return key;
    };
    const auto metricKey = defaults.metric >= 0 ? std::optional<PlotKey>(PlotKey{std::nullopt, defaults.metric})
                                                : std::nullopt;
    std::unique_ptr<Plot> plot;
    if (kind == u"parallel") {
        std::vector<PlotKey> axes;
        if (p.isSet(u"axes"_s)) {
            for (const QString &spec : splitList(p.value(u"axes"_s))) {
                const auto key = plotKey(table, spec, u"--axes"_s, error);
                if (!key) break;
                axes.push_back(*key);
            }
        } else {
            for (int column : defaults.varyingConfig)
                axes.push_back(PlotKey{std::nullopt, column});
            if (metricKey) axes.push_back(*metricKey);
        }
        const auto color = keyOr(u"color"_s, metricKey);
        if (!error.isEmpty() || !color) {
            err(error);
            return kUsage;
        }
        auto parallel = std::make_unique<ParallelPlot>();
        parallel->setData(&table, rows, axes, color->value_or(PlotKey{}));
        const auto axisIndex = [&](const QString &spec) {
            const auto key = plotKey(table, spec, u"--log/--flip"_s, error);
            for (int a = 0; key && a < parallel->axisCount(); ++a)
                if (parallel->axis(a).key() == *key) return a;
            if (key) error = u"'%1' is not one of the axes"_s.arg(spec);
            return -1;
        };
        for (const QString &spec : splitList(p.value(u"log"_s))) {
            const int a = axisIndex(spec);
            if (a >= 0 && !parallel->setAxisLog(a, true))
                error = u"--log: '%1' has values that are not above 0"_s.arg(spec);
        }
        for (const QString &spec : splitList(p.value(u"flip"_s)))
            if (const int a = axisIndex(spec); a >= 0) parallel->setAxisFlipped(a, true);
        plot = std::move(parallel);
    } else if (kind == u"scatter") {
        const auto x = keyOr(u"x"_s, defaults.numericConfig >= 0
                                         ? std::optional<PlotKey>(PlotKey{std::nullopt, defaults.numericConfig})
                                         : std::nullopt);
        const auto y = keyOr(u"y"_s, metricKey);
        const auto color = keyOr(u"color"_s, std::nullopt);
        const auto groups = plotColumns(table, p.value(u"group-by"_s), u"--group-by"_s, error);
        if (!x || !y || !color || !groups || !*x || !*y) {
            err(error.isEmpty() ? u"scatter: name the keys with --x and --y"_s : error);
            return kUsage;
        }
        auto scatter = std::make_unique<ScatterPlot>();
        scatter->setData(&table, rows, **x, **y, color->value_or(PlotKey{}), *groups);
        if (p.isSet(u"log-x"_s) && !scatter->setLogX(true))
            error = u"--log-x: the x values are not all above 0"_s;
        if (p.isSet(u"log-y"_s) && !scatter->setLogY(true))
            error = u"--log-y: the y values are not all above 0"_s;
        plot = std::move(scatter);
    } else if (kind == u"importance") {
        const auto metric = keyOr(u"metric"_s, metricKey);
        if (!metric || !*metric || (*metric)->column < 0) {
            err(error.isEmpty() ? u"importance: name the metric with --metric"_s : error);
            return kUsage;
        }
        const int column = (*metric)->column;
        const ImportanceResult r = parameterImportance(table, rows, column);
        std::vector<ImportanceBar> bars;
        for (const KeyImportance &k : r.keys)
            bars.push_back(ImportanceBar{k.key, std::isnan(k.importance) ? 0 : k.importance,
                                         k.categorical ? std::nan("") : k.correlation});
        QString note = r.note;
        if (std::isfinite(r.r2))
            note = (note.isEmpty() ? QString() : note + u' ') +
                   u"Out-of-bag R² of the forest: %1 over %2 runs."_s.arg(QString::number(r.r2, 'f', 2))
                       .arg(r.fittedRows);
        auto importance = std::make_unique<ImportancePlot>();
        importance->setData(table.column(column).display, std::move(bars), note);
        plot = std::move(importance);
    } else {
        const auto metric = keyOr(u"metric"_s, metricKey);
        const auto groups = plotColumns(table, p.value(u"group-by"_s), u"--group-by"_s, error);
        if (!metric || !*metric || (*metric)->column < 0 || !groups) {
            err(error.isEmpty() ? u"curves: name the metric with --metric"_s : error);
            return kUsage;
        }
        std::vector<int> runs;
        for (const QString &spec : splitList(p.value(u"runs"_s))) {
            const int r = findRun(table, spec, &error);
            if (r < 0) {
                err(u"--runs: "_s + error);
                return kUsage;
            }
            runs.push_back(r);
        }
        if (runs.empty()) {
            runs = rows;
            if (groups->empty() && runs.size() > 10) runs.resize(10);
        }
        const Key key = table.column((*metric)->column).key;
        const ReaderRegistry registry = ReaderRegistry::withBuiltins();
        std::vector<CurveSeries> series = readCurves(table, registry, runs, key, *groups);
        if (series.empty()) {
            err(u"curves: none of these runs keeps a history of %1 (MLflow, Lightning, Sacred, Ray Tune, DVCLive and Keras runs do)"_s
                    .arg(table.column((*metric)->column).display));
            return kUsage;
        }
        auto curves = std::make_unique<CurvePlot>();
        curves->setData(table.column((*metric)->column).display, u"step"_s, std::move(series));
        if (p.isSet(u"smoothing"_s)) {
            bool ok = false;
            const double w = p.value(u"smoothing"_s).toDouble(&ok);
            if (!ok || w < 0 || w >= 1) error = u"--smoothing takes a weight from 0 up to 1"_s;
            curves->setSmoothing(w);
        }
        if (p.isSet(u"log-y"_s) && !curves->setLogY(true))
            error = u"--log-y: the values are not all above 0"_s;
        plot = std::move(curves);
    }
    if (!error.isEmpty()) {
        err(error);
        return kUsage;
    }
    if (!exportPlot(*plot, c.output, size, scale, &error)) {
        err(error);
        return kUsage;
    }
    if (!c.quiet) err(u"wrote %1 (%2)"_s.arg(c.output, plot->title()));
    return kOk;
}

} // namespace runlens::cli
