#include <mosaic/runtime.h>

#include "util/log.h"

#include <ATen/Parallel.h>
#include <torch/cuda.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace mosaic {

int hardwareThreads()
{
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : static_cast<int>(n);
}

namespace {
std::atomic<int> g_requestedThreads{0};

// Jiffies: all CPUs' busy and total time (/proc/stat), and this process's (/proc/self/stat).
bool readJiffies(double *busy, double *total, double *self)
{
    std::ifstream stat("/proc/stat");
    std::string cpu;
    stat >> cpu;
    if (cpu != "cpu")
        return false;
    double v[8] = {};
    for (double &x : v)
        stat >> x;
    if (!stat)
        return false;
    *total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    *busy = *total - v[3] - v[4]; // less idle and iowait
    std::ifstream own("/proc/self/stat");
    std::string line;
    std::getline(own, line);
    const auto close = line.rfind(')'); // the name may hold spaces
    if (close == std::string::npos)
        return false;
    std::istringstream fields(line.substr(close + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> f; ++i) {
        if (i == 14)
            utime = std::atof(f.c_str());
        if (i == 15)
            stime = std::atof(f.c_str());
    }
    *self = utime + stime;
    return true;
}
} // namespace

double otherBusyCores(int windowMs)
{
    double b0, t0, s0, b1, t1, s1;
    if (!readJiffies(&b0, &t0, &s0))
        return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::max(10, windowMs)));
    if (!readJiffies(&b1, &t1, &s1) || t1 <= t0)
        return -1;
    const double perCpu = (t1 - t0) / hardwareThreads();
    return std::clamp(((b1 - b0) - (s1 - s0)) / perCpu, 0.0, static_cast<double>(hardwareThreads()));
}

int threadsForRun()
{
    int n = g_requestedThreads.load();
    double others = -1;
    if (n <= 0) {
        others = otherBusyCores(60);
        n = others < 0 ? hardwareThreads()
                       : std::clamp(static_cast<int>(std::lround(hardwareThreads() - others)), 1, hardwareThreads());
    }
    if (at::get_num_threads() != n) {
        at::set_num_threads(n);
        char busy[32];
        std::snprintf(busy, sizeof busy, "%.1f", others);
        log::info("core.runtime", "threads for this run: {} of {} cores (other processes keep {} busy)", n,
                  hardwareThreads(), others < 0 ? std::string("an unmeasured number of") : std::string(busy));
    }
    return at::get_num_threads();
}

int configureThreads(int requested)
{
    g_requestedThreads = requested > 0 ? requested : 0;
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
