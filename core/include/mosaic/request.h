#pragma once
// A generation request and its plain conversions, the one place each of them is written:
// - the request <-> JSON pair that PNG parameters, project files, "reuse these settings" and the CLI's
//   records all use (format below);
// - the rule that turns an image into a region mask, and a mask's extent;
// - the subjects' colour palette (the app, the CLI's ownership maps and the annotator).
//
// The JSON form of a request (version 1):
//   {"version": 1, "prompt": "...", "negative_prompt": "...", "seed": 42, "steps": 12, "guidance": 3.5,
//    "cfg_scale": -1, "ref_cfg_scale": -1, "collage": -1, "auto_layout": false, "width": 256,
//    "height": 256, "region_strength": 2, "point_strength": 4, "lora_scale": 1, "strength": 1,
//    "subjects": [{"name": "Pip", "box": [x, y, w, h], "points": [[rx, ry, tx, ty], ...],
//                  "mask": {"width": 128, "height": 128}}]}
// Every key is optional when read (a missing one keeps the default). Images do not travel in it: the
// subjects' reference images and mask pixels and the starting image are carried beside it by whatever
// holds the JSON (a project file stores them as PNG; a PNG's parameters only describe them). Readers
// also accept what earlier writers wrote: a seed as a decimal string, "size" for a square canvas.

#include <mosaic/image.h>
#include <mosaic/status.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mosaic {

struct NormalizedBox
{
    float x = 0, y = 0, w = 0, h = 0; // in [0, 1] of the target canvas
};

struct PointPair
{
    float refX = 0, refY = 0; // in [0, 1] of the prepared reference
    float tgtX = 0, tgtY = 0; // in [0, 1] of the target canvas
};

// The smallest reference a subject may have, on each side: a smaller image carries nothing the model
// could keep. generate(), the CLI (naming the file, before loading a model) and the app refuse one.
constexpr int kMinSubjectSide = 8;

struct Subject
{
    std::string name;
    RgbaImage image;                  // as loaded; prepared by the pipeline unless `prepared`
    bool prepared = false;
    std::optional<NormalizedBox> box; // region guidance
    FloatMap mask;                    // optional region mask (any size; > 0.5 is inside)
    std::vector<PointPair> points;
};

struct CaptureOptions
{
    bool enabled = false;
    std::vector<int> doubleBlocks; // empty: all
    int firstStep = 0;             // steps [firstStep, lastStep] are averaged; -1: the last step
    int lastStep = -1;
};

struct GenerationRequest
{
    std::string prompt; // as the model reads it
    // The prompt as the person wrote it, where that differs (the app's subject names, which `prompt`
    // has replaced by the subjects' words): what reusing a result or a dropped PNG gives back. The
    // model never sees it. "" when the same as `prompt`.
    std::string promptAsWritten;
    std::string negativePrompt;       // for classifier-free guidance (models without guidance embedding)
    std::vector<Subject> subjects;
    uint64_t seed = 0;
    int steps = 0;                    // 0: the model's default
    float guidance = -1.0f;           // distilled guidance; < 0: the model's default
    // > 1: classifier-free guidance with negativePrompt; < 0: the model's default
    // (BundleDescription::defaultCfg); 1: off.
    float cfgScale = -1.0f;
    // > 1: guidance on the references: one more pass with the prompt and zeroed reference latents
    // (as training's image dropout), eps = eps_cfg + (refCfgScale - 1) (eps(T, R) - eps(T, 0));
    // < 0: the model's default (BundleDescription::defaultRefCfg); 1: off.
    float refCfgScale = -1.0f;
    // The reference collage: > 0 runs a first pass, pastes each subject's reference (cut from its white
    // ground) into its box or mask — or, without one, where its attention landed in that first image —
    // and redraws the result as image to image at this strength (in (0, 1): lower keeps more of the
    // paste). 0: off (MOSAIC alone); < 0: the model's default (BundleDescription::defaultCollage).
    float collage = -1.0f;
    // Subjects without a box or a mask get one from the prompt's position words before anything else
    // (mosaic/layout.h: "Pip on the left" with a subject named Pip), so that region guidance and the
    // collage place them; the planned boxes are what the parameters record.
    bool autoLayout = false;
    int width = 0, height = 0;        // 0: the model's default
    float regionStrength = 2.0f;      // attention bias for boxes and masks (0 disables)
    float pointStrength = 4.0f;
    float loraScale = 1.0f;
    // Optional: start from this image instead of pure noise (image to image). It is stretched to the
    // canvas, encoded, and noised to the first step of the schedule at or below `strength`; only the
    // rest of the schedule runs. strength 1 starts from pure noise (the image is then unused); lower
    // keeps more of it. Must be in (0, 1].
    RgbaImage initImage;
    float strength = 1.0f;
    // Optional: the initial noise itself, packed as diffusers' FluxPipeline takes `latents` ([tokens,
    // values per token] row-major: [(H/16)(W/16), 64] for FLUX), instead of noise drawn from `seed`; the
    // same latents give the same image in any implementation of the same model. Empty: from the seed.
    std::vector<float> latents;
    CaptureOptions capture;
    int previewEvery = 0;             // 0: no previews
};

// The tensor "latents" of a .safetensors file (F32, BF16 or F16; [1, L, C] or [L, C]), as
// GenerationRequest::latents takes it; *shape gets [L, C].
Status loadLatents(const std::string &path, std::vector<float> *latents, std::vector<int64_t> *shape = nullptr);

// The request's settings, subjects' names, boxes and points as JSON (the format above). The images are
// not part of it; a subject's mask is recorded by its size only.
std::string requestToJson(const GenerationRequest &request);
// Reads what requestToJson writes (and the older forms named above) into *request, whose images and
// masks are left as they are; fields that are present replace the request's values. Bounded: the text
// is at most kMaxRequestJsonBytes, nested at most a few levels; each number is range-checked before it
// is converted. On error *request is unchanged and the message names the field.
constexpr int kRequestJsonVersion = 1;
constexpr size_t kMaxRequestJsonBytes = 1u << 20;
Status requestFromJson(const std::string &json, GenerationRequest *request);

// The one mask rule: a pixel is inside where its mean of R, G and B, times its alpha, is above half
// (white on black; transparent is outside). Returns 1 inside and 0 outside, at the image's size.
FloatMap maskFromImage(const RgbaImage &image);
// The smallest box holding every mask value above 0.5, in fractions of the mask; an empty (zero
// size) box for a mask with nothing inside; nullopt for a mask with no pixels or the wrong buffer size.
std::optional<NormalizedBox> maskExtent(const FloatMap &mask);

// The colour of subject `index` (0xRRGGBB): eight distinct colours, repeating.
uint32_t subjectColor(int index);

} // namespace mosaic
