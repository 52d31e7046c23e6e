#include "args.h"

#include <mosaic/runtime.h>
#include <mosaic/tools.h>

#include <algorithm>
#include <cstdio>

namespace cli {

int runBench(const Args &args)
{
    if (args.positional().size() == 1 && args.positional()[0] == "generate")
        return runBenchGenerate(args);
    if (args.positional().size() == 1 && args.positional()[0] == "cancel")
        return runBenchCancel(args);
    if (args.positional().size() == 1 && args.positional()[0] == "encode")
        return runBenchEncode(args);
    if (!args.positional().empty() && args.positional()[0] == "load")
        return runBenchLoad(args);
    if (args.positional().size() == 1 && args.positional()[0] == "decode")
        return runBenchDecode(args);
    if (args.positional().size() == 1 && args.positional()[0] == "train")
        return runBenchTrain(args);
    if (args.positional().size() != 1 || args.positional()[0] != "transformer") {
        printUsage("bench", stderr);
        return kExitUsage;
    }
    const auto unknown = args.unknown({"hidden", "heads", "double", "single", "tokens", "txt-tokens", "iters", "dtype"});
    if (!unknown.empty() || !args.error().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic bench: unknown option %s\n", u.c_str());
        if (!args.error().empty())
            std::fprintf(stderr, "mosaic bench: %s\n", args.error().c_str());
        return kExitUsage;
    }
    mosaic::TransformerBenchOptions o;
    o.hidden = args.intValue("hidden", o.hidden);
    o.heads = args.intValue("heads", o.heads);
    o.doubleBlocks = args.intValue("double", o.doubleBlocks);
    o.singleBlocks = args.intValue("single", o.singleBlocks);
    o.imageTokens = args.intValue("tokens", o.imageTokens);
    o.textTokens = args.intValue("txt-tokens", o.textTokens);
    o.iterations = args.intValue("iters", o.iterations);
    const std::string dt = args.value("dtype", "both");
    if (dt == "both")
        o.dtypes = {"f32", "bf16"};
    else
        o.dtypes = {dt};

    std::printf("bench transformer: hidden %d, %d heads, %d double + %d single blocks, %d image + %d text tokens, "
                "%d thread(s)\n",
                o.hidden, o.heads, o.doubleBlocks, o.singleBlocks, o.imageTokens, o.textTokens, mosaic::threadCount());
    std::fflush(stdout);
    std::vector<mosaic::TransformerBenchRow> rows;
    const mosaic::Status st = mosaic::benchTransformer(o, &rows, [](const std::string &line) {
        std::fprintf(stderr, "  %s\n", line.c_str());
    });
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic bench: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("%-6s %12s %12s %12s %14s %8s %10s\n", "dtype", "s/forward", "GFLOP", "GFLOP/s", "matmul GFLOP/s",
                "ratio", "attn share");
    for (const auto &r : rows)
        std::printf("%-6s %12.3f %12.1f %12.1f %14.1f %8.2f %9.1f%%\n", r.dtype.c_str(), r.secondsPerForward,
                    r.gflopPerForward, r.gflopPerSecond, r.matmulGflopPerSecond, r.ratio, 100.0 * r.attentionShare);
    return kExitOk;
}

} // namespace cli

