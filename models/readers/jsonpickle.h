#pragma once

#include "run/doc.h"

namespace runlens {

/// Decodes jsonpickle's encodings in a JSON document, in place (Sacred writes every JSON file
/// through jsonpickle, which spells what JSON cannot say as objects with `py/` keys), into what
/// a table can show: `py/tuple` and `py/set` become lists, numpy arrays (`py/object` with
/// `values`) their values and numpy scalars (with `value`) their value, an object whose
/// attributes are plain members a mapping of them; a pickled object's state, `py/reduce`,
/// `py/id` references and bytes become short text naming them (`<models.Net>`), a `py/type` or
/// `py/function` its name. `json://` keys (non-string dict keys) lose the prefix.
void decodeJsonpickle(Doc &doc, int node);

} // namespace runlens
