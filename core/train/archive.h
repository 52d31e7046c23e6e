#pragma once
// Training checkpoints: named lists of tensors, the step counter and the optimizer state, written
// through a temporary file and rename.

#include <ATen/ATen.h>
#include <torch/optim/optimizer.h>

#include <map>
#include <string>
#include <vector>

namespace mosaic::train {

using TensorLists = std::map<std::string, std::vector<at::Tensor>>;

// Throws mosaic::Error(IoError) and leaves no temporary behind when the write fails.
void saveTrainingState(const std::string &path, const TensorLists &lists, int64_t step,
                       const torch::optim::Optimizer &optimizer);
// Copies the stored tensors into `into` (same names, counts and shapes) and loads the optimizer;
// returns the step. Throws mosaic::Error(CorruptFile) naming the path otherwise.
int64_t loadTrainingState(const std::string &path, TensorLists &into, torch::optim::Optimizer &optimizer);

} // namespace mosaic::train
