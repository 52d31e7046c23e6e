#pragma once
// The MOSAIC generation façade: a loaded model bundle reused across runs, and one run per request.
//
//     mosaic::Status st;
//     auto model = mosaic::ModelBundle::load(mosaic::findDefaultModel(), &st);
//     if (!model) { /* st.message says why */ }
//     mosaic::GenerationRequest req;            // mosaic/request.h
//     req.prompt = "a blob on the beach";
//     req.subjects.push_back({"Pip", image});   // any RGBA image; prepared by the pipeline
//     mosaic::GenerationResult result;
//     st = mosaic::generate(*model, req, &result, callbacks);
//
// Threads. A ModelBundle may be used from any thread, but runs one request at a time: generate() and
// the suggesters (mosaic/annotate.h) on the same bundle take its run lock, so a second call waits for
// the first. LibTorch's inference state is set inside each call, on the calling thread. Keep one
// thread per bundle (the app's generation service owns its bundle and runs everything on it there).
// description() is immutable after load() and safe from every thread. Callbacks are called on the
// calling thread, between steps; the cancel flag may be set from any thread and is checked at every
// step, between the transformer's blocks and between the autoencoder's blocks (encoding references,
// decoding previews and the result), so that a run stops within one block. A cancelled run returns
// StatusCode::Cancelled and leaves the bundle usable. Load and destroy bundles on any
// thread, but not while a call on them is running.

#include <mosaic/image.h>
#include <mosaic/request.h>
#include <mosaic/status.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mosaic {

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
    int step = 0, steps = 0; // over the whole run: with the reference collage, both passes
    // The pass this step belongs to: the one that places the subjects (its steps are the request's),
    // then with the reference collage the one that refines the pasted references (pass 2 of 2).
    int pass = 1, passes = 1;
    int passStep = 0, passSteps = 0; // the step in the pass's schedule (from an image: from part-way)
    double elapsedSeconds = 0;
    const RgbaImage *preview = nullptr; // the predicted clean image, when previews are on
};

struct GenerationCallbacks
{
    std::function<void(const ProgressInfo &)> progress;
    const std::atomic<bool> *cancel = nullptr; // checked between steps and between blocks (transformer and autoencoder)
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
    // A model set (mosaic/modelset.h): its kind (diffusers, bfl, comfyui, ...; "bundle" for a bundle file),
    // the transformer's stored precision, and the LoRAs with their strengths ("subject_512.safetensors x1").
    std::string kind = "bundle";
    std::string precision;
    std::vector<std::string> loras;
    std::string summary() const; // "FLUX.1-dev (diffusers, bf16) + subject_512.safetensors x1", for status bars and records
    // A word-level model's words (MOSAIC-Toys bundles), of them the kinds of subject ("blob", "block",
    // ...) for examples; both empty for a model that reads any text (T5 and CLIP).
    std::vector<std::string> vocabulary, subjectWords;
    std::string modelCard; // the card beside the model's file (README.md), "" when there is none
};

// The words of `text` a word-level model does not know, each once, in order (lower-case, as its
// tokenizer splits them); empty for a model that reads any text.
std::vector<std::string> unknownWords(const BundleDescription &model, const std::string &text);

class TextEncoders; // mosaic/text.h
struct ModelSetSpec; // mosaic/modelset.h

class ModelBundle
{
public:
    ~ModelBundle();
    // A bundle file (transformer, autoencoder, text encoder in one .safetensors), optionally a LoRA.
    // A model set's folder or transformer file works too (then found as mosaic/modelset.h describes).
    static std::shared_ptr<ModelBundle> load(const std::string &path, Status *status,
                                             const std::string &loraPath = {});
    // A model set with overrides, LoRAs and a memory budget; a bundle file as `spec.model` loads as above.
    static std::shared_ptr<ModelBundle> load(const ModelSetSpec &spec, Status *status);
    const BundleDescription &description() const;
    // FLUX's text path for this model's transformer: prompts go through T5 (its hidden states become
    // the text tokens, their positions all zero) and CLIP (its pooled vector becomes `y`) instead of
    // the bundle's own text encoder. InvalidArgument when the widths are not the transformer's
    // (context_in_dim, vec_in_dim); nullptr goes back to the bundle's encoder. Not while a run is going.
    Status useTextEncoders(std::shared_ptr<TextEncoders> encoders);

private:
    struct Impl;
    friend struct ModelBundleAccess; // core's pipeline and suggesters reach the weights through it
    explicit ModelBundle(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// What a run would take on this machine, before it starts: the time from a short probe measured on the
// model's own widths and type (once per bundle, a fraction of a second) scaled by the run's work, and the
// memory against what the machine has. `text` says it in a sentence; `worthSaying` is true when the run
// would take more than `longSeconds` or would not fit, which the CLI and the app then say before starting.
struct RunEstimate
{
    double seconds = 0;
    uint64_t memoryBytes = 0, availableBytes = 0;
    bool fits = true;
    bool worthSaying = false;
    std::string text;
};
Status estimateRun(ModelBundle &bundle, const GenerationRequest &request, RunEstimate *estimate,
                   double longSeconds = 180.0);

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

} // namespace mosaic
