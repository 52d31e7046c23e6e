#include "annotateview.h"

#include "annotation.h"
#include "composition.h"
#include "convert.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace ui {

namespace {
constexpr double kHitRadius = 8.0;
constexpr double kGap = 6.0;
} // namespace

AnnotateView::AnnotateView(AnnotationSet *set, QWidget *parent) : QWidget(parent), m_set(set)
{
    setObjectName(QStringLiteral("annotateView"));
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setMinimumSize(420, 240);
    connect(m_set, &AnnotationSet::sampleChanged, this, [this](int s) {
        if (s == m_sample) {
            if (m_selected >= static_cast<int>(points().size()))
                selectPair(-1);
            update();
        }
    });
    connect(m_set, &AnnotationSet::reset, this, [this] { setSample(m_set->count() > 0 ? 0 : -1); });
    connect(m_set, &AnnotationSet::samplesChanged, this, [this] {
        if (m_sample >= m_set->count())
            setSample(m_set->count() - 1);
        update();
    });
}

void AnnotateView::setSample(int sample)
{
    m_sample = sample;
    m_subject = 0;
    m_pending.reset();
    m_polygon.clear();
    m_hover = -1;
    selectPair(-1);
    update();
}

void AnnotateView::setSubject(int subject)
{
    m_subject = std::max(0, subject);
    m_pending.reset();
    m_polygon.clear();
    m_hover = -1;
    selectPair(-1);
    update();
}

void AnnotateView::setTool(Tool tool)
{
    m_tool = tool;
    m_pending.reset();
    m_polygon.clear();
    update();
}

void AnnotateView::setStatusFilter(std::optional<mosaic::ReviewStatus> status)
{
    m_filter = status;
    if (m_selected >= 0 && !visible(m_selected))
        selectPair(-1);
    update();
}

void AnnotateView::selectPair(int index)
{
    if (index == m_selected)
        return;
    m_selected = index;
    Q_EMIT selectionChanged(index);
    update();
}

void AnnotateView::setZoom(double zoom)
{
    m_zoom = std::clamp(zoom, 0.25, 16.0);
    update();
}

void AnnotateView::setCenter(const QPointF &c)
{
    m_center = QPointF(std::clamp(c.x(), 0.0, 1.0), std::clamp(c.y(), 0.0, 1.0));
    update();
}

std::vector<mosaic::Correspondence> AnnotateView::points() const
{
    if (m_sample < 0 || m_sample >= m_set->count())
        return {};
    const auto &subs = m_set->sample(m_sample).subjects;
    if (m_subject >= static_cast<int>(subs.size()))
        return {};
    auto pts = subs[static_cast<size_t>(m_subject)].points;
    if (m_dragIndex >= 0 && m_dragIndex < static_cast<int>(pts.size()))
        pts[static_cast<size_t>(m_dragIndex)] = m_dragNow;
    return pts;
}

bool AnnotateView::visible(int index) const
{
    const auto pts = points();
    return index >= 0 && index < static_cast<int>(pts.size()) && (!m_filter || pts[static_cast<size_t>(index)].status == *m_filter);
}

QRectF AnnotateView::paneRect(Side side) const
{
    const double half = (width() - kGap) / 2.0;
    return side == Side::Reference ? QRectF(0, 0, half, height()) : QRectF(half + kGap, 0, half, height());
}

QRectF AnnotateView::imageRect(Side side) const
{
    const QImage img = side == Side::Reference ? m_set->reference(m_sample, m_subject) : m_set->target(m_sample);
    const QRectF pane = paneRect(side).adjusted(8, 8, -8, -8);
    if (img.isNull() || pane.width() <= 0 || pane.height() <= 0)
        return {};
    const double fit = std::min(pane.width() / img.width(), pane.height() / img.height()) * m_zoom;
    const QSizeF size(img.width() * fit, img.height() * fit);
    // One pan for both sides: the normalised centre sits at each pane's centre.
    const QPointF origin = pane.center() - QPointF(m_center.x() * size.width(), m_center.y() * size.height());
    return QRectF(origin, size);
}

QPointF AnnotateView::toWidget(Side side, const QPointF &n) const
{
    const QRectF r = imageRect(side);
    return QPointF(r.left() + n.x() * r.width(), r.top() + n.y() * r.height());
}

