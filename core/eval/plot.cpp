// Line plots in an RGBA buffer (see plot.h).
#include "eval/plot.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

namespace mosaic::eval {

namespace {

constexpr int kMarginLeft = 74, kMarginTop = 54, kMarginBottom = 58;

// 5x7 glyphs, one byte per row, the low five bits left to right.
const std::map<char, std::array<uint8_t, 7>> &font()
{
    static const std::map<char, std::array<uint8_t, 7>> f = {
        {'0', {0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e}}, {'1', {0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e}},
        {'2', {0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f}}, {'3', {0x1f, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0e}},
        {'4', {0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02}}, {'5', {0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e}},
        {'6', {0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e}}, {'7', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08}},
        {'8', {0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e}}, {'9', {0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c}},
        {'A', {0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}}, {'B', {0x1e, 0x11, 0x11, 0x1e, 0x11, 0x11, 0x1e}},
        {'C', {0x0e, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0e}}, {'D', {0x1c, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1c}},
        {'E', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x1f}}, {'F', {0x1f, 0x10, 0x10, 0x1e, 0x10, 0x10, 0x10}},
        {'G', {0x0e, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0f}}, {'H', {0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11}},
        {'I', {0x0e, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e}}, {'J', {0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0c}},
        {'K', {0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11}}, {'L', {0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1f}},
        {'M', {0x11, 0x1b, 0x15, 0x15, 0x11, 0x11, 0x11}}, {'N', {0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11}},
        {'O', {0x0e, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}}, {'P', {0x1e, 0x11, 0x11, 0x1e, 0x10, 0x10, 0x10}},
        {'Q', {0x0e, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0d}}, {'R', {0x1e, 0x11, 0x11, 0x1e, 0x14, 0x12, 0x11}},
        {'S', {0x0f, 0x10, 0x10, 0x0e, 0x01, 0x01, 0x1e}}, {'T', {0x1f, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04}},
        {'U', {0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0e}}, {'V', {0x11, 0x11, 0x11, 0x11, 0x11, 0x0a, 0x04}},
        {'W', {0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0a}}, {'X', {0x11, 0x11, 0x0a, 0x04, 0x0a, 0x11, 0x11}},
        {'Y', {0x11, 0x11, 0x11, 0x0a, 0x04, 0x04, 0x04}}, {'Z', {0x1f, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1f}},
        {'.', {0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c}}, {'-', {0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00}},
        {'+', {0x00, 0x04, 0x04, 0x1f, 0x04, 0x04, 0x00}}, {'=', {0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00}},
        {'(', {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}}, {')', {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}},
        {',', {0x00, 0x00, 0x00, 0x00, 0x0c, 0x04, 0x08}}, {'/', {0x01, 0x01, 0x02, 0x04, 0x08, 0x10, 0x10}},
        {':', {0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00}}, {'_', {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1f}},
        {'%', {0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03}},
    };
    return f;
}

void put(RgbaImage *img, int x, int y, uint32_t c)
{
    if (x < 0 || y < 0 || x >= img->width || y >= img->height)
        return;
    uint8_t *p = &img->pixels[(static_cast<size_t>(y) * img->width + x) * 4];
    p[0] = (c >> 16) & 0xff;
    p[1] = (c >> 8) & 0xff;
    p[2] = c & 0xff;
    p[3] = 0xff;
}

void disk(RgbaImage *img, double cx, double cy, double r, uint32_t c)
{
    for (int y = static_cast<int>(std::floor(cy - r)); y <= static_cast<int>(std::ceil(cy + r)); ++y)
        for (int x = static_cast<int>(std::floor(cx - r)); x <= static_cast<int>(std::ceil(cx + r)); ++x)
            if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
                put(img, x, y, c);
}

// A line `width` pixels wide; dashed lines alternate 8 pixels on, 6 off.
void line(RgbaImage *img, double x0, double y0, double x1, double y1, double width, uint32_t c, bool dashed)
{
    const double len = std::hypot(x1 - x0, y1 - y0);
    const int n = std::max(1, static_cast<int>(len * 2));
    for (int i = 0; i <= n; ++i) {
        const double t = static_cast<double>(i) / n;
        if (dashed && std::fmod(t * len, 14.0) > 8.0)
            continue;
        disk(img, x0 + t * (x1 - x0), y0 + t * (y1 - y0), width / 2, c);
    }
}

std::string tickLabel(double v, bool integral)
{
    char buf[32];
    if (integral && std::fabs(v - std::round(v)) < 1e-9)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

} // namespace

int textWidth(const std::string &text, int scale) { return static_cast<int>(text.size()) * 6 * scale; }

