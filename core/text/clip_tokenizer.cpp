#include "text/clip_tokenizer.h"

#include "util/error.h"
#include "util/json.h"
#include "util/paths.h"
#include "util/strings.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <nlohmann/json.hpp>
#include <pcre2.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <clocale>
#include <cwctype>
#include <filesystem>
#include <locale.h>
#include <sstream>

namespace fs = std::filesystem;

namespace mosaic::text {

namespace {

constexpr uint64_t kMaxVocabBytes = 64ull << 20; // vocab.json is 1.1 MB
constexpr uint64_t kMaxMergesBytes = 64ull << 20; // merges.txt is 0.5 MB
constexpr size_t kMaxEntries = 1u << 20;
constexpr size_t kMaxPromptBytes = 1u << 20;

// CLIP's pre-tokenisation (OpenAI's simple_tokenizer.py), case-insensitive, Unicode properties.
const char *const kPattern = R"(<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+)";

std::string utf8(char32_t c)
{
    std::string out;
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3f)));
    }
    return out;
}

// UTF-8 -> code points; an invalid byte becomes U+FFFD, as Python's decode(errors="replace").
std::u32string decodeUtf8(const std::string &s)
{
    std::u32string out;
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        int n = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
        char32_t c = n == 0 ? b : n == 1 ? (b & 0x1f) : n == 2 ? (b & 0x0f) : (b & 0x07);
        bool ok = n >= 0 && i + static_cast<size_t>(n) < s.size() + (n == 0 ? 1 : 0);
        for (int k = 1; ok && k <= n; ++k) {
            const auto cb = static_cast<unsigned char>(s[i + static_cast<size_t>(k)]);
            ok = (cb >> 6) == 2;
            c = (c << 6) | (cb & 0x3f);
        }
        if (!ok) {
            out.push_back(0xfffd);
            ++i;
            continue;
        }
        out.push_back(c);
        i += static_cast<size_t>(n) + 1;
    }
    return out;
}

// GPT-2's byte -> printable character table: printable Latin-1 bytes stand for themselves, the rest
// for 256, 257, ... in byte order.
std::vector<std::string> byteCharacters()
{
    std::vector<std::string> table(256);
    int next = 0;
    for (int b = 0; b < 256; ++b) {
        const bool printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
        table[static_cast<size_t>(b)] = utf8(printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + next++));
    }
    return table;
}

// Python's str.lower() per code point (glibc's Unicode tables through a UTF-8 locale).
std::string lower(const std::string &text)
{
    static const locale_t loc = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    std::string out;
    for (char32_t c : decodeUtf8(text))
        out += utf8(loc ? static_cast<char32_t>(towlower_l(static_cast<wint_t>(c), loc)) : (c < 0x80 ? static_cast<char32_t>(std::tolower(static_cast<int>(c))) : c));
    return out;
}

struct CodeDeleter
{
    void operator()(pcre2_code *c) const { pcre2_code_free(c); }
};

std::unique_ptr<pcre2_code, CodeDeleter> compile(const char *pattern, uint32_t options)
{
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code *code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern), PCRE2_ZERO_TERMINATED,
                                     options | PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF, &error, &offset, nullptr);
    if (!code) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error, message, sizeof message);
        throw Error(StatusCode::Internal, std::string("CLIP tokenizer pattern: ") + reinterpret_cast<char *>(message));
    }
    return std::unique_ptr<pcre2_code, CodeDeleter>(code);
}

// Every match of `code` in `text`, in order.
std::vector<std::string> matches(const pcre2_code *code, const std::string &text)
{
    std::vector<std::string> out;
    std::unique_ptr<pcre2_match_data, void (*)(pcre2_match_data *)> data(pcre2_match_data_create_from_pattern(code, nullptr),
                                                                          pcre2_match_data_free);
    PCRE2_SIZE start = 0;
    while (start < text.size()) {
        const int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), start, 0, data.get(), nullptr);
        if (rc < 0)
            break; // PCRE2_ERROR_NOMATCH, or text it cannot match
        const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(data.get());
        if (ov[1] <= ov[0]) { // an empty match cannot come from this pattern; step on regardless
            start = ov[0] + 1;
            continue;
        }
        out.emplace_back(text.substr(ov[0], ov[1] - ov[0]));
        start = ov[1];
    }
    return out;
}

} // namespace

