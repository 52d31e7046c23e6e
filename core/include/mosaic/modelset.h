#pragma once
// Model sets: FLUX.1-dev or schnell as people have it on disk, with MOSAIC's LoRA.
//
// A set is a transformer, an autoencoder, the T5 and CLIP text encoders with their tokenizers, and
// optional LoRAs. Given one path, the rest is found:
//   - a diffusers folder (model_index.json): transformer/, vae/, text_encoder/ (CLIP), text_encoder_2/ (T5),
//     tokenizer/, tokenizer_2/;
//   - a transformer file (BFL's flux1-dev.safetensors, plain or fp8, or a ComfyUI checkpoint whose keys
//     start with model.diffusion_model.): the autoencoder and encoders beside it (ae.safetensors,
//     clip_l.safetensors, t5xxl_fp16.safetensors, ...) or in ComfyUI's sibling folders
//     (../vae, ../text_encoders, ../clip);
//   - a ComfyUI models folder (diffusion_models/ or unet/, vae/, text_encoders/ or clip/, loras/);
//   - a folder holding such files.
// Files are recognised by their tensor names, not their file names; tokenizers come from the set or,
// where it has none, from the ones shipped with the app.
//
//     mosaic::ModelSetSpec spec;
//     spec.model = "/models/FLUX.1-dev";
//     spec.loras = {{"/models/loras/subject_512.safetensors", 1.0f}};
//     mosaic::ModelSetReport report;
//     mosaic::inspectModelSet(spec, &report);     // what was found, in which layout and precision
//     auto model = mosaic::ModelBundle::load(spec, &status);

#include <mosaic/pipeline.h>
#include <mosaic/status.h>

#include <cstdint>
#include <string>
#include <vector>

namespace mosaic {

struct LoraSpec
{
    std::string path;
    float scale = 1.0f;
};

// "FILE" or "FILE:SCALE" (the scale a number after the last colon). False when the scale is not a number.
bool parseLoraSpec(const std::string &text, LoraSpec *out);

struct ModelSetSpec
{
    std::string model; // a folder or a file (a MOSAIC bundle file works too)
    std::string transformer, ae, t5, clip, t5Tokenizer, clipTokenizer; // overrides ("" : found from `model`)
    std::vector<LoraSpec> loras;
    std::string dtype = "auto"; // the transformer's compute type: auto (bf16 where the CPU computes it natively), f32, bf16
    std::string textDtype = "f32"; // T5 and CLIP: f32 or bf16
    // Where the transformer and the autoencoder run: cpu, cuda, cuda:N, or auto (the first GPU where
    // LibTorch sees one). The text encoders run on the CPU.
    std::string device = "auto";
    // Bytes the transformer's weights may take on that device (0: all): RAM on the CPU, the GPU's memory
    // on CUDA. Below their size, blocks stream from the mapped file (CPU) or from pinned host memory (CUDA).
    uint64_t maxMemory = 0;
    bool keepTextEncoders = false; // keep T5 and CLIP loaded between prompts (otherwise released after encoding)
};

struct ModelSetPart
{
    std::string role;      // transformer, autoencoder, t5, clip, t5 tokenizer, clip tokenizer, lora
    std::string path;      // "" when missing
    std::string layout;    // bfl, diffusers, comfyui, hf, shipped, ...
    std::string precision; // bf16, f32, fp8-e4m3, fp8-e4m3-scaled, ...
    uint64_t parameters = 0;
    uint64_t bytes = 0;    // on disk
    std::string note;      // how it was chosen (e.g. "the first of 2 transformers in diffusion_models/")
    std::string problem;   // "" when usable
    std::string fix;       // what to do about the problem
};

struct ModelSetReport
{
    std::string path;
    std::string kind;    // bundle, diffusers, bfl, comfyui, folder
    std::string name;    // FLUX.1-dev, the file's name, ...
    std::string variant; // dev, schnell ("" when there is no transformer)
    std::vector<ModelSetPart> parts;
    bool complete = false;          // every part needed is there and usable
    uint64_t transformerBytes = 0;  // the transformer's weights as stored
    uint64_t largestBlockBytes = 0; // the transformer's largest block (what streaming keeps at least)
    uint64_t otherBytes = 0;        // autoencoder, text encoders (while encoding), LoRAs
    // Default inference settings of the set (MOSAIC's: 512 px, 28 steps, guidance 3.5, up to 6 references).
    int size = 512, steps = 28, maxSubjects = 6;
    float guidance = 3.5f;
    // Measured here by a short probe at the transformer's width (inspectModelSet): one image at the defaults
    // with two references, on this CPU in the type it would compute in. 0 when there is no transformer.
    double secondsPerImage = 0;
    std::string estimate; // that figure in words, with the size, steps, threads and type
    std::string text() const; // the report as `mosaic inspect` prints it
};

// Fills *report (also when something is missing: then complete is false and the parts say what and how
// to fix it); the status is an error only when the path itself cannot be read.
Status inspectModelSet(const ModelSetSpec &spec, ModelSetReport *report);
// The same from the files' headers alone, without the time probe (secondsPerImage stays 0).
Status describeModelSet(const ModelSetSpec &spec, ModelSetReport *report);

} // namespace mosaic
