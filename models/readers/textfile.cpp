#include "textfile.h"

#include <QFile>

#include <cstring>
#include <sys/stat.h>

namespace runlens {

using namespace Qt::StringLiterals;

qsizetype firstInvalidUtf8(const QByteArray &bytes) {
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.constData());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    while (i < n) {
        // Eight ASCII bytes at a time: most config text is plain ASCII.
        if (i + 8 <= n) {
            quint64 word;
            std::memcpy(&word, s + i, 8);
            if ((word & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned char c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        int len = 0;
        unsigned int cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n) return i;
        for (int k = 1; k < len; ++k) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        const bool overlong =
            (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return -1;
}

std::pair<int, int> lineColumnAt(const QByteArray &bytes, qsizetype offset) {
    int line = 1;
    qsizetype lineStart = 0;
    const qsizetype end = std::min(offset, bytes.size());
    for (qsizetype i = 0; i < end; ++i) {
        if (bytes[i] == '\n') {
            ++line;
            lineStart = i + 1;
        }
    }
    return {line, int(end - lineStart) + 1};
}

std::optional<QByteArray> readTextFile(const QString &path, qint64 maxBytes, RunRecord &run,
                                       bool *missing) {
    // One stat() answers existence, type and size (QFileInfo would ask several times).
    struct stat st {};
    const bool exists = ::stat(QFile::encodeName(path).constData(), &st) == 0;
    if (missing) *missing = !exists;
    if (!exists) {
        if (missing) return std::nullopt;
        run.addIssue(Issue::Severity::Error, path, 0, 0, u"file does not exist"_s);
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        run.addIssue(Issue::Severity::Error, path, 0, 0, u"not a regular file; not read"_s);
        return std::nullopt;
    }
    const qint64 size = qint64(st.st_size);
    if (size > maxBytes) {
        run.addIssue(Issue::Severity::Error, path, 0, 0,
                     u"file is too large (%1 MB, the limit is %2 MB); not read"_s
                         .arg(double(size) / 1e6, 0, 'f', 1)
                         .arg(double(maxBytes) / 1e6, 0, 'f', 0));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Unbuffered)) { // read whole: no 16 KB buffer
        run.addIssue(Issue::Severity::Error, path, 0, 0,
                     u"cannot open: %1"_s.arg(file.errorString()));
        return std::nullopt;
    }
    // Read one byte past the measured size to notice a file that grew since (a run writing it).
    QByteArray bytes = file.read(std::min(size, maxBytes) + 1);
    if (bytes.size() > size && bytes.size() <= maxBytes)
        bytes += file.read(maxBytes + 1 - bytes.size());
    if (bytes.size() > maxBytes) {
        run.addIssue(
            Issue::Severity::Error, path, 0, 0,
            u"file is too large (over %1 MB); not read"_s.arg(double(maxBytes) / 1e6, 0, 'f', 0));
        return std::nullopt;
    }
    // A file cut short by a crash is often padded with NUL bytes: drop the padding, keep the text.
    qsizetype padding = 0;
    while (padding < bytes.size() && bytes[bytes.size() - 1 - padding] == '\0')
        ++padding;
    if (padding > 0 && padding < bytes.size()) {
        const auto [line, column] = lineColumnAt(bytes, bytes.size() - padding);
        run.addIssue(
            Issue::Severity::Warning, path, line, column,
            u"the file ends in %1 NUL byte(s) (cut short while being written?); they are ignored"_s
                .arg(padding));
        bytes.chop(padding);
    }
    if (const qsizetype nul = bytes.indexOf('\0'); nul >= 0) {
        const auto [line, column] = lineColumnAt(bytes, nul);
        run.addIssue(
            Issue::Severity::Error, path, line, column,
            u"binary content (a NUL byte at offset %1); not a text file, not read"_s.arg(nul));
        return std::nullopt;
    }
    if (bytes.startsWith("\xEF\xBB\xBF")) bytes.remove(0, 3);
    if (const qsizetype bad = firstInvalidUtf8(bytes); bad >= 0) {
        const auto [line, column] = lineColumnAt(bytes, bad);
        run.addIssue(Issue::Severity::Warning, path, line, column,
                     u"invalid UTF-8 (byte 0x%1 at offset %2); invalid bytes shown as U+FFFD"_s
                         .arg(uint(static_cast<unsigned char>(bytes[bad])), 2, 16, QChar(u'0'))
                         .arg(bad));
        bytes = QString::fromUtf8(bytes).toUtf8();
    }
    return bytes;
}

} // namespace runlens
