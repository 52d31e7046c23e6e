#pragma once
// CLIP's byte-level BPE tokenizer (OpenAI's, as FLUX pipelines use it for CLIP-L): the text
// whitespace-collapsed and lower-cased, split by CLIP's Unicode pattern (PCRE2, Debian's libpcre2),
// each piece's UTF-8 bytes mapped to printable characters, merged by rank from merges.txt, looked up in
// vocab.json; `<|startoftext|>` ids `<|endoftext|>`, truncated, padded with `<|endoftext|>`.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace mosaic::text {

class ClipTokenizer
{
public:
    // A folder holding vocab.json and merges.txt (or OpenAI's bpe_simple_vocab_16e6.txt.gz), vocab.json
    // itself (merges.txt beside it), or the .gz file. Throws
    // mosaic::Error naming the file and what was expected.
    static ClipTokenizer load(const std::string &path);
    static ClipTokenizer fromFiles(const std::string &vocabJson, const std::string &mergesTxt);
    // OpenAI's bpe_simple_vocab_16e6.txt.gz: the same merges, the vocabulary built from them as
    // OpenAI's simple_tokenizer.py builds it (bytes, bytes + </w>, the merged pairs, the two specials).
    static ClipTokenizer fromOpenAiVocabulary(const std::string &gz);

    std::vector<int> pieces(const std::string &text) const; // without the start and end tokens
    // <|startoftext|>, the pieces truncated to maxTokens - 2, <|endoftext|>, padded with
    // <|endoftext|> to maxTokens. *used: the unpadded length.
    std::vector<int64_t> encode(const std::string &text, int maxTokens = 77, int *used = nullptr) const;
    int64_t startId() const { return m_start; }
    int64_t endId() const { return m_end; }
    int vocabularySize() const { return static_cast<int>(m_vocab.size()); }

private:
    struct Pattern;
    void finish(const std::string &source);
    std::vector<std::string> bpe(const std::string &piece) const;
    std::unordered_map<std::string, int> m_vocab;
    std::unordered_map<std::string, int> m_ranks; // "left right" -> merge rank
    std::vector<std::string> m_byteChar;          // 256 entries: a byte's printable character (UTF-8)
    std::shared_ptr<Pattern> m_pattern;
    int64_t m_start = -1, m_end = -1;
};

} // namespace mosaic::text
