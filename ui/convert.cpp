#include "convert.h"

#include <cstring>

namespace ui {

QImage toQImage(const mosaic::RgbaImage &image)
{
    if (image.isNull())
        return {};
    QImage out(image.width, image.height, QImage::Format_RGBA8888);
    for (int y = 0; y < image.height; ++y)
        std::memcpy(out.scanLine(y), image.pixels.data() + static_cast<size_t>(y) * image.width * 4,
                    static_cast<size_t>(image.width) * 4);
    return out;
}

mosaic::RgbaImage fromQImage(const QImage &image)
{
    mosaic::RgbaImage out;
    if (image.isNull())
        return out;
    const QImage rgba = image.convertToFormat(QImage::Format_RGBA8888);
    out.width = rgba.width();
    out.height = rgba.height();
    out.pixels.resize(static_cast<size_t>(out.width) * out.height * 4);
    for (int y = 0; y < out.height; ++y)
        std::memcpy(out.pixels.data() + static_cast<size_t>(y) * out.width * 4, rgba.constScanLine(y),
                    static_cast<size_t>(out.width) * 4);
    return out;
}

std::optional<mosaic::NormalizedBox> toBox(const QRectF &r)
{
    if (r.isNull())
        return std::nullopt;
    return mosaic::NormalizedBox{static_cast<float>(r.x()), static_cast<float>(r.y()), static_cast<float>(r.width()),
                                 static_cast<float>(r.height())};
}

QRectF toRect(const std::optional<mosaic::NormalizedBox> &b)
{
    return b ? QRectF(b->x, b->y, b->w, b->h) : QRectF();
}

mosaic::FloatMap toMask(const QImage &mask)
{
    return mask.isNull() ? mosaic::FloatMap() : mosaic::maskFromImage(fromQImage(mask));
}

QImage fromMask(const mosaic::FloatMap &mask)
{
    if (mask.width <= 0 || mask.height <= 0 || mask.values.size() != static_cast<size_t>(mask.width) * mask.height)
        return {};
    QImage m(mask.width, mask.height, QImage::Format_Grayscale8);
    for (int y = 0; y < mask.height; ++y) {
        uchar *row = m.scanLine(y);
        for (int x = 0; x < mask.width; ++x)
            row[x] = mask.values[static_cast<size_t>(y) * mask.width + x] > 0.5f ? 255 : 0;
    }
    return m;
}

QColor subjectColor(int index)
{
    return QColor::fromRgb(mosaic::subjectColor(index));
}

} // namespace ui
