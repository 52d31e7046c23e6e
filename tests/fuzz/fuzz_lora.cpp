// A LoRA file's tensors mapped onto a small FLUX transformer (core/model/lora.cpp): key names,
// shapes, ranks, alphas.
#include "fuzz_support.h"

#include "io/safetensors.h"
#include "model/flux.h"
#include "model/lora.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static mosaic::model::Flux flux = [] {
        mosaic::model::FluxConfig c;
        c.hidden_size = 64;
        c.num_heads = 2;
        c.depth = 1;
        c.depth_single_blocks = 1;
        c.in_channels = c.out_channels = 16;
        c.context_in_dim = 32;
        c.vec_in_dim = 32;
        c.axes_dim = mosaic::model::FluxConfig::defaultAxes(32);
        return mosaic::model::Flux(c);
    }();
    FUZZ_GUARD({ mosaic::model::LoraSet::fromFile(fuzz::writeFile("lora.safetensors", data, size), *flux); });
}
