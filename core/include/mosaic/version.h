#pragma once

#include <string>

namespace mosaic {

const char *versionString();       // "0.1.0"
std::string torchVersionString();  // "1.13.0"
std::string buildSummary();        // version, LibTorch, CUDA availability, compiler

} // namespace mosaic
