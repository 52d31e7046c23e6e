#include "testsupport.h"

#include <mosaic/runtime.h>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

// One thread in every suite, fixed: a run otherwise takes the cores other processes leave free
// (mosaic::threadsForRun), and with the suites running side by side two runs of one test could get
// different counts and differ in their last bits where a test compares images bit for bit. One, as
// LibTorch starts: suites run in parallel, and more threads than cores stall at OpenBLAS's barriers.
const int kFixedThreads = mosaic::configureThreads(1);

} // namespace

namespace testsupport {

std::string goldenDir()
{
    if (const char *env = std::getenv("MOSAIC_GOLDEN_DIR"); env && *env)
        return env;
    // The checkout's parent holds shared/ (tests run from the build tree inside the checkout).
    return (fs::path(MOSAIC_SOURCE_DIR).parent_path() / "shared" / "golden" / "flux").string();
}

namespace {

// The scratch folders of this process, removed when it exits normally (a crashed test leaves them for
// a look; MOSAIC_KEEP_TEST_DIRS=1 keeps them always).
struct ScratchDirs
{
    std::vector<fs::path> dirs;
    ~ScratchDirs()
    {
        if (const char *keep = std::getenv("MOSAIC_KEEP_TEST_DIRS"); keep && *keep && *keep != '0')
            return;
        std::error_code ec;
        for (const auto &d : dirs)
            fs::remove_all(d, ec);
    }
};

ScratchDirs &scratchDirs()
{
    static ScratchDirs s;
    return s;
}

} // namespace

std::string scratchDir(const std::string &name)
{
    const fs::path dir = fs::temp_directory_path() / ("mosaic-test-" + std::to_string(::getpid()) + "-" + name);
    std::error_code ec;
    fs::remove_all(dir, ec);
    fs::create_directories(dir);
    scratchDirs().dirs.push_back(dir);
    return dir.string();
}

} // namespace testsupport
