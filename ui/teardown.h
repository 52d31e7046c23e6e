#pragma once
// Destructor helper. A widget's members are destroyed before QWidget's destructor deletes its
// children, and a child that emits while it goes (an undo stack clearing itself, a list losing its
// rows, a tab widget losing its pages) would still reach this object's slots and lambdas: they would
// run on destroyed members. Call disconnectIncoming(this, ...) first thing in such a destructor.

#include <QObject>

#include <initializer_list>

namespace ui {

// Disconnects every signal of every descendant of `receiver`, and of each of `alsoFrom` (objects
// that are not children, such as a member QUndoStack), from `receiver`.
inline void disconnectIncoming(QObject *receiver, std::initializer_list<const QObject *> alsoFrom = {})
{
    for (const QObject *child : receiver->findChildren<QObject *>())
        QObject::disconnect(child, nullptr, receiver, nullptr);
    for (const QObject *sender : alsoFrom)
        if (sender)
            QObject::disconnect(sender, nullptr, receiver, nullptr);
}

} // namespace ui
