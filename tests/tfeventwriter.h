// A small TensorBoard event file writer for the tests and the benchmark: protobuf encoding of
// the messages RunLens reads (FORMATS.md 7.2, 7.3) and TFRecord framing with masked CRC-32C.
// Header-only; it writes what TensorBoard, PyTorch and Lightning write, field by field, so the
// tests can build every case (and every kind of damage) the reader must handle.
#pragma once

#include "protoencode.h"
#include "readers/checksum.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace tfwriter {

using protoenc::bytesField;
using protoenc::doubleBytes;
using protoenc::doubleField;
using protoenc::floatBytes;
using protoenc::floatField;
using protoenc::key;
using protoenc::le;
using protoenc::stringField;
using protoenc::varint;
using protoenc::varintField;

/// One TFRecord: length, masked CRC of the length, data, masked CRC of the data.
inline QByteArray record(const QByteArray &data) {
    const QByteArray length = le(quint64(data.size()), 8);
    return length + le(runlens::maskedCrc32c(length), 4) + data +
           le(runlens::maskedCrc32c(data), 4);
}

/// Event { wall_time = 1; step = 2; file_version = 3 | summary = 5 }.
inline QByteArray event(double wall, qint64 step, const QByteArray &summary) {
    QByteArray e = doubleField(1, wall);
    if (step != 0) e += varintField(2, quint64(step));
    return e + bytesField(5, summary);
}

inline QByteArray fileVersion(double wall) {
    return record(doubleField(1, wall) + stringField(3, QStringLiteral("brain.Event:2")));
}

/// SummaryMetadata { plugin_data = 1 { plugin_name = 1; content = 2 } }.
inline QByteArray metadata(const QString &plugin, const QByteArray &content = {}) {
    QByteArray data = stringField(1, plugin);
    if (!content.isEmpty()) data += bytesField(2, content);
    return bytesField(1, data);
}

/// Summary.Value { tag = 1; simple_value = 2 } inside Summary { value = 1 }.
inline QByteArray simpleValue(const QString &tag, float v) {
    return bytesField(1, stringField(1, tag) + floatField(2, v));
}

/// A scalar as PyTorch's `add_scalar` and Lightning write it.
inline QByteArray scalar(double wall, qint64 step, const QString &tag, float v) {
    return record(event(wall, step, simpleValue(tag, v)));
}

/// TensorProto of a 0-d tensor: dtype = 1, tensor_shape = 2 (empty), then the value fields.
inline QByteArray tensor(int dtype, const QByteArray &valueFields) {
    return varintField(1, quint64(dtype)) + bytesField(2, {}) + valueFields;
}

/// Summary.Value with a tensor (8) and, when `plugin` is given, metadata (9).
inline QByteArray tensorValue(const QString &tag, const QByteArray &tensorProto,
                              const QString &plugin = {}) {
    QByteArray v = stringField(1, tag);
    if (!plugin.isEmpty()) v += bytesField(9, metadata(plugin));
    return bytesField(1, v + bytesField(8, tensorProto));
}

/// google.protobuf.Value kinds: null 1, number 2, string 3, bool 4, struct 5, list 6.
namespace pv {
inline QByteArray null() {
    return varintField(1, 0);
}
inline QByteArray number(double d) {
    return doubleField(2, d);
}
inline QByteArray string(const QString &s) {
    return stringField(3, s);
}
inline QByteArray boolean(bool b) {
    return varintField(4, b ? 1 : 0);
}
inline QByteArray structOf(const QList<std::pair<QString, QByteArray>> &fields) {
    QByteArray s;
    for (const auto &[k, v] : fields)
        s += bytesField(1, stringField(1, k) + bytesField(2, v));
    return bytesField(5, s);
}
inline QByteArray list(const QList<QByteArray> &values) {
    QByteArray l;
    for (const QByteArray &v : values)
        l += bytesField(1, v);
    return bytesField(6, l);
}
} // namespace pv

/// HParamsPluginData { version = 1; session_start_info = 3 { hparams = 1 (map entries);
/// start_time_secs = 5 } }.
inline QByteArray sessionStart(const QList<std::pair<QString, QByteArray>> &hparams,
                               double startTime = 0) {
    QByteArray ssi;
    for (const auto &[k, v] : hparams)
        ssi += bytesField(1, stringField(1, k) + bytesField(2, v));
    if (startTime > 0) ssi += doubleField(5, startTime);
    return varintField(1, 0) + bytesField(3, ssi);
}

/// HParamsPluginData { session_end_info = 4 { status = 1; end_time_secs = 2 } }; PyTorch
/// writes no end time (endTime 0).
inline QByteArray sessionEnd(int status, double endTime = 0) {
    QByteArray sei = varintField(1, quint64(status));
    if (endTime > 0) sei += doubleField(2, endTime);
    return bytesField(4, sei);
}

struct Info {
    QString name; ///< HParamInfo name, MetricInfo name.tag
    QString displayName;
    QString description;
};

/// HParamsPluginData { experiment = 2 { hparam_infos = 4; metric_infos = 5 } }.
inline QByteArray experiment(const QList<Info> &hparams, const QList<Info> &metrics) {
    QByteArray exp;
    for (const Info &i : hparams) {
        QByteArray h = stringField(1, i.name);
        if (!i.displayName.isEmpty()) h += stringField(2, i.displayName);
        if (!i.description.isEmpty()) h += stringField(3, i.description);
        exp += bytesField(4, h + varintField(4, 3));
    }
    for (const Info &i : metrics) {
        QByteArray m = bytesField(1, stringField(2, i.name));
        if (!i.displayName.isEmpty()) m += stringField(3, i.displayName);
        if (!i.description.isEmpty()) m += stringField(4, i.description);
        exp += bytesField(5, m);
    }
    return bytesField(2, exp);
}

/// An hparams plugin summary (no value, the data in the metadata's content) as an event.
inline QByteArray hparams(double wall, const QString &tag, const QByteArray &pluginData) {
    return record(
        event(wall, 0,
              bytesField(1, stringField(1, tag) +
                                bytesField(9, metadata(QStringLiteral("hparams"), pluginData)))));
}

} // namespace tfwriter
