#pragma once

#include <cstdint>
#include <string>

namespace mosaic {

// $XDG_DATA_HOME/mosaic-studio, else ~/.local/share/mosaic-studio, else a temp folder.
std::string userDataDirectory();
// Creates the folder and its parents; returns false (and leaves *error set) on failure.
bool makeDirectories(const std::string &path, std::string *error);
bool fileExists(const std::string &path);
std::string directoryOf(const std::string &path);
std::string fileNameOf(const std::string &path);
// The whole file; throws Error naming `what` and the path: NotFound, CorruptFile when it is larger
// than maxBytes (checked before reading), IoError.
std::string readFileBounded(const std::string &path, uint64_t maxBytes, const std::string &what);

} // namespace mosaic
