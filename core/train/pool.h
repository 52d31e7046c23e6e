#pragma once
// A pool of MOSAIC-Toys training examples rendered once, in parallel, and reused epoch after epoch.
// On a GPU the toys' rendering (on the CPU, about 10 ms per subject) is what limits a step, not the
// model; a pool rendered by all cores once, saved as a safetensors file and shared by several runs
// (the ablation's variants) feeds the GPU instead. Example `index` of subject count c is the
// on-the-fly stream's example `index mod perCount` of that count, so a pool at least as large as the
// examples a run draws gives exactly what rendering on the fly would (images stored as 8-bit).

#include "train/trainer.h"

#include <map>
#include <memory>
#include <string>

namespace mosaic::st {
class File;
}

namespace mosaic::train {

class ToyPool : public std::enable_shared_from_this<ToyPool>
{
public:
    // Renders perCount examples for every subject count in [minSubjects, maxSubjects] on all of
    // LibTorch's intra-op threads.
    static std::shared_ptr<ToyPool> render(const ToysOptions &options, int64_t perCount);
    // Reads a pool written by save(); refuses (InvalidArgument) one rendered for other toys (sizes,
    // split, seed, scales, subject counts, examples per count), and a damaged file (CorruptFile).
    static std::shared_ptr<ToyPool> load(const std::string &path, const ToysOptions &options, int64_t perCount);
    // The recipe's pool: loaded from `path` when that file exists, else rendered and, where a path
    // is given, saved there for the next run. A failed save is an error only with mustSave (the
    // pool-only run); a training run warns and keeps the pool in memory.
    static std::shared_ptr<ToyPool> obtain(const std::string &path, const ToysOptions &options, int64_t perCount,
                                           bool mustSave = false);
    void save(const std::string &path) const;

    int64_t perCount() const { return m_perCount; }
    // Example `index mod perCount` of the given subject count, images in [0, 1].
    TrainingExample example(int subjects, int64_t index) const;
    ExampleSource source(int subjects) const;

private:
    struct Block
    {
        at::Tensor targets; // [N, 3, S, S] uint8
        at::Tensor refs;    // [N, c, 3, R, R] uint8
        at::Tensor points;  // [N, c, P, 4] float: reference x, y, target x, y
        at::Tensor counts;  // [N, c] int32: how many of the P rows hold points
        std::vector<std::string> prompts;
    };
    ToysOptions m_options;
    int64_t m_perCount = 0;
    std::map<int, Block> m_blocks;
    std::shared_ptr<st::File> m_file; // keeps a loaded pool's mapping alive
};

} // namespace mosaic::train
