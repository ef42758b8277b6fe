#pragma once

#include "docparser.h"

namespace runlens {

/// Fast path for the restricted YAML that machines write (PyYAML `yaml.dump`, Go yaml.v3 as
/// W&B uses it) and simple hand-written configs: block mappings and sequences with consistent
/// indentation, plain and quoted one-line scalars, one-line flow sequences of scalars, `{}`.
/// Builds exactly the Doc (nodes, positions, duplicate-key warnings) that parseYamlEvents()
/// builds. Declines (returns false with `doc` empty and `run` untouched) on anything outside the
/// subset: anchors, aliases, tags, block scalars, multi-line scalars, flow mappings, directives,
/// several documents, tabs, invalid UTF-8, nesting beyond the limits, so the caller falls back.
bool parseYamlFast(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
                   const ParseLimits &limits = {});

} // namespace runlens
