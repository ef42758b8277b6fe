#pragma once

#include "run/doc.h"

#include <QStringView>

namespace runlens {

/// Parses what Python's repr() writes for a literal into `doc`: `None`, `True`, `False`,
/// numbers (`1e-05`, `nan`, `inf`, integers beyond 64 bits), quoted strings with their escapes,
/// and lists, tuples and dicts of these, nested. Tuples become sequences; a dict key that is not
/// a string keeps its Python spelling (`{1: 'a'}` has the key `1`). MLflow keeps each param as
/// the str() of the logged value, so `[0.9, 0.95]` or `{'lr': 0.1}` come back typed this way.
/// Returns false when the text is anything else (an object repr, a set, bytes, trailing text)
/// or nests deeper than `maxDepth`; `doc` is then unspecified and the caller keeps the text as a
/// string.
bool parsePythonLiteral(QStringView text, Doc &doc, int maxDepth = 64);

} // namespace runlens
