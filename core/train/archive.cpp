#include "train/archive.h"

#include "util/error.h"
#include "util/strings.h"

#include <torch/csrc/autograd/grad_mode.h>
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <cstdio>

#include <fcntl.h>
#include <unistd.h>

namespace mosaic::train {

void saveTrainingState(const std::string &path, const TensorLists &lists, int64_t step,
                       const torch::optim::Optimizer &optimizer)
{
    torch::serialize::OutputArchive archive;
    for (const auto &[name, tensors] : lists)
        for (size_t i = 0; i < tensors.size(); ++i)
            archive.write(format("{}.{}", name, i), tensors[i].detach());
    archive.write("step", at::tensor(step, at::kLong));
    torch::serialize::OutputArchive opt;
    optimizer.save(opt);
    archive.write("optimizer", opt);
    const std::string temp = path + ".tmp";
    try {
        archive.save_to(temp);
    } catch (const c10::Error &e) {
        std::remove(temp.c_str());
        throw Error(StatusCode::IoError, "cannot write the checkpoint " + path + " (" +
                                             std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
    // On the disk before it replaces the previous checkpoint (the archive writer does not sync).
    const int fd = ::open(temp.c_str(), O_RDONLY);
    const bool synced = fd >= 0 && ::fsync(fd) == 0;
    if (fd >= 0)
        ::close(fd);
    if (!synced || std::rename(temp.c_str(), path.c_str()) != 0) {
        std::remove(temp.c_str());
        throw Error(StatusCode::IoError, "cannot write the checkpoint " + path);
    }
}

int64_t loadTrainingState(const std::string &path, TensorLists &into, torch::optim::Optimizer &optimizer)
{
    torch::serialize::InputArchive archive;
    try {
        archive.load_from(path);
        torch::NoGradGuard noGrad;
        for (auto &[name, tensors] : into)
            for (size_t i = 0; i < tensors.size(); ++i) {
                at::Tensor t;
                archive.read(format("{}.{}", name, i), t);
                if (t.sizes() != tensors[i].sizes())
                    throw Error(StatusCode::CorruptFile, path + ": the checkpoint is for another model configuration");
                tensors[i].copy_(t);
            }
        at::Tensor step;
        archive.read("step", step);
        torch::serialize::InputArchive opt;
        archive.read("optimizer", opt);
        optimizer.load(opt);
        return step.item<int64_t>();
    } catch (const c10::Error &e) {
        throw Error(StatusCode::CorruptFile, path + ": not a training checkpoint (" +
                                                 std::string(e.what_without_backtrace()).substr(0, 200) + ")");
    }
}

} // namespace mosaic::train
