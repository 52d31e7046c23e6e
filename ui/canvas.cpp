#include "canvas.h"

#include "composition.h"

#include <QGraphicsScene>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>

#include <cmath>

namespace ui {

Canvas::Canvas(Composition *composition, QWidget *parent) : QGraphicsView(parent), m_composition(composition)
{
    setObjectName(QStringLiteral("canvas"));
    setScene(new QGraphicsScene(-40, -40, kSide + 80, kSide + 80, this));
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(320, 320);
    connect(m_composition, &Composition::subjectsChanged, this, &Canvas::rebuild);
    connect(m_composition, &Composition::subjectChanged, this, &Canvas::rebuild);
    // The prompt moves the outlines of the subjects it places.
    connect(m_composition, &Composition::settingsChanged, viewport(), [this] { viewport()->update(); });
}

double Canvas::zoom() const
{
    return transform().m11();
}

void Canvas::setBackdrop(const QImage &image)
{
    m_backdrop = image;
    viewport()->update();
}

void Canvas::rebuild()
{
    viewport()->update();
}

QRectF Canvas::sceneRectOf(int index) const
{
    const QRectF b = m_composition->subject(index).box;
    return QRectF(b.x() * kSide, b.y() * kSide, b.width() * kSide, b.height() * kSide);
}

int Canvas::boxAt(const QPointF &p, bool *corner) const
{
    // The current subject first, then the others from the top of the stack.
    const int n = m_composition->count();
    for (int k = -1; k < n; ++k) {
        const int i = k < 0 ? m_current : n - 1 - k;
        if (i < 0 || i >= n || m_composition->subject(i).box.isNull())
            continue;
        const QRectF r = sceneRectOf(i);
        const double handle = 10.0 / zoom();
        if (QRectF(r.bottomRight() - QPointF(handle, handle), QSizeF(2 * handle, 2 * handle)).contains(p)) {
            *corner = true;
            return i;
        }
        if (r.contains(p)) {
            *corner = false;
            return i;
        }
    }
    return -1;
}

void Canvas::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton) {
        m_gesture = Gesture::Pan;
        m_panFrom = event->pos();
        return;
    }
    if (event->button() != Qt::LeftButton)
        return;
    const QPointF p = mapToScene(event->pos());
    if (m_tool == Tool::Point) {
        if (m_current >= 0 && m_current < m_composition->count() && QRectF(0, 0, kSide, kSide).contains(p))
            m_composition->addPoint(m_current, m_refPoint, p / kSide);
        return;
    }
    if (m_tool != Tool::Box) {
        if (m_current < 0 || m_current >= m_composition->count())
            return;
        m_target = m_current;
        m_gesture = Gesture::Paint;
        const QImage &existing = m_composition->subject(m_current).mask;
        m_stroke = existing.isNull() ? QImage(Composition::kMaskSide, Composition::kMaskSide, QImage::Format_Grayscale8)
                                     : existing.copy();
        if (existing.isNull())
            m_stroke.fill(0);
        m_lastPaint = p;
        paintAt(p);
        return;
    }
    bool corner = false;
    const int hit = boxAt(p, &corner);
    if (hit >= 0) {
        m_target = hit;
        m_gesture = corner ? Gesture::Resize : Gesture::Move;
        m_live = sceneRectOf(hit);
        m_anchor = p;
        if (hit != m_current) {
            m_current = hit;
            Q_EMIT subjectPicked(hit);
        }
    } else if (m_current >= 0 && m_current < m_composition->count()) {
        m_target = m_current;
        m_gesture = Gesture::Draw;
        m_anchor = p;
        m_live = QRectF(p, p);
    }
    viewport()->update();
}

