#pragma once

#include "run/doc.h"

#include <QByteArrayView>
#include <QHash>
#include <QString>

namespace runlens {

/// What TensorBoard's hparams plugin (FORMATS.md 7.3) says about a run, merged over every
/// `_hparams_/...` summary of its event files: the hyperparameters of the session start infos
/// (a later session overriding an earlier one per name), the descriptions the experiment gives,
/// and how the session ended.
struct TfHparams {
    /// Root: a mapping of hparam name (as logged, `optimizer/lr`) -> value. A
    /// google.protobuf.Value becomes a scalar (number, string, bool, null), a list (ListValue)
    /// or a mapping (Struct), so the Flattener shows it like a config file's value.
    Doc values;
    QHash<QString, QString> hparamDescriptions; ///< HParamInfo name -> description
    QHash<QString, QString> metricDescriptions; ///< MetricInfo tag -> description
    /// SessionEndInfo.status (0 unknown, 1 success, 2 failure, 3 running) of the last session
    /// end that says when it ended; -1 when none did. PyTorch's `hparams()` (add_hparams and
    /// Lightning) writes STATUS_SUCCESS without an end time when the run *starts*, so such a
    /// session end says nothing about how the run ended; TensorBoard's own `session_end_pb`
    /// always records the end time.
    int status = -1;
    double startTimeSecs = 0; ///< SessionStartInfo.start_time_secs of the first session (0: none)
    double endTimeSecs = 0;   ///< of the session end that gave `status`
    int sessions = 0;         ///< session start infos read
    /// Names whose value a later session start info changed (the later value is kept).
    QStringList changed;
    bool cutDeep = false; ///< values nested deeper than the limit were left out
    bool cutMany = false; ///< values past the node budget were left out
};

/// Decodes `HParamsPluginData` messages (a summary's plugin content) into a TfHparams.
class TfHparamsDecoder {
public:
    /// `maxDepth` bounds the nesting of Struct/ListValue values; `maxNodes` the values kept over
    /// all sessions (a file repeating huge sessions cannot exhaust memory).
    TfHparamsDecoder(int maxDepth, qsizetype maxNodes);

    /// Adds one plugin content. Returns false when the content is malformed (what could be
    /// decoded before the fault is kept).
    bool add(QByteArrayView content);

    const TfHparams &hparams() const { return m_hp; }

private:
    /// SessionStartInfo: its hparams into `values`, its start time.
    bool sessionStart(QByteArrayView bytes);
    /// SessionEndInfo: the status, when it says when the session ended.
    bool sessionEnd(QByteArrayView bytes);
    /// Experiment: the descriptions of its hparams and metrics.
    bool experiment(QByteArrayView bytes);
    /// A google.protobuf.Value as a new node; -1 when malformed (`ok` false) or over budget.
    int valueNode(QByteArrayView bytes, int depth, bool &ok);
    /// Appends a node to `values`; returns its index.
    int newNode(DocNode::Kind kind, Value v = {});

    TfHparams m_hp;
    int m_maxDepth;
    qsizetype m_maxNodes;
};

/// Whether two nodes of `doc` hold the same value (structurally, NaN equal to NaN).
bool sameDocValue(const Doc &doc, int a, int b, int depth = 0);

} // namespace runlens
