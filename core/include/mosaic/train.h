#pragma once
// `mosaic train --recipe FILE`: a training run described by a JSON recipe (resources/recipes/).

#include <mosaic/status.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace mosaic {

struct TrainRunOptions
{
    std::string recipePath;
    std::string outDir;  // empty: the recipe's "out", relative to the current folder
    int64_t steps = 0;   // > 0 overrides the recipe
    bool resume = false; // continue from <out>/checkpoint.pt when it exists
    std::string device;  // non-empty overrides the recipe's "device" (cpu, cuda, auto)
    // > 0: stop (save and export, as at the last step) once this many seconds of training have
    // passed, and end the cosine schedule at the step that the measured pace reaches by then.
    double seconds = 0;
    // Only render the recipe's toy pool ("data": {"pool": N, "pool_file": PATH}) and save it.
    bool poolOnly = false;
    int64_t poolSize = 0; // > 0 overrides the recipe's "data.pool" (examples per subject count)
    int batch = 0;        // > 0 overrides the recipe's "batch" (per process in a data-parallel job)
    // A data-parallel job: each worker process reads its place from the environment that
    // `mosaic train --nproc N`, torchrun or Slurm set (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, ...;
    // README, "Training on several processes"). How long a rank waits for the others before it stops
    // and names the one that is lost:
    double timeoutSeconds = 300;
    // Threads given on the command line (0: none; a worker then takes the machine's cores divided by
    // the job's workers on that machine).
    int threads = 0;
};

struct TrainProgress
{
    int64_t step = 0, total = 0;
    bool autoencoder = false; // then `flow` holds the reconstruction term and `kl` the KL term
    double loss = 0, flow = 0, sca = 0, md = 0, reverseSca = 0, share = 0, kl = 0, learningRate = 0;
    double elapsedSeconds = 0, etaSeconds = 0;
};

struct TrainRunReport
{
    int64_t firstStep = 0, lastStep = 0;
    double seconds = 0;
    double firstLoss = 0, lastLoss = 0;
    std::string checkpoint, model, metrics;
    bool interrupted = false;
    int rank = 0, world = 1; // this process's place in a data-parallel job (rank 0 alone writes)
};

// Runs until the recipe's step count or until *stop becomes true (then a checkpoint is saved and the
// report says interrupted). Writes <out>/metrics.csv, <out>/checkpoint.pt and, at the end or when
// stopped, <out>/model.safetensors (a bundle with the EMA weights reached).
Status runTraining(const TrainRunOptions &options, TrainRunReport *report,
                   const std::function<void(const TrainProgress &)> &progress = {},
                   const std::atomic<bool> *stop = nullptr);

// Data-parallel training across processes (LibTorch's c10d: Gloo on CPUs, NCCL on CUDA): false, with
// the reason, in a build without it.
bool distributedTrainingAvailable(std::string *why);

// `mosaic train --nproc N`: starts `nproc` copies of `command` (command[0]: the executable; this
// process's own image is used where it can be) as the ranks of one job on this machine, with the
// environment torchrun gives (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR=127.0.0.1
// and a free MASTER_PORT); passes SIGINT and SIGTERM on to them, and waits. When a rank fails, the
// others get `graceSeconds` to notice and stop by themselves, then are stopped. Returns 0 when every
// rank succeeded, else the first failing rank's exit status (128 + signal for a signal); `summary`
// gets one line per rank that failed, and how. `outputFile`: the ranks' output goes there instead of
// this process's (empty: shared with it).
int runLocalJob(const std::vector<std::string> &command, int nproc, double graceSeconds, std::string *summary,
                const std::string &outputFile = {});

// Writes a bundle with freshly initialised (random) weights of a small configuration: where a training
// recipe with "init": "random" starts, and what tests and benchmarks generate with.
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