struct ClipTokenizer::Pattern
{
    std::unique_ptr<pcre2_code, CodeDeleter> pieces = compile(kPattern, PCRE2_CASELESS);
    std::unique_ptr<pcre2_code, CodeDeleter> space = compile(R"(\s+)", 0);
};

ClipTokenizer ClipTokenizer::load(const std::string &path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        const fs::path vocab = fs::path(path) / "vocab.json", merges = fs::path(path) / "merges.txt";
        if (!fs::is_regular_file(vocab, ec) && fs::is_regular_file(fs::path(path) / "bpe_simple_vocab_16e6.txt.gz", ec))
            return fromOpenAiVocabulary((fs::path(path) / "bpe_simple_vocab_16e6.txt.gz").string());
        if (!fs::is_regular_file(vocab, ec)) {
            if (fs::is_regular_file(fs::path(path) / "spiece.model", ec) || fs::is_regular_file(fs::path(path) / "tokenizer.json", ec))
                throw Error(StatusCode::InvalidArgument,
                            path + ": a T5 tokenizer folder (spiece.model, tokenizer.json); CLIP's is vocab.json with merges.txt");
            throw Error(StatusCode::NotFound, path + ": no CLIP tokenizer here (expected vocab.json and merges.txt)");
        }
        return fromFiles(vocab.string(), merges.string());
    }
    const std::string name = fileNameOf(path);
    if (name == "spiece.model" || name == "tokenizer.json")
        throw Error(StatusCode::InvalidArgument, path + ": a T5 tokenizer file; CLIP's is vocab.json with merges.txt");
    if (endsWith(name, ".gz"))
        return fromOpenAiVocabulary(path);
    return fromFiles(path, (fs::path(path).parent_path() / "merges.txt").string());
}

ClipTokenizer ClipTokenizer::fromFiles(const std::string &vocabJson, const std::string &mergesTxt)
{
    ClipTokenizer t;
    std::error_code ec;
    if (!fs::is_regular_file(mergesTxt, ec))
        throw Error(StatusCode::NotFound,
                    mergesTxt + ": not found; a CLIP tokenizer needs merges.txt beside vocab.json (" + vocabJson + ")");
    const nlohmann::json vocab = parseBoundedJson(readFileBounded(vocabJson, kMaxVocabBytes, "CLIP vocab.json"), vocabJson,
                                                  {kMaxVocabBytes, 4});
    if (!vocab.is_object() || vocab.empty() || vocab.size() > kMaxEntries)
        throw Error(StatusCode::CorruptFile, vocabJson + ": not a CLIP vocab.json (an object of token -> id)");
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0 || it.value().get<int64_t>() > INT_MAX)
            throw Error(StatusCode::CorruptFile, vocabJson + ": the id of '" + it.key() + "' is not a whole number");
        t.m_vocab.emplace(it.key(), it.value().get<int>());
    }
    auto special = [&](const char *token) {
        const auto it = t.m_vocab.find(token);
        if (it == t.m_vocab.end())
            throw Error(StatusCode::CorruptFile, vocabJson + ": not a CLIP vocabulary (no " + token + ")");
        return static_cast<int64_t>(it->second);
    };
    t.m_start = special("<|startoftext|>");
    t.m_end = special("<|endoftext|>");
    std::istringstream merges(readFileBounded(mergesTxt, kMaxMergesBytes, "CLIP merges.txt"));
    std::string line;
    int rank = 0, lineNo = 0;
    while (std::getline(merges, line)) {
        ++lineNo;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || (lineNo == 1 && startsWith(line, "#version")))
            continue;
        const size_t space = line.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 >= line.size() || line.find(' ', space + 1) != std::string::npos)
            throw Error(StatusCode::CorruptFile, format("{}: line {} is not a merge (two symbols separated by a space)", mergesTxt, lineNo));
        if (t.m_ranks.size() >= kMaxEntries)
            throw Error(StatusCode::CorruptFile, mergesTxt + ": more merges than any CLIP tokenizer has");
        t.m_ranks.emplace(line, rank++);
    }
    if (t.m_ranks.empty())
        throw Error(StatusCode::CorruptFile, mergesTxt + ": no merges");
    t.finish(vocabJson);
    return t;
}

