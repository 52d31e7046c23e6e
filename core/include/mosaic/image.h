#pragma once
// Plain image types crossing the core façade: RGBA8 pixels and float maps.

#include <mosaic/status.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mosaic {

struct RgbaImage
{
    int width = 0;
    int height = 0;
    std::vector<uint8_t> pixels; // width * height * 4, row-major, straight (not premultiplied) alpha
    bool isNull() const { return width <= 0 || height <= 0; }
};

struct FloatMap
{
    int width = 0;
    int height = 0;
    std::vector<float> values; // width * height, row-major
};

struct IndexMap
{
    int width = 0;
    int height = 0;
    std::vector<int16_t> values; // -1: no subject
};

// Limits for images from outside: larger files or pixel counts are refused before decoding.
constexpr uint64_t kMaxImageFileBytes = 256ull << 20;
constexpr uint64_t kMaxImagePixels = 64ull << 20;

// Any format OpenCV decodes (PNG incl. palette and 16-bit, JPEG incl. CMYK, grey, alpha, WebP, TIFF, BMP).
Status loadImage(const std::string &path, RgbaImage *out);
Status decodeImage(const std::vector<uint8_t> &bytes, const std::string &name, RgbaImage *out);
// MOSAIC's reference preparation: composite alpha over white, crop to the pixels that are not pure
// white, scale the long side to 0.9 * size (Lanczos), centre on a size x size white square.
Status prepareReference(const RgbaImage &in, int size, RgbaImage *out);
// PNG, written atomically; text chunks: "parameters" goes out as tEXt (Latin-1, as A1111 readers
// expect), every other key as uncompressed UTF-8 iTXt.
Status savePng(const std::string &path, const RgbaImage &image, const std::map<std::string, std::string> &text = {});
Status readPngText(const std::string &path, std::map<std::string, std::string> *text);
// A heat map (values in [0, 1]) as a colour image, and an index map with a colour per subject.
RgbaImage colorizeMap(const FloatMap &map);
RgbaImage colorizeIndexMap(const IndexMap &map, const std::vector<uint32_t> &colors);

} // namespace mosaic
