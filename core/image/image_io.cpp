// Image files through OpenCV (present in the full build only; image_io_stub.cpp otherwise).
#include <mosaic/image.h>

#include "image/png_text.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/strings.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <cstdlib>
#include <cstring>
#include <fstream>

namespace mosaic {

namespace {

std::vector<uint8_t> readFileBytes(const std::string &path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw Error(StatusCode::NotFound, path + ": cannot open the file");
    const auto size = static_cast<uint64_t>(in.tellg());
    if (size > kMaxImageFileBytes)
        throw Error(StatusCode::InvalidArgument, path + ": " + humanBytes(size) + " is larger than the " +
                                                     humanBytes(kMaxImageFileBytes) + " an image may have");
    std::vector<uint8_t> bytes(size);
    in.seekg(0);
    in.read(reinterpret_cast<char *>(bytes.data()), static_cast<std::streamsize>(size));
    if (!in)
        throw Error(StatusCode::IoError, path + ": read error");
    return bytes;
}

RgbaImage fromMat(const cv::Mat &decoded, const std::string &name)
{
    cv::Mat m = decoded;
    if (m.depth() == CV_16U)
        m.convertTo(m, CV_8U, 1.0 / 257.0);
    else if (m.depth() == CV_32F || m.depth() == CV_64F)
        m.convertTo(m, CV_8U, 255.0);
    else if (m.depth() != CV_8U)
        m.convertTo(m, CV_8U);
    cv::Mat rgba;
    switch (m.channels()) {
    case 1: cv::cvtColor(m, rgba, cv::COLOR_GRAY2RGBA); break;
    case 3: cv::cvtColor(m, rgba, cv::COLOR_BGR2RGBA); break;
    case 4: cv::cvtColor(m, rgba, cv::COLOR_BGRA2RGBA); break;
    default:
        throw Error(StatusCode::Unsupported, name + ": images with " + std::to_string(m.channels()) +
                                                 " channels are not supported");
    }
    RgbaImage img;
    img.width = rgba.cols;
    img.height = rgba.rows;
    img.pixels.resize(static_cast<size_t>(rgba.total()) * 4);
    for (int y = 0; y < rgba.rows; ++y)
        std::memcpy(&img.pixels[static_cast<size_t>(y) * rgba.cols * 4], rgba.ptr(y), static_cast<size_t>(rgba.cols) * 4);
    return img;
}

cv::Mat toMat(const RgbaImage &img)
{
    return cv::Mat(img.height, img.width, CV_8UC4, const_cast<uint8_t *>(img.pixels.data()));
}

// OpenCV refuses larger images itself; it reads the limit once, at its first decode. Set while the
// library loads, before any thread exists: setenv while another thread calls getenv (Qt Test's
// watchdog, the app's worker) crashes in glibc, as it once did in CI when this ran per decode.
const bool kOpenCvLimitSet = [] {
    ::setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(kMaxImagePixels).c_str(), 0);
    return true;
}();

void checkBuffer(const RgbaImage &img)
{
    if (img.isNull() || img.pixels.size() != static_cast<size_t>(img.width) * img.height * 4)
        throw Error(StatusCode::InvalidArgument, "image buffer does not match its size");
}

} // namespace

Status decodeImage(const std::vector<uint8_t> &bytes, const std::string &name, RgbaImage *out)
{
    return guarded([&] {
        if (bytes.empty())
            throw Error(StatusCode::CorruptFile, name + ": the file is empty, not an image");
        if (bytes.size() >= 24 && bytes[0] == 0x89 && bytes[1] == 'P') {
            const uint64_t w = (uint64_t{bytes[16]} << 24) | (uint64_t{bytes[17]} << 16) | (bytes[18] << 8) | bytes[19];
            const uint64_t h = (uint64_t{bytes[20]} << 24) | (uint64_t{bytes[21]} << 16) | (bytes[22] << 8) | bytes[23];
            if (w * h > kMaxImagePixels)
                throw Error(StatusCode::InvalidArgument, format("{}: {}x{} pixels is more than the {} megapixels an "
                                                                "image may have", name, w, h, kMaxImagePixels >> 20));
        }
        // JPEG has no alpha: decode in colour so that the EXIF orientation is applied.
        const bool jpeg = bytes.size() > 2 && bytes[0] == 0xff && bytes[1] == 0xd8;
        cv::Mat m;
        try {
            m = cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U, const_cast<uint8_t *>(bytes.data())),
                             jpeg ? cv::IMREAD_COLOR : cv::IMREAD_UNCHANGED);
        } catch (const cv::Exception &e) {
            throw Error(StatusCode::CorruptFile, name + ": cannot decode the image (" + e.err + ")");
        }
        if (m.empty())
            throw Error(StatusCode::CorruptFile, name + ": not an image, or a corrupt or truncated one");
        if (static_cast<uint64_t>(m.total()) > kMaxImagePixels)
            throw Error(StatusCode::InvalidArgument, name + ": the image has too many pixels");
        *out = fromMat(m, name);
    });
}