QPointF AnnotateView::toImage(Side side, const QPointF &w) const
{
    const QRectF r = imageRect(side);
    if (r.isEmpty())
        return {};
    return QPointF((w.x() - r.left()) / r.width(), (w.y() - r.top()) / r.height());
}

std::optional<AnnotateView::Side> AnnotateView::sideAt(const QPointF &pos) const
{
    if (paneRect(Side::Reference).contains(pos))
        return Side::Reference;
    if (paneRect(Side::Target).contains(pos))
        return Side::Target;
    return std::nullopt;
}

int AnnotateView::hitTest(Side side, const QPointF &pos) const
{
    const auto pts = points();
    int best = -1;
    double bestDist = kHitRadius;
    for (int i = 0; i < static_cast<int>(pts.size()); ++i) {
        if (!visible(i))
            continue;
        const auto &c = pts[static_cast<size_t>(i)];
        const QPointF p = toWidget(side, side == Side::Reference ? QPointF(c.refX, c.refY) : QPointF(c.tgtX, c.tgtY));
        const double d = std::hypot(p.x() - pos.x(), p.y() - pos.y());
        if (d <= bestDist) {
            bestDist = d;
            best = i;
        }
    }
    return best;
}

QImage AnnotateView::currentMask() const
{
    QImage m = m_set->mask(m_sample, m_subject);
    if (m.isNull()) {
        const QImage t = m_set->target(m_sample);
        m = QImage(t.size(), QImage::Format_Grayscale8);
        m.fill(0);
    }
    return m;
}

void AnnotateView::paintInto(const QPointF &pos, bool erase)
{
    const QPointF n = toImage(Side::Target, pos);
    QPainter p(&m_stroke);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(erase ? Qt::black : Qt::white);
    const double scale = m_stroke.width() / std::max(1.0, imageRect(Side::Target).width());
    const double r = m_brushRadius * std::max(1.0, scale);
    p.drawEllipse(QPointF(n.x() * m_stroke.width(), n.y() * m_stroke.height()), r, r);
    update();
}

