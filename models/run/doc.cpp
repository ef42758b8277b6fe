#include "doc.h"

namespace runlens {

int Doc::setMember(int map, QString key, int value) {
    constexpr std::size_t kIndexFrom = 16; // below this a linear scan is cheaper than hashing
    auto &members = nodes[std::size_t(map)].members;
    if (members.size() < kIndexFrom) {
        for (auto &m : members) {
            if (m.first == key) {
                const int old = m.second;
                m.second = value;
                return old;
            }
        }
        members.emplace_back(std::move(key), value);
        return -1;
    }
    QHash<QString, std::size_t> &index = m_memberIndex[map];
    if (index.isEmpty())
        for (std::size_t i = 0; i < members.size(); ++i)
            index.insert(members[i].first, i);
    if (const auto it = index.constFind(key); it != index.constEnd()) {
        const int old = members[it.value()].second;
        members[it.value()].second = value;
        return old;
    }
    index.insert(key, members.size());
    members.emplace_back(std::move(key), value);
    return -1;
}

} // namespace runlens
