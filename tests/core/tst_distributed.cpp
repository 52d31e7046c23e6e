// Data-parallel training as people launch it: `mosaic train --nproc N` and workers started with
// torchrun's environment. Two processes reproduce one with their joint batch; a resumed job equals an
// uninterrupted one, also with another number of processes; a rank that is killed or hangs makes the
// other stop, name it, and leave a checkpoint that loads.
#include "testsupport.h"

#include "io/safetensors.h"
#include "train/distributed.h"
#include "util/strings.h"

#include <mosaic/train.h>

#include <nlohmann/json.hpp>
#include <torch/serialize/input-archive.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mosaic;
namespace fs = std::filesystem;

namespace {

using Env = std::map<std::string, std::string>;

// Starts the CLI with `args`, its output (both streams) into `log`, with `env` added to this process's.
pid_t spawn(const std::vector<std::string> &args, const Env &env, const std::string &log)
{
    const pid_t pid = ::fork();
    if (pid != 0)
        return pid;
    for (const auto &[k, v] : env)
        ::setenv(k.c_str(), v.c_str(), 1);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::close(fd);
    }
    std::vector<std::string> all{MOSAIC_CLI, "--no-log-file"};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char *> argv;
    for (auto &a : all)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(MOSAIC_CLI, argv.data());
    ::_exit(127);
}

// The exit status (128 + signal for a signal), or -1 when it ran past `seconds` (then it is killed).
int waitFor(pid_t pid, double seconds, double *took = nullptr)
{
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        int st = 0;
        if (::waitpid(pid, &st, WNOHANG) == pid) {
            if (took)
                *took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > seconds) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

std::string readText(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A run of the CLI to its end (at most 10 minutes); its exit status and output.
int runCli(const std::vector<std::string> &args, const std::string &log, std::string *output, const Env &env = {})
{
    const int code = waitFor(spawn(args, env, log), 600);
    *output = readText(log);
    return code;
}

// The bundled model's recipe (resources/recipes/toys.json: its architecture, data, losses and
// schedule) from a random start, in float32 (the comparisons are to 1e-6), with a checkpoint every
// five steps and no sample grids.
std::string bundledRecipe(const std::string &dir, int steps, int checkpointEvery)
{
    std::ifstream in(std::string(MOSAIC_SOURCE_DIR) + "/resources/recipes/toys.json");
    nlohmann::json r = nlohmann::json::parse(in);
    r["init"].erase("autoencoder"); // (the first stage's run is not in the tree: a random autoencoder)
    r["autocast"] = false;
    r["store"] = "f32";
    r["steps"] = steps;
    r["checkpoint_every"] = checkpointEvery;
    r["sample_every"] = 0;
    r["probe_every"] = 0;
    r["bucket_mb"] = 1; // (the model's gradients in 50 buckets: their order across the ranks is exercised)
    const std::string path = dir + "/recipe.json";
    std::ofstream(path) << r.dump(1);
    return path;
}

std::vector<at::Tensor> checkpointParameters(const std::string &path, int64_t *step = nullptr)
{
    torch::serialize::InputArchive a;
    a.load_from(path);
    std::vector<at::Tensor> out;
    for (int i = 0;; ++i) {
        at::Tensor t;
        if (!a.try_read(format("param.{}", i), t))
            break;
        out.push_back(t);
    }
    if (step) {
        at::Tensor s;
        a.read("step", s);
        *step = s.item<int64_t>();
    }
    return out;
}

std::vector<at::Tensor> modelTensors(const std::string &path)
{
    auto f = st::File::open(path);
    std::vector<at::Tensor> out;
    for (const auto &info : f->tensors())
        out.push_back(f->tensor(info.name).clone());
    return out;
}

// The weights' relative difference: ||a - b|| / ||a|| over all the tensors of the lists together
// (infinite when they do not match in count or shape). `elementwise`, when given, gets the largest
// difference of one element relative to the largest value of its tensor.
double relativeDifference(const std::vector<at::Tensor> &a, const std::vector<at::Tensor> &b, double *elementwise = nullptr)
{
    if (a.size() != b.size() || a.empty())
        return INFINITY;
    double diff = 0, norm = 0, worst = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].sizes() != b[i].sizes())
            return INFINITY;
        const at::Tensor x = a[i].to(at::kDouble), y = b[i].to(at::kDouble);
        diff += (x - y).pow(2).sum().item<double>();
        norm += x.pow(2).sum().item<double>();
        worst = std::max(worst, (x - y).abs().max().item<double>() / std::max(x.abs().max().item<double>(), 1e-30));
    }
    if (elementwise)
        *elementwise = worst;
    return std::sqrt(diff) / std::max(std::sqrt(norm), 1e-30);
}

} // namespace

