#pragma once

#include <QString>
#include <QtGlobal>

#include <cstdint>

namespace runlens {

/// One typed cell value as a reader produced it: missing, null, bool, integer, real (NaN and
/// infinities included), string, list or object (both kept whole as compact JSON text).
/// Keeps the text the file used when the canonical spelling would differ (`3.0e-06`, integers
/// beyond 64 bits), so display shows what the file said while sorting and statistics use the
/// number. A value type; cheap to copy.
class Value {
public:
    enum class Type : std::uint8_t { Missing, Null, Bool, Int, Real, String, List, Object };

    Value() = default;
    static Value missing() { return {}; }
    static Value null();
    static Value boolean(bool b);
    /// An integer that fits 64 bits; `text` is the file's spelling when it differs (`+5`, `0x1f`).
    static Value integer(qint64 i, const QString &text = {});
    /// An integer beyond 64 bits: exact text, with the nearest double for ordering.
    static Value bigInteger(const QString &text, double approx);
    static Value real(double d, const QString &text = {});
    static Value string(const QString &s);
    static Value list(const QString &json);
    static Value object(const QString &json);

    Type type() const { return m_type; }
    bool isMissing() const { return m_type == Type::Missing; }
    bool isNumber() const { return m_type == Type::Int || m_type == Type::Real; }
    bool isNaN() const;
    bool isBigInteger() const { return m_type == Type::Int && m_big; }
    bool toBool() const { return m_type == Type::Bool && m_int != 0; }
    qint64 toInt() const { return m_int; }
    /// The number as a double (integers converted); NaN for non-numbers.
    double toDouble() const;
    /// The string payload for String/List/Object, the original spelling for numbers if kept.
    const QString &rawText() const { return m_text; }

    /// What the file said: original spelling where kept, else the canonical one.
    QString displayText() const;
    /// Spelling for exports that other tools parse back: non-finite numbers as NaN, inf, -inf.
    QString exportText() const;
    /// Short type name used by `runlens keys`: null, bool, int, float, string, list, object.
    QString typeName() const;
    static QString typeName(Type t);

    /// Canonical spelling of a double: the shortest text that reads back to the same value.
    static QString formatReal(double d);

    /// Equality as diffing and grouping see it: same type class and value; NaN equals NaN;
    /// an int and a real with the same numeric value are equal.
    friend bool operator==(const Value &a, const Value &b);

    /// Total order for sorting: bools, numbers (numerically), strings, lists, objects, null,
    /// NaN, missing. Returns <0, 0, >0.
    static int compare(const Value &a, const Value &b);

private:
    Type m_type = Type::Missing;
    bool m_big = false;
    qint64 m_int = 0;
    double m_real = 0.0;
    QString m_text;
};

} // namespace runlens
