#pragma once

#include "analysis/query.h"

#include <QLineEdit>

#include <functional>

class QCompleter;
class QStringListModel;

namespace runlens {

/// The filter bar: a line edit for a query (docs/QUERY.md) or plain words. Tab completes keys,
/// values and keywords from what the completion provider says; Up and Down walk the history
/// of filters; an error is underlined where it is, with the message in the tooltip.
class QueryEdit : public QLineEdit {
    Q_OBJECT

public:
    explicit QueryEdit(QWidget *parent = nullptr);

    using Completer = std::function<Completion(const QString &text, int cursor)>;
    void setCompleter(Completer completer) { m_complete = std::move(completer); }
    /// Marks the part of the text an error is about (none: `error` empty message).
    void setError(const QueryError &error);
    void clearError();
    bool hasError() const { return !m_error.message.isEmpty(); }
    const QueryError &error() const { return m_error; }

    /// Filters entered before, most recent first.
    QStringList history() const { return m_history; }
    void setHistory(const QStringList &history) { m_history = history; }
    /// Puts the current text at the top of the history (on Enter).
    void remember();
    /// Completes at the cursor now (what Tab does): one candidate is inserted, several are
    /// offered in a popup. Returns the candidates.
    QStringList completeNow();

signals:
    void historyChanged();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    void insertCompletion(const QString &candidate);

    Completer m_complete;
    QueryError m_error;
    QStringList m_history;
    int m_historyAt = -1;
    QString m_draft; ///< what was typed before walking the history
    QCompleter *m_popup;
    QStringListModel *m_candidates;
    Completion m_pending;
};

} // namespace runlens
