#pragma once
// The MOSAIC generation façade: a loaded model bundle reused across runs, and one run per request.

#include <mosaic/image.h>
#include <mosaic/status.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
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
    std::string prompt;
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
    CaptureOptions capture;
    int previewEvery = 0;             // 0: no previews
};

struct SubjectMaps
{
    std::string name;
    FloatMap attention; // MOSAIC's reference->target map, mean over reference tokens (sums to 1 over tokens)
    FloatMap share;     // per target pixel: the share of its attention that went to this subject
    double massInRegion = -1; // share mass inside the subject's region / total share mass (-1: no region)
};

struct GenerationResult
{
    RgbaImage image;
    std::vector<SubjectMaps> subjects;
    IndexMap ownership;   // argmax of the shares; -1 where no subject holds 1.5x its uniform share
    double prepareSeconds = 0, denoiseSeconds = 0, decodeSeconds = 0;
    std::vector<double> stepSeconds;
    std::string parametersJson; // everything needed to reproduce the run
    std::string parametersText; // the A1111-style "parameters" text
};

struct ProgressInfo
{
    int step = 0, steps = 0;
    double elapsedSeconds = 0;
    const RgbaImage *preview = nullptr; // the predicted clean image, when previews are on
};

struct GenerationCallbacks
{
    std::function<void(const ProgressInfo &)> progress;
    const std::atomic<bool> *cancel = nullptr; // checked between steps and between blocks
};

struct BundleDescription
{
    std::string path;
    std::string name;
    std::string configJson;
    int defaultSize = 0, defaultSteps = 0, refSize = 0, maxSubjects = 0;
    float defaultGuidance = 0;
    float defaultCfg = 1, defaultRefCfg = 1; // GenerationRequest::cfgScale / refCfgScale when not given
    float defaultCollage = 0;                 // GenerationRequest::collage when not given (0: off)
    bool guidanceDistilled = true;
    uint64_t parameterCount = 0;
    bool hasLora = false;
};

class ModelBundle
{
public:
    ~ModelBundle();
    // A bundle file (transformer, autoencoder, text encoder in one .safetensors), optionally a LoRA.
    static std::shared_ptr<ModelBundle> load(const std::string &path, Status *status,
                                             const std::string &loraPath = {});
    const BundleDescription &description() const;
    struct Impl;
    Impl &impl() { return *m_impl; }

private:
    explicit ModelBundle(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Errors come back as a Status; a cancelled run returns StatusCode::Cancelled and leaves the bundle
// usable.
Status generate(ModelBundle &bundle, const GenerationRequest &request, GenerationResult *result,
                const GenerationCallbacks &callbacks = {});

// Where the resources (models/, recipes/, demo/, translations/) are looked for, in order:
// <exe>/../share/mosaic-studio (an installed or relocated tree), the install prefix this build was
// configured with, then the source tree's resources/ (run from a build folder).
std::vector<std::string> dataDirectories();
// The first dataDirectories() entry holding `relative` (e.g. "demo/demo.json"); "" when none does.
std::string findDataFile(const std::string &relative);

// The bundled model ("MOSAIC-Toys", resources/models/): used when no model is given. Looked for in
// $MOSAIC_MODEL, then models/ of each dataDirectories() entry. findDefaultModel returns "" when none
// exists.
constexpr const char *kBundledModelFile = "mosaic-toys.safetensors";
std::vector<std::string> defaultModelCandidates();
std::string findDefaultModel();

// Writes a bundle with random weights of a small configuration (tests and benchmarks).
struct RandomBundleOptions
{
    std::string name = "random-test-bundle";
    int hidden = 64, heads = 2, doubleBlocks = 2, singleBlocks = 2;
    int imageSize = 64, refSize = 64, steps = 4;
    bool guidanceEmbed = true;
    float guidance = 3.5f;
    float cfg = 1.0f, refCfg = 1.0f; // the default guidance scales (GenerationRequest::cfgScale / refCfgScale)
    float collage = 0.0f;            // the default reference collage (GenerationRequest::collage)
    // The autoencoder (FLUX architecture): base channels, multipliers (one per level; n levels
    // downsample by 2^(n-1): 4 levels are FLUX's 8x with 2x2 latent patches per 16-px token, 3 levels
    // a 4x autoencoder with 4x4 patches), residual blocks per level, latent channels.
    int aeChannels = 32;
    std::vector<int> aeMultipliers{1, 1, 1, 1};
    int aeResBlocks = 1, latentChannels = 4;
    // The text encoder: vocabulary (empty: a small generic one; <pad> and <unk> are added),
    // prompt length in words, transformer blocks and heads.
    std::vector<std::string> vocabulary;
    int maxWords = 16, textLayers = 0, textHeads = 1;
    uint64_t seed = 1;
};
Status writeRandomBundle(const std::string &path, const RandomBundleOptions &options);

} // namespace mosaic
