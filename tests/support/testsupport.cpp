#include "testsupport.h"

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace fs = std::filesystem;

namespace testsupport {

std::string goldenDir()
{
    if (const char *env = std::getenv("MOSAIC_GOLDEN_DIR"); env && *env)
        return env;
    // The checkout's parent holds shared/ (tests run from the build tree inside the checkout).
    return (fs::path(MOSAIC_SOURCE_DIR).parent_path() / "shared" / "golden" / "flux").string();
}

std::string scratchDir(const std::string &name)
{
    const fs::path dir = fs::temp_directory_path() / ("mosaic-test-" + std::to_string(::getpid()) + "-" + name);
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    return dir.string();
}

} // namespace testsupport
