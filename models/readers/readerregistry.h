#pragma once

#include "reader.h"

#include <memory>
#include <vector>

namespace runlens {

/// The readers RunLens knows, in the order they are asked: the first whose `detect` accepts a
/// folder reads it. Adding a format is adding a Reader here; no other reader changes.
class ReaderRegistry {
public:
    /// W&B first (its run folders also hold a config.yaml), the generic reader last.
    static ReaderRegistry withBuiltins();

    void add(std::unique_ptr<Reader> reader) { m_readers.push_back(std::move(reader)); }
    const std::vector<std::unique_ptr<Reader>> &readers() const { return m_readers; }
    /// The first reader that takes `dir`, or null.
    const Reader *detect(const DirListing &dir) const;
    /// The reader of a format (RunRecord::format), or null.
    const Reader *byFormat(const QString &format) const;

private:
    std::vector<std::unique_ptr<Reader>> m_readers;
};

} // namespace runlens
