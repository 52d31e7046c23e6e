#pragma once
// The annotator's dual view: the current subject's reference on the left, the target on the right,
// with one zoom and pan for both. Click a reference point, then its target point, to make a pair;
// pairs are numbered and coloured per subject on both sides, hovering one highlights its partner,
// dragging an end moves it, Delete removes the selected pair, Tab / Shift+Tab walk the pairs, A and
// X accept and reject. On the target side the box, brush, eraser and polygon tools edit the
// subject's region. Every edit is one undo command on the AnnotationSet.

#include <mosaic/dataset.h>

#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QVector>
#include <QWidget>

#include <optional>

namespace ui {

class AnnotationSet;

class AnnotateView : public QWidget
{
    Q_OBJECT

public:
    enum class Tool { Pair, Box, Brush, Eraser, Polygon };
    enum class Side { Reference, Target };

    explicit AnnotateView(AnnotationSet *set, QWidget *parent = nullptr);

    void setSample(int sample);
    int sample() const { return m_sample; }
    void setSubject(int subject);
    int subject() const { return m_subject; }
    void setTool(Tool tool);
    Tool tool() const { return m_tool; }
    // Only pairs with this status are shown and walked (nullopt: all).
    void setStatusFilter(std::optional<mosaic::ReviewStatus> status);
    void setBrushRadius(int pixels) { m_brushRadius = pixels; }

    int selectedPair() const { return m_selected; }
    void selectPair(int index);
    int hoveredPair() const { return m_hover; }
    bool hasPendingReference() const { return m_pending.has_value(); }

    double zoom() const { return m_zoom; }
    void setZoom(double zoom);
    QPointF center() const { return m_center; }
    void setCenter(const QPointF &normalized);
    // Where a normalised image point is drawn, and back (tests drive the view with these).
    QPointF toWidget(Side side, const QPointF &normalized) const;
    QPointF toImage(Side side, const QPointF &widget) const;
    QRectF imageRect(Side side) const;
    bool visible(int index) const;

Q_SIGNALS:
    void selectionChanged(int index);
    void message(const QString &text);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    QRectF paneRect(Side side) const;
    std::optional<Side> sideAt(const QPointF &pos) const;
    int hitTest(Side side, const QPointF &pos) const;
    std::vector<mosaic::Correspondence> points() const;
    QImage currentMask() const;
    void paintInto(const QPointF &pos, bool erase);
    void dragTo(const QPointF &pos); // the dragged end follows the pointer
    void step(int delta);

    AnnotationSet *m_set;
    int m_sample = -1, m_subject = 0;
    Tool m_tool = Tool::Pair;
    std::optional<mosaic::ReviewStatus> m_filter;
    double m_zoom = 1.0;
    QPointF m_center{0.5, 0.5};
    int m_selected = -1, m_hover = -1;
    std::optional<QPointF> m_pending; // a reference point waiting for its target point

    // Gestures in progress.
    int m_dragIndex = -1;
    Side m_dragSide = Side::Reference;
    mosaic::Correspondence m_dragBefore, m_dragNow;
    bool m_panning = false;
    QPointF m_panStart, m_panCenter;
    std::optional<QPointF> m_boxStart;
    QRectF m_boxLive;
    QImage m_stroke; // the mask being painted
    bool m_painting = false, m_erasing = false;
    int m_brushRadius = 8;
    QVector<QPointF> m_polygon;
};

} // namespace ui
