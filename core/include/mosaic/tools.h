#pragma once
// Plain-type entry points behind the `mosaic` CLI verbs (inspect, forward, bench transformer).

#include <mosaic/status.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace mosaic {

// ---- inspect -----------------------------------------------------------------------------------

struct TensorSummary
{
    std::string name;
    std::string dtype;
    std::vector<int64_t> shape;
    uint64_t bytes = 0;
};

struct CheckpointSummary
{
    std::string path;
    uint64_t fileBytes = 0;
    int shards = 1;
    std::vector<TensorSummary> tensors;
    uint64_t parameterCount = 0;
    std::map<std::string, std::string> metadata;
    std::string architecture; // flux-transformer, flux-autoencoder, lora, unknown
    std::string variant;      // e.g. "dev (guidance-distilled)", "schnell"
    std::string layout;       // bfl, diffusers, peft, kohya, ...
    std::string prefix;       // a stripped key prefix, if any
    std::string configJson;   // the detected configuration
};

Status inspectCheckpoint(const std::string &path, CheckpointSummary *out);

// ---- set-defaults ------------------------------------------------------------------------------

// A bundle's default guidance scales (its description's "defaults": "cfg", "ref_cfg"), which requests
// that leave them unset use (GenerationRequest::cfgScale / refCfgScale). Negative: unchanged.
struct BundleDefaultsEdit
{
    double cfg = -1.0, refCfg = -1.0;
    double collage = -1.0; // the reference collage ("collage"): [0, 1), 0 off
    int size = 0;          // the default image side ("size"): a multiple of 16 from 16 to 2048; 0 unchanged
};

// Writes `path` with the edited defaults to `outPath` (which may be `path`: the write is atomic); every
// tensor is copied as stored, byte for byte. Scales must be within [1, 100], the collage within [0, 1), the size a multiple of 16 in [16, 2048]; the result is loaded once
// before it replaces anything.
Status setBundleDefaults(const std::string &path, const std::string &outPath, const BundleDefaultsEdit &edit);

// ---- forward -----------------------------------------------------------------------------------

enum class Component { Auto, Transformer, AeEncode, AeDecode };

struct ForwardRequest
{
    std::string modelPath;
    std::string inputsPath;
    std::string outputPath;
    Component component = Component::Auto;
    std::string dtype = "f32"; // f32 | bf16 | f16
    std::string device = "cpu"; // cpu | cuda | auto (CUDA where LibTorch has it); the output is written from the CPU
    // The transformer only:
    uint64_t maxMemory = 0;     // > 0: the weights within this many bytes on the device, blocks streamed
    std::string lora;           // a LoRA, applied to the references' rows
    int references = 0;         // > 0: this many reference branches of the image's size (random clean latents,
                                // MOSAIC's positions), through the branch path that generation uses
    int timedRepeats = 0;       // > 0: the forward pass again this often, the best time kept
};

struct ForwardResult
{
    std::string component; // what ran
    std::string layout;    // the weights' key layout
    std::vector<std::string> written; // tensor names in the output file
    double seconds = 0.0;
    std::string precision;      // the transformer's weights as stored
    double bestForwardSeconds = 0; // with timedRepeats
    uint64_t peakDeviceBytes = 0;  // CUDA: the allocator's peak; the CPU: the peak resident memory
    size_t streamedBlocks = 0;
};

Status runForward(const ForwardRequest &request, ForwardResult *result);

// ---- bench transformer -------------------------------------------------------------------------

struct TransformerBenchOptions
{
    int hidden = 3072;
    int heads = 24;
    int doubleBlocks = 1;
    int singleBlocks = 1;
    int imageTokens = 1024;
    int textTokens = 512;
    int iterations = 5;
    int warmup = 1;
    std::vector<std::string> dtypes{"f32", "bf16"};
};

struct TransformerBenchRow
{
    std::string dtype;
    double secondsPerForward = 0; // median of the timed runs
    double gflopPerForward = 0;
    double gflopPerSecond = 0;
    double matmulGflopPerSecond = 0; // the machine's own rate for a [tokens x hidden] x [hidden x hidden]
                                     // linear, measured right after each forward pass (median)
    double ratio = 0;                // median over the (forward, probe) pairs of their GFLOP/s ratio
    double attentionShare = 0;       // of the forward's FLOPs
};