void ClipTokenizer::finish(const std::string &source)
{
    m_byteChar = byteCharacters();
    for (const auto &c : m_byteChar)
        if (!m_vocab.count(c) || !m_vocab.count(c + "</w>"))
            throw Error(StatusCode::CorruptFile, source + ": not a byte-level CLIP vocabulary (a byte's symbol is missing)");
    m_pattern = std::make_shared<Pattern>();
}

ClipTokenizer ClipTokenizer::fromOpenAiVocabulary(const std::string &gz)
{
    // Decompressed with zlib, bounded (the file holds 1.6 MB of text).
    const std::string packed = readFileBounded(gz, kMaxMergesBytes, "CLIP bpe_simple_vocab_16e6.txt.gz");
    std::string text;
    {
        z_stream z{};
        if (inflateInit2(&z, 15 + 32) != Z_OK) // gzip or zlib header
            throw Error(StatusCode::Internal, "zlib cannot start");
        z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(packed.data()));
        z.avail_in = static_cast<uInt>(packed.size());
        char buf[1 << 16];
        int rc = Z_OK;
        while (rc == Z_OK) {
            z.next_out = reinterpret_cast<Bytef *>(buf);
            z.avail_out = sizeof buf;
            rc = inflate(&z, Z_NO_FLUSH);
            text.append(buf, sizeof buf - z.avail_out);
            if (text.size() > kMaxMergesBytes)
                rc = Z_BUF_ERROR;
        }
        inflateEnd(&z);
        if (rc != Z_STREAM_END)
            throw Error(StatusCode::CorruptFile, gz + ": not a gzip file of CLIP merges (or larger than any)");
    }
    // simple_tokenizer.py: merges = lines[1:49152-256-2+1]; vocab = the bytes' symbols in its table's
    // order, the same with </w>, each merge joined, <|startoftext|>, <|endoftext|>.
    std::vector<std::string> merges;
    std::istringstream lines(text);
    std::string line;
    for (int n = 0; std::getline(lines, line) && merges.size() < 49152 - 256 - 2; ++n)
        if (n > 0)
            merges.push_back(line);
    ClipTokenizer t;
    std::vector<std::string> symbols;
    const std::vector<std::string> bytes = byteCharacters();
    for (int pass = 0; pass < 2; ++pass) // printable bytes first, then the rest, as bytes_to_unicode orders them
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
            if (printable == (pass == 0))
                symbols.push_back(bytes[static_cast<size_t>(b)]);
        }
    std::vector<std::string> vocab = symbols;
    for (const auto &s : symbols)
        vocab.push_back(s + "</w>");
    int rank = 0;
    for (const auto &m : merges) {
        const size_t space = m.find(' ');
        if (space == std::string::npos || space == 0 || space + 1 >= m.size())
            throw Error(StatusCode::CorruptFile, format("{}: merge {} is not two symbols separated by a space", gz, rank + 1));
        t.m_ranks.emplace(m, rank++);
        vocab.push_back(m.substr(0, space) + m.substr(space + 1));
    }
    vocab.emplace_back("<|startoftext|>");
    vocab.emplace_back("<|endoftext|>");
    for (size_t i = 0; i < vocab.size(); ++i)
        t.m_vocab.emplace(vocab[i], static_cast<int>(i));
    t.m_start = t.m_vocab.at("<|startoftext|>");
    t.m_end = t.m_vocab.at("<|endoftext|>");
    t.finish(gz);
    return t;
}

