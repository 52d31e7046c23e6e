// The LibTorch-only build has no OpenCV: image files cannot be read or written there.
#include <mosaic/image.h>

#include "image/png_text.h"
#include "util/error.h"

#include <fstream>
#include <iterator>

namespace mosaic {

namespace {
Status unsupported(const std::string &what)
{
    return {StatusCode::Unsupported, what + " needs OpenCV, which this LibTorch-only build lacks"};
}
} // namespace

Status loadImage(const std::string &path, RgbaImage *) { return unsupported("reading " + path); }
Status decodeImage(const std::vector<uint8_t> &, const std::string &name, RgbaImage *) { return unsupported("decoding " + name); }
Status prepareReference(const RgbaImage &, int, RgbaImage *) { return unsupported("reference preparation"); }
Status savePng(const std::string &path, const RgbaImage &, const std::map<std::string, std::string> &)
{
    return unsupported("writing " + path);
}
Status readPngText(const std::string &path, std::map<std::string, std::string> *text)
{
    return guarded([&] {
        std::ifstream in(path, std::ios::binary);
        if (!in)
            throw Error(StatusCode::NotFound, path + ": cannot open the file");
        std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        *text = image::parsePngText(bytes, path);
    });
}

} // namespace mosaic
