#pragma once

#include "wandbhistory.h"
#include "wandblog.h"

#include <QByteArrayView>

#include <optional>
#include <vector>

namespace runlens {

/// Decoding of the `wandb_internal.Record` protobufs of a W&B log (FORMATS.md 1.6), from the
/// wire format alone (protowire.h): only the messages and fields RunLens reads. Every function
/// is bounds-checked and returns false (or Malformed) on input that is not a valid message,
/// with whatever it filled left for the caller to drop.

/// The record types read; the others (output, stats, files, telemetry, ...) are passed over.
enum WandbRecordType {
    WandbHistoryType = 2,
    WandbSummaryType = 3,
    WandbConfigType = 5,
    WandbRunType = 17,
    WandbExitType = 18
};

/// A Record's type (the last field of the record_type oneof that RunLens reads; 0 for the
/// others) and that field's message.
bool readWandbRecord(QByteArrayView record, int &type, QByteArrayView &body);

enum class WandbItemResult { Ok, TooDeep, Malformed };

/// A HistoryItem, ConfigItem or SummaryItem: `key` (1) or the `nested_key` (2) segments as the
/// path (an absent key is "", as W&B reads it), `value_json` (16). TooDeep: a path of more
/// than `maxDepth` segments.
WandbItemResult readWandbItem(QByteArrayView item, int maxDepth, std::vector<QByteArrayView> &path,
                              QByteArrayView &json);

/// A HistoryRecord: its items (item, 1) into items[0, used), reusing their buffers, at most
/// `maxItems`; its step (step, 2: HistoryStep.num) when it has one. Items too deep are left
/// out (`tooDeep`), items past maxItems too (`tooMany`).
struct WandbHistoryRow {
    std::vector<WandbHistoryItem> items;
    std::size_t used = 0;
    std::optional<qint64> step;
    bool tooDeep = false;
    bool tooMany = false;
};
bool readWandbHistoryRecord(QByteArrayView body, int maxItems, int maxDepth, WandbHistoryRow &row);

/// A RunRecord: its facts update `facts` (fields it leaves empty keep their value); its
/// `config` (4) and `summary` (5) change records are handed out for the caller to apply.
bool readWandbRunRecord(QByteArrayView body, int maxTags, WandbLogRun &facts,
                        QByteArrayView &config, QByteArrayView &summary);

/// A RunExitRecord: exit_code (1), runtime (2, seconds).
bool readWandbExit(QByteArrayView body, WandbLogExit &exit);

} // namespace runlens