void Canvas::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF p = mapToScene(event->pos());
    switch (m_gesture) {
    case Gesture::Pan: {
        const QPoint d = event->pos() - m_panFrom;
        m_panFrom = event->pos();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
        return;
    }
    case Gesture::Draw:
        m_live = QRectF(m_anchor, p).normalized();
        break;
    case Gesture::Paint:
        paintAt(p);
        return;
    case Gesture::Move:
        m_live = sceneRectOf(m_target).translated(p - m_anchor);
        break;
    case Gesture::Resize: {
        const QRectF r = sceneRectOf(m_target);
        m_live = QRectF(r.topLeft(), QPointF(std::max(p.x(), r.left() + 8), std::max(p.y(), r.top() + 8)));
        break;
    }
    case Gesture::None: {
        bool corner = false;
        const int hit = boxAt(p, &corner);
        viewport()->setCursor(hit < 0 ? Qt::CrossCursor : corner ? Qt::SizeFDiagCursor : Qt::SizeAllCursor);
        return;
    }
    }
    viewport()->update();
}

void Canvas::mouseReleaseEvent(QMouseEvent *event)
{
    Q_UNUSED(event);
    const Gesture g = m_gesture;
    m_gesture = Gesture::None;
    if (g == Gesture::None || g == Gesture::Pan || m_target < 0 || m_target >= m_composition->count())
        return;
    if (g == Gesture::Paint) {
        const QString name = m_composition->subject(m_target).name;
        m_composition->setMask(m_target, m_stroke,
                               m_tool == Tool::Eraser ? tr("Erase in the region of %1").arg(name)
                                                      : tr("Paint the region of %1").arg(name));
        m_stroke = QImage();
        viewport()->update();
        return;
    }
    QRectF r = m_live.intersected(QRectF(0, 0, kSide, kSide));
    if (g == Gesture::Draw && (r.width() < 6 || r.height() < 6)) { // a click, not a drag
        viewport()->update();
        return;
    }
    const QRectF box(r.x() / kSide, r.y() / kSide, r.width() / kSide, r.height() / kSide);
    const QString name = m_composition->subject(m_target).name;
    const QString text = g == Gesture::Draw   ? tr("Draw the region of %1").arg(name)
                         : g == Gesture::Move ? tr("Move the region of %1").arg(name)
                                              : tr("Resize the region of %1").arg(name);
    m_composition->setBox(m_target, box, text);
    viewport()->update();
}

void Canvas::paintAt(const QPointF &scenePos)
{
    // A round brush of 6 % of the canvas, stroked from the last point so that fast drags stay whole.
    const double k = Composition::kMaskSide / kSide;
    QPainter painter(&m_stroke);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(m_tool == Tool::Eraser ? Qt::black : Qt::white, Composition::kMaskSide * 0.06 * 2, Qt::SolidLine,
                        Qt::RoundCap));
    painter.drawLine(m_lastPaint * k, scenePos * k);
    m_lastPaint = scenePos;
    viewport()->update();
}

