#pragma once
// Shared by the fuzz targets: each defines LLVMFuzzerTestOneInput(data, size), which must return 0
// for every input (a crash, a sanitizer report or an uncaught exception is a finding). Built with
// libFuzzer in the `fuzz` preset, and with replay_main.cpp in every other build, where CTest runs
// each target over its corpus (tests/fuzz/corpus/<target>/, the crash reproducers included).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fuzz {

// A per-process scratch folder (under $TMPDIR) for targets whose parser reads files.
const std::string &scratch();
// Writes the bytes to `name` inside scratch() and returns the path.
std::string writeFile(const std::string &name, const uint8_t *data, size_t size);

} // namespace fuzz

// The parsers report bad input as a Status or an mosaic::Error; anything else escaping is a finding.
#define FUZZ_GUARD(...)                                                                                               \
    try {                                                                                                             \
        __VA_ARGS__;                                                                                                  \
    } catch (const mosaic::Error &) {                                                                                 \
    }                                                                                                                 \
    return 0
