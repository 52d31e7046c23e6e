// The tokenizers of a build without libsentencepiece or libpcre2 (a LibTorch-only build on a machine
// without them): every entry point says what is missing.
#include "text/clip_tokenizer.h"
#include "text/t5_tokenizer.h"

#include "util/error.h"

namespace mosaic::text {

namespace {

[[noreturn]] void missing(const char *what)
{
    throw Error(StatusCode::Unsupported, std::string("this build has no ") + what);
}

} // namespace

struct ClipTokenizer::Pattern
{
};

std::string sentencePieceProtoFromTokenizerJson(const std::string &, const std::string &)
{
    missing("T5 tokenizer (libsentencepiece)");
}
T5Tokenizer T5Tokenizer::load(const std::string &) { missing("T5 tokenizer (libsentencepiece)"); }
T5Tokenizer T5Tokenizer::fromSpieceModel(const std::string &) { missing("T5 tokenizer (libsentencepiece)"); }
T5Tokenizer T5Tokenizer::fromTokenizerJson(const std::string &) { missing("T5 tokenizer (libsentencepiece)"); }
T5Tokenizer T5Tokenizer::fromProto(const std::string &, const std::string &) { missing("T5 tokenizer (libsentencepiece)"); }
std::vector<int> T5Tokenizer::pieces(const std::string &) const { missing("T5 tokenizer (libsentencepiece)"); }
std::vector<int64_t> T5Tokenizer::encode(const std::string &, int, int *) const { missing("T5 tokenizer (libsentencepiece)"); }
int T5Tokenizer::vocabularySize() const { return 0; }

ClipTokenizer ClipTokenizer::load(const std::string &) { missing("CLIP tokenizer (libpcre2)"); }
ClipTokenizer ClipTokenizer::fromFiles(const std::string &, const std::string &) { missing("CLIP tokenizer (libpcre2)"); }
ClipTokenizer ClipTokenizer::fromOpenAiVocabulary(const std::string &) { missing("CLIP tokenizer (libpcre2)"); }
void ClipTokenizer::finish(const std::string &) { missing("CLIP tokenizer (libpcre2)"); }
std::vector<std::string> ClipTokenizer::bpe(const std::string &) const { missing("CLIP tokenizer (libpcre2)"); }
std::vector<int> ClipTokenizer::pieces(const std::string &) const { missing("CLIP tokenizer (libpcre2)"); }
std::vector<int64_t> ClipTokenizer::encode(const std::string &, int, int *) const { missing("CLIP tokenizer (libpcre2)"); }

} // namespace mosaic::text
