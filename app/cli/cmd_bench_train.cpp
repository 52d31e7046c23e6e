// mosaic bench train --nproc 1,2: examples per second of data-parallel training with 1, 2, ...
// processes on this machine, and the scaling efficiency against one.
#include "args.h"

#include <mosaic/tools.h>
#include <mosaic/train.h>

#include <filesystem>
#include <cstdio>
#include <unistd.h>

namespace cli {

int runBenchTrain(const Args &args)
{
    const auto unknown = args.unknown({"recipe", "nproc", "steps", "batch", "device"});
    std::vector<int> counts{1, 2};
    if (args.has("nproc") && !parseIntList(args.value("nproc"), &counts)) {
        std::fprintf(stderr, "mosaic bench train: --nproc expects process counts like 1,2,4\n");
        return kExitUsage;
    }
    if (!unknown.empty() || !args.error().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic bench: unknown option %s\n", u.c_str());
        printUsage("bench", stderr);
        return kExitUsage;
    }
    const int steps = args.intValue("steps", 12), batch = args.intValue("batch", 4);
    for (int n : counts)
        if (n < 1 || n > 1024) {
            std::fprintf(stderr, "mosaic bench train: --nproc counts are 1 to 1024\n");
            return kExitUsage;
        }
    if (steps < 4 || batch < 1) {
        std::fprintf(stderr, "mosaic bench train: --steps is at least 4 (the first two are not timed), --batch at least 1\n");
        return kExitUsage;
    }
    std::string why;
    if (!mosaic::distributedTrainingAvailable(&why)) {
        std::fprintf(stderr, "mosaic bench train: %s\n", why.c_str());
        return kExitFailure;
    }
    // Threads per process: the global --threads, else 1.
    std::string threads = "1";
    for (size_t i = 0; i + 1 < commandLine().size() && commandLine()[i] != "bench"; ++i)
        if (commandLine()[i] == "--threads")
            threads = commandLine()[i + 1];
    namespace fs = std::filesystem;
    const fs::path scratch = fs::temp_directory_path() / ("mosaic-bench-train-" + std::to_string(::getpid()));
    std::error_code ec;
    fs::create_directories(scratch, ec);
    const std::string recipe = (scratch / "recipe.json").string();
    if (const auto st = mosaic::writeTrainBenchRecipe(args.value("recipe"), steps, recipe); !st.ok()) {
        std::fprintf(stderr, "mosaic bench train: %s\n", st.message.c_str());
        fs::remove_all(scratch, ec);
        return kExitFailure;
    }
    std::printf("bench train: %s, %d steps of batch %d per process, %s thread(s) per process%s\n",
                args.has("recipe") ? args.value("recipe").c_str() : "the bundled model's recipe (random start, float32)",
                steps, batch, threads.c_str(), args.has("device") ? (", device " + args.value("device")).c_str() : "");
    std::printf("%9s %14s %14s %12s\n", "processes", "steps/s", "examples/s", "efficiency");
    std::fflush(stdout);
    double single = 0;
    int code = kExitOk;
    for (int n : counts) {
        const std::string out = (scratch / ("n" + std::to_string(n))).string();
        std::vector<std::string> command{commandLine().empty() ? "mosaic" : commandLine()[0], "--no-log-file", "--threads",
                                         threads, "train", recipe, "--out", out, "--batch", std::to_string(batch)};
        if (args.has("device"))
            command.insert(command.end(), {"--device", args.value("device")});
        std::string summary;
        const std::string log = out + ".log";
        const int job = mosaic::runLocalJob(command, n, 300, &summary, log);
        if (job != 0) { // what the workers said
            std::FILE *f = std::fopen(log.c_str(), "r");
            char buf[4096];
            size_t got;
            while (f && (got = std::fread(buf, 1, sizeof buf, f)) > 0)
                std::fwrite(buf, 1, got, stderr);
            if (f)
                std::fclose(f);
        }
        double pace = 0;
        const auto st = job == 0 ? mosaic::trainingPace(out + "/metrics.csv", 2, &pace)
                                 : mosaic::Status{mosaic::StatusCode::Internal, "the job failed: " + summary};
        if (!st.ok()) {
            std::fprintf(stderr, "mosaic bench train: %d processes: %s\n", n, st.message.c_str());
            code = kExitFailure;
            continue;
        }
        const double examples = pace * batch * n;
        if (n == 1)
            single = examples;
        char efficiency[32] = "-";
        if (single > 0)
            std::snprintf(efficiency, sizeof efficiency, "%.2f", examples / (n * single));
        std::printf("%9d %14.3f %14.2f %12s\n", n, pace, examples, efficiency);
        std::fflush(stdout);
    }
    fs::remove_all(scratch, ec);
    return code;
}

} // namespace cli
