#include "fuzz_support.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fuzz {

const std::string &scratch()
{
    // Never destroyed, so that the exit handler that removes it still has its name.
    static const std::string *dir = [] {
        const char *tmp = std::getenv("TMPDIR");
        auto *d = new std::string(std::string(tmp && *tmp ? tmp : "/tmp") + "/mosaic-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(*d);
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratch(), ec);
        });
        return d;
    }();
    return *dir;
}

std::string writeFile(const std::string &name, const uint8_t *data, size_t size)
{
    const std::string path = scratch() + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char *>(data),
                                                                   static_cast<std::streamsize>(size));
    return path;
}

} // namespace fuzz
