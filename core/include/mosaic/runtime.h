#pragma once
// Process-wide compute settings.

#include <string>

namespace mosaic {

// Sets LibTorch's intra-op threads: requested > 0 is used as given, otherwise the number of cores.
// Debian's LibTorch starts with one thread even on a multi-core machine. Returns the count in effect.
int configureThreads(int requested);
int threadCount();
int hardwareThreads();
std::string parallelInfo(); // at::get_parallel_info()
bool cudaAvailable();

} // namespace mosaic
