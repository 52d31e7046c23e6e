#pragma once
// Where training runs and in which precision: "cpu", "cuda" (when LibTorch was built with it) or
// "auto"; bfloat16 autocast as a scope (matrix products and convolutions in bfloat16, reductions,
// norms and the losses in float32, the weights and the optimizer in float32).

#include <ATen/ATen.h>

#include <string>

namespace mosaic::train {

// "cpu", "cuda" or "auto" (CUDA where LibTorch sees a device); "cuda" without one is Unsupported.
at::Device computeDevice(const std::string &name);
// computeDevice, and on CUDA the attention backends that train cleanly.
at::Device trainingDevice(const std::string &name);

// Waits for the device's queued work (CUDA); nothing on the CPU.
void synchronize(const at::Device &device);
// The CUDA caching allocator's peak of allocated bytes since the process started, where this build has
// CUDA (0 otherwise).
uint64_t peakDeviceBytes(const at::Device &device);

// A GPU's whole memory (CUDA builds; 0 otherwise, and for the CPU).
uint64_t deviceMemoryBytes(const at::Device &device);

class AutocastScope
{
public:
    AutocastScope(bool enabled, const at::Device &device);
    ~AutocastScope();
    AutocastScope(const AutocastScope &) = delete;
    AutocastScope &operator=(const AutocastScope &) = delete;

private:
    bool m_active = false, m_cuda = false, m_previous = false;
};

} // namespace mosaic::train
