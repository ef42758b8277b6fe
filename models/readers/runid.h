#pragma once

#include "reader.h"

namespace runlens {

/// Id for a run whose tool keeps none: its folder relative to the scan root ("sweep/lr-0.1"),
/// or the folder's own name when the root itself is the run.
QString fallbackRunId(const RunCandidate &candidate);

} // namespace runlens
