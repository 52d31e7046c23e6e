#include "train/distributed.h"

#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <unistd.h>

#if MOSAIC_HAVE_C10D
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#if MOSAIC_HAVE_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif
#include <torch/version.h>
#endif

namespace mosaic::train {

namespace {

std::optional<std::string> environment(const char *name)
{
    const char *v = std::getenv(name);
    if (!v || !*v)
        return std::nullopt;
    return std::string(v);
}

int environmentInt(const char *name, int fallback, int minimum)
{
    const auto v = environment(name);
    if (!v)
        return fallback;
    size_t used = 0;
    long long n = -1;
    try {
        n = std::stoll(*v, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used != v->size() || n < minimum || n > 1 << 20)
        throw Error(StatusCode::InvalidArgument,
                    format("{}={} is not a whole number of at least {}", name, *v, minimum));
    return static_cast<int>(n);
}

// Slurm's SLURM_TASKS_PER_NODE, "4(x2),3": the first node's count.
int firstTaskCount(const std::string &text)
{
    int n = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            break;
        n = n * 10 + (c - '0');
    }
    return std::max(1, n);
}

} // namespace

WorkerPlace WorkerPlace::fromEnvironment()
{
    WorkerPlace p;
    const bool torchStyle = environment("RANK") || environment("WORLD_SIZE");
    if (torchStyle) {
        if (!environment("RANK") || !environment("WORLD_SIZE"))
            throw Error(StatusCode::InvalidArgument, format("RANK and WORLD_SIZE are set together, but only {} is",
                                                            environment("RANK") ? "RANK" : "WORLD_SIZE"));
        p.rank = environmentInt("RANK", 0, 0);
        p.world = environmentInt("WORLD_SIZE", 1, 1);
        p.localRank = environmentInt("LOCAL_RANK", 0, 0);
        p.localWorld = environmentInt("LOCAL_WORLD_SIZE", 1, 1);
        p.launcher = "environment";
    } else if (environment("SLURM_PROCID") && (environment("SLURM_STEP_NUM_TASKS") || environment("SLURM_NTASKS"))) {
        p.rank = environmentInt("SLURM_PROCID", 0, 0);
        p.world = environment("SLURM_STEP_NUM_TASKS") ? environmentInt("SLURM_STEP_NUM_TASKS", 1, 1)
                                                       : environmentInt("SLURM_NTASKS", 1, 1);
        p.localRank = environmentInt("SLURM_LOCALID", 0, 0);
        if (environment("SLURM_NTASKS_PER_NODE"))
            p.localWorld = environmentInt("SLURM_NTASKS_PER_NODE", 1, 1);
        else if (const auto t = environment("SLURM_STEP_TASKS_PER_NODE") ? environment("SLURM_STEP_TASKS_PER_NODE")
                                                                          : environment("SLURM_TASKS_PER_NODE"))
            p.localWorld = firstTaskCount(*t);
        p.launcher = "Slurm";
    }
    if (p.rank >= p.world)
        throw Error(StatusCode::InvalidArgument, format("rank {} is not below the world size {}", p.rank, p.world));
    if (p.localRank >= p.localWorld)
        p.localWorld = p.localRank + 1; // (a LOCAL_WORLD_SIZE that is missing)
    if (p.world > 1) {
        const auto addr = environment("MASTER_ADDR");
        if (!addr)
            throw Error(StatusCode::InvalidArgument,
                        p.launcher == "Slurm"
                            ? std::string("MASTER_ADDR is not set: under Slurm, set it to the job's first node, e.g. "
                                          "export MASTER_ADDR=$(scontrol show hostnames \"$SLURM_JOB_NODELIST\" | head -n 1)")
                            : std::string("MASTER_ADDR is not set: the address of the machine that runs rank 0"));
        p.masterAddr = *addr;
        p.masterPort = environmentInt("MASTER_PORT", 29500, 1);
        if (p.masterPort > 65535)
            throw Error(StatusCode::InvalidArgument, format("MASTER_PORT={} is not a port", p.masterPort));
        p.agentStore = environment("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True";
    }
    return p;
}

#if MOSAIC_HAVE_C10D

namespace {

#if defined(TORCH_VERSION_MAJOR) && TORCH_VERSION_MAJOR >= 2
using Group = c10d::Backend; // (LibTorch 2: ProcessGroupGloo and ProcessGroupNCCL are backends)
#else
using Group = c10d::ProcessGroup;
#endif

std::vector<uint8_t> bytesOf(const std::string &s)
{
    return std::vector<uint8_t>(s.begin(), s.end());
}
std::string textOf(const std::vector<uint8_t> &b)
{
    return std::string(b.begin(), b.end());
}

std::string hostName()
{
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0)
        return "?";
    return name;
}

bool loopback(const std::string &addr)
{
    return addr == "localhost" || addr.rfind("127.", 0) == 0 || addr == "::1";
}

} // namespace

struct ProcessGroup::Impl
{
    WorkerPlace place;
    at::Device device = at::kCPU;
    std::chrono::milliseconds timeout{0};
    std::string prefix;
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<Group> group;
    std::thread beat;
    std::mutex beatMutex;
    std::condition_variable beatWake;
    bool stopBeat = false;
    std::atomic<int64_t> step{0};