void AnnotateView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().window());
    p.setRenderHint(QPainter::Antialiasing);
    if (m_sample < 0 || m_sample >= m_set->count()) {
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                   m_set->isOpen() ? tr("This dataset has no samples yet: add one from files, the composition or a result.")
                                   : tr("Create or open a dataset to annotate correspondences."));
        return;
    }
    const auto &sample = m_set->sample(m_sample);
    const QColor color = subjectColor(m_subject);
    for (Side side : {Side::Reference, Side::Target}) {
        const QRectF pane = paneRect(side);
        p.save();
        p.setClipRect(pane);
        p.fillRect(pane, palette().base());
        const QImage img = side == Side::Reference ? m_set->reference(m_sample, m_subject) : m_set->target(m_sample);
        const QRectF r = imageRect(side);
        if (img.isNull()) {
            p.drawText(pane, Qt::AlignCenter, tr("The image cannot be read"));
        } else {
            p.drawImage(r, img);
        }
        if (side == Side::Target && !img.isNull()) {
            // Regions: every subject's box in its colour; the current subject's mask tinted.
            const QImage mask = m_painting ? m_stroke : m_set->mask(m_sample, m_subject);
            if (!mask.isNull()) {
                QImage tint(mask.size(), QImage::Format_ARGB32_Premultiplied);
                tint.fill(Qt::transparent);
                QColor c = color;
                c.setAlpha(90);
                for (int y = 0; y < mask.height(); ++y) {
                    const uchar *row = mask.constScanLine(y);
                    auto *out = reinterpret_cast<QRgb *>(tint.scanLine(y));
                    for (int x = 0; x < mask.width(); ++x)
                        if (row[x] > 127)
                            out[x] = qPremultiply(c.rgba());
                }
                p.drawImage(r, tint);
            }
            for (int k = 0; k < static_cast<int>(sample.subjects.size()); ++k) {
                const auto &box = sample.subjects[static_cast<size_t>(k)].box;
                if (!box)
                    continue;
                QPen pen(subjectColor(k), k == m_subject ? 2.5 : 1.2, k == m_subject ? Qt::SolidLine : Qt::DashLine);
                p.setPen(pen);
                p.setBrush(Qt::NoBrush);
                p.drawRect(QRectF(toWidget(side, QPointF(box->x, box->y)), toWidget(side, QPointF(box->x + box->w, box->y + box->h))));
            }
            if (m_boxStart) {
                p.setPen(QPen(color, 2, Qt::DashLine));
                p.drawRect(m_boxLive);
            }
            if (!m_polygon.isEmpty()) {
                p.setPen(QPen(color, 2));
                QPolygonF poly;
                for (const auto &v : m_polygon)
                    poly << toWidget(side, v);
                p.drawPolyline(poly);
                for (const auto &v : poly)
                    p.drawEllipse(v, 3, 3);
            }
        }
        // Pairs: numbered markers; suggested hollow, accepted filled, rejected grey with a cross.
        const auto pts = points();
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 0.8);
        f.setBold(true);
        p.setFont(f);
        for (int i = 0; i < static_cast<int>(pts.size()); ++i) {
            if (!visible(i))
                continue;
            const auto &c = pts[static_cast<size_t>(i)];
            const QPointF at = toWidget(side, side == Side::Reference ? QPointF(c.refX, c.refY) : QPointF(c.tgtX, c.tgtY));
            const bool rejected = c.status == mosaic::ReviewStatus::Rejected;
            const QColor mark = rejected ? QColor(140, 140, 140) : color;
            const double radius = (i == m_hover || i == m_selected) ? 8.0 : 5.5;
            if (i == m_selected || i == m_hover) {
                p.setPen(QPen(Qt::white, 4));
                p.setBrush(Qt::NoBrush);
                p.drawEllipse(at, radius + 2, radius + 2);
                p.setPen(QPen(Qt::black, 1.5));
                p.drawEllipse(at, radius + 3.5, radius + 3.5);
            }
            p.setPen(QPen(mark.darker(160), 1.5, c.status == mosaic::ReviewStatus::Suggested ? Qt::DotLine : Qt::SolidLine));
            p.setBrush(c.status == mosaic::ReviewStatus::Accepted ? QBrush(mark) : QBrush(Qt::white));
            p.drawEllipse(at, radius, radius);
            if (rejected) {
                p.drawLine(at + QPointF(-radius, -radius), at + QPointF(radius, radius));
                p.drawLine(at + QPointF(-radius, radius), at + QPointF(radius, -radius));
            }
            const QString label = QString::number(i + 1);
            const QRectF tr(at + QPointF(radius + 1, -radius - 12), QSizeF(28, 14));
            p.setPen(QPen(Qt::white, 3));
            p.drawText(tr.translated(1, 1), Qt::AlignLeft, label);
            p.setPen(mark.darker(180));
            p.drawText(tr, Qt::AlignLeft, label);
        }
        if (side == Side::Reference && m_pending) {
            const QPointF at = toWidget(side, *m_pending);
            p.setPen(QPen(color, 2));
            p.setBrush(Qt::NoBrush);
            p.drawLine(at + QPointF(-9, 0), at + QPointF(9, 0));
            p.drawLine(at + QPointF(0, -9), at + QPointF(0, 9));
            p.drawEllipse(at, 6, 6);
        }
        p.restore();
    }
    // The divider.
    p.fillRect(QRectF(paneRect(Side::Reference).right(), 0, kGap, height()), palette().mid());
}

