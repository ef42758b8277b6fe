#pragma once

#include <QHashFunctions>
#include <QStringList>

#include <cstdint>
#include <optional>

namespace runlens {

/// Which side of the experiment a key belongs to: config keys are a run's inputs, metric keys
/// its outputs, meta keys facts about the run (host, git commit, W&B `_step`). A key may exist
/// in more than one family (`epoch` in a config and in a summary).
enum class Family : std::uint8_t { Config, Metric, Meta };

QString familyName(Family f);
std::optional<Family> familyFromName(QStringView name);

/// The path of a flattened value, e.g. ["optimizer", "lr"], shown as `optimizer.lr`. A segment
/// that itself contains a dot (an HF config key `a.b`) is shown bracket-quoted, `["a.b"]`, so it
/// never reads the same as the nested path a -> b.
class Key {
public:
    Key() = default;
    explicit Key(QStringList segments)
        : m_segments(std::move(segments)) {}

    /// Parses the display form back: dots separate segments, `["..."]` quotes one segment.
    static Key fromDisplay(QStringView text);

    const QStringList &segments() const { return m_segments; }
    bool isEmpty() const { return m_segments.isEmpty(); }
    Key child(const QString &segment) const;
    QString display() const;

    friend bool operator==(const Key &a, const Key &b) { return a.m_segments == b.m_segments; }
    friend size_t qHash(const Key &k, size_t seed = 0) {
        return qHashRange(k.m_segments.begin(), k.m_segments.end(), seed);
    }

private:
    QStringList m_segments;
};

} // namespace runlens
