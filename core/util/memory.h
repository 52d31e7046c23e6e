#pragma once
// What the machine has, and the one check of a model's memory estimate against it, before anything
// is allocated from a file's description.

#include <cstdint>
#include <string>

namespace mosaic {

// Physical memory in bytes, or $MOSAIC_MEMORY_LIMIT where it is set (bytes, or a number with K, M or G:
// a cap for a shared machine, and how the tests stand in for a smaller one). 0 when neither is known.
uint64_t memoryLimitBytes();

// Throws Error(OutOfMemory) naming `what`, the estimate and the limit when `estimateBytes` is above
// memoryLimitBytes().
void checkMemoryEstimate(uint64_t estimateBytes, const std::string &what);

// This process's resident memory now and at its peak (VmRSS, VmHWM), in bytes; 0 where unknown.
uint64_t residentBytes();
uint64_t peakResidentBytes();
// Starts the peak over from the current resident memory (Linux: /proc/self/clear_refs); false where
// the kernel does not allow it.
bool resetPeakResident();

} // namespace mosaic
