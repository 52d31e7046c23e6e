#include <mosaic/runtime.h>

#include "util/log.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <thread>

#include <cstdlib>
#include <fstream>
#include <sstream>

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

bool cpuComputesBf16()
{
    if (const char *env = std::getenv("MOSAIC_CPU_BF16"); env && (env[0] == '0' || env[0] == '1'))
        return env[0] == '1';
    static const bool native = [] {
        std::ifstream in("/proc/cpuinfo");
        std::string line;
        while (std::getline(in, line))
            if (line.rfind("flags", 0) == 0) {
                std::istringstream words(line);
                std::string w;
                while (words >> w)
                    if (w == "avx512_bf16" || w == "amx_bf16")
                        return true;
                return false;
            }
        return false;
    }();
    return native;
}

} // namespace mosaic
