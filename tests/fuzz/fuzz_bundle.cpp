// A model bundle's description (the "mosaic.bundle" metadata) on a small, valid bundle's tensors
// (core/pipeline/bundle.cpp): parsed, checked against the tensors, then built and loaded.
#include "fuzz_support.h"

#include <mosaic/train.h>

#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "pipeline/bundle.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const auto base = [] {
        const std::string path = fuzz::scratch() + "/base.safetensors";
        mosaic::RandomBundleOptions o;
        o.hidden = 32;
        o.aeChannels = 32;
        if (!mosaic::writeRandomBundle(path, o).ok())
            std::abort();
        const auto ck = mosaic::Checkpoint::open(path);
        return std::make_pair(ck.loadAll(), ck.metadata());
    }();
    auto meta = base.second;
    meta["mosaic.bundle"] = std::string(reinterpret_cast<const char *>(data), size);
    const std::string path = fuzz::scratch() + "/bundle.safetensors";
    try {
        mosaic::st::write(path, base.first, meta); // the harness's own step: text that is not UTF-8 cannot be written
    } catch (const std::exception &) {
        return 0;
    }
    FUZZ_GUARD(mosaic::pipeline::loadBundle(path));
}
