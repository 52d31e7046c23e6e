// Image files from outside through OpenCV's decoders, with the project's limits (core/image), and a
// PNG's text chunks (its parameters).
#include "fuzz_support.h"

#include <mosaic/image.h>

#include "util/error.h"

#include <map>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FUZZ_GUARD({
        mosaic::RgbaImage img;
        mosaic::decodeImage(std::vector<uint8_t>(data, data + size), "input", &img);
        std::map<std::string, std::string> text;
        mosaic::readPngText(fuzz::writeFile("input.png", data, size), &text);
    });
}
