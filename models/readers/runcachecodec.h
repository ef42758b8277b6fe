#pragma once

#include "run/run.h"

#include <vector>

namespace runlens {

class ByteReader;
class ByteWriter;

// The record part of a run cache entry (runcache.cpp describes the whole file). A record's n
// entry values are stored in order; their keys are stored apart, as ids, by the caller.

/// One issue of a run (the run cache's records and the table snapshot's runs).
void encodeIssue(ByteWriter &w, const Issue &i);
Issue decodeIssue(ByteReader &in);

/// Appends `r` but for its entries' keys; `path` is the entry's, which the record's path
/// usually equals (then it is not written twice).
void encodeRecord(ByteWriter &w, const RunRecord &r, const QString &path);

/// Reads a record written by encodeRecord() whose entries have the families of `keyIds`;
/// the entries' keys are left empty. False when the bytes do not hold such a record.
bool decodeRecord(ByteReader &in, const std::vector<int> &keyIds,
                  const std::vector<std::pair<Family, Key>> &keys, const QString &path,
                  RunRecord &r);

} // namespace runlens
