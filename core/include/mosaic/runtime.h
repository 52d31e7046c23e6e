#pragma once
// Process-wide compute settings.

#include <string>

namespace mosaic {

// Sets LibTorch's intra-op threads: requested > 0 is used as given, otherwise the number of cores, and
// then each run adapts (threadsForRun). Debian's LibTorch starts with one thread even on a multi-core
// machine. Returns the count in effect.
int configureThreads(int requested);
// How many cores other processes keep busy, measured over `windowMs` (Linux: /proc/stat less this
// process's own time); -1 where unknown.
double otherBusyCores(int windowMs = 100);
// Called by generate() on the thread that runs it: with a thread count given to configureThreads, that
// count; otherwise the cores that other processes leave free now (at least one). On a shared desktop
// every thread beyond the free cores waits at LibTorch's barriers for a core another program holds:
// on a 2-core machine beside two busy processes a run took 86 s with 2 threads and 4.2 s with one.
// Sets it for the calling thread and returns it.
int threadsForRun();
int threadCount();
int hardwareThreads();
std::string parallelInfo(); // at::get_parallel_info()
bool cudaAvailable();
// Whether this CPU computes bfloat16 natively (AVX-512 BF16 or AMX): there a bf16 run is faster than a
// float32 one; elsewhere (AVX2 only, as on many AMD EPYC machines) LibTorch emulates it and is slower.
// Read from /proc/cpuinfo; $MOSAIC_CPU_BF16=0 or 1 overrides it.
bool cpuComputesBf16();

} // namespace mosaic
