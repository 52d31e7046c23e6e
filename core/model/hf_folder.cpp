#include "model/hf_folder.h"

#include "util/error.h"
#include "util/strings.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace mosaic::model {

HfModelFiles findHfModelFiles(const std::string &path, const std::string &what)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        throw Error(StatusCode::NotFound, path + ": not found (expected " + what + ": a folder with config.json and "
                                                 "model.safetensors, or one .safetensors file)");
    if (!fs::is_directory(path, ec))
        return {path, {}};
    HfModelFiles f;
    for (const char *name : {"model.safetensors", "model.safetensors.index.json"})
        if (fs::is_regular_file(fs::path(path) / name, ec)) {
            f.weights = (fs::path(path) / name).string();
            break;
        }
    if (f.weights.empty())
        for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
            if (endsWith(it->path().filename().string(), ".safetensors.index.json") ||
                (f.weights.empty() && endsWith(it->path().filename().string(), ".safetensors")))
                f.weights = it->path().string();
    if (f.weights.empty())
        throw Error(StatusCode::NotFound, path + ": no .safetensors weights in the folder (expected " + what + ")");
    if (fs::is_regular_file(fs::path(path) / "config.json", ec))
        f.config = (fs::path(path) / "config.json").string();
    return f;
}

} // namespace mosaic::model
