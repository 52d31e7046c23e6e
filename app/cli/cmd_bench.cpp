#include "args.h"

#include <mosaic/runtime.h>
#include <mosaic/tools.h>

#include <cstdio>

namespace cli {

int runBench(const Args &args)
{
    if (args.positional().size() != 1 || args.positional()[0] != "transformer") {
        std::fprintf(stderr, "usage: mosaic bench transformer [--hidden 3072] [--heads 24] [--double 1] [--single 1]"
                             " [--tokens 1024] [--txt-tokens 512] [--iters 2] [--dtype f32|bf16|both]\n");
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