namespace cli {

int runBenchGenerate(const Args &args)
{
    const auto unknown = args.unknown({"model", "hidden", "heads", "double", "single", "size", "refs", "steps", "busy"});
    if (!unknown.empty() || !args.error().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic bench generate: unknown option %s\n", u.c_str());
        printUsage("bench", stderr);
        return kExitUsage;
    }
    mosaic::GenerateBenchOptions o;
    o.modelPath = args.value("model");
    o.hidden = args.intValue("hidden", o.hidden);
    o.heads = args.intValue("heads", o.heads);
    o.doubleBlocks = args.intValue("double", o.doubleBlocks);
    o.singleBlocks = args.intValue("single", o.singleBlocks);
    o.imageSize = args.intValue("size", o.imageSize);
    o.steps = args.intValue("steps", 0);
    if (args.has("refs") && !parseIntList(args.value("refs"), &o.refCounts)) {
        std::fprintf(stderr, "mosaic bench generate: --refs expects numbers like 1,2,4,6\n");
        return kExitUsage;
    }
    if (args.has("busy")) {
        std::vector<int> busy;
        if (!parseIntList(args.value("busy"), &busy)) {
            std::fprintf(stderr, "mosaic bench generate: --busy expects process counts like 0,1,2\n");
            return kExitUsage;
        }
        std::printf("bench generate --busy: %s, 4 references, %d core(s)\n",
                    o.modelPath.empty() ? "the bundled model" : o.modelPath.c_str(), mosaic::hardwareThreads());
        std::fflush(stdout);
        std::vector<mosaic::BusyBenchRow> rows;
        const mosaic::Status st = mosaic::benchGenerateBusy(o, busy, &rows, [](const std::string &l) {
            std::fprintf(stderr, "  %s\n", l.c_str());
        });
        if (!st.ok()) {
            std::fprintf(stderr, "mosaic bench generate: %s\n", st.message.c_str());
            return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
        }
        std::printf("%6s %16s %16s %9s %8s\n", "busy", "all cores s", "adapted s", "threads", "speedup");
        for (const auto &r : rows)
            std::printf("%6d %16.2f %16.2f %9d %7.1fx\n", r.busy, r.allCoresSeconds, r.adaptedSeconds, r.adaptedThreads,
                        r.allCoresSeconds / std::max(1e-9, r.adaptedSeconds));
        return kExitOk;
    }
    std::printf("bench generate: %s, %d thread(s)\n",
                o.modelPath.empty() ? ("random bundle, hidden " + std::to_string(o.hidden) + ", " +
                                       std::to_string(o.doubleBlocks) + "+" + std::to_string(o.singleBlocks) +
                                       " blocks, " + std::to_string(o.imageSize) + " px")
                                          .c_str()
                                    : o.modelPath.c_str(),
                mosaic::threadCount());
    std::fflush(stdout);
    std::vector<mosaic::GenerateBenchRow> rows;
    const mosaic::Status st = mosaic::benchGenerate(o, &rows, [](const std::string &l) { std::fprintf(stderr, "  %s\n", l.c_str()); });
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic bench generate: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("%5s %8s %6s %12s %12s %14s\n", "refs", "capture", "steps", "s/step", "s/image", "capture cost");
    for (size_t i = 0; i < rows.size(); ++i) {
        const auto &r = rows[i];
        std::string cost = "-";
        if (r.capture && i > 0 && rows[i - 1].refs == r.refs && !rows[i - 1].capture && rows[i - 1].secondsPerStep > 0) {
            char buf[32];
            std::snprintf(buf, sizeof buf, "%+.1f%%", 100.0 * (r.secondsPerStep / rows[i - 1].secondsPerStep - 1.0));
            cost = buf;
        }
        std::printf("%5d %8s %6d %12.4f %12.3f %14s\n", r.refs, r.capture ? "on" : "off", r.steps, r.secondsPerStep,
                    r.secondsPerImage, cost.c_str());
    }
    return kExitOk;
}

} // namespace cli

namespace cli {

int runBenchCancel(const Args &args)
{
    const auto unknown = args.unknown({"model", "sizes", "cancels", "steps"});
    if (!unknown.empty() || !args.error().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic bench cancel: unknown option %s\n", u.c_str());
        printUsage("bench", stderr);
        return kExitUsage;
    }
    mosaic::CancelBenchOptions o;
    o.modelPath = args.value("model");
    o.cancels = args.intValue("cancels", o.cancels);
    o.steps = args.intValue("steps", 0);
    if (args.has("sizes") && !parseIntList(args.value("sizes"), &o.sizes)) {
        std::fprintf(stderr, "mosaic bench cancel: --sizes expects numbers like 256,512\n");
        return kExitUsage;
    }
    std::printf("bench cancel: %s, %d thread(s)\n", o.modelPath.empty() ? "the default model" : o.modelPath.c_str(),
                mosaic::threadCount());
    std::fflush(stdout);
    std::vector<mosaic::CancelBenchRow> rows;
    const mosaic::Status st = mosaic::benchCancel(o, &rows, [](const std::string &l) { std::fprintf(stderr, "  %s\n", l.c_str()); });
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic bench cancel: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("%6s %8s %9s %10s %10s %10s %12s %12s %8s\n", "size", "run s", "decode s", "cancelled", "median ms",
                "worst ms", "decode med", "decode worst", "ignored");
    for (const auto &r : rows)
        std::printf("%6d %8.2f %9.2f %10d %10.0f %10.0f %12.0f %12.0f %8d\n", r.size, r.runSeconds, r.decodeSeconds,
                    r.cancelled, r.medianMs, r.worstMs, r.decodeMedianMs, r.decodeWorstMs, r.ignored);
    return kExitOk;
}

} // namespace cli

