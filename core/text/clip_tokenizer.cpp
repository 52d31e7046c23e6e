#include "text/clip_tokenizer.h"

#include "util/error.h"
#include "util/json.h"
#include "util/paths.h"
#include "util/strings.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <nlohmann/json.hpp>
#include <pcre2.h>

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
    t.m_byteChar = byteCharacters();
    for (const auto &c : t.m_byteChar)
        if (!t.m_vocab.count(c) || !t.m_vocab.count(c + "</w>"))
            throw Error(StatusCode::CorruptFile, vocabJson + ": not a byte-level CLIP vocabulary (a byte's symbol is missing)");
    t.m_pattern = std::make_shared<Pattern>();
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