class TstDistributed : public QObject
{
    Q_OBJECT

    std::string m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        std::string why;
        if (!distributedTrainingAvailable(&why))
            QSKIP(why.c_str());
        m_dir = testsupport::scratchDir("distributed");
    }

    // The environment that launchers set, read as torchrun and Slurm mean it.
    void placeFromEnvironment()
    {
        const char *names[] = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
                               "SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID", "SLURM_NTASKS_PER_NODE",
                               "SLURM_STEP_NUM_TASKS", "SLURM_TASKS_PER_NODE", "SLURM_STEP_TASKS_PER_NODE",
                               "TORCHELASTIC_USE_AGENT_STORE"};
        const auto clear = [&] {
            for (const char *n : names)
                ::unsetenv(n);
        };
        const auto set = [&](const Env &env) {
            clear();
            for (const auto &[k, v] : env)
                ::setenv(k.c_str(), v.c_str(), 1);
        };
        const auto error = [&](const Env &env) {
            set(env);
            try {
                train::WorkerPlace::fromEnvironment();
            } catch (const std::exception &e) {
                return std::string(e.what());
            }
            return std::string("no error");
        };
        clear();
        train::WorkerPlace p = train::WorkerPlace::fromEnvironment();
        QVERIFY(!p.distributed());
        QCOMPARE(p.rank, 0);

        set({{"RANK", "3"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"}, {"LOCAL_WORLD_SIZE", "2"},
             {"MASTER_ADDR", "node7"}, {"MASTER_PORT", "29555"}, {"TORCHELASTIC_USE_AGENT_STORE", "True"}});
        p = train::WorkerPlace::fromEnvironment();
        QCOMPARE(p.rank, 3);
        QCOMPARE(p.world, 8);
        QCOMPARE(p.localRank, 1);
        QCOMPARE(p.localWorld, 2);
        QCOMPARE(p.masterAddr, std::string("node7"));
        QCOMPARE(p.masterPort, 29555);
        QVERIFY(p.agentStore);

        // Slurm's names where torchrun's are absent (srun of 2 nodes x 4 tasks).
        set({{"SLURM_PROCID", "5"}, {"SLURM_NTASKS", "8"}, {"SLURM_LOCALID", "1"}, {"SLURM_TASKS_PER_NODE", "4(x2)"},
             {"MASTER_ADDR", "gpu01"}});
        p = train::WorkerPlace::fromEnvironment();
        QCOMPARE(p.rank, 5);
        QCOMPARE(p.world, 8);
        QCOMPARE(p.localRank, 1);
        QCOMPARE(p.localWorld, 4);
        QCOMPARE(p.launcher, std::string("Slurm"));
        QCOMPARE(p.masterPort, 29500);

        std::string e = error({{"SLURM_PROCID", "0"}, {"SLURM_NTASKS", "2"}});
        QVERIFY2(e.find("MASTER_ADDR") != std::string::npos && e.find("scontrol") != std::string::npos, e.c_str());
        e = error({{"RANK", "1"}});
        QVERIFY2(e.find("WORLD_SIZE") != std::string::npos, e.c_str());
        e = error({{"RANK", "2"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}});
        QVERIFY2(e.find("rank 2 is not below the world size 2") != std::string::npos, e.c_str());
        e = error({{"RANK", "0"}, {"WORLD_SIZE", "two"}, {"MASTER_ADDR", "h"}});
        QVERIFY2(e.find("WORLD_SIZE=two") != std::string::npos, e.c_str());
        e = error({{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"MASTER_ADDR", "h"}, {"MASTER_PORT", "70000"}});
        QVERIFY2(e.find("MASTER_PORT=70000") != std::string::npos, e.c_str());
        clear();
    }

    // 2 processes with batch 4 each are 1 process with batch 8: the same examples, dropouts, noise and
    // timesteps, the mean gradient; over 10 steps of the bundled model's recipe the weights agree to
    // 1e-6 (||a - b|| / ||a||; what remains is the order of float32 sums). A job resumed from a
    // one-process checkpoint, and a two-process job resumed halfway, equal the uninterrupted runs.
    void twoProcessesAreOneWithTheirJointBatch()
    {
        const std::string dir = m_dir + "/equivalence";
        fs::create_directories(dir);
        const std::string recipe = bundledRecipe(dir, 10, 5);
        std::string out;
        // A: 1 process, batch 8.
        QVERIFY2(runCli({"--threads", "1", "train", recipe, "--out", dir + "/one", "--batch", "8"}, dir + "/one.log", &out) == 0,
                 out.c_str());
        // B: 2 processes, batch 4 each (the launcher gives each 1 thread here).
        QVERIFY2(runCli({"--threads", "1", "train", recipe, "--out", dir + "/two", "--batch", "4", "--nproc", "2"},
                        dir + "/two.log", &out) == 0,
                 out.c_str());
        QVERIFY2(out.find("2 worker processes") != std::string::npos, out.c_str());
        QVERIFY2(out.find("trained steps 0-10") != std::string::npos, out.c_str());
        // Rank 0 alone reported and wrote: one report, one metrics row per step.
        {
            size_t reports = 0;
            for (size_t at = out.find("trained steps"); at != std::string::npos; at = out.find("trained steps", at + 1))
                ++reports;
            QCOMPARE(reports, size_t{1});
        }
        const std::string metrics = readText(dir + "/two/metrics.csv");
        QCOMPARE(static_cast<int>(std::count(metrics.begin(), metrics.end(), '\n')), 11);

        const auto one = checkpointParameters(dir + "/one/checkpoint.pt");
        const auto two = checkpointParameters(dir + "/two/checkpoint.pt");
        double paramsElement = 0, emaElement = 0;
        const double paramsDiff = relativeDifference(one, two, &paramsElement);
        const double emaDiff = relativeDifference(modelTensors(dir + "/one/model.safetensors"),
                                                  modelTensors(dir + "/two/model.safetensors"), &emaElement);
        qInfo("10 steps, batch 8 in 1 process vs 4 x 2 processes: parameters differ by %.3g, EMA weights by %.3g "
              "(relative; the largest element's difference relative to its tensor's largest value: %.3g and %.3g)",
              paramsDiff, emaDiff, paramsElement, emaElement);
        QVERIFY2(paramsDiff <= 1e-6, std::to_string(paramsDiff).c_str());
        QVERIFY2(emaDiff <= 1e-6, std::to_string(emaDiff).c_str());

        // C: the two-process job stopped at step 5 and resumed: the uninterrupted job's weights.
        QVERIFY2(runCli({"--threads", "1", "train", recipe, "--out", dir + "/halves", "--batch", "4", "--nproc", "2", "--steps", "5"},
                        dir + "/c1.log", &out) == 0,
                 out.c_str());
        QVERIFY2(runCli({"--threads", "1", "train", recipe, "--out", dir + "/halves", "--batch", "4", "--nproc", "2", "--resume"},
                        dir + "/c2.log", &out) == 0,
                 out.c_str());
        QVERIFY2(out.find("trained steps 5-10") != std::string::npos, out.c_str());
        const double resumedDiff = relativeDifference(two, checkpointParameters(dir + "/halves/checkpoint.pt"));
        // D: one process to step 5, resumed by two.
        QVERIFY2(runCli({"--threads", "1", "train", recipe, "--out", dir + "/mixed", "--batch", "8", "--steps", "5"},
                        dir + "/d1.log", &out) == 0,
                 out.c_str());
        // (steps 5 to 10 moved the weights far more than the differences allowed)
        const double trained = relativeDifference(one, checkpointParameters(dir + "/mixed/checkpoint.pt"));
        qInfo("steps 5 to 10 moved the parameters by %.3g (relative)", trained);
        QVERIFY2(trained > 1e-4, std::to_string(trained).c_str());
        QVERIFY2(runCli({"--threads", "1", "train", recipe, "--out", dir + "/mixed", "--batch", "4", "--nproc", "2", "--resume"},
                        dir + "/d2.log", &out) == 0,
                 out.c_str());
        QVERIFY2(out.find("trained steps 5-10") != std::string::npos, out.c_str());
        const double mixedDiff = relativeDifference(one, checkpointParameters(dir + "/mixed/checkpoint.pt"));
        qInfo("resumed at step 5: 2 processes %.3g from the uninterrupted 2-process job, 1 then 2 processes %.3g from "
              "the 1-process run",
              resumedDiff, mixedDiff);
        QVERIFY2(resumedDiff <= 1e-6, std::to_string(resumedDiff).c_str());
        QVERIFY2(mixedDiff <= 1e-6, std::to_string(mixedDiff).c_str());
        // The metrics of the resumed job hold every step once.
        const std::string rows = readText(dir + "/halves/metrics.csv");
        QCOMPARE(static_cast<int>(std::count(rows.begin(), rows.end(), '\n')), 11);
    }

    // A rank killed mid-run (SIGKILL, through the --nproc launcher): the other stops within the
    // timeout with a message that names it, the launcher says how it ended, and the checkpoint on
    // disk loads and resumes.
    void killedRankIsNamed()
    {
        const std::string dir = m_dir + "/killed";
        fs::create_directories(dir);
        const std::string recipe = bundledRecipe(dir, 100000, 2);
        const std::string log = dir + "/job.log";
        const pid_t launcher =
            spawn({"--threads", "1", "train", recipe, "--out", dir + "/run", "--batch", "2", "--nproc", "2", "--timeout", "20"}, {}, log);
        // Its workers, and the moment rank 0 wrote a checkpoint.
        pid_t rank1 = -1;
        const auto start = std::chrono::steady_clock::now();
        while (std::chrono::steady_clock::now() - start < std::chrono::seconds(120) &&
               (rank1 < 0 || !fs::exists(dir + "/run/checkpoint.pt"))) {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            for (const auto &entry : fs::directory_iterator("/proc")) {
                const std::string name = entry.path().filename().string();
                if (name.find_first_not_of("0123456789") != std::string::npos)
                    continue;
                std::ifstream stat(entry.path() / "stat");
                std::string s;
                std::getline(stat, s);
                const auto close = s.rfind(')');
                if (close == std::string::npos)
                    continue;
                std::istringstream fields(s.substr(close + 2));
                char state;
                int parent = 0;
                fields >> state >> parent;
                if (parent != launcher)
                    continue;
                const std::string env = readText(entry.path().string() + "/environ");
                if (env.find(std::string("RANK=1") + '\0') != std::string::npos && env.find("LOCAL_RANK=1") != std::string::npos)
                    rank1 = std::stoi(name);
            }
        }
        QVERIFY2(rank1 > 0 && fs::exists(dir + "/run/checkpoint.pt"), readText(log).c_str());
        ::kill(rank1, SIGKILL);
        double took = 0;
        const int code = waitFor(launcher, 60, &took);
        const std::string out = readText(log);
        qInfo("rank 1 killed: the job ended with status %d after %.1f s (timeout 20 s)", code, took);
        QVERIFY2(code != 0 && code != -1, out.c_str());
        QVERIFY2(took < 20, out.c_str());
        QVERIFY2(out.find("the job lost a rank: rank 1 (pid " + std::to_string(rank1)) != std::string::npos, out.c_str());
        QVERIFY2(out.find("rank 1 (pid " + std::to_string(rank1) + ") was killed by signal 9") != std::string::npos,
                 out.c_str());
        // The checkpoint is whole and a run continues from it.
        int64_t step = 0;
        const auto saved = checkpointParameters(dir + "/run/checkpoint.pt", &step);
        QVERIFY(!saved.empty() && step >= 2);
        std::string resumed;
        QVERIFY2(runCli({"--threads", "1", "train", recipe, "--out", dir + "/run", "--batch", "2", "--resume", "--steps",
                         std::to_string(step + 1)},
                        dir + "/resume.log", &resumed) == 0,
                 resumed.c_str());
        QVERIFY2(resumed.find(format("trained steps {}-{}", step, step + 1)) != std::string::npos, resumed.c_str());
    }

    // Ctrl-C on `mosaic train --nproc 2` (SIGINT to the launcher alone, which passes it on): every rank
    // stops at the same step, rank 0 saves and says so once, and the job is not reported as failed.
    void interruptStopsEveryRank()
    {
        const std::string dir = m_dir + "/interrupted";
        fs::create_directories(dir);
        const std::string recipe = std::string(MOSAIC_SOURCE_DIR) + "/tests/data/recipes/smoke.json";
        const std::string log = dir + "/job.log";
        const pid_t launcher =
            spawn({"--threads", "1", "train", recipe, "--out", dir + "/run", "--steps", "100000", "--nproc", "2"}, {}, log);
        const auto start = std::chrono::steady_clock::now();
        while (!fs::exists(dir + "/run/checkpoint.pt") && std::chrono::steady_clock::now() - start < std::chrono::seconds(60))
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        ::kill(launcher, SIGINT);
        const int code = waitFor(launcher, 60);
        const std::string out = readText(log);
        QVERIFY2(code == 130, out.c_str());
        QVERIFY2(out.find("the job failed") == std::string::npos, out.c_str());
        const auto at = out.find("interrupted at step ");
        QVERIFY2(at != std::string::npos && out.find("interrupted at step ", at + 1) == std::string::npos, out.c_str());
        int64_t step = 0;
        checkpointParameters(dir + "/run/checkpoint.pt", &step);
        QCOMPARE(std::to_string(step), out.substr(at + 20, out.find(':', at) - at - 20));
    }

    // A rank that hangs (SIGSTOP; workers started as torchrun starts them): the other stops after the
    // timeout and names it.
    void hungRankIsNamed()
    {
        const std::string dir = m_dir + "/hung";
        fs::create_directories(dir);
        const std::string recipe = bundledRecipe(dir, 100000, 1000);
        const std::string port = std::to_string(20000 + ::getpid() % 20000);
        const auto env = [&](int r) {
            return Env{{"RANK", std::to_string(r)}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", std::to_string(r)},
                       {"LOCAL_WORLD_SIZE", "2"}, {"MASTER_ADDR", "127.0.0.1"}, {"MASTER_PORT", port}};
        };
        const std::vector<std::string> args{"--threads", "1", "train", recipe, "--out", dir + "/run", "--batch", "2",
                                            "--timeout", "5"};
        const pid_t r0 = spawn(args, env(0), dir + "/r0.log");
        const pid_t r1 = spawn(args, env(1), dir + "/r1.log");
        std::this_thread::sleep_for(std::chrono::seconds(6)); // (both train by then: a start takes 1-2 s)
        ::kill(r1, SIGSTOP);
        double took = 0;
        const int code = waitFor(r0, 60, &took);
        ::kill(r1, SIGKILL);
        ::kill(r1, SIGCONT);
        ::waitpid(r1, nullptr, 0);
        const std::string out = readText(dir + "/r0.log");
        qInfo("rank 1 stopped: rank 0 ended with status %d after %.1f s (timeout 5 s)", code, took);
        QVERIFY2(code == 1, out.c_str());
        QVERIFY2(took >= 4 && took < 15, out.c_str());
        QVERIFY2(out.find("rank 1 (pid " + std::to_string(r1)) != std::string::npos, out.c_str());
        QVERIFY2(out.find("stopped answering") != std::string::npos, out.c_str());
    }
};

MOSAIC_TEST_MAIN(TstDistributed, MT_FN(initTestCase) MT_FN(placeFromEnvironment) MT_FN(twoProcessesAreOneWithTheirJointBatch)
                                     MT_FN(killedRankIsNamed) MT_FN(interruptStopsEveryRank) MT_FN(hungRankIsNamed))

#include "tst_distributed.moc"
