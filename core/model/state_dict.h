#pragma once
// Loading a name -> tensor map into a module whose registered names are the checkpoint keys.

#include "io/safetensors.h"

#include <torch/nn/module.h>

#include <string>
#include <vector>

namespace mosaic::model {

struct LoadProblems
{
    std::vector<std::string> missing;    // the module has it, the file does not
    std::vector<std::string> unexpected; // the file has it, the module does not
    std::vector<std::string> mismatched; // "name: file [a, b] vs model [c, d]"
    bool empty() const { return missing.empty() && unexpected.empty() && mismatched.empty(); }
    std::string describe(size_t maxPerKind = 20) const;
};

// Checks every key first and throws mosaic::Error(CorruptFile) listing all problems at once;
// only a clean state dict is assigned. Tensors already of the module's dtype on the CPU are
// shared, not copied (mmap-backed weights stay zero-copy).
void loadStateDict(torch::nn::Module &module, const st::TensorMap &tensors, const std::string &source);
LoadProblems checkStateDict(torch::nn::Module &module, const st::TensorMap &tensors);
st::TensorMap stateDict(const torch::nn::Module &module);

} // namespace mosaic::model
