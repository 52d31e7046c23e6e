// Tokenizer files from outside: a Hugging Face tokenizer.json made into a SentencePiece model
// (core/text/t5_tokenizer.cpp; the model itself is SentencePiece's to parse), and CLIP's vocab.json
// and merges.txt with a prompt through the byte-level BPE (core/text/clip_tokenizer.cpp). The input's
// first byte picks which; for CLIP the rest is split at the first two NUL bytes into vocab.json,
// merges.txt and the prompt.
#include "fuzz_support.h"

#include "text/clip_tokenizer.h"
#include "text/t5_tokenizer.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const std::string rest(reinterpret_cast<const char *>(data) + 1, size - 1);
    if (data[0] % 2 == 0) {
        FUZZ_GUARD({ mosaic::text::sentencePieceProtoFromTokenizerJson(rest, "tokenizer.json"); });
    }
    const size_t a = rest.find('\0'), b = a == std::string::npos ? a : rest.find('\0', a + 1);
    if (b == std::string::npos)
        return 0;
    const std::string vocab = fuzz::writeFile("vocab.json", data + 1, a);
    fuzz::writeFile("merges.txt", data + 1 + a + 1, b - a - 1);
    FUZZ_GUARD({
        const auto t = mosaic::text::ClipTokenizer::load(vocab);
        t.encode(rest.substr(b + 1), 77);
    });
}
