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

struct LoadedFlux
{
    Flux model{nullptr};
    FluxLayout layout = FluxLayout::Unknown;
    std::string prefix;
};

// dtype: the compute dtype; tensors already in it stay zero-copy views of the file.
LoadedFlux loadFlux(const Checkpoint &checkpoint, at::ScalarType dtype);
AutoEncoder loadAutoEncoder(const Checkpoint &checkpoint, at::ScalarType dtype);

// The config a checkpoint describes, without building the model.
FluxConfig fluxConfigOf(const Checkpoint &checkpoint, FluxLayout *layout = nullptr);
AutoEncoderConfig autoEncoderConfigOf(const Checkpoint &checkpoint);

} // namespace mosaic::model
