#include "image/png_text.h"

#include "util/error.h"

#include <cstring>

namespace mosaic::image {

namespace {

const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

void put32(std::vector<uint8_t> &out, uint32_t v)
{
    for (int i = 3; i >= 0; --i)
        out.push_back(static_cast<uint8_t>((v >> (8 * i)) & 0xff));
}

uint32_t get32(const uint8_t *p)
{
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

void appendChunk(std::vector<uint8_t> &out, const char type[4], const std::vector<uint8_t> &data)
{
    put32(out, static_cast<uint32_t>(data.size()));
    const size_t start = out.size();
    out.insert(out.end(), type, type + 4);
    out.insert(out.end(), data.begin(), data.end());
    put32(out, crc32(out.data() + start, out.size() - start));
}

bool isAscii(const std::string &s)
{
    for (unsigned char c : s)
        if (c >= 0x80)
            return false;
    return true;
}

} // namespace

uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc)
{
    static uint32_t table[256];
    static bool ready = false;
    if (!ready) {
        for (uint32_t n = 0; n < 256; ++n) {
            uint32_t c = n;
            for (int k = 0; k < 8; ++k)
                c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        ready = true;
    }
    crc = ~crc;
    for (size_t i = 0; i < size; ++i)
        crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

std::vector<uint8_t> insertPngText(const std::vector<uint8_t> &png, const std::map<std::string, std::string> &text)
{
    if (png.size() < 33 || std::memcmp(png.data(), kSignature, 8) != 0 || std::memcmp(png.data() + 12, "IHDR", 4) != 0)
        throw Error(StatusCode::Internal, "insertPngText: not an encoded PNG");
    std::vector<uint8_t> out(png.begin(), png.begin() + 33); // signature + IHDR
    for (const auto &[key, value] : text) {
        if (key.empty() || key.size() > 79)
            throw Error(StatusCode::InvalidArgument, "PNG text keyword must be 1-79 characters: '" + key + "'");
        std::vector<uint8_t> data(key.begin(), key.end());
        data.push_back(0);
        if (isAscii(value)) {
            data.insert(data.end(), value.begin(), value.end());
            appendChunk(out, "tEXt", data);
        } else {
            data.insert(data.end(), {0, 0, 0, 0}); // uncompressed, no language, no translated keyword
            data.insert(data.end(), value.begin(), value.end());
            appendChunk(out, "iTXt", data);
        }
    }
    out.insert(out.end(), png.begin() + 33, png.end());
    return out;
}

std::map<std::string, std::string> parsePngText(const std::vector<uint8_t> &png, const std::string &name)
{
    if (png.size() < 8 || std::memcmp(png.data(), kSignature, 8) != 0)
        throw Error(StatusCode::CorruptFile, name + ": not a PNG file");
    std::map<std::string, std::string> text;
    size_t pos = 8;
    while (pos + 12 <= png.size()) {
        const uint32_t len = get32(&png[pos]);
        if (len > png.size() - pos - 12)
            throw Error(StatusCode::CorruptFile, name + ": a PNG chunk runs past the end of the file (truncated?)");
        const std::string type(reinterpret_cast<const char *>(&png[pos + 4]), 4);
        const uint8_t *data = &png[pos + 8];
        if (type == "tEXt" || type == "iTXt") {
            const uint8_t *nul = static_cast<const uint8_t *>(std::memchr(data, 0, len));
            if (nul) {
                const std::string key(reinterpret_cast<const char *>(data), static_cast<size_t>(nul - data));
                const uint8_t *rest = nul + 1;
                const uint8_t *end = data + len;
                if (type == "tEXt") {
                    text[key].assign(reinterpret_cast<const char *>(rest), static_cast<size_t>(end - rest));
                } else if (end - rest >= 2 && rest[0] == 0) { // uncompressed iTXt only
                    const uint8_t *p = rest + 2;
                    for (int skip = 0; skip < 2 && p < end; ++skip) { // language tag, translated keyword
                        const uint8_t *z = static_cast<const uint8_t *>(std::memchr(p, 0, static_cast<size_t>(end - p)));
                        p = z ? z + 1 : end;
                    }
                    text[key].assign(reinterpret_cast<const char *>(p), static_cast<size_t>(end - p));
                }
            }
        }
        if (type == "IEND")
            return text;
        pos += 12 + len;
    }
    throw Error(StatusCode::CorruptFile, name + ": the PNG ends before its IEND chunk (truncated?)");
}

} // namespace mosaic::image
