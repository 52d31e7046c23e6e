#include "args.h"

#include <mosaic/text.h>

#include <chrono>
#include <cstdio>

namespace cli {

int runEncode(const Args &args)
{
    const auto unknown = args.unknown({"t5", "t5-tokenizer", "clip", "clip-tokenizer", "prompt", "max-t5-tokens", "dtype", "out"});
    if (!unknown.empty() || !args.error().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic encode: unknown option %s\n", u.c_str());
        if (!args.error().empty())
            std::fprintf(stderr, "mosaic encode: %s\n", args.error().c_str());
        printUsage("encode", stderr);
        return kExitUsage;
    }
    if (!args.has("t5") || !args.has("clip") || !args.has("prompt") || !args.has("out")) {
        std::fprintf(stderr, "mosaic encode: --t5, --clip, --prompt and --out are required\n");
        printUsage("encode", stderr);
        return kExitUsage;
    }
    mosaic::TextEncoderPaths p;
    p.t5 = args.value("t5");
    p.t5Tokenizer = args.value("t5-tokenizer");
    p.clip = args.value("clip");
    p.clipTokenizer = args.value("clip-tokenizer");
    p.maxT5Tokens = args.intValue("max-t5-tokens", p.maxT5Tokens);
    p.dtype = args.value("dtype", p.dtype);
    mosaic::Status st;
    auto encoders = mosaic::TextEncoders::load(p, &st);
    if (!encoders) {
        std::fprintf(stderr, "mosaic encode: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("tokenizers: T5 from %s, CLIP from %s\n", encoders->t5TokenizerSource().c_str(),
                encoders->clipTokenizerSource().c_str());
    mosaic::EncodedPrompt e;
    const auto t0 = std::chrono::steady_clock::now();
    if (st = encoders->encode(args.value("prompt"), &e); !st.ok()) {
        std::fprintf(stderr, "mosaic encode: %s\n", st.message.c_str());
        return kExitFailure;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (st = mosaic::writeEncodedPrompt(args.value("out"), e); !st.ok()) {
        std::fprintf(stderr, "mosaic encode: %s\n", st.message.c_str());
        return kExitFailure;
    }
    std::printf("encoded: %d T5 tokens of %zu, %d CLIP tokens of %zu, T5 width %d, CLIP width %d, %.2f s -> %s\n", e.t5Tokens,
                e.t5Ids.size(), e.clipTokens, e.clipIds.size(), e.t5Width, e.clipWidth, seconds, args.value("out").c_str());
    return kExitOk;
}

} // namespace cli