void Canvas::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && m_current >= 0 &&
        m_current < m_composition->count()) {
        const auto &s = m_composition->subject(m_current);
        if (m_tool == Tool::Point && !s.points.isEmpty())
            m_composition->clearPoints(m_current);
        else if (!s.mask.isNull())
            m_composition->setMask(m_current, QImage());
        else if (!s.box.isNull())
            m_composition->setBox(m_current, QRectF());
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void Canvas::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const double f = std::pow(1.0015, event->angleDelta().y());
        const double z = zoom() * f;
        if (z > 0.1 && z < 20) {
            setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
            scale(f, f);
        }
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void Canvas::drawBackground(QPainter *painter, const QRectF &rect)
{
    painter->fillRect(rect, palette().color(QPalette::Window).darker(110));
    const QRectF frame(0, 0, kSide, kSide);
    painter->fillRect(frame, Qt::white);
    if (!m_backdrop.isNull()) {
        painter->setOpacity(0.35);
        painter->drawImage(frame, m_backdrop);
        painter->setOpacity(1.0);
    }
    painter->setPen(QPen(QColor(0x60, 0x60, 0x60), 0));
    painter->drawRect(frame);
}

void Canvas::drawForeground(QPainter *painter, const QRectF &)
{
    const int n = m_composition->count();
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() / std::max(0.25, zoom()));
    painter->setFont(f);
    for (int i = 0; i < n; ++i) {
        const auto &s = m_composition->subject(i);
        const QImage &mask = (m_gesture == Gesture::Paint && i == m_target) ? m_stroke : s.mask;
        if (!mask.isNull()) {
            QImage tint(mask.size(), QImage::Format_ARGB32);
            QColor c = s.color;
            for (int y = 0; y < mask.height(); ++y) {
                const uchar *src = mask.constScanLine(y);
                for (int x = 0; x < mask.width(); ++x) {
                    c.setAlpha(src[x] > 127 ? (i == m_current ? 110 : 70) : 0);
                    tint.setPixelColor(x, y, c);
                }
            }
            painter->drawImage(QRectF(0, 0, kSide, kSide), tint);
            continue; // a mask wins over the box
        }
        const bool live = m_gesture != Gesture::None && m_gesture != Gesture::Pan && m_gesture != Gesture::Paint &&
                          i == m_target;
        if (s.box.isNull() && !live)
            continue;
        const QRectF r = live ? m_live : sceneRectOf(i);
        QColor fill = s.color;
        fill.setAlphaF(i == m_current ? 0.28f : 0.15f);
        painter->fillRect(r, fill);
        painter->setPen(QPen(s.color, (i == m_current ? 3.0 : 1.5) / zoom(), i == m_current ? Qt::SolidLine : Qt::DashLine));
        painter->drawRect(r);
        painter->fillRect(QRectF(r.bottomRight() - QPointF(7, 7) / zoom(), QSizeF(7, 7) / zoom()), s.color);
        painter->setPen(s.color.darker(160));
        painter->drawText(r.adjusted(4, 2, -4, -2), Qt::AlignLeft | Qt::AlignTop, QStringLiteral("%1 %2").arg(i + 1).arg(s.name));
    }
    // Subjects without a region that the prompt places: a dotted outline where Generate will put them.
    const QVector<QRectF> places = m_composition->promptPlaces();
    for (int i = 0; i < n && i < places.size(); ++i) {
        const bool live = m_gesture != Gesture::None && m_gesture != Gesture::Pan && i == m_target;
        if (places[i].isNull() || live)
            continue;
        const auto &s = m_composition->subject(i);
        const QRectF r(places[i].topLeft() * kSide, places[i].size() * kSide);
        painter->setPen(QPen(s.color, 1.5 / zoom(), Qt::DotLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRect(r);
        painter->setPen(s.color.darker(160));
        painter->drawText(r.adjusted(4, 2, -4, -2), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                          tr("%1 %2 (from the prompt)").arg(i + 1).arg(s.name));
    }
    // Point pins: a ring in the subject's colour with its number.
    for (int i = 0; i < n; ++i) {
        const auto &s = m_composition->subject(i);
        for (int k = 0; k < s.points.size(); ++k) {
            const QPointF c = s.points[k].second * kSide;
            const double r = 6.0 / zoom();
            painter->setPen(QPen(Qt::white, 3.0 / zoom()));
            painter->setBrush(Qt::NoBrush);
            painter->drawEllipse(c, r, r);
            painter->setPen(QPen(s.color, 2.0 / zoom()));
            painter->drawEllipse(c, r, r);
            painter->drawText(c + QPointF(r + 2 / zoom(), -r), QString::number(i + 1));
        }
    }
    if (n == 0) {
        painter->setPen(QColor(0x80, 0x80, 0x80));
        painter->drawText(QRectF(0, 0, kSide, kSide), Qt::AlignCenter | Qt::TextWordWrap,
                          tr("Add subjects on the left, then drag here to place the selected one."));
    }
}

} // namespace ui