using ProgressText = std::function<void(const std::string &)>;
Status benchTransformer(const TransformerBenchOptions &options, std::vector<TransformerBenchRow> *rows,
                        const ProgressText &progress = {});

// ---- bench generate ----------------------------------------------------------------------------

struct GenerateBenchOptions
{
    std::string modelPath;             // empty: a random bundle of the size below
    int hidden = 256, heads = 4, doubleBlocks = 4, singleBlocks = 4, imageSize = 256;
    std::vector<int> refCounts{1, 2, 4, 6};
    int steps = 0;                     // 0: the model's default
    int repeats = 2;                   // each configuration runs this often after a warm-up; best kept
};

struct GenerateBenchRow
{
    int refs = 0;
    bool capture = false;
    int steps = 0;
    double secondsPerStep = 0;
    double secondsPerImage = 0; // prepare + denoise + decode
};

Status benchGenerate(const GenerateBenchOptions &options, std::vector<GenerateBenchRow> *rows,
                     const ProgressText &progress = {});

// Beside other programs: for each count of busy processes (each a child spinning on one core), one image
// with 4 references at the model's defaults, with as many threads as cores (as before runs adapted) and
// with the threads generate() picks (threadsForRun). Best of `repeats` after a warm-up.
struct BusyBenchRow
{
    int busy = 0;
    double allCoresSeconds = 0, adaptedSeconds = 0;
    int adaptedThreads = 0;
};

Status benchGenerateBusy(const GenerateBenchOptions &options, const std::vector<int> &busy,
                         std::vector<BusyBenchRow> *rows, const ProgressText &progress = {});

// ---- bench cancel ------------------------------------------------------------------------------
// How soon a cancel stops a run: per size, one uncancelled run times the phases, then `cancels` runs
// are cancelled at moments spread evenly over the run, and a third as many more over the decode.

struct CancelBenchOptions
{
    std::string modelPath;         // empty: the default model
    std::vector<int> sizes{256, 512};
    int cancels = 15;
    int steps = 0;                 // 0: the model's default
};

struct CancelBenchRow
{
    int size = 0;
    double runSeconds = 0, decodeSeconds = 0; // the uncancelled run
    int cancelled = 0, decodeCancels = 0;     // runs that stopped with Cancelled (all, during the decode)
    int ignored = 0;                          // runs that finished although the flag was set
    double medianMs = 0, worstMs = 0;         // from the flag to the return, every cancelled run
    double decodeMedianMs = 0, decodeWorstMs = 0;
};

Status benchCancel(const CancelBenchOptions &options, std::vector<CancelBenchRow> *rows,
                   const ProgressText &progress = {});

// ---- bench encode ------------------------------------------------------------------------------
// Prompts per second through T5 and CLIP (random weights in the real layouts, the shipped tokenizers)
// at a tiny configuration and at T5-XXL's and CLIP-L's widths with `layers` layers, in float32 and
// bfloat16, and the prompt cache's hit times (from disk in a new session, from memory).

struct EncodeBenchOptions
{
    int layers = 2;
    int prompts = 4;
};

struct EncodeBenchRow
{
    std::string config, dtype;
    int t5Width = 0, layers = 0;
    double t5PromptsPerSecond = 0, clipPromptsPerSecond = 0;
    double diskHitMs = 0, memoryHitMs = 0;
};

Status benchEncode(const EncodeBenchOptions &options, std::vector<EncodeBenchRow> *rows, const ProgressText &progress = {});

// ---- synth-model -------------------------------------------------------------------------------
// Model files in the layouts people have on disk, with random weights (the same seed, the same values in
// every layout and precision): for the tests, and for measuring memory on FLUX-width files.

