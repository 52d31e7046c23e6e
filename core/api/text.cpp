#include <mosaic/pipeline.h>
#include <mosaic/text.h>

#include "io/safetensors.h"
#include "model/clip_text.h"
#include "model/t5.h"
#include "text/clip_tokenizer.h"
#include "text/t5_tokenizer.h"
#include "util/error.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/strings.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>
#include <cstdlib>
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

// FNV-1a, 64 bits: the same key on every build and machine.
uint64_t fnv1a(const std::string &s, uint64_t h = 0xcbf29ce484222325ull)
{
    for (unsigned char c : s) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    return h;
}

// What identifies an encoder file for the cache: its path, size and modification time (a file
// replaced in place gets new entries).
std::string identity(const std::string &path)
{
    std::error_code ec;
    std::string out = fs::absolute(path, ec).lexically_normal().string();
    std::vector<fs::path> files;
    if (fs::is_directory(path, ec)) {
        for (fs::directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec))
            files.push_back(it->path());
        std::sort(files.begin(), files.end());
    } else {
        files.push_back(path);
    }
    for (const auto &f : files) {
        const auto size = fs::file_size(f, ec);
        const auto time = fs::last_write_time(f, ec).time_since_epoch().count();
        out += format("|{}:{}:{}", f.filename().string(), ec ? 0 : size, ec ? 0 : time);
    }
    return out;
}

// $XDG_CACHE_HOME/mosaic-studio/prompts, else ~/.cache/mosaic-studio/prompts; "" when neither.
std::string promptCacheDirectory()
{
    if (const char *dir = std::getenv("MOSAIC_PROMPT_CACHE"); dir)
        return dir; // "" turns the disk cache off
    if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
        return (fs::path(xdg) / "mosaic-studio" / "prompts").string();
    if (const char *home = std::getenv("HOME"); home && *home)
        return (fs::path(home) / ".cache" / "mosaic-studio" / "prompts").string();
    return {};
}

