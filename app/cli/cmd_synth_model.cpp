// mosaic synth-model: model files with random weights in the layouts of real ones.
#include "args.h"

#include <mosaic/tools.h>

namespace cli {

int runSynthModel(const Args &args)
{
    const auto unknown = args.unknown({"what", "layout", "precision", "hidden", "heads", "double", "single", "context",
                                       "vec", "schnell", "shards", "rank", "base-model", "seed", "latent-channels",
                                       "ae-channels", "mismatched-rank", "size", "txt-tokens"});
    if (!unknown.empty() || !args.error().empty() || args.positional().size() != 1) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic synth-model: unknown option %s\n", u.c_str());
        printUsage("synth-model", stderr);
        return kExitUsage;
    }
    mosaic::SynthModelOptions o;
    o.what = args.value("what", o.what);
    o.layout = args.value("layout", o.what == "lora" ? "peft" : o.layout);
    o.precision = args.value("precision", o.precision);
    o.hidden = args.intValue("hidden", o.hidden);
    o.heads = args.intValue("heads", o.heads);
    o.doubleBlocks = args.intValue("double", o.doubleBlocks);
    o.singleBlocks = args.intValue("single", o.singleBlocks);
    o.contextDim = args.intValue("context", o.contextDim);
    o.vecDim = args.intValue("vec", o.vecDim);
    o.latentChannels = args.intValue("latent-channels", o.latentChannels);
    o.aeChannels = args.intValue("ae-channels", o.aeChannels);
    o.guidance = !args.has("schnell");
    o.shards = args.intValue("shards", o.shards);
    o.rank = args.intValue("rank", o.rank);
    o.mismatchedRank = args.has("mismatched-rank");
    o.baseModel = args.value("base-model");
    o.seed = static_cast<uint64_t>(args.intValue("seed", 1));
    o.size = args.intValue("size", o.size);
    o.textTokens = args.intValue("txt-tokens", o.textTokens);
    const mosaic::Status st = mosaic::synthModelFile(args.positional()[0], o);
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic synth-model: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("wrote %s\n", args.positional()[0].c_str());
    return kExitOk;
}

} // namespace cli
