// `mosaic bench encode`: prompts per second through T5 and CLIP at a tiny configuration and at T5-XXL's
// and CLIP-L's widths with few layers (random weights in the real layouts, written to a temporary
// folder), in float32 and bfloat16, and what a cached prompt costs.

#include <mosaic/text.h>
#include <mosaic/runtime.h>
#include <mosaic/tools.h>

#include "io/safetensors.h"
#include "model/clip_text.h"
#include "model/t5.h"
#include "text/clip_tokenizer.h"
#include "text/t5_tokenizer.h"
#include "util/error.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t0)
{
    return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Random weights of the modules' own names and shapes, and the config.json a diffusers folder has.
template <typename Module> void writeRandom(Module &module, const std::string &dir, const std::string &config)
{
    fs::create_directories(dir);
    st::TensorMap tensors;
    at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(7);
    for (const auto &p : module->named_parameters())
        tensors[p.key()] = p.value().dim() == 1 ? at::ones(p.value().sizes())
                                                : at::randn(p.value().sizes(), gen, at::TensorOptions(at::kFloat)) * 0.02;
    st::write(dir + "/model.safetensors", tensors);
    std::ofstream(dir + "/config.json") << config;
}

const char *const kPrompts[] = {
    "a photo of a cat", "Pip the green toy and Moss the blue toy on a beach, Pip on the left, Moss on the right.",
    "A cat holding a sign that says hello world", "a watercolor harbor town at dawn with red sails and a lighthouse"};

} // namespace

