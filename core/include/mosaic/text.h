#pragma once
// FLUX's text encoders: T5 v1.1 XXL (its hidden states become the transformer's text tokens) and CLIP-L's
// text model (its pooled vector joins the timestep embedding), each with its tokenizer, loaded once and
// reused per prompt.
//
//     mosaic::TextEncoderPaths p;
//     p.t5 = "FLUX.1-dev/text_encoder_2"; p.clip = "FLUX.1-dev/text_encoder";
//     mosaic::Status st;
//     auto encoders = mosaic::TextEncoders::load(p, &st);
//     mosaic::EncodedPrompt e;
//     st = encoders->encode("a cat on a mat", &e);

#include <mosaic/status.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mosaic {

struct TextEncoderPaths
{
    std::string t5;            // a folder (config.json, model.safetensors or shards) or one .safetensors file
    std::string t5Tokenizer;   // a folder or spiece.model / tokenizer.json; "": t5's folder, its ../tokenizer_2, or the shipped one
    std::string clip;          // likewise for CLIP-L's text model
    std::string clipTokenizer; // a folder or vocab.json (merges.txt beside it); "": clip's, ../tokenizer, or the shipped one
    int maxT5Tokens = 512;     // 512 for FLUX.1-dev, 256 for schnell
    std::string dtype = "f32"; // f32 or bf16 (weights stored in bfloat16)
    // Keep both encoders loaded between prompts; false: released after each new prompt is encoded and
    // loaded again for the next one (encoded prompts are cached, so a repeated prompt costs nothing).
    bool keepLoaded = true;
};

struct EncodedPrompt
{
    std::vector<int64_t> t5Ids, clipIds; // padded: [maxT5Tokens], [77]
    int t5Tokens = 0, clipTokens = 0;    // unpadded
    int t5Width = 0, clipWidth = 0;
    std::vector<float> t5Hidden;   // [maxT5Tokens, t5Width]
    std::vector<float> clipHidden; // [77, clipWidth]
    std::vector<float> clipPooled; // [clipWidth]
};

// Encoded prompts are kept for the session in memory and on disk under $XDG_CACHE_HOME/mosaic-studio/
// prompts (~/.cache/...; $MOSAIC_PROMPT_CACHE names another folder, empty turns it off), keyed by the
// prompt and the encoder and tokenizer files' paths, sizes and modification times, the dtype and the
// T5 length: the same prompt with the same files costs a file read.
class TextEncoders
{
public:
    // nullptr with *status (naming the file and what was expected) when something cannot be loaded.
    static std::unique_ptr<TextEncoders> load(const TextEncoderPaths &paths, Status *status);
    ~TextEncoders();
    Status encode(const std::string &prompt, EncodedPrompt *out);
    int t5Width() const;
    int clipWidth() const;
    int maxT5Tokens() const;
    // The tokenizer files in use (the given ones, the model's, or the shipped ones).
    std::string t5TokenizerSource() const;
    std::string clipTokenizerSource() const;
    struct Impl;

private:
    explicit TextEncoders(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The tokenizers shipped with the app (spiece.model; vocab.json and merges.txt), used when a model set
// brings none: "<data>/tokenizers/t5" and ".../clip", or "" when not installed.
std::string shippedTokenizer(const std::string &which);

// t5_ids, clip_ids (I64), t5_hidden, clip_hidden, clip_pooled (F32), as `mosaic encode` writes them.
Status writeEncodedPrompt(const std::string &path, const EncodedPrompt &prompt);

} // namespace mosaic