    // A store client (or, for rank 0 without a launcher's store, the store itself), under this job's prefix.
    c10::intrusive_ptr<c10d::Store> connect(bool server, std::chrono::milliseconds wait) const
    {
        c10d::TCPStoreOptions o;
        o.port = static_cast<std::uint16_t>(place.masterPort);
        o.isServer = server;
        if (server)
            o.numWorkers = static_cast<size_t>(place.world);
        o.waitWorkers = false;
        o.timeout = wait;
        auto tcp = c10::make_intrusive<c10d::TCPStore>(place.masterAddr, o);
        return c10::make_intrusive<c10d::PrefixStore>(prefix, tcp);
    }

    std::string who(c10d::Store &s, int r) const
    {
        const std::string key = format("who/{}", r);
        return s.check({key}) ? textOf(s.get(key)) : std::string("never joined");
    }
    int64_t stepOf(c10d::Store &s, int r) const
    {
        const std::string key = format("step/{}", r);
        return s.check({key}) ? std::stoll(textOf(s.get(key))) : -1;
    }

    void beatLoop()
    {
        c10::intrusive_ptr<c10d::Store> s;
        try {
            s = connect(false, std::chrono::seconds(10));
        } catch (const std::exception &) {
            return; // the collectives will say what is wrong
        }
        std::unique_lock<std::mutex> lock(beatMutex);
        while (!stopBeat) {
            lock.unlock();
            try {
                s->add(format("beat/{}", place.rank), 1);
                s->set(format("step/{}", place.rank), bytesOf(std::to_string(step.load())));
            } catch (const std::exception &) {
                // The store's holder is gone: the next collective fails and says so.
            }
            lock.lock();
            beatWake.wait_for(lock, std::chrono::milliseconds(400), [this] { return stopBeat; });
        }
    }

