#include "args.h"

#include <mosaic/tools.h>

#include <cstdio>

namespace cli {

int runForward(const Args &args)
{
    const auto unknown = args.unknown({"model", "inputs", "out", "component", "dtype", "device", "max-memory", "lora",
                                       "refs", "time"});
    if (!args.error().empty() || !unknown.empty() || !args.positional().empty() || !args.has("model") ||
        !args.has("inputs") || !args.has("out")) {
        if (!args.error().empty())
            std::fprintf(stderr, "mosaic forward: %s\n", args.error().c_str());
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic forward: unknown option %s\n", u.c_str());
        printUsage("forward", stderr);
        return kExitUsage;
    }
    mosaic::ForwardRequest req;
    req.modelPath = args.value("model");
    req.inputsPath = args.value("inputs");
    req.outputPath = args.value("out");
    req.dtype = args.value("dtype", "f32");
    req.device = args.value("device", "cpu");
    req.lora = args.value("lora");
    req.references = args.intValue("refs", 0);
    req.timedRepeats = args.intValue("time", 0);
    if (args.has("max-memory") && !parseByteSize(args.value("max-memory"), &req.maxMemory)) {
        std::fprintf(stderr, "mosaic forward: --max-memory '%s' is not a size (12G, 500M, bytes)\n",
                     args.value("max-memory").c_str());
        return kExitUsage;
    }
    const std::string component = args.value("component", "auto");
    if (component == "transformer")
        req.component = mosaic::Component::Transformer;
    else if (component == "ae-encode")
        req.component = mosaic::Component::AeEncode;
    else if (component == "ae-decode")
        req.component = mosaic::Component::AeDecode;
    else if (component != "auto") {
        std::fprintf(stderr, "mosaic forward: unknown component '%s' (transformer, ae-encode, ae-decode)\n",
                     component.c_str());
        return kExitUsage;
    }
    mosaic::ForwardResult r;
    const mosaic::Status st = mosaic::runForward(req, &r);
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic forward: %s\n", st.message.c_str());
        return kExitFailure;
    }
    std::string names;
    for (const auto &n : r.written)
        names += (names.empty() ? "" : ", ") + n;
    std::printf("%s (%s weights, %s, %s) in %.3f s -> %s [%s]\n", r.component.c_str(), r.layout.c_str(),
                req.dtype.c_str(), req.device.c_str(), r.seconds, req.outputPath.c_str(), names.c_str());
    if (r.component == "transformer")
        std::printf("transformer: %s weights, %d reference(s)%s, %zu block(s) streamed; best of %d forward passes %.3f s; "
                    "peak %s memory %.1f MiB\n",
                    r.precision.c_str(), req.references, req.lora.empty() ? "" : " with the LoRA", r.streamedBlocks,
                    req.timedRepeats, r.bestForwardSeconds, req.device == "cpu" ? "resident" : "device",
                    r.peakDeviceBytes / 1048576.0);
    return kExitOk;
}

} // namespace cli
