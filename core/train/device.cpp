#include "train/device.h"

#include "util/error.h"
#include "util/strings.h"

#include <ATen/Context.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#ifdef MOSAIC_WITH_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <cuda_runtime_api.h>
#endif
#include <torch/version.h>

namespace mosaic::train {

namespace {

#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
bool autocastEnabled(bool cuda) { return at::autocast::is_autocast_enabled(cuda ? at::kCUDA : at::kCPU); }
void setAutocast(bool cuda, bool on)
{
    const auto type = cuda ? at::kCUDA : at::kCPU;
    at::autocast::set_autocast_enabled(type, on);
    at::autocast::set_autocast_dtype(type, at::kBFloat16);
}
#else
bool autocastEnabled(bool cuda) { return cuda ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled(); }
void setAutocast(bool cuda, bool on)
{
    if (cuda) {
        at::autocast::set_enabled(on);
        at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    } else {
        at::autocast::set_cpu_enabled(on);
        at::autocast::set_autocast_cpu_dtype(at::kBFloat16);
    }
}
#endif

} // namespace

at::Device computeDevice(const std::string &name)
{
    if (name.empty() || name == "cpu")
        return at::kCPU;
    if (name.rfind("cuda:", 0) == 0) { // one GPU of several (a rank of a data-parallel job)
        int index = -1;
        try {
            index = std::stoi(name.substr(5));
        } catch (const std::exception &) {
        }
        const int count = torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0;
        if (index < 0 || index >= count)
            throw Error(StatusCode::Unsupported, format("device \"{}\": this LibTorch ({}) sees {} CUDA devices", name,
                                                        TORCH_VERSION, count));
        return at::Device(at::kCUDA, static_cast<at::DeviceIndex>(index));
    }
    if (name != "cuda" && name != "auto")
        throw Error(StatusCode::InvalidArgument, "unknown device '" + name + "' (cpu, cuda or auto)");
    const bool cuda = torch::cuda::is_available();
    if (name == "cuda" && !cuda)
        throw Error(StatusCode::Unsupported, std::string("device \"cuda\": this LibTorch (") + TORCH_VERSION +
                                                 ") sees no CUDA device (use \"auto\" or \"cpu\")");
    return cuda ? at::Device(at::kCUDA) : at::Device(at::kCPU);
}

at::Device trainingDevice(const std::string &name)
{
    const at::Device device = computeDevice(name);
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
    // On an H100 with LibTorch 2.11 the first bfloat16 step gave NaN gradients (and, without
    // CUDA_LAUNCH_BLOCKING, an illegal memory access); float32 trained cleanly. cuDNN's fused
    // attention, LibTorch's default there, has known NaN bugs in its backward pass in that
    // release; the flash and memory-efficient kernels take over without it. (Not yet verified
    // on a GPU: the next lent machine checks it, tools/gpu/train.sh.)
    if (device.is_cuda())
        at::globalContext().setSDPUseCuDNN(false);
#endif
    // Training in float32 on a GPU: matrix products in TF32 (10-bit mantissa, float32 range), as
    // PyTorch's "high" matmul precision; inference and `mosaic forward` keep full float32.
    if (device.is_cuda())
        at::globalContext().setAllowTF32CuBLAS(true);
    return device;
}

void synchronize(const at::Device &device)
{
    if (device.is_cuda())
        torch::cuda::synchronize(device.has_index() ? device.index() : -1);
}

uint64_t peakDeviceBytes(const at::Device &device)
{
#ifdef MOSAIC_WITH_CUDA
    if (device.is_cuda()) {
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(device.has_index() ? device.index() : 0);
        return static_cast<uint64_t>(
            stats.allocated_bytes[static_cast<size_t>(c10::cuda::CUDACachingAllocator::StatType::AGGREGATE)].peak);
    }
#endif
    (void)device;
    return 0;
}

uint64_t deviceMemoryBytes(const at::Device &device)
{
#ifdef MOSAIC_WITH_CUDA
    if (device.is_cuda()) {
        const c10::cuda::CUDAGuard guard(device.has_index() ? device.index() : 0);
        size_t freeBytes = 0, totalBytes = 0;
        if (cudaMemGetInfo(&freeBytes, &totalBytes) == cudaSuccess)
            return static_cast<uint64_t>(totalBytes);
    }
#endif
    (void)device;
    return 0;
}

AutocastScope::AutocastScope(bool enabled, const at::Device &device) : m_active(enabled), m_cuda(device.is_cuda())
{
    if (!m_active)
        return;
    m_previous = autocastEnabled(m_cuda);
    setAutocast(m_cuda, true);
}

AutocastScope::~AutocastScope()
{
    if (!m_active)
        return;
    setAutocast(m_cuda, m_previous);
    if (!m_previous)
        at::autocast::clear_cache();
}

} // namespace mosaic::train
