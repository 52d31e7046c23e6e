#pragma once
// Gradient checkpointing: a block's forward pass runs without recording its activations, and runs
// again (with them) in the backward pass, when the gradients reach it. The block's parameters get
// their gradients from that second run directly (as PyTorch's reentrant torch.utils.checkpoint does);
// its inputs get theirs through the graph. Memory per block drops to its inputs and outputs, for about
// one more forward pass of compute.

#include <ATen/ATen.h>

#include <functional>
#include <vector>

namespace mosaic::train {

using BlockBody = std::function<std::vector<at::Tensor>(const std::vector<at::Tensor> &)>;

// body(inputs) with its activations recomputed in the backward pass. `autocast` and `device`: the
// autocast state the recomputation restores (the backward pass runs outside the forward's scope).
// Where no gradient is being recorded, simply body(inputs).
std::vector<at::Tensor> checkpointed(const BlockBody &body, const std::vector<at::Tensor> &inputs, bool autocast,
                                     const at::Device &device);

} // namespace mosaic::train
