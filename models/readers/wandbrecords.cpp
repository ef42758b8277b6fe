#include "wandbrecords.h"
#include "protowire.h"

namespace runlens {

bool readWandbRecord(QByteArrayView record, int &type, QByteArrayView &body) {
    type = 0;
    body = {};
    ProtoReader r(record);
    while (r.next()) {
        const int f = r.field();
        if (f != WandbHistoryType && f != WandbSummaryType && f != WandbConfigType &&
            f != WandbRunType && f != WandbExitType)
            continue;
        if (r.wireType() != ProtoReader::Bytes) return false;
        type = f; // a oneof: the last one wins
        body = r.bytes();
    }
    return r.ok();
}

WandbItemResult readWandbItem(QByteArrayView item, int maxDepth, std::vector<QByteArrayView> &path,
                              QByteArrayView &json) {
    path.clear();
    json = {};
    QByteArrayView key;
    bool deep = false;
    ProtoReader r(item);
    while (r.next()) {
        if (r.wireType() != ProtoReader::Bytes) continue;
        if (r.field() == 1) {
            key = r.bytes();
        } else if (r.field() == 2) {
            if (qsizetype(path.size()) >= maxDepth)
                deep = true;
            else
                path.push_back(r.bytes());
        } else if (r.field() == 16) {
            json = r.bytes();
        }
    }
    if (!r.ok()) return WandbItemResult::Malformed;
    if (deep) return WandbItemResult::TooDeep;
    if (path.empty()) path.push_back(key); // key XOR nested_key
    return WandbItemResult::Ok;
}

bool readWandbHistoryRecord(QByteArrayView body, int maxItems, int maxDepth, WandbHistoryRow &row) {
    row.used = 0;
    row.step.reset();
    row.tooDeep = row.tooMany = false;
    ProtoReader r(body);
    while (r.next()) {
        if (r.wireType() != ProtoReader::Bytes) continue;
        if (r.field() == 1) {
            if (row.used >= std::size_t(maxItems)) {
                row.tooMany = true;
                continue;
            }
            if (row.used == row.items.size()) row.items.emplace_back();
            WandbHistoryItem &item = row.items[row.used];
            switch (readWandbItem(r.bytes(), maxDepth, item.path, item.json)) {
            case WandbItemResult::Ok:
                ++row.used;
                break;
            case WandbItemResult::TooDeep:
                row.tooDeep = true;
                break;
            case WandbItemResult::Malformed:
                return false;
            }
        } else if (r.field() == 2) {
            row.step = 0; // a HistoryStep without num: step 0
            ProtoReader s(r.bytes());
            while (s.next())
                if (s.field() == 1 && s.wireType() == ProtoReader::Varint) row.step = s.int64();
            if (!s.ok()) return false;
        }
    }
    return r.ok();
}

bool readWandbRunRecord(QByteArrayView body, int maxTags, WandbLogRun &facts,
                        QByteArrayView &config, QByteArrayView &summary) {
    config = summary = {};
    QStringList tags;
    ProtoReader r(body);
    while (r.next()) {
        const bool bytes = r.wireType() == ProtoReader::Bytes;
        QString *text = nullptr;
        switch (r.field()) {
        case 1:
            text = &facts.runId;
            break;
        case 2:
            text = &facts.entity;
            break;
        case 3:
            text = &facts.project;
            break;
        case 6:
            text = &facts.group;
            break;
        case 7:
            text = &facts.jobType;
            break;
        case 8:
            text = &facts.displayName;
            break;
        case 9:
            text = &facts.notes;
            break;
        case 12:
            text = &facts.sweepId;
            break;
        case 13:
            text = &facts.host;
            break;
        case 4:
            if (bytes) config = r.bytes();
            break;
        case 5:
            if (bytes) summary = r.bytes();
            break;
        case 10:
            if (bytes && tags.size() < maxTags) tags << r.string();
            break;
        case 14:
            if (r.wireType() == ProtoReader::Varint) facts.startingStep = r.int64();
            break;
        case 17: { // google.protobuf.Timestamp
            if (!bytes) break;
            qint64 seconds = 0, nanos = 0;
            ProtoReader t(r.bytes());
            while (t.next()) {
                if (t.field() == 1) seconds = t.int64();
                if (t.field() == 2) nanos = t.int64();
            }
            // Past the year 9999 a timestamp is damage, not a start time.
            if (t.ok() && seconds > 0 && seconds < 253402300800LL && nanos >= 0 &&
                nanos < 1000000000)
                facts.startMs = seconds * 1000 + nanos / 1000000;
            break;
        }
        case 18:
            if (r.wireType() == ProtoReader::Varint) facts.resumed = r.boolean();
            break;
        case 21: { // GitRepoRecord
            if (!bytes) break;
            ProtoReader g(r.bytes());
            while (g.next()) {
                if (g.wireType() != ProtoReader::Bytes || g.bytes().isEmpty()) continue;
                if (g.field() == 1) facts.gitRemote = g.string();
                if (g.field() == 2) facts.gitCommit = g.string();
            }
            break;
        }
        default:
            break;
        }
        if (text && bytes && !r.bytes().isEmpty()) *text = r.string();
    }
    if (!tags.isEmpty()) facts.tags = tags;
    return r.ok();
}

bool readWandbExit(QByteArrayView body, WandbLogExit &exit) {
    ProtoReader r(body);
    while (r.next()) {
        if (r.wireType() != ProtoReader::Varint) continue;
        if (r.field() == 1) exit.code = int(r.int64()); // int32: negative codes are 10 bytes
        if (r.field() == 2) exit.runtimeSec = int(r.int64());
    }
    return r.ok();
}

} // namespace runlens
