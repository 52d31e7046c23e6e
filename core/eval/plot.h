#pragma once
// Line plots for evaluation reports (fidelity against subject count, one line per variant), drawn
// into an RGBA buffer with a built-in 5x7 font, so that they need neither OpenCV nor Qt.

#include <mosaic/image.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mosaic::eval {

struct PlotSeries
{
    std::string name;
    uint32_t color = 0xff1f77b4; // 0xAARRGGBB
    bool dashed = false;
    std::vector<std::pair<double, double>> points; // (x, y), drawn in x order
};

struct LinePlot
{
    std::string title, xLabel, yLabel;
    std::vector<PlotSeries> series;
    double yMin = 0, yMax = 1;   // yMax <= yMin: from the data
    int width = 800, height = 420;

    RgbaImage render() const;
    // Where a data point lands in the rendered image (for tests and annotations).
    void toPixel(double x, double y, double *px, double *py) const;

    // The legend's width: room for the longest series name.
    int legendWidth() const;

private:
    void range(double *x0, double *x1, double *y0, double *y1) const;
};

// Text in the built-in font (letters are drawn in capitals), `scale` pixels per font pixel.
void drawText(RgbaImage *image, int x, int y, const std::string &text, uint32_t color, int scale = 2);
int textWidth(const std::string &text, int scale = 2);

} // namespace mosaic::eval
