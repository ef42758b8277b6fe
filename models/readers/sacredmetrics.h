#pragma once

#include "reader.h"

#include <vector>

namespace runlens {

/// Reads Sacred's metrics.json (`{name: {steps: [...], timestamps: [...], values: [...]}}`) as
/// one metric with its history per name (history.h), streaming: the file is parsed event by
/// event into the steps and values only, so a long series costs a few bytes per point, not a
/// document tree. Bare NaN and Infinity are values; numpy scalars in jsonpickle form count as
/// their value; anything else that is not a number is left out with a warning. A truncated
/// file keeps the points before the cut. Returns whether the file held a mapping of metrics.
bool readSacredMetrics(const QString &path, const ReadLimits &limits, RunRecord &run);

/// The logged values of one metric of metrics.json, for curves: parsed as readSacredMetrics()
/// parses the file (same limits, the same step for each value: its `steps` entry, else its
/// position), but only that metric's series is kept, with its `timestamps` (Sacred's ISO times
/// in UTC) as seconds. Values that are not numbers are left out; NaN and infinities are kept.
/// Empty when the file or the metric is missing; a file cut short keeps the points before the
/// cut. Problems are not reported (the table's read reports them).
std::vector<HistoryPoint> readSacredHistory(const QString &path, const QString &name,
                                            const ReadLimits &limits);

} // namespace runlens
