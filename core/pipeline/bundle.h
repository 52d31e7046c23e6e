#pragma once
// A model bundle: the transformer, the autoencoder and the text encoder in one .safetensors file,
// under the prefixes "transformer." (BFL keys), "ae." (BFL autoencoder keys) and "text.", with a JSON
// description in __metadata__["mosaic.bundle"]:
//   {"format": "mosaic-bundle", "version": 1, "name": ..., "transformer": {FluxConfig},
//    "autoencoder": {AutoEncoderConfig}, "text": {"max_length": L, "vocabulary": [...]},
//    "defaults": {"size": 256, "steps": 8, "guidance": 3.5, "ref_size": 256, "max_subjects": 8,
//                 "cfg": 1, "ref_cfg": 1, "collage": 0}}
//   (cfg, ref_cfg: optional, at least 1; 1 is off. collage: optional, in [0, 1); 0 is off.
//    native_size: optional, the size the model was trained at where "size" was changed since)

#include "model/autoencoder.h"
#include "model/flux.h"
#include "model/lora.h"
#include "model/text_encoder.h"

#include <mosaic/text.h>

#include <mosaic/pipeline.h>

#include <memory>
#include <mutex>

namespace mosaic::pipeline {

struct BundleDefaults
{
    int size = 256;
    int steps = 8;
    float guidance = 3.5f;
    int refSize = 256;
    int maxSubjects = 8;
    float cfg = 1.0f;    // classifier-free guidance on the prompt (1: off)
    float refCfg = 1.0f; // guidance on the references (1: off)
    float collage = 0.0f; // the reference collage's redraw strength (0: off)
    // The size the model was trained at, where the default output size was changed after training
    // (mosaic set-defaults --size records it); 0: `size`. What the suggester and training read, and
    // what generation above it scales the target's positions into.
    int nativeSize = 0;
    int native() const { return nativeSize > 0 ? nativeSize : size; }
};

struct Bundle
{
    std::string path;
    std::string name;
    model::Flux flux{nullptr};
    model::AutoEncoder ae{nullptr};
    model::TextEncoder text{nullptr};
    model::Tokenizer tokenizer;
    // FLUX's T5 and CLIP, when attached (ModelBundle::useTextEncoders): then the prompt goes through
    // them instead of `text`.
    std::shared_ptr<TextEncoders> fluxText;
    std::unique_ptr<model::LoraSet> lora;
    BundleDefaults defaults;
    at::ScalarType dtype = at::kFloat;
    // Where the transformer and the autoencoder run (a model set on a GPU: ModelSetSpec::device). The
    // text encoders stay on the CPU; the pipeline builds its inputs there (the noise from a CPU
    // generator, so that a seed starts alike on every device) and moves them once per pass.
    at::Device device = at::kCPU;
    std::mutex runMutex; // one generation at a time per bundle
    double probeGflops = 0; // the measured rate of a hidden-wide product (estimateRun), 0 until measured

    // Latent pixels per token side: 2 for FLUX's 8x autoencoder, 4 for a 4x one (tokens are 16 px).
    int64_t patch() const;
};

// After the autoencoder was replaced by one whose tokens hold a different number of values (other latent
// channels, or 4x instead of 8x): the transformer's input and output layers rebuilt at the new width, freshly
// initialised from `seed` (as torch.nn.Linear initialises: uniform within 1/sqrt(fan-in); the same seed,
// the same layers, so that a run that starts this way is the same run every time), every other weight
// kept. Returns false (and changes nothing) where the widths already agree; throws where a LoRA is
// attached to the old layers.
bool adaptTransformerInput(Bundle &bundle, uint64_t seed = 0);

std::unique_ptr<Bundle> loadBundle(const std::string &path, at::ScalarType dtype = at::kFloat);
// Writes the bundle's weights (from any device, stored as `storage`: float32, bfloat16 or float16;
// the tokenizer's and the norms' small tensors stay float32) and description atomically.
void saveBundle(const Bundle &bundle, const std::string &path, at::ScalarType storage = at::kFloat);
std::string describeBundleJson(const Bundle &bundle);

} // namespace mosaic::pipeline

namespace mosaic {

// Core's way into a loaded ModelBundle's weights (the pipeline, the suggesters, the evaluation).
struct ModelBundleAccess
{
    static pipeline::Bundle &bundle(ModelBundle &model);
};

} // namespace mosaic

namespace mosaic::pipeline {

inline Bundle &bundleOf(ModelBundle &model)
{
    return ModelBundleAccess::bundle(model);
}

// The pipeline on a bundle that is not wrapped in a ModelBundle (the trainer's sample grids).
Status generateWithBundle(Bundle &bundle, const BundleDescription &description, const GenerationRequest &request,
                          GenerationResult *result, const GenerationCallbacks &callbacks = {});

} // namespace mosaic::pipeline
