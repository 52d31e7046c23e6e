#include "args.h"

#include <mosaic/tools.h>

#include <cstdio>

namespace cli {

int runForward(const Args &args)
{
    const auto unknown = args.unknown({"model", "inputs", "out", "component", "dtype", "device"});
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
    return kExitOk;
}

} // namespace cli
