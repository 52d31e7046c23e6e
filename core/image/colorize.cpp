// Heat-map and index-map colouring (plain C++, no OpenCV).
#include <mosaic/image.h>

#include <algorithm>
#include <cmath>

namespace mosaic {

RgbaImage colorizeMap(const FloatMap &map)
{
    // A perceptual dark-to-bright ramp (inferno-like), 5 stops.
    static const float stops[5][3] = {{0, 0, 4}, {87, 16, 110}, {188, 55, 84}, {249, 142, 9}, {252, 255, 164}};
    RgbaImage img;
    img.width = map.width;
    img.height = map.height;
    img.pixels.resize(static_cast<size_t>(map.width) * map.height * 4);
    for (size_t i = 0; i < map.values.size(); ++i) {
        const float v = std::clamp(std::isfinite(map.values[i]) ? map.values[i] : 0.0f, 0.0f, 1.0f) * 4.0f;
        const int k = std::min(3, static_cast<int>(v));
        const float f = v - static_cast<float>(k);
        for (int c = 0; c < 3; ++c)
            img.pixels[4 * i + c] = static_cast<uint8_t>(std::lround(stops[k][c] + f * (stops[k + 1][c] - stops[k][c])));
        img.pixels[4 * i + 3] = 255;
    }
    return img;
}

RgbaImage colorizeIndexMap(const IndexMap &map, const std::vector<uint32_t> &colors)
{
    RgbaImage img;
    img.width = map.width;
    img.height = map.height;
    img.pixels.assign(static_cast<size_t>(map.width) * map.height * 4, 0);
    for (size_t i = 0; i < map.values.size(); ++i) {
        const int idx = map.values[i];
        if (idx < 0 || colors.empty())
            continue;
        const uint32_t c = colors[static_cast<size_t>(idx) % colors.size()]; // 0xRRGGBB
        img.pixels[4 * i + 0] = static_cast<uint8_t>((c >> 16) & 0xff);
        img.pixels[4 * i + 1] = static_cast<uint8_t>((c >> 8) & 0xff);
        img.pixels[4 * i + 2] = static_cast<uint8_t>(c & 0xff);
        img.pixels[4 * i + 3] = 255;
    }
    return img;
}

} // namespace mosaic
