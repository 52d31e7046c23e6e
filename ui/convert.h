#pragma once
// The app's conversions between Qt types and core's plain ones, each written once: images, boxes,
// masks (core's rule, mosaic::maskFromImage), points, subject colours, and a composition's subjects
// and settings as a generation request.

#include <mosaic/request.h>

#include <QColor>
#include <QImage>
#include <QRectF>

#include <optional>

namespace ui {

QImage toQImage(const mosaic::RgbaImage &image);
mosaic::RgbaImage fromQImage(const QImage &image);

// A box in [0, 1] of the canvas; a null QRectF is "no box".
std::optional<mosaic::NormalizedBox> toBox(const QRectF &rect);
QRectF toRect(const std::optional<mosaic::NormalizedBox> &box);

// A brush mask (any QImage format) through core's mask rule; an empty map for a null image.
mosaic::FloatMap toMask(const QImage &mask);
// A float mask (> 0.5 inside) as the app's Grayscale8 mask (255 inside, 0 outside).
QImage fromMask(const mosaic::FloatMap &mask);

// The colour of subject `index` (mosaic::subjectColor).
QColor subjectColor(int index);

} // namespace ui