namespace cli {

int runBenchEncode(const Args &args)
{
    const auto unknown = args.unknown({"layers", "prompts"});
    if (!unknown.empty() || !args.error().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic bench encode: unknown option %s\n", u.c_str());
        printUsage("bench", stderr);
        return kExitUsage;
    }
    mosaic::EncodeBenchOptions o;
    o.layers = args.intValue("layers", o.layers);
    o.prompts = args.intValue("prompts", o.prompts);
    std::printf("bench encode: T5 and CLIP, tiny and at T5-XXL/CLIP-L widths with %d layers, %d thread(s)\n", o.layers,
                mosaic::threadCount());
    std::fflush(stdout);
    std::vector<mosaic::EncodeBenchRow> rows;
    const mosaic::Status st = mosaic::benchEncode(o, &rows, [](const std::string &l) { std::fprintf(stderr, "  %s\n", l.c_str()); });
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic bench encode: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("%-10s %5s %8s %7s %14s %16s %14s %16s\n", "config", "dtype", "T5 width", "layers", "T5 prompts/s",
                "CLIP prompts/s", "cache disk ms", "cache memory ms");
    for (const auto &r : rows)
        std::printf("%-10s %5s %8d %7d %14.2f %16.2f %14.2f %16.3f\n", r.config.c_str(), r.dtype.c_str(), r.t5Width, r.layers,
                    r.t5PromptsPerSecond, r.clipPromptsPerSecond, r.diskHitMs, r.memoryHitMs);
    return kExitOk;
}

int runBenchLoad(const Args &args)
{
    const auto unknown = args.unknown({"dtype", "max-memory", "tokens", "txt-tokens", "streamed-only"});
    if (!unknown.empty() || !args.error().empty() || args.positional().size() != 2) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic bench: unknown option %s\n", u.c_str());
        printUsage("bench", stderr);
        return kExitUsage;
    }
    mosaic::LoadBenchOptions o;
    o.path = args.positional()[1];
    o.dtype = args.value("dtype", mosaic::cpuComputesBf16() ? "bf16" : "f32"); // bf16 where the CPU computes it
    o.imageTokens = args.intValue("tokens", o.imageTokens);
    o.textTokens = args.intValue("txt-tokens", o.textTokens);
    o.streamedOnly = args.has("streamed-only");
    if (args.has("max-memory") && !parseByteSize(args.value("max-memory"), &o.maxMemory)) {
        std::fprintf(stderr, "mosaic bench: --max-memory '%s' is not a size (12G, 500M, bytes)\n", args.value("max-memory").c_str());
        return kExitUsage;
    }
    mosaic::LoadBenchResult r;
    const mosaic::Status st = mosaic::benchLoad(o, &r, [](const std::string &line) { std::fprintf(stderr, "  %s\n", line.c_str()); });
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic bench: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    const double mib = 1024.0 * 1024.0;
    std::printf("bench load: %s (%s layout, %s), %d thread(s)\n", r.file.c_str(), r.layout.c_str(), r.precision.c_str(),
                mosaic::threadCount());
    if (o.streamedOnly && o.maxMemory > 0) {
        std::printf("  streamed under %.1f MiB: %zu block(s) streamed, the largest %.1f MiB, %.1f MiB resident\n", o.maxMemory / mib,
                    r.streamedBlocks, r.largestBlockBytes / mib, r.streamedResidentBytes / mib);
        std::printf("  peak, streamed load and one pass of %d + %d tokens: %.1f MiB in %.2f s; budget + one block = %.1f MiB (%s)\n",
                    o.imageTokens, o.textTokens, r.streamedPeakRss / mib, r.streamedSeconds,
                    (o.maxMemory + r.largestBlockBytes) / mib,
                    r.streamedPeakRss <= o.maxMemory + r.largestBlockBytes ? "within" : "ABOVE");
        return kExitOk;
    }
    std::printf("  weights as stored:      %10.1f MiB\n", r.storedBytes / mib);
    std::printf("  resident after loading: %10.1f MiB (computing in %s)\n", r.residentBytes / mib, o.dtype.c_str());
    std::printf("  process before loading: %10.1f MiB\n", r.baselineRss / mib);
    std::printf("  peak while loading:     %10.1f MiB in %.2f s\n", r.peakRss / mib, r.seconds);
    std::printf("  ratio peak / resident:  %10.3f (target <= 1.2); without the process before loading: %.3f\n",
                r.residentBytes ? static_cast<double>(r.peakRss) / r.residentBytes : 0.0,
                r.residentBytes ? static_cast<double>(r.peakRss - std::min(r.peakRss, r.baselineRss)) / r.residentBytes : 0.0);
    if (o.maxMemory > 0) {
        std::printf("  streamed under          %10.1f MiB: %zu block(s) streamed, the largest %.1f MiB, %.1f MiB resident\n",
                    o.maxMemory / mib, r.streamedBlocks, r.largestBlockBytes / mib, r.streamedResidentBytes / mib);
        std::printf("  peak, streamed load and pass: %.1f MiB in %.2f s; budget + one block = %.1f MiB (%s)\n",
                    r.streamedPeakRss / mib, r.streamedSeconds, (o.maxMemory + r.largestBlockBytes) / mib,
                    r.streamedPeakRss <= o.maxMemory + r.largestBlockBytes ? "within" : "ABOVE");
        if (!o.streamedOnly)
            std::printf("  resident pass: %.2f s; largest difference streamed vs resident: %g (%s)\n", r.residentForwardSeconds,
                        r.maxAbsDifference, r.maxAbsDifference == 0.0 ? "identical" : "DIFFERENT");
    }
    return kExitOk;
}

} // namespace cli

