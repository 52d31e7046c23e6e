#include <mosaic/runtime.h>

#include "util/log.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <thread>

namespace mosaic {

int hardwareThreads()
{
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

int configureThreads(int requested)
{
    const int n = requested > 0 ? requested : hardwareThreads();
    at::set_num_threads(n);
    log::info("core.runtime", "LibTorch intra-op threads: {} (hardware: {})", at::get_num_threads(), hardwareThreads());
    return at::get_num_threads();
}

int threadCount()
{
    return at::get_num_threads();
}

std::string parallelInfo()
{
    return at::get_parallel_info();
}

bool cudaAvailable()
{
    return torch::cuda::is_available();
}

} // namespace mosaic
