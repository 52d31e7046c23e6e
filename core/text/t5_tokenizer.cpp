#include "text/t5_tokenizer.h"

#include "text/spm_library.h"

#include "util/error.h"
#include "util/json.h"
#include "util/paths.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <filesystem>

namespace fs = std::filesystem;

namespace mosaic::text {

namespace {

constexpr uint64_t kMaxModelBytes = 64ull << 20;  // spiece.model is 0.8 MB
constexpr uint64_t kMaxJsonBytes = 256ull << 20;  // tokenizer.json is 2.4 MB
constexpr size_t kMaxPieces = 1u << 20;

// ---- the protobuf wire format of sentencepiece_model.proto's ModelProto, written by hand: Debian's
// libsentencepiece-dev ships no generated message classes, and the processor loads serialised bytes.

void varint(std::string *out, uint64_t v)
{
    while (v >= 0x80) {
        out->push_back(static_cast<char>((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out->push_back(static_cast<char>(v));
}

void tag(std::string *out, int field, int wire)
{
    varint(out, static_cast<uint64_t>(field) << 3 | static_cast<uint64_t>(wire));
}

void bytesField(std::string *out, int field, const std::string &bytes)
{
    tag(out, field, 2);
    varint(out, bytes.size());
    out->append(bytes);
}

void intField(std::string *out, int field, int64_t v)
{
    tag(out, field, 0);
    varint(out, static_cast<uint64_t>(v)); // negative int32: ten bytes, as protobuf writes them
}

void floatField(std::string *out, int field, float v)
{
    tag(out, field, 5);
    char b[4];
    std::memcpy(b, &v, 4); // little-endian on every machine this builds for
    out->append(b, 4);
}

std::string base64Decode(const std::string &in, const std::string &what)
{
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z')
            return c - 'A';
        if (c >= 'a' && c <= 'z')
            return c - 'a' + 26;
        if (c >= '0' && c <= '9')
            return c - '0' + 52;
        if (c == '+')
            return 62;
        if (c == '/')
            return 63;
        return -1;
    };
    std::string out;
    out.reserve(in.size() / 4 * 3);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=')
            break;
        const int v = value(c);
        if (v < 0)
            throw Error(StatusCode::CorruptFile, what + ": the precompiled normaliser is not base64");
        acc = acc << 6 | static_cast<uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

enum PieceType { Normal = 1, Unknown = 2, Control = 3, UserDefined = 4 };

} // namespace

namespace {

std::string protoFromTokenizerJson(const std::string &text, const std::string &file)
{
    const nlohmann::json j = parseBoundedJson(text, file, {kMaxJsonBytes, 16});
    auto bad = [&](const std::string &why) {
        return Error(StatusCode::CorruptFile, file + ": not a T5 tokenizer.json (" + why + ")");
    };
    if (!j.is_object() || !j.contains("model") || !j["model"].is_object())
        throw bad("no \"model\"");
    const auto &model = j["model"];
    if (model.value("type", std::string()) != "Unigram")
        throw bad(format("its model is \"{}\", T5's is a Unigram model; a CLIP tokenizer is vocab.json with merges.txt",
                         model.value("type", std::string("none"))));
    const auto &vocab = model.value("vocab", nlohmann::json());
    if (!vocab.is_array() || vocab.empty() || vocab.size() > kMaxPieces)
        throw bad("\"model.vocab\" is not a list of pieces");
    const int64_t unk = model.value("unk_id", int64_t{-1});
    if (unk < 0 || unk >= static_cast<int64_t>(vocab.size()))
        throw bad("\"model.unk_id\" is not one of its pieces");
    // Special tokens by id: <pad> and </s> are control pieces, the rest of the added specials
    // (<extra_id_N>) user-defined pieces.
    std::vector<int> types(vocab.size(), Normal);
    types[static_cast<size_t>(unk)] = Unknown;
    int64_t eos = -1, pad = -1;
    for (const auto &a : j.value("added_tokens", nlohmann::json::array())) {
        if (!a.is_object() || !a.value("special", false))
            continue;
        const int64_t id = a.value("id", int64_t{-1});
        const std::string content = a.value("content", std::string());
        if (id < 0 || id >= static_cast<int64_t>(vocab.size()) || id == unk)
            continue;
        if (content == "</s>")
            eos = id;
        if (content == "<pad>")
            pad = id;
        types[static_cast<size_t>(id)] = content == "</s>" || content == "<pad>" ? Control : UserDefined;
    }
    // The normaliser: a precompiled character map (nmt_nfkc) and whether runs of spaces collapse.
    std::string charsmap;
    bool collapse = false, dummyPrefix = true;
    std::vector<nlohmann::json> normalizers;
    if (const auto &n = j.value("normalizer", nlohmann::json()); n.is_object()) {
        if (n.value("type", std::string()) == "Sequence" && n.value("normalizers", nlohmann::json()).is_array())
            for (const auto &x : n["normalizers"])
                normalizers.push_back(x);
        else
            normalizers.push_back(n);
    }
    for (const auto &n : normalizers) {
        if (!n.is_object())
            continue;
        const std::string type = n.value("type", std::string());
        if (type == "Precompiled")
            charsmap = base64Decode(n.value("precompiled_charsmap", std::string()), file);
        else if (type == "Replace" && n.value("pattern", nlohmann::json()).is_object() &&
                 n["pattern"].value("Regex", std::string()) == " {2,}")
            collapse = true;
    }
    if (const auto &p = j.value("pre_tokenizer", nlohmann::json()); p.is_object() && p.value("type", std::string()) == "Metaspace")
        dummyPrefix = p.value("add_prefix_space", true);

    std::string proto;
    for (size_t i = 0; i < vocab.size(); ++i) {
        const auto &v = vocab[i];
        if (!v.is_array() || v.size() != 2 || !v[0].is_string() || !v[1].is_number())
            throw bad(format("piece {} is not [text, score]", i));
        std::string piece;
        bytesField(&piece, 1, v[0].get<std::string>());
        floatField(&piece, 2, v[1].get<float>());
        if (types[i] != Normal)
            intField(&piece, 3, types[i]);
        bytesField(&proto, 1, piece);
    }
    std::string trainer;
    intField(&trainer, 3, 1); // model_type: UNIGRAM
    intField(&trainer, 4, static_cast<int64_t>(vocab.size()));
    intField(&trainer, 35, model.value("byte_fallback", false) ? 1 : 0);
    intField(&trainer, 40, unk);
    intField(&trainer, 41, -1); // no <s>
    intField(&trainer, 42, eos);
    intField(&trainer, 43, pad);
    bytesField(&trainer, 45, vocab[static_cast<size_t>(unk)][0].get<std::string>());
    bytesField(&proto, 2, trainer);
    std::string normalizer;
    bytesField(&normalizer, 1, charsmap.empty() ? "identity" : "nmt_nfkc");
    if (!charsmap.empty())
        bytesField(&normalizer, 2, charsmap);
    intField(&normalizer, 3, dummyPrefix ? 1 : 0);
    intField(&normalizer, 4, collapse ? 1 : 0);
    intField(&normalizer, 5, 1);
    bytesField(&proto, 3, normalizer);
    return proto;
}

} // namespace

std::string sentencePieceProtoFromTokenizerJson(const std::string &text, const std::string &file)
{
    try {
        return protoFromTokenizerJson(text, file);
    } catch (const nlohmann::json::exception &e) { // a field of another type than a tokenizer.json has
        throw Error(StatusCode::CorruptFile, file + ": not a T5 tokenizer.json (" + e.what() + ")");
    }
}

T5Tokenizer T5Tokenizer::fromProto(const std::string &proto, const std::string &source)
{
    const SpmApi &api = spmApi();
    char error[512] = {0};
    void *handle = api.load(proto.data(), proto.size(), error, sizeof error);
    if (!handle)
        throw Error(StatusCode::CorruptFile, source + ": not a SentencePiece model (" + error + ")");
    std::shared_ptr<void> sp(handle, api.free);
    if (api.info(handle, 0) < 3 || api.info(handle, 1) != T5Tokenizer::kEos || api.info(handle, 2) != T5Tokenizer::kPad)
        throw Error(StatusCode::CorruptFile,
                    format("{}: not T5's tokenizer (</s> is id {} and <pad> id {}; T5 has them at 1 and 0)", source,
                           api.info(handle, 1), api.info(handle, 2)));
    T5Tokenizer t;
    t.m_sp = std::move(sp);
    t.m_source = source;
    return t;
}

T5Tokenizer T5Tokenizer::fromSpieceModel(const std::string &file)
{
    return fromProto(readFileBounded(file, kMaxModelBytes, "T5 SentencePiece model"), file);
}

T5Tokenizer T5Tokenizer::fromTokenizerJson(const std::string &file)
{
    return fromProto(sentencePieceProtoFromTokenizerJson(readFileBounded(file, kMaxJsonBytes, "T5 tokenizer.json"), file), file);
}

T5Tokenizer T5Tokenizer::load(const std::string &path)
{
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        for (const char *name : {"spiece.model", "tokenizer.json"})
            if (fs::is_regular_file(fs::path(path) / name, ec))
                return load((fs::path(path) / name).string());
        throw Error(StatusCode::NotFound,
                    path + ": no T5 tokenizer here (expected spiece.model or tokenizer.json in the folder)");
    }
    const std::string name = fileNameOf(path);
    if (name == "vocab.json" || name == "merges.txt")
        throw Error(StatusCode::InvalidArgument, path + ": a CLIP tokenizer file; T5's is spiece.model or tokenizer.json");
    if (endsWith(name, ".json"))
        return fromTokenizerJson(path);
    return fromSpieceModel(path);
}

std::vector<int> T5Tokenizer::pieces(const std::string &text) const
{
    if (!m_sp)
        throw Error(StatusCode::InvalidArgument, "no T5 tokenizer is loaded");
    if (text.size() > (1u << 20))
        throw Error(StatusCode::InvalidArgument, "a prompt of more than 1 MB");
    const SpmApi &api = spmApi();
    std::vector<int> ids(text.size() + 16);
    char error[512] = {0};
    for (;;) {
        const long n = api.encode(m_sp.get(), text.data(), text.size(), ids.data(), ids.size(), error, sizeof error);
        if (n < 0)
            throw Error(StatusCode::InvalidArgument, std::string("the T5 tokenizer cannot encode the prompt: ") + error);
        if (static_cast<size_t>(n) <= ids.size()) {
            ids.resize(static_cast<size_t>(n));
            return ids;
        }
        ids.resize(static_cast<size_t>(n));
    }
}

std::vector<int64_t> T5Tokenizer::encode(const std::string &text, int maxTokens, int *used) const
{
    if (maxTokens < 1)
        throw Error(StatusCode::InvalidArgument, "a T5 sequence holds at least one token");
    const std::vector<int> ids = pieces(text);
    std::vector<int64_t> out(static_cast<size_t>(maxTokens), kPad);
    const size_t kept = std::min(ids.size(), static_cast<size_t>(maxTokens) - 1);
    for (size_t i = 0; i < kept; ++i)
        out[i] = ids[i];
    out[kept] = kEos;
    if (used)
        *used = static_cast<int>(kept) + 1;
    return out;
}

int T5Tokenizer::vocabularySize() const
{
    return m_sp ? spmApi().info(m_sp.get(), 0) : 0;
}

} // namespace mosaic::text
