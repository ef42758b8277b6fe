#pragma once

#include "run/value.h"

#include <string_view>

namespace runlens {

/// Types an untagged plain YAML scalar the way Python users expect (PyYAML's YAML 1.1 booleans
/// and nulls, YAML 1.2 numbers so `1e-05` is a float): null, bool, int, float or string.
Value resolvePlainScalar(std::string_view text);

/// Parses a number token (JSON, CSV, YAML): integers exactly (beyond 64 bits as big integers),
/// reals with their spelling kept; NaN, Infinity, inf, .nan, .inf and their signed forms.
/// Returns a missing Value when the text is not a number.
Value parseNumber(std::string_view text);

} // namespace runlens
