#pragma once
// Finding and loading a model set (mosaic/modelset.h) into a pipeline bundle.

#include "pipeline/bundle.h"

#include <mosaic/modelset.h>

namespace mosaic::pipeline {

// What a file holds, from its tensor names alone.
enum class FileRole { Bundle, Transformer, AutoEncoder, T5, Clip, Lora, Unknown };
const char *fileRoleName(FileRole role);

struct FoundFile
{
    std::string path;
    FileRole role = FileRole::Unknown;
    std::string layout, precision, variant, error;
    uint64_t parameters = 0, bytes = 0, largestBlockBytes = 0;
    int64_t hidden = 0, doubleBlocks = 0, singleBlocks = 0; // a transformer's shape
    double mlpRatio = 4.0;
};

// Reads the header of a .safetensors file (or a shard index); never throws: `error` says what is wrong.
FoundFile classifyFile(const std::string &path);

// The files of a set, with the report that describes them (ModelSetReport::complete says whether it loads).
struct FoundSet
{
    ModelSetReport report;
    std::string transformer, ae, aeConfig, t5, clip, t5Tokenizer, clipTokenizer;
    FoundFile transformerFile;
};
FoundSet findModelSet(const ModelSetSpec &spec);

// Throws mosaic::Error naming the file at fault; nothing is kept of a set that fails.
std::unique_ptr<Bundle> loadModelSet(const ModelSetSpec &spec, ModelSetReport *report = nullptr);
// The transformer's compute type: f32, bf16, or auto (bf16 on a GPU, or where the CPU computes it natively).
at::ScalarType computeType(const std::string &dtype, const at::Device &device);

// Whether `path` names a MOSAIC bundle file (the bundled model's format) rather than a model set.
bool isBundleFile(const std::string &path);

} // namespace mosaic::pipeline
