#include "tfhparams.h"
#include "protowire.h"

namespace runlens {

using namespace Qt::StringLiterals;

TfHparamsDecoder::TfHparamsDecoder(int maxDepth, qsizetype maxNodes)
    : m_maxDepth(maxDepth)
    , m_maxNodes(maxNodes) {
    m_hp.values.root = newNode(DocNode::Kind::Map);
}

int TfHparamsDecoder::newNode(DocNode::Kind kind, Value v) {
    DocNode n;
    n.kind = kind;
    n.value = std::move(v);
    m_hp.values.nodes.push_back(std::move(n));
    return int(m_hp.values.nodes.size() - 1);
}

bool TfHparamsDecoder::add(QByteArrayView content) {
    // HParamsPluginData { version = 1; oneof data { experiment = 2; session_start_info = 3;
    // session_end_info = 4; } }
    ProtoReader r(content);
    bool ok = true;
    while (r.next()) {
        if (r.wireType() != ProtoReader::Bytes) continue;
        switch (r.field()) {
        case 2:
            ok = experiment(r.bytes()) && ok;
            break;
        case 3:
            ok = sessionStart(r.bytes()) && ok;
            break;
        case 4:
            ok = sessionEnd(r.bytes()) && ok;
            break;
        default:
            break;
        }
    }
    return r.ok() && ok;
}

bool TfHparamsDecoder::sessionStart(QByteArrayView bytes) {
    // SessionStartInfo { map<string, google.protobuf.Value> hparams = 1; ...;
    // double start_time_secs = 5; }; a map entry is a message { key = 1; value = 2; }.
    ++m_hp.sessions;
    ProtoReader r(bytes);
    bool ok = true;
    while (r.next()) {
        if (r.field() == 5 && r.wireType() == ProtoReader::Fixed64) {
            const double t = r.fixedDouble();
            if (t > 0 && (m_hp.startTimeSecs <= 0 || t < m_hp.startTimeSecs))
                m_hp.startTimeSecs = t;
            continue;
        }
        if (r.field() != 1 || r.wireType() != ProtoReader::Bytes) continue;
        ProtoReader entry(r.bytes());
        QString name;
        QByteArrayView value;
        bool hasValue = false;
        while (entry.next()) {
            if (entry.wireType() != ProtoReader::Bytes) continue;
            if (entry.field() == 1) name = entry.string();
            if (entry.field() == 2) {
                value = entry.bytes();
                hasValue = true;
            }
        }
        if (!entry.ok()) {
            ok = false;
            continue;
        }
        bool valueOk = true;
        const int node =
            hasValue ? valueNode(value, 1, valueOk) : newNode(DocNode::Kind::Scalar, Value::null());
        ok = ok && valueOk;
        if (node < 0 || name.isEmpty()) continue; // no key to show it under
        const int old = m_hp.values.setMember(m_hp.values.root, name, node);
        if (old >= 0 && !sameDocValue(m_hp.values, old, node) && !m_hp.changed.contains(name))
            m_hp.changed << name;
    }
    return r.ok() && ok;
}

bool TfHparamsDecoder::sessionEnd(QByteArrayView bytes) {
    // SessionEndInfo { Status status = 1; double end_time_secs = 2; }
    ProtoReader r(bytes);
    int status = 0;
    double end = 0;
    while (r.next()) {
        if (r.field() == 1 && r.wireType() == ProtoReader::Varint)
            status = r.varint() <= 3 ? int(r.varint()) : 0;
        if (r.field() == 2 && r.wireType() == ProtoReader::Fixed64) end = r.fixedDouble();
    }
    if (!r.ok()) return false;
    if (end > 0) {
        m_hp.status = status;
        m_hp.endTimeSecs = end;
    }
    return true;
}

bool TfHparamsDecoder::experiment(QByteArrayView bytes) {
    // Experiment { hparam_infos = 4 (HParamInfo { name = 1; display_name = 2; description = 3 });
    // metric_infos = 5 (MetricInfo { name = 1 (MetricName { group = 1; tag = 2 });
    // display_name = 3; description = 4 }) }
    ProtoReader r(bytes);
    bool ok = true;
    while (r.next()) {
        if (r.wireType() != ProtoReader::Bytes || (r.field() != 4 && r.field() != 5)) continue;
        const bool metric = r.field() == 5;
        ProtoReader info(r.bytes());
        QString name, display, description;
        while (info.next()) {
            if (info.wireType() != ProtoReader::Bytes) continue;
            if (info.field() == 1 && !metric) name = info.string();
            if (info.field() == 1 && metric) {
                ProtoReader metricName(info.bytes());
                while (metricName.next())
                    if (metricName.field() == 2 && metricName.wireType() == ProtoReader::Bytes)
                        name = metricName.string();
                ok = ok && metricName.ok();
            }
            if (info.field() == (metric ? 3 : 2)) display = info.string();
            if (info.field() == (metric ? 4 : 3)) description = info.string();
        }
        ok = ok && info.ok();
        // A display name that differs from the name describes the key too.
        if (description.isEmpty() && display != name) description = display;
        auto &descriptions = metric ? m_hp.metricDescriptions : m_hp.hparamDescriptions;
        if (name.isEmpty() || description.isEmpty()) continue;
        if (descriptions.size() >= m_maxNodes && !descriptions.contains(name)) {
            m_hp.cutMany = true; // a hostile experiment cannot grow this without bound
            continue;
        }
        descriptions.insert(name, description);
    }
    return r.ok() && ok;
}

int TfHparamsDecoder::valueNode(QByteArrayView bytes, int depth, bool &ok) {
    // google.protobuf.Value { oneof kind { NullValue null_value = 1; double number_value = 2;
    // string string_value = 3; bool bool_value = 4; Struct struct_value = 5;
    // ListValue list_value = 6; } }; Struct { map<string, Value> fields = 1; };
    // ListValue { repeated Value values = 1; }
    if (depth > m_maxDepth) {
        m_hp.cutDeep = true;
        return -1;
    }
    if (qsizetype(m_hp.values.nodes.size()) >= m_maxNodes) {
        m_hp.cutMany = true;
        return -1;
    }
    ProtoReader r(bytes);
    int node = -1;
    while (r.next()) {
        switch (r.field()) {
        case 1:
            node = newNode(DocNode::Kind::Scalar, Value::null());
            break;
        case 2:
            if (r.wireType() == ProtoReader::Fixed64)
                node = newNode(DocNode::Kind::Scalar, Value::real(r.fixedDouble()));
            break;
        case 3:
            if (r.wireType() == ProtoReader::Bytes)
                node = newNode(DocNode::Kind::Scalar, Value::string(r.string()));
            break;
        case 4:
            if (r.wireType() == ProtoReader::Varint)
                node = newNode(DocNode::Kind::Scalar, Value::boolean(r.boolean()));
            break;
        case 5: {
            if (r.wireType() != ProtoReader::Bytes) break;
            node = newNode(DocNode::Kind::Map);
            ProtoReader fields(r.bytes());
            while (fields.next()) {
                if (fields.field() != 1 || fields.wireType() != ProtoReader::Bytes) continue;
                ProtoReader entry(fields.bytes());
                QString key;
                int child = -1;
                while (entry.next()) {
                    if (entry.wireType() != ProtoReader::Bytes) continue;
                    if (entry.field() == 1) key = entry.string();
                    if (entry.field() == 2) child = valueNode(entry.bytes(), depth + 1, ok);
                }
                ok = ok && entry.ok();
                if (child >= 0) m_hp.values.setMember(node, key, child);
            }
            ok = ok && fields.ok();
            break;
        }
        case 6: {
            if (r.wireType() != ProtoReader::Bytes) break;
            node = newNode(DocNode::Kind::Seq);
            ProtoReader values(r.bytes());
            while (values.next()) {
                if (values.field() != 1 || values.wireType() != ProtoReader::Bytes) continue;
                const int child = valueNode(values.bytes(), depth + 1, ok);
                if (child >= 0) m_hp.values.nodes[std::size_t(node)].items.push_back(child);
            }
            ok = ok && values.ok();
            break;
        }
        default:
            break;
        }
    }
    ok = ok && r.ok();
    // No kind set is the default Value: null.
    return node >= 0 ? node : newNode(DocNode::Kind::Scalar, Value::null());
}

bool sameDocValue(const Doc &doc, int a, int b, int depth) {
    if (a == b) return true;
    if (a < 0 || b < 0 || depth > 200) return false;
    const DocNode &x = doc.node(a);
    const DocNode &y = doc.node(b);
    if (x.kind != y.kind) return false;
    switch (x.kind) {
    case DocNode::Kind::Scalar:
        return x.value.type() == y.value.type() && x.value == y.value;
    case DocNode::Kind::Map:
        if (x.members.size() != y.members.size()) return false;
        for (std::size_t i = 0; i < x.members.size(); ++i)
            if (x.members[i].first != y.members[i].first ||
                !sameDocValue(doc, x.members[i].second, y.members[i].second, depth + 1))
                return false;
        return true;
    case DocNode::Kind::Seq:
        if (x.items.size() != y.items.size()) return false;
        for (std::size_t i = 0; i < x.items.size(); ++i)
            if (!sameDocValue(doc, x.items[i], y.items[i], depth + 1)) return false;
        return true;
    }
    return false;
}

} // namespace runlens
