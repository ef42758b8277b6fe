#pragma once

#include "run/value.h"

#include <QString>

namespace runlens {

/// A rectangular table of typed cells with headers: what the exporters write. Implemented by
/// the per-run view, the key listing and the issue listing, so one set of writers serves all.
class TableSource {
public:
    virtual ~TableSource() = default;
    virtual int rowCount() const = 0;
    virtual int columnCount() const = 0;
    virtual QString header(int column) const = 0;
    virtual Value cell(int row, int column) const = 0;
};

} // namespace runlens
