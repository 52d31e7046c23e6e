#include "train/archive.h"

#include "util/error.h"

#include <cstdio>

namespace mosaic::train {

void saveArchive(torch::serialize::OutputArchive &archive, const std::string &path)
{
    const std::string temp = path + ".tmp";
    try {
        archive.save_to(temp);
    } catch (const c10::Error &e) {
        std::remove(temp.c_str());
        throw Error(StatusCode::IoError, "cannot write the checkpoint " + path + " (" +
                                             std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        throw Error(StatusCode::IoError, "cannot write the checkpoint " + path);
    }
}

void loadArchive(torch::serialize::InputArchive &archive, const std::string &path)
{
    try {
        archive.load_from(path);
    } catch (const c10::Error &e) {
        throw Error(StatusCode::CorruptFile, path + ": not a training checkpoint (" +
                                                 std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
}

} // namespace mosaic::train
