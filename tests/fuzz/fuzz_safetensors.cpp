// A .safetensors file from outside: header, offsets, every tensor read (core/io/safetensors.cpp), and
// what `mosaic inspect` makes of it: the architecture and its configuration detected from the shapes
// (core/model/flux.cpp, loader.cpp, flux_keymap.cpp).
#include "fuzz_support.h"

#include <mosaic/tools.h>

#include "io/safetensors.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string path = fuzz::writeFile("input.safetensors", data, size);
    mosaic::CheckpointSummary summary;
    mosaic::inspectCheckpoint(path, &summary);
    FUZZ_GUARD({
        const auto file = mosaic::st::File::open(path);
        for (const auto &t : file->tensors())
            file->tensor(t.name);
    });
}
