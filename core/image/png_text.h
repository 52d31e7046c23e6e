#pragma once
// PNG text chunks (tEXt, iTXt), inserted into an encoded PNG and read back. Plain C++.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace mosaic::image {

uint32_t crc32(const uint8_t *data, size_t size, uint32_t crc = 0);
// Inserts the chunks right after IHDR. ASCII values go out as tEXt, others as UTF-8 iTXt.
std::vector<uint8_t> insertPngText(const std::vector<uint8_t> &png, const std::map<std::string, std::string> &text);
// Validates chunk lengths against the buffer; throws mosaic::Error(CorruptFile) naming `name`.
std::map<std::string, std::string> parsePngText(const std::vector<uint8_t> &png, const std::string &name);

} // namespace mosaic::image
