#pragma once
// The composition canvas: the target frame with each subject's region, a box or a brush mask. With
// the box tool, drag on an empty spot to draw the current subject's box, drag a box to move it, its
// lower-right corner to resize it; with the brush (or eraser) paint the current subject's mask;
// Delete removes the selected region; Ctrl+wheel zooms, the scroll bars (or the middle button) pan.
// Every finished gesture is one undoable action on the composition.

#include <QGraphicsView>

namespace ui {

class Composition;

class Canvas : public QGraphicsView
{
    Q_OBJECT

public:
    explicit Canvas(Composition *composition, QWidget *parent = nullptr);
    enum class Tool { Box, Brush, Eraser, Point };
    // The reference point the next pin pairs with (picked on the subjects panel's preview; default
    // the reference's centre).
    void setReferencePoint(const QPointF &p) { m_refPoint = p; }
    void setTool(Tool tool) { m_tool = tool; }
    Tool tool() const { return m_tool; }
    void setCurrentSubject(int index) { m_current = index; }
    int currentSubject() const { return m_current; }
    static constexpr double kSide = 512.0; // scene units for the [0, 1] frame
    double zoom() const;
    void setBackdrop(const QImage &image); // the latest result, shown faintly under the regions

Q_SIGNALS:
    void subjectPicked(int index);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    enum class Gesture { None, Draw, Move, Resize, Pan, Paint };
    void paintAt(const QPointF &scenePos);
    int boxAt(const QPointF &scenePos, bool *corner) const;
    QRectF sceneRectOf(int index) const;
    void rebuild();

    Composition *m_composition;
    int m_current = -1;
    Gesture m_gesture = Gesture::None;
    int m_target = -1;
    QPointF m_anchor;
    QRectF m_live; // the box being drawn/moved/resized, in scene units
    QPoint m_panFrom;
    QImage m_backdrop;
    Tool m_tool = Tool::Box;
    QImage m_stroke; // the mask being painted
    QPointF m_lastPaint;
    QPointF m_refPoint{0.5, 0.5};
};

} // namespace ui
