#pragma once

#include "run/doc.h"
#include "run/run.h"

namespace runlens {

/// Resolves OmegaConf interpolations in a parsed config, in place, the way OmegaConf would
/// where the file alone can tell (Hydra saves `.hydra/config.yaml` unresolved):
/// - `${a.b}`, `${a[0]}` and relative `${.sibling}` / `${..uncle}` name another node of the
///   same document. A value that is exactly one interpolation takes the target's type (an int
///   stays an int, a mapping is copied under the key); one inside a longer string
///   (`run_${model.name}`) is replaced by the target's text as Python would print it.
///   Targets that are interpolations themselves are resolved first; `${a.${b}}` works.
/// - Anything else is kept as written: resolvers (`${now:...}`, `${oc.env:X}`,
///   `${hydra:runtime.cwd}`), missing targets, `???` (OmegaConf's missing value), and any
///   reference to a value that could not be resolved completely. `\${` is a literal `${`.
/// - A cycle (`a: ${b}`, `b: ${a}`) is kept as written with a warning on `file`; nothing
///   loops, and splicing a mapping never makes the document cyclic.
void resolveInterpolations(Doc &doc, RunRecord &run, const QString &file);

} // namespace runlens
