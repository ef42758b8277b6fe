#pragma once

#include "optunatrial.h"

#include <QIODevice>

namespace runlens {

/// Whether a file's first bytes are those of an Optuna journal: a JSON object whose first
/// member is `op_code` (Optuna writes `{"op_code":0,...}` compactly, but spaces are allowed).
bool looksLikeOptunaJournal(QByteArrayView head);

/// Replays an Optuna journal (JournalFileBackend, FORMATS.md 10.1) as Optuna does: study ids
/// count the studies created (a second CREATE_STUDY of a name is ignored), trial ids the trials
/// created (0-based, across studies), a trial's number its place in its study; operations on a
/// finished trial are ignored; deleted studies are kept, marked deleted. A last line without
/// its line break is a write in progress and left out; a malformed line is an issue with its
/// line number and is skipped. Reads line by line from `in`.
OptunaStore readOptunaJournal(QIODevice &in, const QString &file, const ReadLimits &limits);

} // namespace runlens