Status loadImage(const std::string &path, RgbaImage *out)
{
    std::vector<uint8_t> bytes;
    if (Status s = guarded([&] { bytes = readFileBytes(path); }); !s.ok())
        return s;
    return decodeImage(bytes, path, out);
}

Status prepareReference(const RgbaImage &in, int size, RgbaImage *out)
{
    return guarded([&] {
        checkBuffer(in);
        if (size < 8 || size > 4096)
            throw Error(StatusCode::InvalidArgument, format("reference size {} is out of range", size));
        // Alpha over white, in 8 bits as PIL's alpha_composite does.
        cv::Mat rgb(in.height, in.width, CV_8UC3);
        for (int y = 0; y < in.height; ++y) {
            const uint8_t *s = &in.pixels[static_cast<size_t>(y) * in.width * 4];
            uint8_t *d = rgb.ptr(y);
            for (int x = 0; x < in.width; ++x, s += 4, d += 3) {
                const int a = s[3];
                for (int c = 0; c < 3; ++c)
                    d[c] = static_cast<uint8_t>((s[c] * a + 255 * (255 - a) + 127) / 255);
            }
        }
        // Tight box of the pixels that are not exactly white.
        int x0 = in.width, y0 = in.height, x1 = -1, y1 = -1;
        for (int y = 0; y < rgb.rows; ++y) {
            const uint8_t *p = rgb.ptr(y);
            for (int x = 0; x < rgb.cols; ++x, p += 3)
                if (p[0] != 255 || p[1] != 255 || p[2] != 255) {
                    x0 = std::min(x0, x);
                    y0 = std::min(y0, y);
                    x1 = std::max(x1, x);
                    y1 = std::max(y1, y);
                }
        }
        cv::Mat crop = x1 < 0 ? rgb : rgb(cv::Rect(x0, y0, x1 - x0 + 1, y1 - y0 + 1));
        const double factor = 0.9 * size / std::max(crop.cols, crop.rows);
        const int w = std::max(1, static_cast<int>(crop.cols * factor));
        const int h = std::max(1, static_cast<int>(crop.rows * factor));
        cv::Mat scaled;
        cv::resize(crop, scaled, cv::Size(w, h), 0, 0, cv::INTER_LANCZOS4);
        cv::Mat canvas(size, size, CV_8UC3, cv::Scalar(255, 255, 255));
        scaled.copyTo(canvas(cv::Rect((size - w) / 2, (size - h) / 2, w, h)));
        cv::Mat rgba;
        cv::cvtColor(canvas, rgba, cv::COLOR_RGB2RGBA);
        RgbaImage result;
        result.width = size;
        result.height = size;
        result.pixels.assign(rgba.data, rgba.data + rgba.total() * 4);
        *out = std::move(result);
    });
}

Status savePng(const std::string &path, const RgbaImage &image, const std::map<std::string, std::string> &text)
{
    return guarded([&] {
        checkBuffer(image);
        cv::Mat bgra;
        cv::cvtColor(toMat(image), bgra, cv::COLOR_RGBA2BGRA);
        std::vector<uint8_t> png;
        if (!cv::imencode(".png", bgra, png))
            throw Error(StatusCode::Internal, path + ": PNG encoding failed");
        const std::vector<uint8_t> withText = image::insertPngText(png, text);
        AtomicFileWriter w(path);
        w.write(withText.data(), withText.size());
        w.commit();
    });
}

Status readPngText(const std::string &path, std::map<std::string, std::string> *text)
{
    return guarded([&] { *text = image::parsePngText(readFileBytes(path), path); });
}

} // namespace mosaic
