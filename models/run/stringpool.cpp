#include "stringpool.h"

namespace runlens {

StringPool::StringPool() {
    m_strings.emplace_back();
}

bool StringPool::assign(std::vector<QString> &&strings) {
    m_index.clear();
    if (strings.empty() || !strings.front().isEmpty()) {
        m_strings.assign(1, QString());
        return false;
    }
    m_strings = std::move(strings);
    return true;
}

std::uint32_t StringPool::intern(const QString &s) {
    if (s.isEmpty()) return 0;
    if (m_index.isEmpty()) {
        m_index.reserve(qsizetype(m_strings.size()));
        for (std::size_t i = 1; i < m_strings.size(); ++i)
            m_index.insert(m_strings[i], std::uint32_t(i));
    }
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
