#include "stringpool.h"

namespace runlens {

StringPool::StringPool() {
    m_strings.emplace_back();
    m_index.insert(QString(), 0);
}

std::uint32_t StringPool::intern(const QString &s) {
    if (s.isEmpty()) return 0;
    const auto it = m_index.constFind(s);
    if (it != m_index.constEnd()) return it.value();
    const auto id = std::uint32_t(m_strings.size());
    m_strings.push_back(s);
    m_index.insert(s, id);
    return id;
}

std::size_t StringPool::memoryBytes() const {
    std::size_t bytes = m_strings.capacity() * sizeof(QString);
    for (const QString &s : m_strings)
        bytes += s.isEmpty() ? 0 : std::size_t(s.capacity()) * 2 + 24;
    // QHash node: key + value + bookkeeping, roughly
    bytes += m_index.size() * (sizeof(QString) + sizeof(std::uint32_t) + 16);
    return bytes;
}

} // namespace runlens
