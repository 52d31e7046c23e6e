#pragma once
// Checkpoint archives written through a temporary file and rename, read with a clear error.

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <string>

namespace mosaic::train {

// Throws mosaic::Error(IoError) and leaves no temporary behind when the write fails.
void saveArchive(torch::serialize::OutputArchive &archive, const std::string &path);
// Throws mosaic::Error(CorruptFile) naming the path when it is not a checkpoint.
void loadArchive(torch::serialize::InputArchive &archive, const std::string &path);

} // namespace mosaic::train