namespace cli {

int runBenchDecode(const Args &args)
{
    const auto unknown = args.unknown({"sizes", "ch", "band-mb", "banded-only"});
    mosaic::DecodeBenchOptions o;
    if (args.has("sizes") && !parseIntList(args.value("sizes"), &o.sizes)) {
        std::fprintf(stderr, "mosaic bench decode: --sizes expects numbers like 1024,2048\n");
        return kExitUsage;
    }
    if (!unknown.empty() || !args.error().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic bench: unknown option %s\n", u.c_str());
        printUsage("bench", stderr);
        return kExitUsage;
    }
    o.channels = args.intValue("ch", o.channels);
    o.bandBytes = static_cast<uint64_t>(args.intValue("band-mb", 16)) << 20;
    o.wholeToo = !args.has("banded-only");
    std::printf("bench decode: FLUX autoencoder decoder (ch %d), bands of %llu MiB, %d thread(s)\n", o.channels,
                static_cast<unsigned long long>(o.bandBytes >> 20), mosaic::threadCount());
    std::fflush(stdout);
    std::vector<mosaic::DecodeBenchRow> rows;
    const mosaic::Status st = mosaic::benchDecode(o, &rows, [](const std::string &line) {
        std::fprintf(stderr, "  %s\n", line.c_str());
    });
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic bench: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("%6s %10s %12s %10s %12s %10s %12s\n", "size", "whole s", "whole peak", "banded s", "banded peak",
                "peak ratio", "difference");
    const double mib = 1024.0 * 1024.0;
    for (const auto &r : rows) {
        if (r.wholeSeconds < 0) {
            std::printf("%6d %10s %12s %10.1f %8.0f MiB %10s %12s\n", r.size, "-", "-", r.bandedSeconds,
                        r.bandedPeakBytes / mib, "-", "-");
            continue;
        }
        std::printf("%6d %10.1f %8.0f MiB %10.1f %8.0f MiB %10.2f %12.2e\n", r.size, r.wholeSeconds,
                    r.wholePeakBytes / mib, r.bandedSeconds, r.bandedPeakBytes / mib,
                    r.wholePeakBytes ? static_cast<double>(r.bandedPeakBytes) / r.wholePeakBytes : 0.0,
                    r.relativeDifference);
    }
    return kExitOk;
}

} // namespace cli
