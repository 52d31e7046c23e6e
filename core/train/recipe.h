#pragma once
// A training recipe (format: resources/recipes/README.md) read into plain options: what to start
// from, the trainer's options, the data, and the run's schedule. Reading checks every value's type and
// range and names the key of the first one that is wrong; it loads and writes nothing.

#include <mosaic/train.h>

#include "train/ae_trainer.h"
#include "train/trainer.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace mosaic::train {

struct Recipe
{
    std::string path;
    nlohmann::json json; // as read (written back beside the run's output)
    std::string out;     // the run's folder
    int threads = 0;     // > 0: LibTorch threads for the run

    // What the run starts from: a bundle, or one with random weights written into the run's folder;
    // optionally the autoencoder of another bundle.
    std::string initBundle;
    std::optional<RandomBundleOptions> initRandom;
    std::string initAutoencoder;

    TrainOptions train;     // data.size 0: the bundle's native size (known once it is loaded)
    std::string dataFolder; // "data": {"source": "folder"}: a dataset; empty: MOSAIC-Toys
    std::string poolFile;
    int64_t poolSize = 0;

    bool autoencoder = false; // "component": "autoencoder"
    AutoEncoderTrainOptions ae;

    std::string storage = "f32"; // f32, bf16 or f16
    int64_t steps = 100, checkpointEvery = 100, sampleEvery = 0, probeEvery = 0;
};

// The recipe at options.recipePath, with the run options' overrides (out, steps, device, pool size).
Recipe readRecipe(const TrainRunOptions &options);

} // namespace mosaic::train
