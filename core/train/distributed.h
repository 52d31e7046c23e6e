#pragma once
// Data-parallel training across processes with LibTorch's own distributed engine (c10d): a TCP store
// for the rendezvous and the heartbeats, a Gloo process group on CPUs and NCCL on CUDA devices. This
// header names no c10d type, so that a build without c10d (ProcessGroup::available() says why) still
// compiles everything that uses it.
//
// What a job looks like: every worker runs the same recipe; worker `rank` of `world` takes its share
// of each step's examples (Trainer), gradients are averaged by bucketed all-reduces that start while
// the backward pass still runs (GradientAverager), and rank 0 alone writes (TrainingRun). A rank that
// dies or hangs makes the others stop within the timeout with a message that names it.

#include <ATen/ATen.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mosaic::train {

// Where this worker stands in its job, from the environment that `mosaic train --nproc`, torchrun and
// cluster launchers set: RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE, MASTER_ADDR, MASTER_PORT
// (torchrun's names); where RANK and WORLD_SIZE are absent, Slurm's SLURM_PROCID, SLURM_NTASKS,
// SLURM_LOCALID and SLURM_NTASKS_PER_NODE (MASTER_ADDR then still has to be given).
struct WorkerPlace
{
    int rank = 0, world = 1, localRank = 0, localWorld = 1;
    std::string masterAddr = "127.0.0.1";
    int masterPort = 29500;
    bool agentStore = false; // TORCHELASTIC_USE_AGENT_STORE=True: the launcher holds the store, not rank 0
    std::string launcher;    // where the values came from: "", "environment" or "Slurm"
    bool distributed() const { return world > 1; }
    // Throws Error(InvalidArgument) naming the variable that is malformed or missing.
    static WorkerPlace fromEnvironment();
};

class ProcessGroup
{
public:
    // False, with the reason, in a build whose LibTorch has no c10d with Gloo.
    static bool available(std::string *why);

    // Joins the job: connects to the store (rank 0 holds it unless the launcher does), waits up to
    // `timeout` for every rank, and starts the heartbeats. Collectives that wait longer than
    // `timeout` for another rank fail (and name it). `device`: CPU (Gloo) or CUDA (NCCL).
    ProcessGroup(const WorkerPlace &place, at::Device device, std::chrono::milliseconds timeout);
    ~ProcessGroup();
    ProcessGroup(const ProcessGroup &) = delete;
    ProcessGroup &operator=(const ProcessGroup &) = delete;

    int rank() const;
    int size() const;
    at::Device device() const;
    std::chrono::milliseconds timeout() const;

    // In place, on any device (copied to the group's and back where needed). Each throws
    // Error(Internal) naming the lost rank when another rank is gone or does not answer in time.
    void broadcast(std::vector<at::Tensor> tensors); // rank 0's values everywhere
    void sum(at::Tensor &tensor);
    void min(at::Tensor &tensor);
    void barrier();
    // rank 0's bytes everywhere (a checkpoint for a resume on machines that do not share a disk).
    std::string broadcastBytes(const std::string &bytes);
    // Throws Error(InvalidArgument) when these tensors differ from rank 0's (same files on every
    // machine?); `what` names them in the message. Compares a checksum per tensor, not the values.
    void checkSame(const std::vector<at::Tensor> &tensors, const std::string &what);

    // The step this rank is at (what the heartbeats report, for the messages about a lost rank).
    void setStep(int64_t step);
    // Stops the heartbeats and waits for every rank: the end of a job that went well.
    void finish();

    // An exception from a collective, as a message that says which rank was lost and what stays valid.
    [[noreturn]] void rethrow(const std::exception &e, const std::string &during);

    struct Impl;

private:
    friend class GradientAverager;
    std::unique_ptr<Impl> m_impl;
};

// Gradients averaged over the group: hooks on the parameters copy each gradient into its bucket as
// the backward pass produces it, a bucket's all-reduce starts as soon as it is whole (and every bucket
// before it started: the same order on every rank), and finish() waits for them and writes the
// averages into the parameters' .grad.
class GradientAverager
{
public:
    GradientAverager(ProcessGroup &group, std::vector<at::Tensor> parameters, int64_t bucketBytes = 25 << 20);
    ~GradientAverager();
    GradientAverager(const GradientAverager &) = delete;
    GradientAverager &operator=(const GradientAverager &) = delete;
    // After backward(): every parameter's .grad is the group's mean. A parameter that had no gradient
    // on any rank keeps none.
    void finish();
    size_t bucketCount() const;

private:
    struct State;
    std::shared_ptr<State> m_state;
    std::vector<unsigned> m_hooks;
    std::vector<at::Tensor> m_parameters;
};

} // namespace mosaic::train
