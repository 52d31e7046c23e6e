#pragma once
// From a checkpoint on disk to a ready module: layout detection, key mapping, config detection
// (metadata "config" first, then tensor shapes), strict loading.

#include "io/checkpoint.h"
#include "model/autoencoder.h"
#include "model/flux.h"
#include "model/flux_keymap.h"

namespace mosaic::model {

enum class Architecture { FluxTransformer, FluxAutoEncoder, Lora, Unknown };
const char *architectureName(Architecture a);
Architecture detectArchitecture(const std::vector<std::string> &names);

struct FluxLoadOptions
{
    at::ScalarType compute = at::kFloat; // the type it computes in
    at::Device device = at::kCPU;
    // Linear weights stay in their stored precision (float32, bfloat16, float16, fp8) and are turned into
    // `compute` per layer when used; false: everything is converted to `compute` once, at load.
    bool keepStored = true;
    // Bytes the transformer's weights may take on `device` (0: no limit). Below their size, the blocks
    // that do not fit are streamed: made for each use and dropped after it.
    uint64_t budget = 0;
    // Read every resident weight once at load (a mapped file is otherwise read on first use).
    bool prefault = false;
};

struct LoadedFlux
{
    Flux model{nullptr};
    FluxLayout layout = FluxLayout::Unknown;
    std::string prefix;
    std::string precision;       // of the linear weights: "f32", "bf16", "f16", "fp8-e4m3", "fp8-e4m3-scaled", ...
    uint64_t storedBytes = 0;    // every weight as the file stores it
    uint64_t residentBytes = 0;  // what stays on the device after loading
    size_t streamedBlocks = 0;
    uint64_t largestBlockBytes = 0;
};

LoadedFlux loadFlux(const Checkpoint &checkpoint, const FluxLoadOptions &options);
// Everything converted to dtype (tensors already in it stay zero-copy views of the file).
LoadedFlux loadFlux(const Checkpoint &checkpoint, at::ScalarType dtype);
// Every tensor, with fp8 ones decoded to float32 (times their ".scale_weight" where ComfyUI's scaled fp8 has
// one; those scales and the "scaled_fp8" marker are not returned): for the text encoders, which run in
// float32 or bfloat16 whatever their files hold.
st::TensorMap loadDecoded(const Checkpoint &checkpoint);
// "fp8-e4m3" and the like for a checkpoint's matrices, from the headers alone.
std::string checkpointPrecision(const Checkpoint &checkpoint);
AutoEncoder loadAutoEncoder(const Checkpoint &checkpoint, at::ScalarType dtype);

// The config a checkpoint describes, without building the model.
FluxConfig fluxConfigOf(const Checkpoint &checkpoint, FluxLayout *layout = nullptr);
AutoEncoderConfig autoEncoderConfigOf(const Checkpoint &checkpoint);

} // namespace mosaic::model