std::vector<std::string> ClipTokenizer::bpe(const std::string &piece) const
{
    // The piece's bytes as symbols, the last one marked as a word's end.
    std::vector<std::string> word;
    for (unsigned char b : piece)
        word.push_back(m_byteChar[b]);
    if (word.empty())
        return word;
    word.back() += "</w>";
    while (word.size() > 1) {
        int best = INT_MAX;
        size_t at = 0;
        for (size_t i = 0; i + 1 < word.size(); ++i) {
            const auto it = m_ranks.find(word[i] + " " + word[i + 1]);
            if (it != m_ranks.end() && it->second < best) {
                best = it->second;
                at = i;
            }
        }
        if (best == INT_MAX)
            break;
        // Merge every occurrence of that pair, left to right.
        const std::string first = word[at], second = word[at + 1];
        std::vector<std::string> merged;
        for (size_t i = 0; i < word.size();) {
            if (i + 1 < word.size() && word[i] == first && word[i + 1] == second) {
                merged.push_back(first + second);
                i += 2;
            } else {
                merged.push_back(word[i++]);
            }
        }
        word.swap(merged);
    }
    return word;
}

std::vector<int> ClipTokenizer::pieces(const std::string &text) const
{
    if (!m_pattern)
        throw Error(StatusCode::InvalidArgument, "no CLIP tokenizer is loaded");
    if (text.size() > kMaxPromptBytes)
        throw Error(StatusCode::InvalidArgument, "a prompt of more than 1 MB");
    // whitespace_clean: runs of whitespace -> one space, stripped; then lower-cased.
    std::string clean;
    {
        PCRE2_SIZE length = text.size() * 2 + 16;
        std::string buffer(length, '\0');
        const int rc = pcre2_substitute(m_pattern->space.get(), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                                        PCRE2_SUBSTITUTE_GLOBAL, nullptr, nullptr, reinterpret_cast<PCRE2_SPTR>(" "), 1,
                                        reinterpret_cast<PCRE2_UCHAR *>(buffer.data()), &length);
        clean = rc >= 0 ? buffer.substr(0, length) : text;
    }
    const size_t first = clean.find_first_not_of(' '), last = clean.find_last_not_of(' ');
    clean = first == std::string::npos ? std::string() : lower(clean.substr(first, last - first + 1));
    std::vector<int> ids;
    for (const std::string &piece : matches(m_pattern->pieces.get(), clean)) {
        if (piece == "<|startoftext|>" || piece == "<|endoftext|>") { // typed: that token
            ids.push_back(static_cast<int>(piece == "<|startoftext|>" ? m_start : m_end));
            continue;
        }
        for (const std::string &symbol : bpe(piece)) {
            const auto it = m_vocab.find(symbol);
            if (it != m_vocab.end())
                ids.push_back(it->second);
        }
    }
    return ids;
}

std::vector<int64_t> ClipTokenizer::encode(const std::string &text, int maxTokens, int *used) const
{
    if (maxTokens < 2)
        throw Error(StatusCode::InvalidArgument, "a CLIP sequence holds at least its start and end tokens");
    const std::vector<int> ids = pieces(text);
    std::vector<int64_t> out(static_cast<size_t>(maxTokens), m_end);
    out[0] = m_start;
    const size_t kept = std::min(ids.size(), static_cast<size_t>(maxTokens) - 2);
    for (size_t i = 0; i < kept; ++i)
        out[i + 1] = ids[i];
    out[kept + 1] = m_end;
    if (used)
        *used = static_cast<int>(kept) + 2;
    return out;
}

} // namespace mosaic::text
