#include "runid.h"

#include <QDir>
#include <QFileInfo>

namespace runlens {

QString fallbackRunId(const RunCandidate &candidate) {
    const QString rel = QDir(candidate.root).relativeFilePath(candidate.path);
    if (rel.isEmpty() || rel == u"." || rel.startsWith(u".."))
        return QFileInfo(candidate.path).fileName();
    return rel;
}

} // namespace runlens
