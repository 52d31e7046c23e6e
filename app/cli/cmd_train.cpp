// mosaic train --recipe FILE: a training run with a progress line, Ctrl-C saves a checkpoint;
// with --nproc N, N worker processes of one data-parallel job.
#include "args.h"

#include <mosaic/runtime.h>
#include <mosaic/train.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace cli {

namespace {
std::atomic<bool> g_stop{false};
extern "C" void onInterrupt(int)
{
    g_stop = true;
}
} // namespace

// `--nproc N`: this command line again, N times, as the ranks of one job on this machine.
int launchLocalJob(int nproc, double timeout)
{
    std::vector<std::string> command;
    bool threadsGiven = false;
    const std::vector<std::string> &line = commandLine();
    for (size_t i = 0; i < line.size(); ++i) {
        const std::string &a = line[i];
        if (a == "--nproc") {
            ++i; // and its value
            continue;
        }
        if (a.rfind("--nproc=", 0) == 0)
            continue;
        if (a == "--threads")
            threadsGiven = true;
        command.push_back(a);
    }
    const int threads = std::max(1, mosaic::hardwareThreads() / nproc);
    if (!threadsGiven) // N workers share the cores
        command.insert(command.begin() + 1, {"--threads", std::to_string(threads)});
    std::fprintf(stderr, "mosaic train: %d worker processes on this machine%s\n", nproc,
                 threadsGiven ? "" : (", " + std::to_string(threads) + " thread" + (threads == 1 ? "" : "s") + " each").c_str());
    std::string summary;
    const int code = mosaic::runLocalJob(command, nproc, timeout + 30.0, &summary);
    // Every rank stopped by Ctrl-C (130) is not a failure: rank 0 said where the checkpoint is.
    bool interrupted = code == 130;
    for (size_t at = 0, end; interrupted && (end = summary.find('\n', at)) != std::string::npos; at = end + 1)
        interrupted = summary.substr(at, end - at).find("exited with status 130") != std::string::npos;
    if (code != 0 && !interrupted && !summary.empty())
        std::fprintf(stderr, "mosaic train: the job failed:\n%s", summary.c_str());
    return code;
}

int runTrain(const Args &args)
{
    const auto unknown = args.unknown({"recipe", "out", "steps", "resume", "device", "seconds", "pool-only", "pool", "batch",
                                       "nproc", "timeout"});
    // The recipe: --recipe FILE, or FILE alone.
    const bool positionalRecipe = !args.has("recipe") && args.positional().size() == 1;
    if (!unknown.empty() || !args.error().empty() || (!args.has("recipe") && !positionalRecipe) ||
        (!positionalRecipe && !args.positional().empty())) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic train: unknown option %s\n", u.c_str());
        printUsage("train", stderr);
        return kExitUsage;
    }
    mosaic::TrainRunOptions o;
    o.recipePath = positionalRecipe ? args.positional()[0] : args.value("recipe");
    o.batch = args.intValue("batch", 0);
    o.timeoutSeconds = args.doubleValue("timeout", 300.0);
    const int nproc = args.intValue("nproc", 1);
    if ((args.has("batch") && o.batch < 1) || nproc < 1 || nproc > 1024 || !(o.timeoutSeconds > 0) ||
        !std::isfinite(o.timeoutSeconds)) {
        std::fprintf(stderr, "mosaic train: --batch and --nproc expect a positive whole number, --timeout a positive "
                             "number of seconds\n");
        return kExitUsage;
    }
    if (nproc > 1) {
        if (std::getenv("RANK") || std::getenv("WORLD_SIZE")) {
            std::fprintf(stderr, "mosaic train: --nproc starts the workers itself; under torchrun or srun leave it out\n");
            return kExitUsage;
        }
        std::string why;
        if (!mosaic::distributedTrainingAvailable(&why)) {
            std::fprintf(stderr, "mosaic train: %s\n", why.c_str());
            return kExitFailure;
        }
        return launchLocalJob(nproc, o.timeoutSeconds);
    }
    o.outDir = args.value("out");
    o.steps = args.intValue("steps", 0);
    o.resume = args.has("resume");
    o.device = args.value("device");
    o.poolOnly = args.has("pool-only");
    o.poolSize = args.intValue("pool", 0);
    o.seconds = args.doubleValue("seconds", 0.0);
    if (args.has("seconds") && (!(o.seconds > 0) || !std::isfinite(o.seconds))) {
        std::fprintf(stderr, "mosaic train: --seconds expects a positive number of seconds\n");
        return kExitUsage;
    }
    std::signal(SIGINT, onInterrupt);
    std::signal(SIGTERM, onInterrupt);
    for (size_t i = 0; i + 1 < commandLine().size(); ++i) // (the global option, before the verb)
        if (commandLine()[i] == "--threads")
            o.threads = std::atoi(commandLine()[i + 1].c_str());
    const bool tty = isatty(fileno(stderr)) != 0;
    mosaic::TrainRunReport report;
    const auto st = mosaic::runTraining(
        o, &report,
        [tty](const mosaic::TrainProgress &p) {
            // On a terminal one line that updates; into a log file one line per 10 steps.
            if (!tty && p.step % 10 != 0 && p.step != p.total)
                return;
            const int width = 20, filled = p.total > 0 ? static_cast<int>(width * p.step / p.total) : 0;
            std::fprintf(stderr, "%s[%.*s%*s] %lld/%lld  loss %.4f ", tty ? "\r" : "", filled, "####################",
                         width - filled, "", static_cast<long long>(p.step), static_cast<long long>(p.total), p.loss);
            if (p.autoencoder)
                std::fprintf(stderr, "(reconstruction %.4f, kl %.3f)", p.flow, p.kl);
            else if (p.share > 0)
                std::fprintf(stderr, "(flow %.4f, sca %.3f, reverse %.3f, share %.3f, md %.3f)", p.flow, p.sca, p.reverseSca,
                             p.share, p.md);
            else if (p.reverseSca > 0)
                std::fprintf(stderr, "(flow %.4f, sca %.3f, reverse %.3f, md %.3f)", p.flow, p.sca, p.reverseSca, p.md);
            else
                std::fprintf(stderr, "(flow %.4f, sca %.3f, md %.3f)", p.flow, p.sca, p.md);
            std::fprintf(stderr, "  lr %.2e  %.0f s, ETA %.0f s %s", p.learningRate, p.elapsedSeconds, p.etaSeconds,
                         tty ? "" : "\n");
            std::fflush(stderr);
        },
        &g_stop);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    if (report.rank == 0)
        std::fputc('\n', stderr);
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic train: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    if (o.poolOnly) {
        std::printf("toy pool ready\n");
        return kExitOk;
    }
    if (report.rank != 0) // (rank 0 speaks for the job)
        return report.interrupted ? 130 : kExitOk;
    if (report.interrupted) {
        std::printf("interrupted at step %lld: checkpoint %s (continue with --resume), model so far %s\n",
                    static_cast<long long>(report.lastStep), report.checkpoint.c_str(), report.model.c_str());
        return 130;
    }
    std::printf("trained steps %lld-%lld in %.1f s: loss %.4f -> %.4f\nmodel %s, metrics %s\n",
                static_cast<long long>(report.firstStep), static_cast<long long>(report.lastStep), report.seconds,
                report.firstLoss, report.lastLoss, report.model.c_str(), report.metrics.c_str());
    return kExitOk;
}

} // namespace cli
