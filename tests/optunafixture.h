// The Optuna journal tst_optuna writes: apart from the test because moc cannot read the raw
// string literals it is made of.
#pragma once

#include <QByteArray>
#include <QString>

namespace optunafixture {

using namespace Qt::StringLiterals;

const QByteArray kWorker = R"("worker_id":"w-1")";

inline QByteArray op(int code, const QByteArray &body) {
    return "{\"op_code\":" + QByteArray::number(code) + "," + kWorker + "," + body + "}\n";
}

const QByteArray kFloat =
    R"("{\"name\": \"FloatDistribution\", \"attributes\": {\"step\": null, \"low\": 0.0, \"high\": 1.0, \"log\": false}}")";
const QByteArray kInt =
    R"("{\"name\": \"IntDistribution\", \"attributes\": {\"log\": false, \"step\": 1, \"low\": 1, \"high\": 8}}")";
const QByteArray kChoice =
    R"("{\"name\": \"CategoricalDistribution\", \"attributes\": {\"choices\": [\"adam\", \"sgd\", null, true, 3]}}")";
const QByteArray kLegacy =
    R"("{\"name\": \"LogUniformDistribution\", \"attributes\": {\"low\": 1e-05, \"high\": 0.1}}")";

/// A journal with two studies (one created twice, as parallel workers do), trials of both,
/// every operation kind, and the edge cases Optuna's replay has rules for.
inline QByteArray sampleJournal() {
    QByteArray j;
    j += op(0, R"("study_name":"tune","directions":[1])");
    j += op(0, R"("study_name":"tune","directions":[1])"); // a second worker: ignored
    j += op(0, R"("study_name":"pareto","directions":[1,2])");
    j += op(3, R"("study_id":1,"system_attr":{"study:metric_names":["loss","acc"]})");
    // trial 0 (tune #0): complete
    j += op(4, R"("study_id":0,"datetime_start":"2025-01-02T10:00:00.000000")");
    j += op(5, R"("trial_id":0,"param_name":"lr","param_value_internal":0.25,"distribution":)" + kFloat);
    j += op(5, R"("trial_id":0,"param_name":"layers","param_value_internal":4.0,"distribution":)" + kInt);
    j += op(5, R"("trial_id":0,"param_name":"model.depth","param_value_internal":2.0,"distribution":)" + kInt);
    j += op(5, R"("trial_id":0,"param_name":"opt","param_value_internal":1,"distribution":)" + kChoice);
    j += op(5, R"("trial_id":0,"param_name":"wd","param_value_internal":0.001,"distribution":)" + kLegacy);
    j += op(7, R"("trial_id":0,"step":0,"intermediate_value":0.9)");
    j += op(7, R"("trial_id":0,"step":1,"intermediate_value":0.5)");
    j += op(7, R"("trial_id":0,"step":1,"intermediate_value":0.4)"); // step again: replaces
    j += op(8, R"("trial_id":0,"user_attr":{"note":"first","cfg":{"a":1}})");
    j += op(6, R"("trial_id":0,"state":1,"values":[0.125],"datetime_complete":"2025-01-02T10:00:30.000000")");
    j += op(5, R"("trial_id":0,"param_name":"lr","param_value_internal":0.75,"distribution":)" + kFloat); // finished: ignored
    // trial 1 (pareto #0): complete, two objectives
    j += op(4, R"("study_id":1,"datetime_start":"2025-01-02T11:00:00+00:00")");
    j += op(5, R"("trial_id":1,"param_name":"opt","param_value_internal":3,"distribution":)" + kChoice);
    j += op(6, R"("trial_id":1,"state":1,"values":[0.5,0.875],"datetime_complete":"2025-01-02T11:01:00+00:00")");
    // trial 2 (tune #1): pruned; trial 3 (tune #2): failed; trial 4 (tune #3): running
    j += op(4, R"("study_id":0,"datetime_start":"2025-01-02T12:00:00")");
    j += op(5, R"("trial_id":2,"param_name":"opt","param_value_internal":2,"distribution":)" + kChoice);
    j += op(7, R"("trial_id":2,"step":0,"intermediate_value":NaN)");
    j += op(6, R"("trial_id":2,"state":2,"values":null)");
    j += op(4, R"("study_id":0,"datetime_start":"2025-01-02T12:10:00")");
    j += op(6, R"("trial_id":3,"state":3,"values":null)");
    j += op(4, R"("study_id":0,"datetime_start":"2025-01-02T12:20:00")");
    j += op(5, R"("trial_id":4,"param_name":"opt","param_value_internal":7,"distribution":)" + kChoice); // bad index
    // a trial added whole (study.add_trial)
    j += op(4, R"("study_id":1,"datetime_start":"2025-01-03T00:00:00","datetime_complete":"2025-01-03T00:00:02","state":1,"values":[1.5,-Infinity],"params":{"opt":0},"distributions":{"opt":)" + kChoice + "}");
    return j;
}

/// A distribution as the SQLite store keeps it: the JSON text the journal quotes.
inline QString distributionJson(const QByteArray &quoted) {
    return QString::fromUtf8(quoted).mid(1).chopped(1).replace(u"\\\""_s, u"\""_s);
}

/// A state change cut off in the middle, as a journal being written ends.
inline QByteArray unfinishedLine() {
    return R"({"op_code":6,"worker_id":"w-1","trial_id":4,"sta)";
}

inline QByteArray deleteStudy(int id) {
    return op(1, R"("study_id":)" + QByteArray::number(id));
}

} // namespace optunafixture
