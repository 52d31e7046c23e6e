#include "util/paths.h"

#include "util/error.h"
#include "util/strings.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace mosaic {

std::string userDataDirectory()
{
    if (const char *xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "mosaic-studio").string();
    if (const char *home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".local" / "share" / "mosaic-studio").string();
    std::error_code ec;
    return (fs::temp_directory_path(ec) / "mosaic-studio").string();
}

bool makeDirectories(const std::string &path, std::string *error)
{
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec && !fs::is_directory(path)) {
        if (error)
            *error = path + ": " + ec.message();
        return false;
    }
    return true;
}

bool fileExists(const std::string &path)
{
    std::error_code ec;
    return fs::exists(path, ec);
}

std::string directoryOf(const std::string &path)
{
    const fs::path p(path);
    return p.has_parent_path() ? p.parent_path().string() : std::string(".");
}

std::string fileNameOf(const std::string &path)
{
    return fs::path(path).filename().string();
}

std::string readFileBounded(const std::string &path, uint64_t maxBytes, const std::string &what)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw Error(StatusCode::NotFound, format("{}: {} not found", path, what));
    const uint64_t size = fs::file_size(path, ec);
    if (ec)
        throw Error(StatusCode::IoError, format("{}: cannot read the {} ({})", path, what, ec.message()));
    if (size > maxBytes)
        throw Error(StatusCode::CorruptFile, format("{}: {} bytes is larger than any {} ({} at most)", path, size, what,
                                                    maxBytes));
    std::ifstream in(path, std::ios::binary);
    std::string text(static_cast<size_t>(size), '\0');
    if (!in || !in.read(text.data(), static_cast<std::streamsize>(size)))
        throw Error(StatusCode::IoError, format("{}: cannot read the {}", path, what));
    return text;
}

} // namespace mosaic
