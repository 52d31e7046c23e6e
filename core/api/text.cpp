#include <mosaic/pipeline.h>
#include <mosaic/text.h>

#include "io/safetensors.h"
#include "model/clip_text.h"
#include "model/t5.h"
#include "text/clip_tokenizer.h"
#include "text/t5_tokenizer.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <c10/core/InferenceMode.h>

#include <filesystem>
#include <map>
#include <mutex>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

// The tokenizer for an encoder given as `encoder`: the given one, else the encoder's own folder, its
// sibling tokenizer folder (diffusers: text_encoder_2 -> tokenizer_2), else the shipped one.
std::string tokenizerFor(const std::string &given, const std::string &encoder, const char *sibling,
                         std::initializer_list<const char *> files, const char *shipped)
{
    if (!given.empty())
        return given;
    std::error_code ec;
    const fs::path dir = fs::is_directory(encoder, ec) ? fs::path(encoder) : fs::path();
    for (const fs::path &candidate : {dir, dir.empty() ? fs::path() : dir.parent_path() / sibling})
        if (!candidate.empty())
            for (const char *f : files)
                if (fs::is_regular_file(candidate / f, ec))
                    return candidate.string();
    const std::string fallback = shippedTokenizer(shipped);
    if (fallback.empty())
        throw Error(StatusCode::NotFound, format("no {} tokenizer beside {} and none installed with the app; give one",
                                                 shipped, encoder));
    return fallback;
}

at::Tensor tensorOf(const std::vector<float> &v, std::vector<int64_t> shape)
{
    return at::from_blob(const_cast<float *>(v.data()), shape, at::kFloat).clone();
}

} // namespace

std::string shippedTokenizer(const std::string &which)
{
    return findDataFile("tokenizers/" + which);
}

struct TextEncoders::Impl
{
    text::T5Tokenizer t5Tokenizer;
    text::ClipTokenizer clipTokenizer;
    model::T5Encoder t5{nullptr};
    model::ClipTextModel clip{nullptr};
    int maxT5Tokens = 512;
    std::mutex mutex;
    std::map<std::string, EncodedPrompt> cache; // this session's prompts
};

TextEncoders::TextEncoders(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
TextEncoders::~TextEncoders() = default;

std::unique_ptr<TextEncoders> TextEncoders::load(const TextEncoderPaths &p, Status *status)
{
    std::unique_ptr<TextEncoders> out;
    const Status st = guarded([&] {
        if (p.maxT5Tokens < 1 || p.maxT5Tokens > 4096)
            throw Error(StatusCode::InvalidArgument, format("--max-t5-tokens {}: from 1 to 4096", p.maxT5Tokens));
        if (p.dtype != "f32" && p.dtype != "bf16")
            throw Error(StatusCode::InvalidArgument, "the text encoders run in f32 or bf16, not " + p.dtype);
        if (p.t5.empty() || p.clip.empty())
            throw Error(StatusCode::InvalidArgument, "both text encoders are needed: T5 (text_encoder_2) and CLIP (text_encoder)");
        const at::ScalarType dtype = p.dtype == "bf16" ? at::kBFloat16 : at::kFloat;
        auto impl = std::make_unique<Impl>();
        impl->maxT5Tokens = p.maxT5Tokens;
        impl->t5Tokenizer = text::T5Tokenizer::load(
            tokenizerFor(p.t5Tokenizer, p.t5, "tokenizer_2", {"spiece.model", "tokenizer.json"}, "t5"));
        impl->clipTokenizer = text::ClipTokenizer::load(tokenizerFor(p.clipTokenizer, p.clip, "tokenizer", {"vocab.json"}, "clip"));
        impl->t5 = model::loadT5Encoder(p.t5, dtype);
        impl->clip = model::loadClipTextModel(p.clip, dtype);
        if (impl->t5Tokenizer.vocabularySize() > impl->t5->config.vocab_size)
            throw Error(StatusCode::InvalidArgument,
                        format("{}: a tokenizer of {} pieces for a T5 encoder of {} embeddings", impl->t5Tokenizer.source(),
                               impl->t5Tokenizer.vocabularySize(), impl->t5->config.vocab_size));
        if (impl->clipTokenizer.vocabularySize() > impl->clip->config.vocab_size)
            throw Error(StatusCode::InvalidArgument, format("a CLIP tokenizer of {} entries for a CLIP text model of {} embeddings",
                                                            impl->clipTokenizer.vocabularySize(), impl->clip->config.vocab_size));
        out.reset(new TextEncoders(std::move(impl)));
    });
    if (status)
        *status = st;
    return st.ok() ? std::move(out) : nullptr;
}

Status TextEncoders::encode(const std::string &prompt, EncodedPrompt *out)
{
    return guarded([&] {
        Impl &m = *m_impl;
        std::lock_guard<std::mutex> lock(m.mutex);
        if (const auto it = m.cache.find(prompt); it != m.cache.end()) {
            *out = it->second;
            return;
        }
        c10::InferenceMode inference;
        EncodedPrompt e;
        e.t5Ids = m.t5Tokenizer.encode(prompt, m.maxT5Tokens, &e.t5Tokens);
        e.clipIds = m.clipTokenizer.encode(prompt, static_cast<int>(m.clip->config.max_position_embeddings), &e.clipTokens);
        const at::Tensor t5 = m.t5->forward(at::tensor(e.t5Ids, at::kLong).unsqueeze(0))[0].contiguous();
        const auto clip = m.clip->forward(at::tensor(e.clipIds, at::kLong).unsqueeze(0), m.clipTokenizer.endId());
        e.t5Width = static_cast<int>(t5.size(1));
        e.t5Hidden.assign(t5.data_ptr<float>(), t5.data_ptr<float>() + t5.numel());
        const at::Tensor hidden = clip.hidden[0].contiguous(), pooled = clip.pooled[0].contiguous();
        e.clipWidth = static_cast<int>(hidden.size(1));
        e.clipHidden.assign(hidden.data_ptr<float>(), hidden.data_ptr<float>() + hidden.numel());
        e.clipPooled.assign(pooled.data_ptr<float>(), pooled.data_ptr<float>() + pooled.numel());
        m.cache.emplace(prompt, e);
        *out = std::move(e);
    });
}

Status writeEncodedPrompt(const std::string &path, const EncodedPrompt &e)
{
    return guarded([&] {
        st::TensorMap t;
        t["t5_ids"] = at::tensor(e.t5Ids, at::kLong);
        t["clip_ids"] = at::tensor(e.clipIds, at::kLong);
        t["t5_hidden"] = tensorOf(e.t5Hidden, {static_cast<int64_t>(e.t5Ids.size()), e.t5Width});
        t["clip_hidden"] = tensorOf(e.clipHidden, {static_cast<int64_t>(e.clipIds.size()), e.clipWidth});
        t["clip_pooled"] = tensorOf(e.clipPooled, {e.clipWidth});
        st::write(path, t, {{"t5_tokens", std::to_string(e.t5Tokens)}, {"clip_tokens", std::to_string(e.clipTokens)}});
    });
}

} // namespace mosaic