    // Which ranks are lost, in words: those whose heartbeats stopped, else those that lag behind.
    std::string lostRanks() const
    {
        const std::string holder = place.agentStore ? std::string("the launcher that holds the job's store")
                                                    : std::string("rank 0, which holds the job's store");
        try {
            auto s = connect(false, std::chrono::seconds(3));
            auto beats = [&] {
                std::vector<int64_t> b(static_cast<size_t>(place.world));
                for (int r = 0; r < place.world; ++r)
                    b[static_cast<size_t>(r)] = s->add(format("beat/{}", r), 0);
                return b;
            };
            const std::vector<int64_t> before = beats();
            std::this_thread::sleep_for(std::chrono::milliseconds(1500));
            const std::vector<int64_t> after = beats();
            std::vector<std::string> lost, behind;
            const int64_t mine = step.load();
            for (int r = 0; r < place.world; ++r) {
                if (r == place.rank)
                    continue;
                const int64_t at = stepOf(*s, r);
                const std::string where = at >= 0 ? format(" at step {}", at) : std::string();
                if (after[static_cast<size_t>(r)] == before[static_cast<size_t>(r)])
                    lost.push_back(format("rank {} ({}) stopped answering{}", r, who(*s, r), where));
                else if (at >= 0 && at < mine)
                    behind.push_back(format("rank {} ({}) still runs but is behind{} (this rank is at step {})", r,
                                            who(*s, r), where, mine));
            }
            if (!lost.empty())
                return join(lost, "; ");
            if (!behind.empty())
                return join(behind, "; ");
            return "no other rank looks lost (their heartbeats go on)";
        } catch (const std::exception &) {
            return holder + ", does not answer: it is gone";
        }
    }

