#pragma once
// One tensor saved by torch.save (or torch::pickle_save), read without LibTorch's unpickler: the zip
// archive and the pickle are parsed by a reader that knows only what such a file holds, checks every
// size, count and offset before it reads or allocates, and never follows a reference it has not
// checked. LibTorch's own reader trusts the file (a mutated one crashed it, and a storage shorter than
// its shape was read past its end), so files from outside come through here.

#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace mosaic::data {

// The tensor (float32, float64, int32 or int64, on the CPU), or Error(CorruptFile) naming `name`
// and what is wrong.
at::Tensor readTorchSavedTensor(const std::vector<char> &bytes, const std::string &name);

} // namespace mosaic::data