void AnnotateView::mousePressEvent(QMouseEvent *event)
{
    setFocus();
    const QPointF pos = event->position();
    const auto side = sideAt(pos);
    if (event->button() == Qt::MiddleButton || event->button() == Qt::RightButton) {
        m_panning = true;
        m_panStart = pos;
        m_panCenter = m_center;
        return;
    }
    if (event->button() != Qt::LeftButton || !side || m_sample < 0 || imageRect(*side).isEmpty())
        return;
    const QPointF n = toImage(*side, pos);
    const bool inside = n.x() >= 0 && n.y() >= 0 && n.x() <= 1 && n.y() <= 1;
    if (m_tool == Tool::Pair) {
        const int hit = hitTest(*side, pos);
        if (hit >= 0) {
            selectPair(hit);
            m_dragBefore = m_dragNow = points()[static_cast<size_t>(hit)]; // before m_dragIndex overrides it
            m_dragIndex = hit;
            m_dragSide = *side;
            return;
        }
        if (!inside)
            return;
        if (*side == Side::Reference) {
            m_pending = n;
            selectPair(-1);
            Q_EMIT message(tr("Now click where this point is in the target (Esc cancels)."));
            update();
        } else if (m_pending) {
            mosaic::Correspondence c;
            c.refX = static_cast<float>(m_pending->x());
            c.refY = static_cast<float>(m_pending->y());
            c.tgtX = static_cast<float>(n.x());
            c.tgtY = static_cast<float>(n.y());
            c.source = mosaic::PointSource::Manual;
            c.status = mosaic::ReviewStatus::Accepted;
            c.confidence = 1.0f;
            m_pending.reset();
            m_set->addPoint(m_sample, m_subject, c);
            selectPair(static_cast<int>(points().size()) - 1);
            Q_EMIT message(QString());
        } else {
            Q_EMIT message(tr("Click a point of the reference first, then its place in the target."));
        }
        return;
    }
    if (*side != Side::Target)
        return;
    switch (m_tool) {
    case Tool::Box:
        m_boxStart = pos;
        m_boxLive = QRectF(pos, pos);
        break;
    case Tool::Brush:
    case Tool::Eraser:
        m_stroke = currentMask();
        m_painting = true;
        m_erasing = m_tool == Tool::Eraser;
        paintInto(pos, m_erasing);
        break;
    case Tool::Polygon:
        if (inside)
            m_polygon.push_back(n);
        update();
        break;
    case Tool::Pair:
        break;
    }
}

void AnnotateView::dragTo(const QPointF &pos)
{
    const QPointF n = toImage(m_dragSide, pos);
    const float x = static_cast<float>(std::clamp(n.x(), 0.0, 1.0)), y = static_cast<float>(std::clamp(n.y(), 0.0, 1.0));
    if (m_dragSide == Side::Reference)
        m_dragNow.refX = x, m_dragNow.refY = y;
    else
        m_dragNow.tgtX = x, m_dragNow.tgtY = y;
    update();
}

void AnnotateView::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_panning) {
        const QRectF r = imageRect(Side::Target);
        if (!r.isEmpty())
            setCenter(m_panCenter - QPointF((pos.x() - m_panStart.x()) / r.width(), (pos.y() - m_panStart.y()) / r.height()));
        return;
    }
    if (m_dragIndex >= 0) {
        dragTo(pos);
        return;
    }
    if (m_boxStart) {
        m_boxLive = QRectF(*m_boxStart, pos).normalized();
        update();
        return;
    }
    if (m_painting) {
        paintInto(pos, m_erasing);
        return;
    }
    const auto side = sideAt(pos);
    const int hover = side ? hitTest(*side, pos) : -1;
    if (hover != m_hover) {
        m_hover = hover;
        update();
    }
}

void AnnotateView::mouseReleaseEvent(QMouseEvent *event)
{
    const QPointF pos = event->position();
    if (m_panning) {
        m_panning = false;
        return;
    }
    if (m_dragIndex >= 0) {
        dragTo(pos);
        const int index = m_dragIndex;
        m_dragIndex = -1;
        const auto before = m_dragBefore, after = m_dragNow;
        if (before.refX != after.refX || before.refY != after.refY || before.tgtX != after.tgtX || before.tgtY != after.tgtY) {
            auto moved = after;
            if (moved.source != mosaic::PointSource::Manual && moved.status == mosaic::ReviewStatus::Suggested)
                moved.status = mosaic::ReviewStatus::Accepted; // a corrected suggestion is a decision
            m_set->movePoint(m_sample, m_subject, index, before, moved);
        }
        update();
        return;
    }
    if (m_boxStart) {
        m_boxLive = QRectF(*m_boxStart, pos).normalized();
        m_boxStart.reset();
        const QPointF a = toImage(Side::Target, m_boxLive.topLeft()), b = toImage(Side::Target, m_boxLive.bottomRight());
        const double x0 = std::clamp(a.x(), 0.0, 1.0), y0 = std::clamp(a.y(), 0.0, 1.0);
        const double x1 = std::clamp(b.x(), 0.0, 1.0), y1 = std::clamp(b.y(), 0.0, 1.0);
        if (x1 - x0 > 0.01 && y1 - y0 > 0.01)
            m_set->setBox(m_sample, m_subject, toBox(QRectF(QPointF(x0, y0), QPointF(x1, y1))));
        update();
        return;
    }
    if (m_painting) {
        paintInto(pos, m_erasing);
        m_painting = false;
        m_set->setMask(m_sample, m_subject, m_stroke, m_erasing ? tr("Erase in the region") : tr("Paint the region"));
        m_stroke = QImage();
    }
}

