#include "reader.h"
#include "textfile.h"

#include <QFileInfo>

namespace runlens {

using namespace Qt::StringLiterals;

Key splitFlatKey(const QString &name) {
    QStringList segments;
    for (const QString &part : name.split(u'/')) {
        for (const QString &s : part.split(u'.')) {
            if (s.isEmpty()) return Key({name});
            segments << s;
        }
    }
    return Key(segments);
}

QString runInFilePath(const QString &file, const QString &id) {
    return file + u'#' + id;
}

std::optional<std::pair<QString, QString>> splitRunInFilePath(const QString &path) {
    const qsizetype hash = path.lastIndexOf(u'#');
    if (hash <= 0) return std::nullopt;
    const QString file = path.left(hash);
    // A folder may have a `#` in its name: only a path whose part before it is a file counts.
    if (!QFileInfo(file).isFile()) return std::nullopt;
    return std::pair{file, path.mid(hash + 1)};
}

DocStatus loadDoc(const QString &path, bool yaml, const ReadLimits &limits, Doc &doc,
                  RunRecord &run) {
    bool missing = false;
    const auto bytes =
        readTextFile(path, yaml ? limits.maxYamlBytes : limits.maxJsonBytes, run, &missing);
    if (!bytes) return missing ? DocStatus::Missing : DocStatus::Unusable;
    if (bytes->trimmed().isEmpty()) {
        run.addIssue(Issue::Severity::Warning, path, 0, 0, u"file is empty"_s);
        return DocStatus::Unusable;
    }
    const bool ok = yaml ? parseYaml(*bytes, doc, run, path, limits.parse)
                         : parseJson(*bytes, doc, run, path, limits.parse);
    return ok ? DocStatus::Ok : DocStatus::Unusable;
}

const DocNode *topMapping(const Doc &doc, RunRecord &run, const QString &path) {
    const DocNode *top = doc.rootNode();
    if (!top) return nullptr;
    if (top->kind == DocNode::Kind::Map) return top;
    const QString what =
        top->kind == DocNode::Kind::Seq ? u"a list"_s : u"a single %1"_s.arg(top->value.typeName());
    run.addIssue(Issue::Severity::Error, path, top->line, top->column,
                 u"the top level is %1, not a mapping of keys; not read"_s.arg(what));
    return nullptr;
}

bool isWrappedConfig(const Doc &doc, const DocNode &top) {
    bool any = false;
    for (const auto &[key, child] : top.members) {
        if (key == u"wandb_version") continue;
        const DocNode &n = doc.node(child);
        if (n.kind != DocNode::Kind::Map || !n.member(doc.nodes, u"value"_s)) return false;
        for (const auto &m : n.members)
            if (m.first != u"value" && m.first != u"desc") return false;
        any = true;
    }
    return any;
}

int flattenConfig(const Doc &doc, const DocNode &top, Flattener &flattener, RunRecord &run,
                  const QString &path) {
    const bool wrapped = isWrappedConfig(doc, top);
    int wandbNode = -1;
    for (const auto &[key, child] : top.members) {
        if (key == u"wandb_version") continue;
        int valueNode = child;
        QString desc;
        if (wrapped) {
            const DocNode &w = doc.node(child);
            for (const auto &m : w.members) {
                if (m.first == u"value")
                    valueNode = m.second;
                else if (m.first == u"desc" &&
                         doc.node(m.second).value.type() == Value::Type::String)
                    desc = doc.node(m.second).value.rawText();
            }
        }
        if (key == u"_wandb") {
            wandbNode = valueNode;
            continue;
        }
        flattener.flatten(doc, valueNode, Key({key}), Family::Config, desc, run, path);
    }
    return wandbNode;
}

} // namespace runlens
