// Where the bundled model is found when no --model is given.
#include <mosaic/pipeline.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

std::string executableDirectory()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

} // namespace

std::vector<std::string> defaultModelCandidates()
{
    std::vector<std::string> out;
    if (const char *env = std::getenv("MOSAIC_MODEL"); env && *env)
        out.emplace_back(env);
    const std::string exe = executableDirectory();
    if (!exe.empty()) // installed: <prefix>/bin/mosaic -> <prefix>/share/mosaic-studio/models
        out.push_back((fs::path(exe) / ".." / "share" / "mosaic-studio" / "models" / kBundledModelFile).lexically_normal().string());
#ifdef MOSAIC_SOURCE_DIR
    out.push_back((fs::path(MOSAIC_SOURCE_DIR) / "resources" / "models" / kBundledModelFile).string()); // a build tree
#endif
    return out;
}

std::string findDefaultModel()
{
    for (const auto &c : defaultModelCandidates()) {
        std::error_code ec;
        if (fs::is_regular_file(c, ec))
            return c;
    }
    return {};
}

} // namespace mosaic