    static std::string join(const std::vector<std::string> &parts, const char *sep)
    {
        std::string out;
        for (const auto &p : parts)
            out += (out.empty() ? "" : sep) + p;
        return out;
    }
};

bool ProcessGroup::available(std::string *why)
{
    if (why)
        why->clear();
    return true;
}

ProcessGroup::ProcessGroup(const WorkerPlace &place, at::Device device, std::chrono::milliseconds timeout)
    : m_impl(std::make_unique<Impl>())
{
    Impl &d = *m_impl;
    d.place = place;
    d.device = device;
    d.timeout = timeout;
    d.prefix = "mosaic/" + environment("TORCHELASTIC_RESTART_COUNT").value_or("0");
    const bool server = place.rank == 0 && !place.agentStore;
    try {
        d.store = d.connect(server, timeout);
    } catch (const std::exception &e) {
        throw Error(StatusCode::IoError,
                    format("rank {} could not reach the job's store at {}:{} within {} s ({}): is rank 0 started, and "
                           "are MASTER_ADDR and MASTER_PORT the same for every worker?",
                           place.rank, place.masterAddr, place.masterPort, timeout.count() / 1000, e.what()));
    }
    // The rendezvous: every rank once, all of them within the timeout.
    const int64_t claims = d.store->add(format("rank/{}", place.rank), 1);
    if (claims > 1)
        throw Error(StatusCode::InvalidArgument, format("two workers claim rank {} of this job", place.rank));
    d.store->set(format("who/{}", place.rank), bytesOf(format("pid {} on {}", ::getpid(), hostName())));
    d.store->add("joined", 1);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const int64_t joined = d.store->add("joined", 0);
        if (joined >= place.world)
            break;
        if (std::chrono::steady_clock::now() > deadline) {
            std::vector<std::string> missing;
            for (int r = 0; r < place.world; ++r)
                if (!d.store->check({format("rank/{}", r)}))
                    missing.push_back(std::to_string(r));
            throw Error(StatusCode::IoError,
                        format("after {} s, {} of the job's {} ranks have joined (missing: rank {}): is every worker "
                               "started with the same WORLD_SIZE, MASTER_ADDR and MASTER_PORT?",
                               timeout.count() / 1000, joined, place.world, Impl::join(missing, ", ")));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    d.beat = std::thread([&d] { d.beatLoop(); });
    auto groupStore = c10::make_intrusive<c10d::PrefixStore>("group", d.store);
    try {
        if (device.is_cuda()) {
#if MOSAIC_HAVE_NCCL
            // A rank that hangs must end the others' waits: NCCL's watchdog aborts them after the timeout.
            ::setenv("TORCH_NCCL_ASYNC_ERROR_HANDLING", "1", 0);
            ::setenv("NCCL_ASYNC_ERROR_HANDLING", "1", 0);
            auto o = c10d::ProcessGroupNCCL::Options::create();
            o->timeout = timeout;
            d.group = c10::make_intrusive<c10d::ProcessGroupNCCL>(groupStore, place.rank, place.world, o);
#else
            throw Error(StatusCode::Unsupported, "this build's LibTorch has no NCCL: train on CUDA in one process, or on "
                                                 "the CPU with several");
#endif
        } else {
            auto o = c10d::ProcessGroupGloo::Options::create(timeout);
            if (const auto ifname = environment("GLOO_SOCKET_IFNAME"))
                o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(*ifname));
            else if (loopback(place.masterAddr))
                o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
            else
                o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
            d.group = c10::make_intrusive<c10d::ProcessGroupGloo>(groupStore, place.rank, place.world, o);
        }
    } catch (const Error &) {
        finish();
        throw;
    } catch (const std::exception &e) {
        finish();
        throw Error(StatusCode::IoError, format("rank {} could not set up the process group: {}", place.rank, e.what()));
    }
    log::info("core.train", "rank {} of {} joined the job at {}:{} ({} backend)", place.rank, place.world,
              place.masterAddr, place.masterPort, device.is_cuda() ? "NCCL" : "Gloo");
}

ProcessGroup::~ProcessGroup()
{
    finish();
}

int ProcessGroup::rank() const
{
    return m_impl->place.rank;
}
int ProcessGroup::size() const
{
    return m_impl->place.world;
}
at::Device ProcessGroup::device() const
{
    return m_impl->device;
}
std::chrono::milliseconds ProcessGroup::timeout() const
{
    return m_impl->timeout;
}

void ProcessGroup::setStep(int64_t step)
{
    m_impl->step = step;
}

void ProcessGroup::finish()
{
    {
        std::lock_guard<std::mutex> lock(m_impl->beatMutex);
        m_impl->stopBeat = true;
    }
    m_impl->beatWake.notify_all();
    if (m_impl->beat.joinable())
        m_impl->beat.join();
}

void ProcessGroup::rethrow(const std::exception &e, const std::string &during)
{
    if (const auto *mine = dynamic_cast<const Error *>(&e))
        throw *mine;
    const std::string lost = m_impl->lostRanks();
    std::string detail = e.what();
    if (const auto nl = detail.find('\n'); nl != std::string::npos)
        detail.resize(nl); // (c10's messages go on with a C++ backtrace)
    throw Error(StatusCode::Internal,
                format("the job lost a rank: {} (rank {} noticed during {}: {}). Rank 0's last checkpoint is whole: "
                       "continue the run with --resume",
                       lost, m_impl->place.rank, during, detail));
}

namespace {

template <typename F> void runCollective(ProcessGroup &owner, const std::string &what, F &&f)
{
    try {
        auto work = f();
        work->wait();
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        owner.rethrow(e, what);
    }
}

} // namespace

void ProcessGroup::broadcast(std::vector<at::Tensor> tensors)
{
    // One flat buffer per dtype: one collective each.
    std::map<at::ScalarType, std::vector<at::Tensor>> byType;
    for (const auto &t : tensors)
        if (t.defined() && t.numel() > 0)
            byType[t.scalar_type()].push_back(t);
    at::NoGradGuard noGrad;
    for (auto &[type, list] : byType) {
        std::vector<at::Tensor> flat;
        for (const auto &t : list)
            flat.push_back(t.detach().reshape({-1}).to(m_impl->device));
        std::vector<at::Tensor> buffer{at::cat(flat)};
        runCollective(*this, "the broadcast of the starting weights", [&] {
            c10d::BroadcastOptions o;
            o.rootRank = 0;
            return m_impl->group->broadcast(buffer, o);
        });
        int64_t offset = 0;
        for (auto &t : list) {
            t.detach().copy_(buffer[0].narrow(0, offset, t.numel()).view(t.sizes()));
            offset += t.numel();
        }
    }
}

namespace {

void allReduce(ProcessGroup &owner, Group &group, at::Device device, at::Tensor &tensor, c10d::ReduceOp::RedOpType op)
{
    std::vector<at::Tensor> buffer{tensor.detach().to(device).contiguous()};
    runCollective(owner, "an all-reduce", [&] {
        c10d::AllreduceOptions o;
        o.reduceOp = op;
        return group.allreduce(buffer, o);
    });
    tensor.detach().copy_(buffer[0]);
}

} // namespace

void ProcessGroup::sum(at::Tensor &tensor)
{
    allReduce(*this, *m_impl->group, m_impl->device, tensor, c10d::ReduceOp::SUM);
}

void ProcessGroup::min(at::Tensor &tensor)
{
    allReduce(*this, *m_impl->group, m_impl->device, tensor, c10d::ReduceOp::MIN);
}

void ProcessGroup::barrier()
{
    runCollective(*this, "a barrier", [&] { return m_impl->group->barrier(); });
}

std::string ProcessGroup::broadcastBytes(const std::string &bytes)
{
    at::Tensor size = at::tensor({static_cast<int64_t>(bytes.size())}, at::kLong);
    broadcast({size});
    const int64_t n = size.item<int64_t>();
    if (n == 0)
        return {};
    at::Tensor data = rank() == 0 ? at::from_blob(const_cast<char *>(bytes.data()), {n}, at::kByte).clone()
                                  : at::empty({n}, at::kByte);
    broadcast({data});
    return std::string(reinterpret_cast<const char *>(data.data_ptr<uint8_t>()), static_cast<size_t>(n));
}

void ProcessGroup::checkSame(const std::vector<at::Tensor> &tensors, const std::string &what)
{
    at::NoGradGuard noGrad;
    std::vector<double> sums;
    for (const auto &t : tensors) {
        const at::Tensor x = t.detach().reshape({-1}).to(at::kDouble); // (on its device: no copy of FLUX to the host)
        const at::Tensor ramp = at::arange(x.numel(), x.options()).remainder(7.0) + 1.0; // (a permutation changes it)
        sums.push_back(x.sum().item<double>());
        sums.push_back((x * ramp).sum().item<double>());
    }
    at::Tensor mine = at::tensor(sums, at::kDouble), first = mine.clone();
    broadcast({first});
    int64_t differs = -1;
    for (int64_t i = 0; i < mine.numel() && differs < 0; ++i) {
        const double a = mine[i].item<double>(), b = first[i].item<double>();
        if (!(std::abs(a - b) <= 1e-9 * std::max({1.0, std::abs(a), std::abs(b)})))
            differs = i / 2;
    }
    at::Tensor flag = at::tensor({differs >= 0 ? 1.0 : 0.0}, at::kDouble);
    sum(flag);
    if (differs >= 0)
        throw Error(StatusCode::InvalidArgument,
                    format("rank {}'s {} differ from rank 0's (tensor {} of {}): every machine needs the same files",
                           rank(), what, differs, tensors.size()));
    if (flag.item<double>() > 0)
        throw Error(StatusCode::InvalidArgument, format("another rank's {} differ from rank 0's", what));
}

// ---- the gradients ------------------------------------------------------------------------------

struct GradientAverager::State
{
    ProcessGroup *owner = nullptr;
    Group *group = nullptr;
    struct Bucket
    {
        std::vector<size_t> params;
        std::vector<int64_t> offsets;
        at::Tensor flat;
        size_t ready = 0;
        c10::intrusive_ptr<c10d::Work> work;
    };
    std::vector<Bucket> buckets;
    std::vector<size_t> bucketOf;
    std::vector<int64_t> offsetOf;
    std::vector<char> got;
    size_t nextLaunch = 0;
    std::string error; // a launch that failed inside the backward pass
    std::mutex mutex;

