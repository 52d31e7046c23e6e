#pragma once
// The message strip above the canvas: one message at a time, about one topic. It goes away when its
// topic's problem is gone (MainWindow clears the topic: a good image after a bad one, a model that
// loaded, a dataset that opened), when it is clicked, or with its close button; it never makes the
// window taller than it is (long messages show their first lines, all of it in the tooltip and the log).

#include <QFrame>

class QLabel;
class QToolButton;

namespace ui {

class Banner : public QFrame
{
    Q_OBJECT

public:
    enum class Topic { General, Subjects, Model, Generation, Annotate, Project };

    explicit Banner(QWidget *parent = nullptr);
    void showMessage(const QString &text, bool error, Topic topic);
    void clear(Topic topic); // hides the banner when it shows this topic
    void dismiss();
    QString text() const; // empty while hidden
    Topic topic() const { return m_topic; }

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    QLabel *m_label = nullptr;
    QToolButton *m_close = nullptr;
    Topic m_topic = Topic::General;
};

} // namespace ui