Status benchEncode(const EncodeBenchOptions &o, std::vector<EncodeBenchRow> *rows, const ProgressText &progress)
{
    return guarded([&] {
        if (o.prompts < 1 || o.prompts > 1000)
            throw Error(StatusCode::InvalidArgument, "--prompts takes 1 to 1000");
        const std::string t5Tok = shippedTokenizer("t5"), clipTok = shippedTokenizer("clip");
        if (t5Tok.empty() || clipTok.empty())
            throw Error(StatusCode::NotFound, "the shipped tokenizers are not installed (share/mosaic-studio/tokenizers)");
        const auto t5Tokenizer = text::T5Tokenizer::load(t5Tok);
        const auto clipTokenizer = text::ClipTokenizer::load(clipTok);
        const fs::path root = fs::temp_directory_path() / format("mosaic-bench-encode-{}", ::getpid());
        struct Cleanup
        {
            fs::path dir;
            ~Cleanup()
            {
                std::error_code ec;
                fs::remove_all(dir, ec);
            }
        } cleanup{root};
        struct Size
        {
            const char *name;
            model::T5Config t5;
            model::ClipTextConfig clip;
        };
        std::vector<Size> sizes;
        {
            Size tiny{"tiny", {}, {}};
            tiny.t5.d_model = 32, tiny.t5.d_ff = 80, tiny.t5.d_kv = 8, tiny.t5.num_heads = 4, tiny.t5.num_layers = 2;
            tiny.clip.hidden_size = 32, tiny.clip.intermediate_size = 64, tiny.clip.num_attention_heads = 4,
            tiny.clip.num_hidden_layers = 2;
            sizes.push_back(tiny);
            Size wide{"xxl-width", {}, {}}; // T5-XXL's and CLIP-L's widths, `layers` layers each
            wide.t5.num_layers = o.layers;
            wide.clip.num_hidden_layers = o.layers;
            sizes.push_back(wide);
        }
        c10::InferenceMode inference;
        for (const Size &s : sizes) {
            const std::string dir = (root / s.name).string();
            {
                model::T5Encoder t5(s.t5);
                writeRandom(t5, dir + "/t5",
                            format(R"({"model_type": "t5", "feed_forward_proj": "gated-gelu", "vocab_size": {}, "d_model": {},
"d_ff": {}, "d_kv": {}, "num_heads": {}, "num_layers": {}})",
                                   s.t5.vocab_size, s.t5.d_model, s.t5.d_ff, s.t5.d_kv, s.t5.num_heads, s.t5.num_layers));
                model::ClipTextModel clip(s.clip);
                writeRandom(clip, dir + "/clip",
                            format(R"({"model_type": "clip_text_model", "vocab_size": {}, "hidden_size": {}, "intermediate_size": {},
"num_attention_heads": {}, "num_hidden_layers": {}, "max_position_embeddings": 77, "hidden_act": "quick_gelu"})",
                                   s.clip.vocab_size, s.clip.hidden_size, s.clip.intermediate_size, s.clip.num_attention_heads,
                                   s.clip.num_hidden_layers));
            }
            for (const char *dtype : {"f32", "bf16"}) {
                if (std::string(dtype) == "bf16" && !cpuComputesBf16()) { // (bench transformer says why)
                    if (progress)
                        progress(std::string(s.name) + ": bf16 skipped: this CPU has no native bfloat16 (MOSAIC_CPU_BF16=1 forces it)");
                    continue;
                }
                const at::ScalarType dt = std::string(dtype) == "bf16" ? at::kBFloat16 : at::kFloat;
                auto t5 = model::loadT5Encoder(dir + "/t5", dt);
                auto clip = model::loadClipTextModel(dir + "/clip", dt);
                EncodeBenchRow row;
                row.config = s.name;
                row.dtype = dtype;
                row.t5Width = static_cast<int>(s.t5.d_model);
                row.layers = static_cast<int>(s.t5.num_layers);
                t5->forward(at::tensor(t5Tokenizer.encode(kPrompts[0], 512), at::kLong).unsqueeze(0)); // warm-up
                auto t0 = Clock::now();
                for (int i = 0; i < o.prompts; ++i)
                    t5->forward(at::tensor(t5Tokenizer.encode(kPrompts[i % 4], 512), at::kLong).unsqueeze(0));
                row.t5PromptsPerSecond = o.prompts / since(t0);
                clip->forward(at::tensor(clipTokenizer.encode(kPrompts[0], 77), at::kLong).unsqueeze(0), clipTokenizer.endId());
                t0 = Clock::now();
                for (int i = 0; i < o.prompts; ++i)
                    clip->forward(at::tensor(clipTokenizer.encode(kPrompts[i % 4], 77), at::kLong).unsqueeze(0),
                                  clipTokenizer.endId());
                row.clipPromptsPerSecond = o.prompts / since(t0);
                // The cache: encoded once by one session, then read by the next from disk.
                const std::string cache = dir + "/cache-" + dtype;
                const char *before = std::getenv("MOSAIC_PROMPT_CACHE");
                const std::string saved = before ? before : "";
                ::setenv("MOSAIC_PROMPT_CACHE", cache.c_str(), 1);
                TextEncoderPaths p;
                p.t5 = dir + "/t5";
                p.clip = dir + "/clip";
                p.t5Tokenizer = t5Tok;
                p.clipTokenizer = clipTok;
                p.dtype = dtype;
                Status st;
                EncodedPrompt e;
                auto first = TextEncoders::load(p, &st);
                if (first)
                    st = first->encode(kPrompts[1], &e);
                auto second = first ? TextEncoders::load(p, &st) : nullptr;
                if (second) {
                    t0 = Clock::now();
                    st = second->encode(kPrompts[1], &e);
                    row.diskHitMs = since(t0) * 1000;
                    t0 = Clock::now();
                    st = second->encode(kPrompts[1], &e);
                    row.memoryHitMs = since(t0) * 1000;
                }
                if (before)
                    ::setenv("MOSAIC_PROMPT_CACHE", saved.c_str(), 1);
                else
                    ::unsetenv("MOSAIC_PROMPT_CACHE");
                if (!st.ok())
                    throw Error(st.code, st.message);
                rows->push_back(row);
                if (progress)
                    progress(format("{} {}: T5 {} prompts/s, CLIP {} prompts/s", s.name, dtype, row.t5PromptsPerSecond,
                                    row.clipPromptsPerSecond));
            }
        }
    });
}

} // namespace mosaic
