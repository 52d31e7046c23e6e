// A bundle with freshly initialised weights (mosaic/train.h).
#include <mosaic/train.h>

#include "pipeline/bundle.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/strings.h"

#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>

namespace mosaic {

Status writeRandomBundle(const std::string &path, const RandomBundleOptions &o)
{
    return guarded([&] {
        torch::NoGradGuard noGrad;
        at::manual_seed(o.seed);
        pipeline::Bundle b;
        b.name = o.name;
        model::FluxConfig fc;
        fc.hidden_size = o.hidden;
        fc.num_heads = o.heads;
        fc.depth = o.doubleBlocks;
        fc.depth_single_blocks = o.singleBlocks;
        if ((o.aeMultipliers.size() != 3 && o.aeMultipliers.size() != 4) || o.latentChannels < 1 ||
            o.aeChannels < 1)
            throw Error(StatusCode::InvalidArgument,
                        "the autoencoder needs three or four levels (a 4x or 8x "
                        "downsampling: 16-px tokens of 4x4 or 2x2 latent pixels) and "
                        "positive channel counts");
        const int64_t p = pipeline::patchSize(static_cast<int64_t>(o.aeMultipliers.size()));
        fc.in_channels = fc.out_channels = p * p * o.latentChannels;
        fc.vec_in_dim = fc.context_in_dim = o.hidden;
        if (o.hidden <= 0 || o.heads <= 0 || o.hidden % o.heads)
            throw Error(StatusCode::InvalidArgument,
                        format("hidden {} does not split into {} heads", o.hidden, o.heads));
        fc.axes_dim = model::FluxConfig::defaultAxes(o.hidden / o.heads);
        fc.guidance_embed = o.guidanceEmbed;
        model::AutoEncoderConfig ac;
        ac.ch = o.aeChannels;
        ac.ch_mult.assign(o.aeMultipliers.begin(), o.aeMultipliers.end());
        ac.num_res_blocks = o.aeResBlocks;
        ac.z_channels = o.latentChannels;
        b.flux = model::Flux(fc);
        b.ae = model::AutoEncoder(ac);
        std::vector<std::string> vocab{"<pad>", "<unk>"};
        if (o.vocabulary.empty())
            vocab.insert(vocab.end(), {"a", "and", "the", "cat", "dog", "bag", "clock", "on", "grass",
                                       "beach", "snow", "left", "right", "two", "three", "sitting"});
        for (const auto &w : o.vocabulary)
            if (w != "<pad>" && w != "<unk>" && std::find(vocab.begin(), vocab.end(), w) == vocab.end())
                vocab.push_back(w);
        b.tokenizer = model::Tokenizer(vocab);
        model::TextEncoderConfig tc;
        tc.vocab_size = static_cast<int64_t>(b.tokenizer.vocabulary().size());
        tc.max_length = o.maxWords;
        tc.context_dim = fc.context_in_dim;
        tc.vec_dim = fc.vec_in_dim;
        tc.layers = o.textLayers;
        tc.heads = o.textHeads;
        b.text = model::TextEncoder(tc);
        b.defaults.guidance = o.guidance;
        b.defaults.size = o.imageSize;
        b.defaults.refSize = o.refSize;
        b.defaults.steps = o.steps;
        b.defaults.cfg = o.cfg;
        b.defaults.refCfg = o.refCfg;
        b.defaults.collage = o.collage;
        pipeline::saveBundle(b, path);
    });
}

} // namespace mosaic