void drawText(RgbaImage *image, int x, int y, const std::string &text, uint32_t color, int scale)
{
    for (size_t i = 0; i < text.size(); ++i) {
        const auto it = font().find(static_cast<char>(std::toupper(static_cast<unsigned char>(text[i]))));
        if (it == font().end())
            continue; // spaces and characters the font lacks
        for (int row = 0; row < 7; ++row)
            for (int col = 0; col < 5; ++col)
                if (it->second[row] & (0x10 >> col))
                    for (int sy = 0; sy < scale; ++sy)
                        for (int sx = 0; sx < scale; ++sx)
                            put(image, x + (static_cast<int>(i) * 6 + col) * scale + sx, y + row * scale + sy, color);
    }
}

void LinePlot::range(double *x0, double *x1, double *y0, double *y1) const
{
    *x0 = 1e300;
    *x1 = -1e300;
    double lo = 1e300, hi = -1e300;
    for (const auto &s : series)
        for (const auto &[x, y] : s.points) {
            *x0 = std::min(*x0, x);
            *x1 = std::max(*x1, x);
            lo = std::min(lo, y);
            hi = std::max(hi, y);
        }
    if (*x0 > *x1)
        *x0 = 0, *x1 = 1;
    if (*x1 - *x0 < 1e-12)
        *x0 -= 0.5, *x1 += 0.5;
    if (yMax > yMin) {
        *y0 = yMin;
        *y1 = yMax;
    } else {
        *y0 = std::min(0.0, lo > hi ? 0.0 : lo);
        *y1 = hi > *y0 ? hi * 1.1 : *y0 + 1;
    }
}

int LinePlot::legendWidth() const
{
    int longest = 0;
    for (const auto &s : series)
        longest = std::max(longest, textWidth(s.name));
    return std::max(140, longest + 64);
}

void LinePlot::toPixel(double x, double y, double *px, double *py) const
{
    double x0, x1, y0, y1;
    range(&x0, &x1, &y0, &y1);
    const double w = width - kMarginLeft - legendWidth(), h = height - kMarginTop - kMarginBottom;
    *px = kMarginLeft + 12 + (x - x0) / (x1 - x0) * (w - 24);
    *py = kMarginTop + h - (y - y0) / (y1 - y0) * h;
}

RgbaImage LinePlot::render() const
{
    RgbaImage img;
    img.width = width;
    img.height = height;
    img.pixels.assign(static_cast<size_t>(width) * height * 4, 0xff);
    double x0, x1, y0, y1;
    range(&x0, &x1, &y0, &y1);
    const uint32_t ink = 0xff202020, grid = 0xffdddddd;
    const int left = kMarginLeft, right = width - legendWidth(), top = kMarginTop, bottom = height - kMarginBottom;

    // Grid and ticks: five steps on y, each distinct x value on x.
    for (int i = 0; i <= 4; ++i) {
        const double v = y0 + (y1 - y0) * i / 4;
        double px, py;
        toPixel(x0, v, &px, &py);
        line(&img, left, py, right, py, 1, grid, false);
        const std::string t = tickLabel(v, false);
        drawText(&img, left - 8 - textWidth(t), static_cast<int>(py) - 7, t, ink);
    }
    std::vector<double> xs;
    for (const auto &s : series)
        for (const auto &p : s.points)
            xs.push_back(p.first);
    std::sort(xs.begin(), xs.end());
    xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
    for (double x : xs) {
        double px, py;
        toPixel(x, y0, &px, &py);
        line(&img, px, top, px, bottom, 1, grid, false);
        const std::string t = tickLabel(x, true);
        drawText(&img, static_cast<int>(px) - textWidth(t) / 2, bottom + 8, t, ink);
    }
    line(&img, left, top, left, bottom, 2, ink, false);
    line(&img, left, bottom, right, bottom, 2, ink, false);
    drawText(&img, left, 8, title, ink);
    drawText(&img, (left + right - textWidth(xLabel)) / 2, bottom + 32, xLabel, ink);
    drawText(&img, 8, top - 26, yLabel, 0xff555555);

    // Series, then the legend.
    int legendY = top + 4;
    for (const auto &s : series) {
        auto pts = s.points;
        std::sort(pts.begin(), pts.end());
        for (size_t i = 0; i + 1 < pts.size(); ++i) {
            double ax, ay, bx, by;
            toPixel(pts[i].first, pts[i].second, &ax, &ay);
            toPixel(pts[i + 1].first, pts[i + 1].second, &bx, &by);
            line(&img, ax, ay, bx, by, 3, s.color, s.dashed);
        }
        for (const auto &p : pts) {
            double px, py;
            toPixel(p.first, p.second, &px, &py);
            disk(&img, px, py, 4.5, s.color);
        }
        line(&img, right + 12, legendY + 7, right + 40, legendY + 7, 3, s.color, s.dashed);
        drawText(&img, right + 46, legendY, s.name, ink);
        legendY += 22;
    }
    return img;
}

} // namespace mosaic::eval
