#pragma once
// Coarse-grained parallel loops over LibTorch's intra-op threads (rendering toy examples).
//
// at::parallel_for is a header template: with LibTorch's OpenMP backend (Debian's 1.13 and the pip
// wheels) it forks only where the calling translation unit is compiled with OpenMP, and runs the
// whole range on the calling thread otherwise. core is not compiled with OpenMP; parallel.cpp
// alone is (core/CMakeLists.txt), so every coarse loop goes through here.

#include <cstdint>
#include <functional>

namespace mosaic {

// Calls fn(begin, end) on consecutive chunks of [0, count), one chunk per intra-op thread (at most
// count chunks); LibTorch operations inside run on their own thread. Rethrows the first exception.
void parallelFor(int64_t count, const std::function<void(int64_t begin, int64_t end)> &fn);

// How many threads parallelFor uses for `count` items (1 in a build without OpenMP).
int parallelForThreads(int64_t count);

} // namespace mosaic
