#include <mosaic/version.h>

#include <mosaic/runtime.h>

#include <torch/version.h>

namespace mosaic {

const char *versionString()
{
    return MOSAIC_VERSION;
}

std::string torchVersionString()
{
    return TORCH_VERSION;
}

std::string buildSummary()
{
    std::string s = std::string("MOSAIC Studio ") + versionString() + ", LibTorch " + TORCH_VERSION;
    s += cudaAvailable() ? ", CUDA available" : ", CPU only";
#if defined(__clang__)
    s += ", clang " __clang_version__;
#elif defined(__GNUC__)
    s += ", g++ " __VERSION__;
#endif
    return s;
}

} // namespace mosaic
