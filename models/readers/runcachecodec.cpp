#include "runcachecodec.h"
#include "bytecodec.h"

#include <algorithm>
#include <climits>

namespace runlens {

namespace {

// Value tags: the type in the low 3 bits, then flags.
constexpr std::uint8_t kBig = 0x08, kHasText = 0x10, kHasDesc = 0x20, kTrue = 0x40;

} // namespace

void encodeIssue(ByteWriter &w, const Issue &i) {
    w.varint(std::uint8_t(i.severity));
    w.string(i.file);
    w.svarint(i.line);
    w.svarint(i.column);
    w.string(i.message);
}

Issue decodeIssue(ByteReader &in) {
    Issue i;
    i.severity = Issue::Severity(in.varint(std::uint64_t(Issue::Severity::Error)));
    i.file = in.string();
    i.line = int(std::clamp<std::int64_t>(in.svarint(), INT_MIN, INT_MAX));
    i.column = int(std::clamp<std::int64_t>(in.svarint(), INT_MIN, INT_MAX));
    i.message = in.string();
    return i;
}

void encodeRecord(ByteWriter &w, const RunRecord &r, const QString &path) {
    w.string(r.id);
    w.string(r.name);
    w.string(r.format);
    w.u8(r.path == path ? 0 : 1);
    if (r.path != path) w.string(r.path);
    w.varint(std::uint8_t(r.status));
    w.svarint(r.startMs);
    w.f64(r.durationSec);
    w.varint(std::uint64_t(std::max(r.unlistedIssues, 0)));
    w.varint(r.issues.size());
    for (const Issue &i : r.issues)
        encodeIssue(w, i);
    for (const Entry &e : r.entries) {
        const Value &v = e.value;
        std::uint8_t tag = std::uint8_t(v.type());
        if (v.isBigInteger()) tag |= kBig;
        if (!v.rawText().isEmpty()) tag |= kHasText;
        if (!e.description.isEmpty()) tag |= kHasDesc;
        if (v.toBool()) tag |= kTrue;
        w.u8(tag);
        if (v.type() == Value::Type::Int && !v.isBigInteger())
            w.svarint(v.toInt());
        else if (v.type() == Value::Type::Int || v.type() == Value::Type::Real)
            w.f64(v.toDouble());
        if (tag & kHasText) w.string(v.rawText());
        if (tag & kHasDesc) w.string(e.description);
    }
}

bool decodeRecord(ByteReader &in, const std::vector<int> &keyIds,
                  const std::vector<std::pair<Family, Key>> &keys, const QString &path,
                  RunRecord &r) {
    r.id = in.string();
    r.name = in.string();
    r.format = in.string();
    r.path = in.u8() ? in.string() : path;
    r.status = RunStatus(in.varint(std::uint64_t(RunStatus::Crashed)));
    r.startMs = in.svarint();
    r.durationSec = in.f64();
    r.unlistedIssues = int(in.varint(INT_MAX));
    const qsizetype issues = in.count(5);
    if (issues > qsizetype(RunRecord::kMaxIssues) + 1) return false; // the loader's cap
    r.issues.reserve(std::size_t(issues));
    for (qsizetype k = 0; k < issues && in.ok(); ++k)
        r.issues.push_back(decodeIssue(in));
    r.entries.reserve(keyIds.size());
    for (const int id : keyIds) {
        const std::uint8_t tag = in.u8();
        const auto type = Value::Type(tag & 7);
        const bool big = tag & kBig;
        qint64 i = 0;
        double d = 0;
        if (type == Value::Type::Int && !big)
            i = in.svarint();
        else if (type == Value::Type::Int || type == Value::Type::Real)
            d = in.f64();
        const QString text = (tag & kHasText) ? in.string() : QString();
        QString desc = (tag & kHasDesc) ? in.string() : QString();
        if (!in.ok()) return false;
        Value v;
        switch (type) {
        case Value::Type::Missing:
            break;
        case Value::Type::Null:
            v = Value::null();
            break;
        case Value::Type::Bool:
            v = Value::boolean(tag & kTrue);
            break;
        case Value::Type::Int:
            v = big ? Value::bigInteger(text, d) : Value::integer(i, text);
            break;
        case Value::Type::Real:
            v = Value::real(d, text);
            break;
        case Value::Type::String:
            v = Value::string(text);
            break;
        case Value::Type::List:
            v = Value::list(text);
            break;
        case Value::Type::Object:
            v = Value::object(text);
            break;
        }
        // The key is left to the caller: copies of shared keys made on several threads
        // would contend for their reference counts.
        r.entries.push_back(
            Entry{keys[std::size_t(id)].first, Key(), std::move(v), std::move(desc)});
    }
    return in.ok();
}

} // namespace runlens