void AnnotateView::mouseDoubleClickEvent(QMouseEvent *event)
{
    if (m_tool == Tool::Polygon && m_polygon.size() >= 3) {
        QImage m = currentMask();
        QPainter p(&m);
        p.setRenderHint(QPainter::Antialiasing, false);
        p.setPen(Qt::NoPen);
        p.setBrush(Qt::white);
        QPolygonF poly;
        for (const auto &v : m_polygon)
            poly << QPointF(v.x() * m.width(), v.y() * m.height());
        p.drawPolygon(poly);
        p.end();
        m_polygon.clear();
        m_set->setMask(m_sample, m_subject, m, tr("Polygon region"));
        update();
        return;
    }
    QWidget::mouseDoubleClickEvent(event);
}

void AnnotateView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0)
        return;
    // Zoom about the point under the cursor, on both sides at once.
    const auto side = sideAt(event->position());
    const QPointF before = side ? toImage(*side, event->position()) : m_center;
    setZoom(m_zoom * std::pow(1.25, steps));
    if (side) {
        const QPointF after = toImage(*side, event->position());
        setCenter(m_center + (before - after));
    }
    event->accept();
}

void AnnotateView::step(int delta)
{
    const int n = static_cast<int>(points().size());
    if (n == 0)
        return;
    int i = m_selected;
    for (int tries = 0; tries < n; ++tries) {
        i = ((i < 0 ? (delta > 0 ? -1 : 0) : i) + delta + n) % n;
        if (visible(i)) {
            selectPair(i);
            return;
        }
    }
}

bool AnnotateView::event(QEvent *event)
{
    // The view's own keys win over the window's single-key shortcuts while it has focus.
    if (event->type() == QEvent::ShortcutOverride) {
        const auto *k = static_cast<QKeyEvent *>(event);
        switch (k->key()) {
        case Qt::Key_Delete: case Qt::Key_Backspace: case Qt::Key_Tab: case Qt::Key_Backtab: case Qt::Key_A:
        case Qt::Key_X: case Qt::Key_N: case Qt::Key_P: case Qt::Key_Escape: case Qt::Key_Return: case Qt::Key_Enter:
            if (!(k->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
                event->accept();
                return true;
            }
            break;
        default:
            break;
        }
    }
    if (event->type() == QEvent::KeyPress) {
        auto *k = static_cast<QKeyEvent *>(event);
        if (k->key() == Qt::Key_Tab || k->key() == Qt::Key_Backtab) { // not focus navigation here
            keyPressEvent(k);
            return true;
        }
    }
    return QWidget::event(event);
}

void AnnotateView::keyPressEvent(QKeyEvent *event)
{
    switch (event->key()) {
    case Qt::Key_Delete:
    case Qt::Key_Backspace:
        if (m_selected >= 0) {
            const int index = m_selected;
            selectPair(-1);
            m_set->removePoint(m_sample, m_subject, index);
        }
        return;
    case Qt::Key_Tab:
    case Qt::Key_N:
        step((event->modifiers() & Qt::ShiftModifier) ? -1 : 1);
        return;
    case Qt::Key_Backtab:
    case Qt::Key_P:
        step(-1);
        return;
    case Qt::Key_A:
    case Qt::Key_X:
        if (m_selected >= 0)
            m_set->setStatus(m_sample, m_subject, {m_selected},
                             event->key() == Qt::Key_A ? mosaic::ReviewStatus::Accepted : mosaic::ReviewStatus::Rejected);
        return;
    case Qt::Key_Escape:
        m_pending.reset();
        m_polygon.clear();
        update();
        return;
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (m_tool == Tool::Polygon && m_polygon.size() >= 3) {
            QMouseEvent fake(QEvent::MouseButtonDblClick, QPointF(), QPointF(), Qt::LeftButton, Qt::LeftButton, Qt::NoModifier);
            mouseDoubleClickEvent(&fake);
        }
        return;
    default:
        QWidget::keyPressEvent(event);
    }
}

void AnnotateView::leaveEvent(QEvent *)
{
    if (m_hover >= 0) {
        m_hover = -1;
        update();
    }
}

} // namespace ui
