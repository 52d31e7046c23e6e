#pragma once
// One MOSAIC training step and its bookkeeping: batches rendered in memory from
// MOSAIC-Toys, flow matching + 0.1 L_SCA + ramped L_MD, AdamW with gradient clipping that is applied,
// EMA weights, checkpoints with the optimizer state. Every random draw derives from (seed, step), so
// a resumed run repeats an uninterrupted one.
//
// Runs on the CPU or a CUDA device (the toys are rendered on the CPU and moved), optionally under
// bfloat16 autocast.

#include "pipeline/bundle.h"
#include "train/losses.h"

#include <mosaic/dataset.h>

#include <torch/optim/adamw.h>

#include <functional>
#include <future>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace mosaic::model {
struct AttentionCapture;
}

namespace mosaic::train {

class ToyPool;
class ProcessGroup;
class GradientAverager;

struct TrainOptions
{
    uint64_t seed = 1;
    int batch = 2;
    double learningRate = 1e-3;
    double weightDecay = 1e-2;
    double clipNorm = 1.0;
    double emaDecay = 0.99;
    double scaWeight = 0.1;
    double mdWeight = 1.0;
    int64_t mdStart = 0, mdRamp = 0; // MOSAIC: 10000 and 1000 steps
    // Not in MOSAIC, for small models trained from scratch (0 and 1: off). reverseScaWeight: the same
    // correspondence pairs as L_SCA, supervising the other direction, target queries over one
    // reference's keys (the path along which a reference's appearance reaches the image).
    // subjectWeight: flow-matching error on target tokens that hold an annotated point weighs this
    // many times the rest. shareWeight: the reference-share term (losses.h referenceShareLoss), the
    // annotated target tokens' attention over all keys pulled onto their own reference.
    double reverseScaWeight = 0.0;
    double subjectWeight = 1.0;
    double shareWeight = 0.0;
    // Training with regions (not MOSAIC's, which learns no layout; 0: off): each reference's region in
    // the target, the bounding box of the target tokens that hold its annotated points, enters the
    // joint attention as the same bias that region guidance adds at sampling (model::regionBias,
    // GenerationRequest::regionStrength, 2 by default), so that the model learns to draw a subject
    // where its region says. regionDropout: the share of samples trained without regions, so that
    // sampling without them keeps working.
    double regionStrength = 0.0;
    double regionDropout = 0.0;
    // Learning rate: linear warm-up over `warmup` steps, then constant or cosine down to 10 % at
    // `totalSteps`.
    int64_t warmup = 0;
    int64_t totalSteps = 0;
    bool cosine = false;
    // Per-sample dropout as MOSAIC trains (for guidance at inference): the caption replaced by "",
    // the reference latents by zeros.
    double textDropout = 0.0, imageDropout = 0.0;
    // The share of samples trained at t ~ U(0, 1) instead of the shifted logit-normal (sampleTimesteps;
    // not MOSAIC's, 0: off).
    double uniformTimesteps = 0.0;
    ToysOptions data;                // the in-memory MOSAIC-Toys stream
    // When set, the toys come from this pool (rendered once) instead of being rendered per step.
    std::shared_ptr<const ToyPool> pool;
    // LoRA-only training (MOSAIC's recipe for FLUX-scale weights): rank > 0 trains fresh adapters on
    // the reference path's layers named by `loraTargets`; the transformer and the text encoder stay
    // frozen.
    int64_t loraRank = 0;
    double loraAlpha = 0; // 0: the rank
    std::vector<std::string> loraTargets{"img_attn.qkv", "img_attn.proj", "img_mlp.0", "img_mlp.2", "linear1", "linear2"};
    std::string device = "cpu";      // cpu, cuda, auto
    bool autocast = false;           // bfloat16 autocast for the forward and backward passes
    // Gradient checkpointing per transformer block (train/checkpointing.h): each block's activations
    // are recomputed in the backward pass instead of kept (a capturing double block keeps its attention,
    // whose maps the losses read). The same gradients, for about one more forward pass of compute.
    bool checkpointBlocks = false;
    // Obtain the next step's examples (render them, or take them from the pool or the folder) on a
    // background thread while this step computes. The batches are the same with it or without: each
    // step's examples depend on the step alone. Worth it where the device, not the host, computes
    // (-1, the default: on when training on CUDA); on a CPU the two compete for the same cores.
    int prefetch = -1;
    // Data-parallel training (train/distributed.h): this process is one rank of the group; each
    // step's batch is `batch` examples per rank, the rank's share of the group's batch of batch x
    // ranks (the same examples, dropouts, timesteps and noise as one process with that batch), and
    // the gradients are the group's mean. Null: one process.
    ProcessGroup *group = nullptr;
    // The gradients' all-reduce buckets (recipe "bucket_mb"; PyTorch's DDP also takes 25 MiB): each
    // starts as soon as the backward pass has filled it.
    int64_t bucketBytes = 25 << 20;
};

// One training example, from whatever source: the target and the prepared references in [0, 1],
// the caption, and per reference its correspondences (points in [0, 1]; token pairs are derived at
// the model's grids).
struct TrainingExample
{
    at::Tensor target;                  // [3, S, S]
    std::vector<at::Tensor> references; // [3, R, R] each
    std::vector<DatasetSubject> subjects; // points only
    std::string prompt;
};
// Example `index` of the stream (deterministic: the same index gives the same example).
using ExampleSource = std::function<TrainingExample(int64_t index)>;
// MOSAIC-Toys rendered in memory, with dense correspondences at the target's token centres.
ExampleSource toyExamples(const ToysOptions &options);

struct StepLosses
{
    double total = 0, flow = 0, sca = 0, md = 0, reverseSca = 0, share = 0, gradNorm = 0, learningRate = 0;
    // Wall seconds spent obtaining this step's examples (rendered or from the pool), on the host: with
    // prefetching, on the background thread during the step before.
    double dataSeconds = 0;
    int64_t step = 0;
};

// How much the model reads its references: the flow-matching error on the tokens that hold a subject,
// with each sample's own references and with another sample's (the batch rolled by one; the same
// noise and t), on fixed held-out batches. `other / own` well above 1: the references' content reaches
// the image; 1: the model draws the same whatever the reference (docs/experiments/journal.md, "Why not").
struct ReferenceUse
{
    double own = 0, other = 0;
    int batches = 0;
    double ratio() const { return own > 0 ? other / own : 0.0; }
};

double learningRateAt(const TrainOptions &o, int64_t step);
// The EMA's decay at a step, warmed up as (1 + step) / (10 + step) up to the recipe's value: a run
// shorter than the EMA's horizon (1 / (1 - decay) steps) would otherwise export weights that are still
// mostly their random start (the first GPU run, 338 steps at 0.998, did).
double emaDecayAt(double decay, int64_t step);
// Where a run with a time budget ends its cosine schedule: the step that the pace measured so far
// (`paced` steps in the `elapsed - paceStart` seconds since the pace's start) reaches at `seconds`,
// kept within [step + 1, cap].
int64_t budgetedTotalSteps(int64_t step, int64_t paced, double elapsed, double paceStart, double seconds, int64_t cap);
// Training with regions (TrainOptions::regionStrength): per reference slot [B, grid * grid], +1 on the
// target tokens inside the bounding box of the tokens that hold that reference's points, -1 outside;
// zeros for a reference without points and for the samples that `dropout` (drawn from `seed`) leaves
// without regions. `offset`: the samples' place in a larger batch (a rank's share), whose earlier
// samples' draws are skipped.
std::vector<at::Tensor> regionSigns(const std::vector<std::vector<TokenPairs>> &pairs, int64_t grid, double dropout,
                                    uint64_t seed, int64_t offset = 0);

class Trainer
{
public:
    // Trains the bundle's transformer and text encoder; the autoencoder stays frozen.
    // Examples come from `source`, or, when it is empty, from MOSAIC-Toys as options.data says.
    Trainer(pipeline::Bundle &bundle, const TrainOptions &options, ExampleSource source = {});
    ~Trainer();
    Trainer(const Trainer &) = delete; // (a prefetch in flight holds `this`)
    Trainer &operator=(const Trainer &) = delete;
    StepLosses step();
    int64_t stepCount() const { return m_step; }
    // ReferenceUse over `batches` held-out batches of `samples` each (at least 2), with the current
    // (not the EMA) weights; MOSAIC-Toys from the test split, other sources their own examples.
    ReferenceUse referenceUse(int batches = 2, int samples = 16);
    // The step at which the cosine schedule ends (a run with a time budget moves it to the step
    // that the budget reaches).
    void setTotalSteps(int64_t steps) { m_options.totalSteps = steps; }
    int64_t totalSteps() const { return m_options.totalSteps; }
    // Parameters, EMA weights, optimizer state and the step counter.
    void saveCheckpoint(const std::string &path) const;
    void loadCheckpoint(const std::string &path);
    // Copies the EMA weights into the bundle, or into the adapters (for sampling and for shipping).
    void applyEma();
    // The adapters of a LoRA run (null otherwise).
    const model::LoraSet *lora() const { return m_lora.get(); }

private:
    struct Batch
    {
        at::Tensor x0, noise, t, textIds;    // on the device; x0 packed [B, L, C]
        std::vector<at::Tensor> refLatents;  // per reference slot, packed, dropped ones zeroed
        std::vector<std::vector<TokenPairs>> pairs;
        // Per reference slot [B, L_tgt] on the device: +1 inside the sample's region, -1 outside, 0 for
        // a sample trained without regions; empty when the run trains without them.
        std::vector<at::Tensor> regionSigns;
        double fetchSeconds = 0; // obtaining the examples (StepLosses::dataSeconds)
    };
    // A step's examples as its sources give them, before encoding, and the step's generator of
    // subject count and dropouts, positioned after the subject count.
    struct Examples
    {
        int64_t step = -1;
        std::vector<TrainingExample> samples;
        std::mt19937_64 rng;
        double seconds = 0;
        // This process's share of the step's batch: its first example's place in the batch, and the
        // batch's size over every rank (0: these samples are the whole batch).
        int64_t offset = 0, global = 0;
    };
    Examples fetchExamples(int64_t step, int64_t count, const ExampleSource &stream, const ToysOptions *toys,
                           bool usePool, int64_t offset = 0, int64_t global = 0) const;
    // `count` examples of `step` (toys: a subject count drawn per step; from the pool when usePool and
    // one is set), encoded, with the step's t and noise; dropouts as the options say when `dropouts`.
    Batch prepareBatch(int64_t step, int64_t count, const ExampleSource &stream, const ToysOptions *toys, bool usePool,
                       bool dropouts);
    Batch encodeBatch(Examples examples, bool dropouts);
    // The training stream's examples of `step`: the prefetched ones when they are that step's.
    Examples trainingExamples(int64_t step);
    // The transformer's prediction for the batch with these reference latents; the flow target in `target`.
    // `text`: the text encoder's output for batch.textIds when it is already at hand (null: encoded here).
    at::Tensor forward(const Batch &batch, const std::vector<at::Tensor> &refLatents, at::Tensor *target,
                       model::AttentionCapture *capture, const std::pair<at::Tensor, at::Tensor> *text = nullptr);
    at::Tensor subjectTokenWeights(const Batch &batch, double inside, double outside) const;
    std::vector<at::Tensor> trainable() const;
    pipeline::Bundle &m_bundle;
    TrainOptions m_options;
    std::unique_ptr<model::LoraSet> m_lora;
    ExampleSource m_source;
    bool m_toys = false; // the in-memory toys (one subject count per batch)
    std::unique_ptr<torch::optim::AdamW> m_optimizer;
    std::vector<at::Tensor> m_ema;
    int64_t m_step = 0;
    at::Device m_device = at::kCPU;
    std::future<Examples> m_prefetch; // the next step's examples (TrainOptions::prefetch)
    int64_t m_prefetchStep = -1;      // the step they are for
    std::unique_ptr<GradientAverager> m_averager; // with TrainOptions::group
};

} // namespace mosaic::train
