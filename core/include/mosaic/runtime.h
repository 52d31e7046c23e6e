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
// Whether this CPU computes bfloat16 natively (AVX-512 BF16 or AMX): there a bf16 run is faster than a
// float32 one; elsewhere (AVX2 only, as on many AMD EPYC machines) LibTorch emulates it and is slower.
// Read from /proc/cpuinfo; $MOSAIC_CPU_BF16=0 or 1 overrides it.
bool cpuComputesBf16();

} // namespace mosaic
