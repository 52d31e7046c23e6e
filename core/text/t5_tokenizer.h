#pragma once
// T5 v1.1's tokenizer, as FLUX pipelines use it: SentencePiece (Debian's libsentencepiece, loaded
// through its own module: spm_library.h) on the
// Unigram model of `spiece.model`, or on the same model rebuilt from a Hugging Face `tokenizer.json`
// (its pieces and scores, its precompiled normaliser, whitespace handling from its normalisers and
// pre-tokeniser), so that one library encodes both and folders that ship only one of the two work.
// The tokenizer.json's added `<extra_id_N>` tokens become user-defined pieces (typed, they are that
// token, as in Hugging Face's tokenizer); spiece.model has no such pieces.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mosaic::text {

// A Hugging Face tokenizer.json (its text) as a serialised SentencePiece ModelProto; throws Error
// naming `source` when it is not a Unigram tokenizer.
std::string sentencePieceProtoFromTokenizerJson(const std::string &text, const std::string &source);

class T5Tokenizer
{
public:
    static constexpr int64_t kPad = 0;
    static constexpr int64_t kEos = 1;
    // A folder holding spiece.model (preferred) or tokenizer.json, or either file. Throws
    // mosaic::Error naming the file and what was expected.
    static T5Tokenizer load(const std::string &path);
    static T5Tokenizer fromSpieceModel(const std::string &file);
    static T5Tokenizer fromTokenizerJson(const std::string &file);
    // A serialised SentencePiece ModelProto; `source` names it in messages.
    static T5Tokenizer fromProto(const std::string &proto, const std::string &source);

    // The pieces' ids (no </s>).
    std::vector<int> pieces(const std::string &text) const;
    // FLUX's use: the pieces' ids truncated to maxTokens - 1, then </s>, padded with kPad to maxTokens.
    // *used: the unpadded length.
    std::vector<int64_t> encode(const std::string &text, int maxTokens, int *used = nullptr) const;
    int vocabularySize() const;
    const std::string &source() const { return m_source; }

private:
    std::shared_ptr<void> m_sp; // the SentencePiece processor, through spm_library.h
    std::string m_source;
};

} // namespace mosaic::text
