#pragma once

#include <string>

namespace mosaic {

// $XDG_DATA_HOME/mosaic-studio, else ~/.local/share/mosaic-studio, else a temp folder.
std::string userDataDirectory();
// Creates the folder and its parents; returns false (and leaves *error set) on failure.
bool makeDirectories(const std::string &path, std::string *error);
bool fileExists(const std::string &path);
std::string directoryOf(const std::string &path);
std::string fileNameOf(const std::string &path);

} // namespace mosaic
