#pragma once

#include <QHash>
#include <QString>

#include <cstdint>
#include <vector>

namespace runlens {

/// Interns strings so that a table cell holds a 32-bit id instead of a QString. Id 0 is the
/// empty string. Owned by one RunTable; not thread-safe.
class StringPool {
public:
    StringPool();
    std::uint32_t intern(const QString &s);
    /// Takes `strings` as the pool (id i is strings[i]); false, leaving the pool empty but for
    /// "", unless strings[0] is empty. The index intern() needs is built on its first call.
    /// Duplicates are kept (each keeps its id; intern() finds one of them).
    bool assign(std::vector<QString> &&strings);
    const QString &at(std::uint32_t id) const { return m_strings[id]; }
    std::size_t size() const { return m_strings.size(); }
    std::size_t memoryBytes() const;

private:
    std::vector<QString> m_strings;
    QHash<QString, std::uint32_t> m_index; ///< empty until needed after assign()
};

} // namespace runlens