struct SynthModelOptions
{
    std::string what = "transformer"; // transformer, autoencoder, lora, inputs (a step's transformer inputs)
    // transformer: bfl, diffusers, comfyui (BFL keys under "model.diffusion_model."); autoencoder: bfl,
    // diffusers (AutoencoderKL), sd (an SD-style one: quant_conv layers, 4 channels); lora: peft (MOSAIC's:
    // diffusers names under "transformer.", lora_A / lora_B, no alpha)
    std::string layout = "bfl";
    // f32, bf16, f16, fp8-e4m3, fp8-e5m2, fp8-e4m3-scaled (ComfyUI's: per-layer scale_weight, a scaled_fp8 marker)
    std::string precision = "f32";
    int hidden = 64, heads = 2, doubleBlocks = 1, singleBlocks = 1;
    int contextDim = 32, vecDim = 32, latentChannels = 16, aeChannels = 32;
    bool guidance = true; // dev (true) or schnell
    int shards = 1;       // above 1: shards and a .safetensors.index.json (path names the index)
    int rank = 4;         // lora
    bool mismatchedRank = false; // lora: B's rank one more than A's (a broken file, for the tests)
    std::string baseModel; // lora: recorded as modelspec.architecture (e.g. "flux-1-dev/lora")
    int size = 512, textTokens = 512; // inputs: the image's side in pixels, the text tokens
    uint64_t seed = 1;
};

// Writes the file (or the shards and their index) atomically.
Status synthModelFile(const std::string &path, const SynthModelOptions &options);

// ---- bench load --------------------------------------------------------------------------------
// Loading a FLUX transformer (a file, or a model set's): seconds, peak resident memory against the bytes
// that stay resident, and with a budget, one forward pass streamed under it against one with every
// weight resident (the same output, the peak within the budget plus one block).

struct LoadBenchOptions
{
    std::string path;         // a transformer file, an index, or a model set (its transformer is used)
    std::string dtype = "bf16"; // compute type: f32 or bf16
    uint64_t maxMemory = 0;   // > 0: also the streamed pass under this budget
    bool streamedOnly = false; // with a budget: skip the resident load (weights larger than the memory here)
    int imageTokens = 256, textTokens = 64;
};

struct LoadBenchResult
{
    std::string file, layout, precision;
    uint64_t storedBytes = 0, residentBytes = 0;
    uint64_t baselineRss = 0;   // before loading (the process with LibTorch)
    uint64_t peakRss = 0;       // the highest while loading and reading every resident weight once
    double seconds = 0;
    // With a budget:
    size_t streamedBlocks = 0;
    uint64_t largestBlockBytes = 0, streamedResidentBytes = 0;
    uint64_t streamedPeakRss = 0; // over the streamed load and forward pass
    double streamedSeconds = 0, residentForwardSeconds = 0;
    double maxAbsDifference = -1; // streamed output against the resident one (0: identical)
};

Status benchLoad(const LoadBenchOptions &options, LoadBenchResult *result, const ProgressText &progress = {});

// ---- bench decode ---------------------------------------------------------------------------------
// The autoencoder's decoder at FLUX's widths (random weights and latent) at each size, whole and in
// bands (AutoEncoderImpl::decode): seconds, the peak resident memory above the loaded model, and the
// banded image's difference from the whole one.

struct DecodeBenchOptions
{
    std::vector<int> sizes{512, 1024};
    int channels = 128;            // FLUX's ch; smaller for a quick look
    uint64_t bandBytes = 16u << 20;
    bool wholeToo = true;          // false: banded only (sizes whose whole decode would not fit)
};

struct DecodeBenchRow
{
    int size = 0;
    double wholeSeconds = -1, bandedSeconds = 0;
    uint64_t wholePeakBytes = 0, bandedPeakBytes = 0; // above the resident memory before the decode
    double relativeDifference = -1;                   // banded against whole
};

Status benchDecode(const DecodeBenchOptions &options, std::vector<DecodeBenchRow> *rows,
                   const ProgressText &progress = {});

// `mosaic bench train`: data-parallel training's pace. The recipe its jobs run: `recipe` (empty: the
// bundled model's, recipes/toys.json, from a random start with its random autoencoder), in float32
// without autocast, sample grids or probes, `steps` steps, written to `path`.
Status writeTrainBenchRecipe(const std::string &recipe, int steps, const std::string &path);
// The pace of a finished run from its metrics.csv: steps per second over the steps after the first
// `skip` (which include the start-up), by the rows' "seconds" column.
Status trainingPace(const std::string &metricsPath, int skip, double *stepsPerSecond);

} // namespace mosaic
