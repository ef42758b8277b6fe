#pragma once

#include <QStringList>

namespace runlens::cli {

/// Runs a headless subcommand (`table`, `diff`, `keys`, `check`); `args` excludes the program name.
/// Returns the process exit status: 0 success, 1 `check` found issues, 2 bad usage or input.
int run(const QStringList &args);

/// Whether `word` names a subcommand.
bool isCommand(const QString &word);

} // namespace runlens::cli
