#pragma once
// An undo command from two closures: each user action builds one (the composition and the
// annotator). Commands with the same merge id >= 0 merge (the first undo, the last redo).

#include <QUndoCommand>

#include <functional>

namespace ui {

class LambdaCommand : public QUndoCommand
{
public:
    LambdaCommand(const QString &text, std::function<void()> redo, std::function<void()> undo, int mergeId = -1)
        : QUndoCommand(text), m_redo(std::move(redo)), m_undo(std::move(undo)), m_id(mergeId)
    {
    }
    void redo() override { m_redo(); }
    void undo() override { m_undo(); }
    int id() const override { return m_id; }
    bool mergeWith(const QUndoCommand *other) override
    {
        if (other->id() != m_id || m_id < 0)
            return false;
        m_redo = static_cast<const LambdaCommand *>(other)->m_redo;
        return true;
    }

private:
    std::function<void()> m_redo, m_undo;
    int m_id;
};

} // namespace ui
