#pragma once

#include "run/doc.h"
#include "run/run.h"

#include <QByteArray>
#include <QSet>

namespace runlens {

/// Bounds for building a document tree from one file.
struct ParseLimits {
    int maxDepth = 64;              ///< deeper containers are cut off with an issue
    qsizetype maxNodes = 2'000'000; ///< past this the parse stops with an issue
    /// JSON only: build just these top-level members and skip the rest (W&B metadata holds
    /// much a table never shows). Null: keep everything.
    const QSet<QString> *onlyTopLevelKeys = nullptr;
};

/// Parses YAML with yaml-cpp's event API into `doc` (no yaml-cpp node tree is built). Aliases
/// share the anchored node; an alias to a node that contains it (a cycle) becomes null with an
/// issue; duplicate keys keep the later value with a warning. Syntax errors become issues with
/// line and column. Returns false when nothing usable was parsed.
bool parseYaml(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
               const ParseLimits &limits = {});

/// parseYaml() without its fast path (yamlfast.h): always yaml-cpp's event API. For tests.
bool parseYamlEvents(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
                     const ParseLimits &limits = {});

/// Parses JSON with RapidJSON into `doc`, accepting NaN, Infinity and -Infinity as Python and
/// W&B write them, keeping key order and each number's exact text. A truncated file keeps what
/// was read before the cut with an issue. Returns false when nothing usable was parsed.
bool parseJson(const QByteArray &bytes, Doc &doc, RunRecord &run, const QString &file,
               const ParseLimits &limits = {});

} // namespace runlens
