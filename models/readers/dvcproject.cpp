#include "dvcproject.h"

#include <QDir>

namespace runlens {

using namespace Qt::StringLiterals;

namespace {

const QString kParams = u"params.yaml"_s;

/// A path entry of a `metrics:` or `params:` list: `- path` or `- path: {options}`.
QString entryPath(const Doc &doc, int item) {
    const DocNode &n = doc.node(item);
    if (n.kind == DocNode::Kind::Map && n.members.size() == 1) return n.members.front().first;
    if (n.kind == DocNode::Kind::Scalar && n.value.type() == Value::Type::String)
        return n.value.rawText();
    return {};
}

QString commandText(const Doc &doc, const DocNode *n) {
    if (!n) return {};
    if (n->kind == DocNode::Kind::Scalar) return n->value.rawText();
    QStringList lines;
    for (int item : n->items)
        lines << doc.node(item).value.rawText();
    return lines.join(u" && "_s);
}

void addPath(QStringList &list, const QString &path, const QString &file, RunRecord *run) {
    if (path.isEmpty() || list.contains(path)) return;
    if (path.contains(u"${"_s)) {
        if (run)
            run->addIssue(Issue::Severity::Note, file, 0, 0,
                          u"%1 is templated; templated paths are not read"_s.arg(path));
        return;
    }
    list << QDir::cleanPath(path);
}

} // namespace

DvcYaml readDvcYaml(const QString &path, const ReadLimits &limits, RunRecord *run) {
    DvcYaml out;
    RunRecord scratch;
    RunRecord &sink = run ? *run : scratch;
    Doc doc;
    if (loadDoc(path, true, limits, doc, sink) != DocStatus::Ok) return out;
    const DocNode *top = topMapping(doc, sink, path);
    if (!top) return out;
    const auto takeList = [&](const DocNode *list, QStringList &into, bool params) {
        if (!list || list->kind != DocNode::Kind::Seq) return;
        for (int item : list->items) {
            const DocNode &n = doc.node(item);
            // A stage's `- key` names a key of params.yaml, not a file.
            if (params && n.kind != DocNode::Kind::Map) continue;
            addPath(into, entryPath(doc, item), path, run);
        }
    };
    takeList(doc.member(*top, u"metrics"_s), out.metrics, false);
    if (const DocNode *params = doc.member(*top, u"params"_s);
        params && params->kind == DocNode::Kind::Seq)
        for (int item : params->items)
            addPath(out.params, entryPath(doc, item), path, run);
    if (const DocNode *stages = doc.member(*top, u"stages"_s);
        stages && stages->kind == DocNode::Kind::Map) {
        for (const auto &[name, child] : stages->members) {
            const DocNode &stage = doc.node(child);
            if (stage.kind != DocNode::Kind::Map) continue;
            out.stages << name;
            out.cmd.insert(name, commandText(doc, doc.member(stage, u"cmd"_s)));
            takeList(doc.member(stage, u"metrics"_s), out.metrics, false);
            takeList(doc.member(stage, u"params"_s), out.params, true);
        }
    }
    out.params.removeAll(kParams);
    return out;
}

DvcLock readDvcLock(const QString &path, const ReadLimits &limits, RunRecord *run,
                    Flattener *flattener) {
    DvcLock out;
    RunRecord scratch;
    RunRecord &sink = run ? *run : scratch;
    Doc doc;
    if (loadDoc(path, true, limits, doc, sink) != DocStatus::Ok) return out;
    const DocNode *top = topMapping(doc, sink, path);
    if (!top) return out;
    out.present = true;
    // schema 2.0 nests stages under `stages:`; DVC 1.x wrote them at the top level.
    const DocNode *stages = doc.member(*top, u"stages"_s);
    if (!stages || stages->kind != DocNode::Kind::Map) stages = top;
    for (const auto &[name, child] : stages->members) {
        const DocNode &stage = doc.node(child);
        if (stage.kind != DocNode::Kind::Map) continue;
        if (const DocNode *outs = doc.member(stage, u"outs"_s);
            outs && outs->kind == DocNode::Kind::Seq)
            for (int item : outs->items)
                if (const DocNode *p = doc.member(doc.node(item), u"path"_s);
                    p && p->value.type() == Value::Type::String)
                    out.outStage.insert(QDir::cleanPath(p->value.rawText()), name);
        const DocNode *params = doc.member(stage, u"params"_s);
        if (!params || params->kind != DocNode::Kind::Map) continue;
        for (const auto &[file, values] : params->members) {
            if (!out.files.contains(file)) out.files << file;
            const DocNode &v = doc.node(values);
            if (v.kind != DocNode::Kind::Map || !flattener) continue;
            for (const auto &[key, node] : v.members) {
                RunRecord flat;
                flattener->flatten(doc, node, Key(key.split(u'.')), Family::Config, {}, flat, path);
                for (Entry &e : flat.entries)
                    out.params.push_back({file, std::move(e.key), std::move(e.value), name});
                for (const Issue &i : flat.issues)
                    sink.addIssue(i.severity, i.file, i.line, i.column, i.message);
            }
        }
    }
    return out;
}

} // namespace runlens