// A cached prompt, when its file is whole and of the expected sizes.
bool readCached(const std::string &path, int maxT5Tokens, EncodedPrompt *out)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return false;
    try {
        const auto f = st::File::open(path);
        auto floats = [&](const char *name, std::vector<float> *v) {
            const at::Tensor t = f->tensor(name).to(at::kFloat).contiguous();
            v->assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
            return t;
        };
        auto longs = [&](const char *name, std::vector<int64_t> *v) {
            const at::Tensor t = f->tensor(name).to(at::kLong).contiguous();
            v->assign(t.data_ptr<int64_t>(), t.data_ptr<int64_t>() + t.numel());
        };
        EncodedPrompt e;
        longs("t5_ids", &e.t5Ids);
        longs("clip_ids", &e.clipIds);
        const at::Tensor t5 = floats("t5_hidden", &e.t5Hidden), clip = floats("clip_hidden", &e.clipHidden);
        floats("clip_pooled", &e.clipPooled);
        if (static_cast<int>(e.t5Ids.size()) != maxT5Tokens || t5.dim() != 2 || clip.dim() != 2 ||
            t5.size(0) != maxT5Tokens || clip.size(0) != static_cast<int64_t>(e.clipIds.size()) ||
            static_cast<int64_t>(e.clipPooled.size()) != clip.size(1))
            return false;
        e.t5Width = static_cast<int>(t5.size(1));
        e.clipWidth = static_cast<int>(clip.size(1));
        e.t5Tokens = std::stoi(f->metadata().at("t5_tokens"));
        e.clipTokens = std::stoi(f->metadata().at("clip_tokens"));
        *out = std::move(e);
        return true;
    } catch (const std::exception &) {
        return false; // a damaged entry: encoded again and rewritten
    }
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
    int t5Width = 0, clipWidth = 0, clipPositions = 77;
    TextEncoderPaths paths;
    at::ScalarType dtype = at::kFloat;
    bool loaded = false;
    std::string clipTokenizerPath;
    std::string identity;                       // the encoders' and tokenizers' files, dtype, length
    std::mutex mutex;
    std::map<std::string, EncodedPrompt> cache; // this session's prompts
    void ensureLoaded()
    {
        if (loaded)
            return;
        t5 = model::loadT5Encoder(paths.t5, dtype);
        clip = model::loadClipTextModel(paths.clip, dtype);
        loaded = true;
    }
    // After a prompt, unless asked to stay: the encoders' memory goes back (T5 XXL is 9.5 GB in bf16).
    void releaseUnlessKept()
    {
        if (paths.keepLoaded || !loaded)
            return;
        t5 = nullptr;
        clip = nullptr;
        loaded = false;
        log::info("core.text", "text encoders released after encoding (they load again for a new prompt)");
    }
    std::string cachePath(const std::string &prompt) const
    {
        const std::string dir = promptCacheDirectory();
        return dir.empty() ? std::string() : (fs::path(dir) / format("{}.safetensors", fnv1a(prompt, fnv1a(identity)))).string();
    }
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
        const std::string t5Tokenizer = tokenizerFor(p.t5Tokenizer, p.t5, "tokenizer_2", {"spiece.model", "tokenizer.json"}, "t5"),
                          clipTokenizer = tokenizerFor(p.clipTokenizer, p.clip, "tokenizer", {"vocab.json"}, "clip");
        impl->t5Tokenizer = text::T5Tokenizer::load(t5Tokenizer);
        impl->clipTokenizer = text::ClipTokenizer::load(clipTokenizer);
        impl->clipTokenizerPath = clipTokenizer;
        log::info("core.text", "tokenizers: T5 from {}, CLIP from {}", impl->t5Tokenizer.source(), clipTokenizer);
        impl->identity = format("v1|{}|{}|{}|{}|{}|{}", identity(p.t5), identity(t5Tokenizer), identity(p.clip),
                                identity(clipTokenizer), p.dtype, p.maxT5Tokens);
        impl->paths = p;
        impl->dtype = dtype;
        impl->ensureLoaded();
        impl->t5Width = static_cast<int>(impl->t5->config.d_model);
        impl->clipWidth = static_cast<int>(impl->clip->config.hidden_size);
        impl->clipPositions = static_cast<int>(impl->clip->config.max_position_embeddings);
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
        const std::string cached = m.cachePath(prompt);
        if (!cached.empty() && readCached(cached, m.maxT5Tokens, out)) {
            m.cache.emplace(prompt, *out);
            return;
        }
        c10::InferenceMode inference;
        EncodedPrompt e;
        m.ensureLoaded();
        e.t5Ids = m.t5Tokenizer.encode(prompt, m.maxT5Tokens, &e.t5Tokens);
        e.clipIds = m.clipTokenizer.encode(prompt, m.clipPositions, &e.clipTokens);
        const at::Tensor t5 = m.t5->forward(at::tensor(e.t5Ids, at::kLong).unsqueeze(0))[0].contiguous();
        const auto clip = m.clip->forward(at::tensor(e.clipIds, at::kLong).unsqueeze(0), m.clipTokenizer.endId());
        e.t5Width = static_cast<int>(t5.size(1));
        e.t5Hidden.assign(t5.data_ptr<float>(), t5.data_ptr<float>() + t5.numel());
        const at::Tensor hidden = clip.hidden[0].contiguous(), pooled = clip.pooled[0].contiguous();
        e.clipWidth = static_cast<int>(hidden.size(1));
        e.clipHidden.assign(hidden.data_ptr<float>(), hidden.data_ptr<float>() + hidden.numel());
        e.clipPooled.assign(pooled.data_ptr<float>(), pooled.data_ptr<float>() + pooled.numel());
        m.cache.emplace(prompt, e);
        m.releaseUnlessKept();
        if (!cached.empty()) { // the disk cache is a convenience: a full disk only logs
            std::string error;
            if (!makeDirectories(fs::path(cached).parent_path().string(), &error) || !writeEncodedPrompt(cached, e).ok())
                log::warn("core.text", "cannot keep the encoded prompt in {}", cached);
        }
        *out = std::move(e);
    });
}

int TextEncoders::t5Width() const
{
    return m_impl->t5Width;
}

int TextEncoders::clipWidth() const
{
    return m_impl->clipWidth;
}

int TextEncoders::maxT5Tokens() const
{
    return m_impl->maxT5Tokens;
}

std::string TextEncoders::t5TokenizerSource() const
{
    return m_impl->t5Tokenizer.source();
}

std::string TextEncoders::clipTokenizerSource() const
{
    return m_impl->clipTokenizerPath;
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