    at::Tensor slice(size_t i, at::IntArrayRef sizes)
    {
        const Bucket &b = buckets[bucketOf[i]];
        int64_t n = 1;
        for (auto s : sizes)
            n *= s;
        return b.flat.narrow(0, offsetOf[i], n).view(sizes);
    }

    void launch(Bucket &b)
    {
        std::vector<at::Tensor> t{b.flat};
        c10d::AllreduceOptions o;
        o.reduceOp = c10d::ReduceOp::SUM;
        b.work = group->allreduce(t, o);
    }

    // In the order of the buckets, so that every rank starts the same all-reduces in the same order.
    void launchWhole()
    {
        while (nextLaunch < buckets.size() && buckets[nextLaunch].ready == buckets[nextLaunch].params.size())
            launch(buckets[nextLaunch++]);
    }

    void onGradient(size_t i, const at::Tensor &g)
    {
        std::lock_guard<std::mutex> lock(mutex);
        at::NoGradGuard noGrad;
        at::Tensor to = slice(i, g.sizes());
        if (got[i]) { // (a second gradient in one backward pass: summed, as .grad would be)
            to.add_(g);
            return;
        }
        to.copy_(g);
        got[i] = 1;
        ++buckets[bucketOf[i]].ready;
        try {
            launchWhole();
        } catch (const std::exception &e) {
            error = e.what();
        }
    }
};

GradientAverager::GradientAverager(ProcessGroup &group, std::vector<at::Tensor> parameters, int64_t bucketBytes)
    : m_state(std::make_shared<State>()), m_parameters(std::move(parameters))
{
    State &s = *m_state;
    s.owner = &group;
    s.group = group.m_impl->group.get();
    const size_t n = m_parameters.size();
    s.bucketOf.assign(n, 0);
    s.offsetOf.assign(n, 0);
    s.got.assign(n, 0);
    // The last parameters first (their gradients come first in the backward pass), one dtype and
    // device per bucket, up to bucketBytes each.
    int64_t used = 0;
    for (size_t k = n; k-- > 0;) {
        const at::Tensor &p = m_parameters[k];
        const int64_t bytes = p.numel() * static_cast<int64_t>(p.element_size());
        bool fresh = s.buckets.empty();
        if (!fresh) {
            const at::Tensor &q = m_parameters[s.buckets.back().params.front()];
            fresh = q.scalar_type() != p.scalar_type() || q.device() != p.device() || used + bytes > bucketBytes;
        }
        if (fresh) {
            s.buckets.emplace_back();
            used = 0;
        }
        s.buckets.back().params.push_back(k);
        used += bytes;
    }
    for (size_t bi = 0; bi < s.buckets.size(); ++bi) {
        auto &b = s.buckets[bi];
        int64_t offset = 0;
        for (size_t k : b.params) {
            s.bucketOf[k] = bi;
            s.offsetOf[k] = offset;
            b.offsets.push_back(offset);
            offset += m_parameters[k].numel();
        }
        const at::Tensor &p = m_parameters[b.params.front()];
        b.flat = at::zeros({offset}, p.options().requires_grad(false));
    }
    for (size_t k = 0; k < n; ++k) {
        std::weak_ptr<State> weak = m_state;
        m_hooks.push_back(m_parameters[k].register_hook([weak, k](const at::Tensor &g) {
            if (auto state = weak.lock())
                state->onGradient(k, g);
        }));
    }
}

GradientAverager::~GradientAverager()
{
    for (size_t k = 0; k < m_hooks.size(); ++k) {
        try {
            m_parameters[k].remove_hook(m_hooks[k]);
        } catch (const std::exception &) {
        }
    }
}

size_t GradientAverager::bucketCount() const
{
    return m_state->buckets.size();
}

void GradientAverager::finish()
{
    State &s = *m_state;
    ProcessGroup &owner = *s.owner;
    std::lock_guard<std::mutex> lock(s.mutex);
    at::NoGradGuard noGrad;
    const double world = static_cast<double>(owner.size());
    at::Tensor had;
    try {
        if (!s.error.empty())
            throw std::runtime_error(s.error);
        // What the backward pass did not give: zeros, then the rest of the buckets, in order.
        for (size_t k = 0; k < m_parameters.size(); ++k)
            if (!s.got[k])
                s.slice(k, m_parameters[k].sizes()).zero_();
        for (; s.nextLaunch < s.buckets.size(); ++s.nextLaunch)
            s.launch(s.buckets[s.nextLaunch]);
        // Which parameters had a gradient on some rank (one that had none anywhere keeps none).
        std::vector<at::Tensor> flags{at::tensor(std::vector<float>(s.got.begin(), s.got.end()), at::kFloat)
                                          .to(s.buckets.empty() ? at::Device(at::kCPU) : s.buckets[0].flat.device())};
        c10d::AllreduceOptions o;
        o.reduceOp = c10d::ReduceOp::SUM;
        auto flagWork = s.group->allreduce(flags, o);
        for (auto &b : s.buckets)
            b.work->wait();
        flagWork->wait();
        had = flags[0].to(at::kCPU);
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        owner.rethrow(e, "the all-reduce of the gradients");
    }
    const float *h = had.data_ptr<float>();
    for (auto &b : s.buckets) {
        b.flat.div_(world);
        b.ready = 0;
        b.work.reset();
    }
    for (size_t k = 0; k < m_parameters.size(); ++k) {
        at::Tensor &p = m_parameters[k];
        if (h[k] > 0) {
            const at::Tensor mean = s.slice(k, p.sizes());
            if (p.grad().defined())
                p.mutable_grad().copy_(mean);
            else
                p.mutable_grad() = mean.clone();
        } else if (p.grad().defined()) {
            p.mutable_grad() = at::Tensor();
        }
        s.got[k] = 0;
    }
    s.nextLaunch = 0;
}

#else // no c10d in this build

struct ProcessGroup::Impl
{
};
struct GradientAverager::State
{
};

namespace {
const char *kNoC10d = "this build has no distributed training: its LibTorch was found without c10d's Gloo backend "
                      "(Debian: apt install libgloo-dev, then configure again)";
}

bool ProcessGroup::available(std::string *why)
{
    if (why)
        *why = kNoC10d;
    return false;
}
ProcessGroup::ProcessGroup(const WorkerPlace &, at::Device, std::chrono::milliseconds)
{
    throw Error(StatusCode::Unsupported, kNoC10d);
}
ProcessGroup::~ProcessGroup() = default;
int ProcessGroup::rank() const { return 0; }
int ProcessGroup::size() const { return 1; }
at::Device ProcessGroup::device() const { return at::kCPU; }
std::chrono::milliseconds ProcessGroup::timeout() const { return {}; }
void ProcessGroup::broadcast(std::vector<at::Tensor>) {}
void ProcessGroup::sum(at::Tensor &) {}
void ProcessGroup::min(at::Tensor &) {}
void ProcessGroup::barrier() {}
std::string ProcessGroup::broadcastBytes(const std::string &bytes) { return bytes; }
void ProcessGroup::checkSame(const std::vector<at::Tensor> &, const std::string &) {}
void ProcessGroup::setStep(int64_t) {}
void ProcessGroup::finish() {}
void ProcessGroup::rethrow(const std::exception &e, const std::string &) { throw Error(StatusCode::Internal, e.what()); }
GradientAverager::GradientAverager(ProcessGroup &, std::vector<at::Tensor>, int64_t) { throw Error(StatusCode::Unsupported, kNoC10d); }
GradientAverager::~GradientAverager() = default;
size_t GradientAverager::bucketCount() const { return 0; }
void GradientAverager::finish() {}

#endif

} // namespace mosaic::train
