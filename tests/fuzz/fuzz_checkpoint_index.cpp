// A sharded checkpoint's index (*.safetensors.index.json) beside one small, valid shard
// (core/io/checkpoint.cpp): the shard names, the weight map and the metadata.
#include "fuzz_support.h"

#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "util/error.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const bool shard = [] {
        mosaic::st::write(fuzz::scratch() + "/model-00001-of-00001.safetensors",
                          {{"img_in.weight", at::ones({4, 2})}, {"txt_in.weight", at::zeros({4, 3})}});
        return true;
    }();
    (void)shard;
    FUZZ_GUARD({
        const auto ck = mosaic::Checkpoint::open(fuzz::writeFile("model.safetensors.index.json", data, size));
        for (const auto &name : ck.names())
            ck.info(name);
    });
}
