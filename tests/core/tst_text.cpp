// FLUX's text path against ../shared/golden/text and ../shared/golden/tokenizers: the T5 tokenizer from
// spiece.model and from tokenizer.json, CLIP's byte-level BPE, the T5 v1.1 encoder and the CLIP text
// model (token ids exactly equal; hidden states and pooled vectors within 1e-5 relative error in
// float32, 2e-2 in bfloat16), hand-worked tokenizer cases, and the bad inputs each with its message.

#include "testsupport.h"
#include "tensorcheck.h"

#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "model/clip_text.h"
#include "model/t5.h"
#include "text/clip_tokenizer.h"
#include "text/t5_tokenizer.h"
#include "util/error.h"

#include <mosaic/status.h>
#include <mosaic/pipeline.h>
#include <mosaic/text.h>
#include <mosaic/train.h>

#include "pipeline/bundle.h"
#include "pipeline/conditioning.h"

#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <stdlib.h>

using namespace mosaic;
namespace fs = std::filesystem;

namespace {

std::vector<int64_t> ids(const at::Tensor &t)
{
    const at::Tensor c = t.to(at::kLong).contiguous();
    return std::vector<int64_t>(c.data_ptr<int64_t>(), c.data_ptr<int64_t>() + c.numel());
}

template <typename F> std::string errorOf(F &&f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.what();
    }
    return {};
}

} // namespace

class TstText : public QObject
{
    Q_OBJECT

    std::string m_text, m_tokenizers;
    std::vector<std::string> m_prompts;

private Q_SLOTS:
    void initTestCase()
    {
        const fs::path golden = fs::path(testsupport::goldenDir()).parent_path();
        m_text = (golden / "text").string();
        m_tokenizers = (golden / "tokenizers").string();
        std::ifstream cases(m_text + "/cases.json");
        if (!cases)
            QSKIP(("golden text files not found in " + m_text + " (set MOSAIC_GOLDEN_DIR)").c_str());
        for (const auto &c : nlohmann::json::parse(cases))
            m_prompts.push_back(c.at("prompt").get<std::string>());
        QCOMPARE(m_prompts.size(), size_t(6));
    }

    // Both T5 sources give the golden ids for every case (ids + </s>, truncated to 512, padded with 0).
    void t5TokenizerMatchesReference()
    {
        const Checkpoint io = Checkpoint::open(m_text + "/text.io.safetensors");
        const auto fromModel = text::T5Tokenizer::fromSpieceModel(m_tokenizers + "/t5/spiece.model");
        const auto fromJson = text::T5Tokenizer::fromTokenizerJson(m_tokenizers + "/t5/tokenizer.json");
        QCOMPARE(fromModel.vocabularySize(), 32000);
        QCOMPARE(fromJson.vocabularySize(), 32100);
        for (size_t i = 0; i < m_prompts.size(); ++i) {
            const auto want = ids(io.tensor("case" + std::to_string(i) + ".t5_ids"));
            QVERIFY2(fromModel.encode(m_prompts[i], 512) == want, ("spiece.model, case " + std::to_string(i)).c_str());
            QVERIFY2(fromJson.encode(m_prompts[i], 512) == want, ("tokenizer.json, case " + std::to_string(i)).c_str());
        }
        // The README's worked example.
        QVERIFY((fromModel.pieces("a photo of a cat") == std::vector<int>{3, 9, 1202, 13, 3, 9, 1712}));
        // A folder finds its file; T5Tokenizer::load on a CLIP file says what it is.
        QCOMPARE(text::T5Tokenizer::load(m_tokenizers + "/t5").vocabularySize(), 32000);
    }

    // Truncation keeps </s> last: 510 pieces + </s> fit in 511 and in 512; 511 pieces fit 512 exactly;
    // 600 are cut to 511 + </s>. An empty prompt is </s> alone; non-ASCII text encodes; a typed
    // <extra_id_0> is that token with tokenizer.json.
    void t5HandCases()
    {
        const auto t5 = text::T5Tokenizer::fromSpieceModel(m_tokenizers + "/t5/spiece.model");
        const auto json = text::T5Tokenizer::fromTokenizerJson(m_tokenizers + "/t5/tokenizer.json");
        const std::vector<int> cat = t5.pieces("cat"); // one word, one piece each time it repeats
        QCOMPARE(cat.size(), size_t(1));
        auto words = [](int n) {
            std::string s;
            for (int i = 0; i < n; ++i)
                s += i ? " cat" : "cat";
            return s;
        };
        QCOMPARE(t5.pieces(words(511)).size(), size_t(511));
        int used = 0;
        auto e = t5.encode(words(511), 512, &used);
        QCOMPARE(used, 512);
        QCOMPARE(e[510], int64_t(cat[0]));
        QCOMPARE(e[511], text::T5Tokenizer::kEos);
        e = t5.encode(words(510), 512, &used);
        QCOMPARE(used, 511);
        QCOMPARE(e[510], text::T5Tokenizer::kEos);
        QCOMPARE(e[511], text::T5Tokenizer::kPad);
        e = t5.encode(words(600), 512, &used);
        QCOMPARE(used, 512);
        QCOMPARE(e[511], text::T5Tokenizer::kEos);
        e = t5.encode(words(600), 256, &used); // schnell's length
        QCOMPARE(e.size(), size_t(256));
        QCOMPARE(e[255], text::T5Tokenizer::kEos);
        e = t5.encode("", 512, &used);
        QCOMPARE(used, 1);
        QCOMPARE(e[0], text::T5Tokenizer::kEos);
        const auto accents = t5.pieces("café crème brûlée");
        QVERIFY(!accents.empty());
        QVERIFY(t5.pieces("café crème brûlée") == json.pieces("café crème brûlée"));
        QVERIFY(std::find(accents.begin(), accents.end(), 2) == accents.end()); // no <unk>: the Latin letters are known
        const auto extra = json.pieces("<extra_id_0>");
        QVERIFY(std::find(extra.begin(), extra.end(), 32099) != extra.end());
    }

    void clipTokenizerMatchesReference()
    {
        const Checkpoint io = Checkpoint::open(m_text + "/text.io.safetensors");
        const auto clip = text::ClipTokenizer::load(m_tokenizers + "/clip");
        QCOMPARE(clip.vocabularySize(), 49408);
        QCOMPARE(clip.startId(), int64_t(49406));
        QCOMPARE(clip.endId(), int64_t(49407));
        for (size_t i = 0; i < m_prompts.size(); ++i) {
            const auto want = ids(io.tensor("case" + std::to_string(i) + ".clip_ids"));
            const auto got = clip.encode(m_prompts[i], 77);
            QVERIFY2(got == want, ("case " + std::to_string(i)).c_str());
        }
        // OpenAI's gzipped form builds the same vocabulary and merges: the same ids for every case.
        const auto openai = text::ClipTokenizer::load(m_tokenizers + "/clip/bpe_simple_vocab_16e6.txt.gz");
        QCOMPARE(openai.vocabularySize(), 49408);
        for (size_t i = 0; i < m_prompts.size(); ++i)
            QVERIFY2(openai.encode(m_prompts[i], 77) == ids(io.tensor("case" + std::to_string(i) + ".clip_ids")),
                     ("gz, case " + std::to_string(i)).c_str());
        QVERIFY((clip.pieces("A cat holding a sign that says hello world") ==
                 std::vector<int>{320, 2368, 5050, 320, 2292, 682, 1563, 3306, 1002}));
    }

    // Truncation at 77 keeps <|endoftext|> last; an empty prompt is start and end; whitespace and case
    // do not matter; a typed <|endoftext|> is that token; non-ASCII letters go through bytes.
    void clipHandCases()
    {
        const auto clip = text::ClipTokenizer::load(m_tokenizers + "/clip");
        int used = 0;
        auto e = clip.encode("", 77, &used);
        QCOMPARE(used, 2);
        QCOMPARE(e[0], int64_t(49406));
        QCOMPARE(e[1], int64_t(49407));
        QCOMPARE(e[76], int64_t(49407));
        std::string many;
        for (int i = 0; i < 100; ++i)
            many += "cat ";
        e = clip.encode(many, 77, &used);
        QCOMPARE(used, 77);
        QCOMPARE(e[75], e[1]);
        QCOMPARE(e[76], int64_t(49407));
        QVERIFY(clip.pieces("  A   Cat\t") == clip.pieces("a cat"));
        const auto typed = clip.pieces("a cat<|endoftext|>dog");
        QVERIFY(std::find(typed.begin(), typed.end(), 49407) != typed.end());
        const auto accents = clip.pieces("Café Ünïcödé 東京");
        QVERIFY(accents.size() >= 4);
        QVERIFY(clip.pieces("CAFÉ") == clip.pieces("café")); // lower-cased beyond ASCII
    }

    void t5EncoderMatchesReference_data()
    {
        QTest::addColumn<bool>("bf16");
        QTest::newRow("f32") << false;
        QTest::newRow("bf16") << true;
    }

    void t5EncoderMatchesReference()
    {
        QFETCH(bool, bf16);
        c10::InferenceMode guard;
        const Checkpoint io = Checkpoint::open(m_text + "/text.io.safetensors");
        auto t5 = model::loadT5Encoder(m_text + "/t5_tiny", bf16 ? at::kBFloat16 : at::kFloat);
        const double tol = bf16 ? 2e-2 : 1e-5;
        for (size_t i = 0; i < m_prompts.size(); ++i) {
            const std::string c = "case" + std::to_string(i);
            const at::Tensor out = t5->forward(io.tensor(c + ".t5_ids").to(at::kLong).unsqueeze(0))[0];
            const double e = testsupport::relativeError(out, io.tensor(c + ".t5_hidden"));
            QVERIFY2(e < tol, testsupport::describeError(c + ".t5_hidden", e, tol).c_str());
        }
    }

    void clipTextMatchesReference_data()
    {
        QTest::addColumn<bool>("bf16");
        QTest::newRow("f32") << false;
        QTest::newRow("bf16") << true;
    }

    void clipTextMatchesReference()
    {
        QFETCH(bool, bf16);
        c10::InferenceMode guard;
        const Checkpoint io = Checkpoint::open(m_text + "/text.io.safetensors");
        auto clip = model::loadClipTextModel(m_text + "/clip_tiny", bf16 ? at::kBFloat16 : at::kFloat);
        const double tol = bf16 ? 2e-2 : 1e-5;
        for (size_t i = 0; i < m_prompts.size(); ++i) {
            const std::string c = "case" + std::to_string(i);
            const auto out = clip->forward(io.tensor(c + ".clip_ids").to(at::kLong).unsqueeze(0), 49407);
            const double eh = testsupport::relativeError(out.hidden[0], io.tensor(c + ".clip_hidden"));
            QVERIFY2(eh < tol, testsupport::describeError(c + ".clip_hidden", eh, tol).c_str());
            const double ep = testsupport::relativeError(out.pooled[0], io.tensor(c + ".clip_pooled"));
            QVERIFY2(ep < tol, testsupport::describeError(c + ".clip_pooled", ep, tol).c_str());
        }
    }

    // The prompt cache: a second TextEncoders (a new session) reads the first one's entry from disk
    // instead of encoding, with identical results; a damaged entry is encoded again; another dtype is
    // another entry.
    void promptCache()
    {
        const std::string dir = testsupport::scratchDir("prompt-cache");
        ::setenv("MOSAIC_PROMPT_CACHE", dir.c_str(), 1);
        TextEncoderPaths p;
        p.t5 = m_text + "/t5_tiny";
        p.clip = m_text + "/clip_tiny";
        p.t5Tokenizer = m_tokenizers + "/t5";
        p.clipTokenizer = m_tokenizers + "/clip";
        Status st;
        EncodedPrompt first, second, third;
        {
            auto encoders = TextEncoders::load(p, &st);
            QVERIFY2(encoders, st.message.c_str());
            QVERIFY(encoders->encode(m_prompts[1], &first).ok());
        }
        std::vector<fs::path> entries;
        for (const auto &e : fs::directory_iterator(dir))
            entries.push_back(e.path());
        QCOMPARE(entries.size(), size_t(1));
        const Checkpoint io = Checkpoint::open(m_text + "/text.io.safetensors");
        QVERIFY(first.t5Ids == ids(io.tensor("case1.t5_ids")));
        // The entry is what the next session reads: change it and the change comes back (so it was read).
        {
            auto f = st::File::open(entries[0].string());
            st::TensorMap t;
            for (const auto &info : f->tensors())
                t[info.name] = f->tensor(info.name).clone();
            t["clip_pooled"] = t["clip_pooled"] + 1.0f;
            st::write(entries[0].string(), t, f->metadata());
        }
        auto again = TextEncoders::load(p, &st);
        QVERIFY(again->encode(m_prompts[1], &second).ok());
        QCOMPARE(second.clipPooled[0], first.clipPooled[0] + 1.0f);
        QVERIFY(second.t5Hidden == first.t5Hidden && second.t5Tokens == first.t5Tokens);
        // A damaged entry is encoded again.
        std::ofstream(entries[0], std::ios::binary | std::ios::trunc) << "not a tensor file";
        auto fresh = TextEncoders::load(p, &st);
        QVERIFY(fresh->encode(m_prompts[1], &third).ok());
        QVERIFY(third.clipPooled == first.clipPooled && third.t5Hidden == first.t5Hidden);
        p.dtype = "bf16";
        auto bf16 = TextEncoders::load(p, &st);
        QVERIFY(bf16->encode(m_prompts[1], &third).ok());
        size_t count = 0;
        for (const auto &e : fs::directory_iterator(dir))
            count += e.is_regular_file();
        QCOMPARE(count, size_t(2));
        ::unsetenv("MOSAIC_PROMPT_CACHE");
    }

    // A FLUX-architecture bundle whose transformer takes 32-wide text tokens and pooled vectors reads
    // prompts through the attached T5 and CLIP: the text tokens are T5's hidden states, y is CLIP's
    // pooled vector; the prompt changes the image; a transformer of another width is refused.
    void pipelineUsesFluxTextPath()
    {
        const std::string dir = testsupport::scratchDir("flux-text");
        ::setenv("MOSAIC_PROMPT_CACHE", "", 1);
        RandomBundleOptions o;
        o.hidden = 32;
        o.heads = 2;
        o.doubleBlocks = o.singleBlocks = 1;
        o.steps = 2;
        QVERIFY(writeRandomBundle(dir + "/b32.safetensors", o).ok());
        o.hidden = 64;
        QVERIFY(writeRandomBundle(dir + "/b64.safetensors", o).ok());
        Status st;
        auto model = ModelBundle::load(dir + "/b32.safetensors", &st);
        QVERIFY2(model, st.message.c_str());
        TextEncoderPaths p;
        p.t5 = m_text + "/t5_tiny";
        p.clip = m_text + "/clip_tiny";
        p.t5Tokenizer = m_tokenizers + "/t5";
        p.clipTokenizer = m_tokenizers + "/clip";
        std::shared_ptr<TextEncoders> encoders = TextEncoders::load(p, &st);
        QVERIFY2(encoders, st.message.c_str());
        QVERIFY2(model->useTextEncoders(encoders).ok(), st.message.c_str());
        {
            c10::InferenceMode guard;
            const auto c = pipeline::encodeText(pipeline::bundleOf(*model), m_prompts[0]);
            const Checkpoint io = Checkpoint::open(m_text + "/text.io.safetensors");
            const double et = testsupport::relativeError(c.txt[0], io.tensor("case0.t5_hidden"));
            QVERIFY2(et < 1e-5, testsupport::describeError("txt", et, 1e-5).c_str());
            const double ey = testsupport::relativeError(c.y[0], io.tensor("case0.clip_pooled"));
            QVERIFY2(ey < 1e-5, testsupport::describeError("y", ey, 1e-5).c_str());
        }
        GenerationRequest r;
        r.seed = 3;
        r.prompt = m_prompts[0];
        GenerationResult a, b;
        QVERIFY(generate(*model, r, &a).ok());
        r.prompt = m_prompts[1];
        QVERIFY(generate(*model, r, &b).ok());
        QVERIFY(a.image.pixels != b.image.pixels);
        auto wide = ModelBundle::load(dir + "/b64.safetensors", &st);
        st = wide->useTextEncoders(encoders);
        QCOMPARE(st.code, StatusCode::InvalidArgument);
        QVERIFY2(st.message.find("width 64") != std::string::npos && st.message.find("T5 width 32") != std::string::npos,
                 st.message.c_str());
        ::unsetenv("MOSAIC_PROMPT_CACHE");
    }

    // One message each, naming the file and what was expected.
    void badInputs()
    {
        const std::string dir = testsupport::scratchDir("text");
        auto has = [](const std::string &message, const std::string &part) {
            if (message.find(part) != std::string::npos)
                return true;
            qWarning("message: %s", message.c_str());
            return false;
        };
        // No tokenizer in the folder.
        QVERIFY(has(errorOf([&] { text::T5Tokenizer::load(dir); }), "expected spiece.model or tokenizer.json"));
        // vocab.json without merges.txt.
        fs::copy_file(m_tokenizers + "/clip/vocab.json", dir + "/vocab.json");
        QVERIFY(has(errorOf([&] { text::ClipTokenizer::load(dir); }), "merges.txt"));
        // A CLIP tokenizer where T5's is expected, and the other way round.
        QVERIFY(has(errorOf([&] { text::T5Tokenizer::load(dir + "/vocab.json"); }), "a CLIP tokenizer file"));
        QVERIFY(has(errorOf([&] { text::ClipTokenizer::load(m_tokenizers + "/t5"); }), "a T5 tokenizer folder"));
        // A truncated spiece.model.
        {
            std::ifstream in(m_tokenizers + "/t5/spiece.model", std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::ofstream(dir + "/spiece.model", std::ios::binary) << bytes.substr(0, bytes.size() / 3);
        }
        QVERIFY(has(errorOf([&] { text::T5Tokenizer::load(dir + "/spiece.model"); }), "not a SentencePiece model"));
        // A CLIP text model where T5 is expected, and the other way round.
        QVERIFY(has(errorOf([&] { model::loadT5Encoder(m_text + "/clip_tiny/model.safetensors", at::kFloat); }),
                    "a CLIP text model, where a T5 encoder is expected"));
        QVERIFY(has(errorOf([&] { model::loadClipTextModel(m_text + "/t5_tiny/model.safetensors", at::kFloat); }),
                    "a T5 encoder, where a CLIP text model is expected"));
        QVERIFY(has(errorOf([&] { model::loadT5Encoder(m_text + "/clip_tiny", at::kFloat); }), "where a T5 encoder"));
        // A config whose shapes disagree with the weights.
        fs::create_directories(dir + "/t5");
        fs::copy_file(m_text + "/t5_tiny/model.safetensors", dir + "/t5/model.safetensors");
        {
            std::ifstream in(m_text + "/t5_tiny/config.json");
            nlohmann::json config = nlohmann::json::parse(in);
            config["num_layers"] = 3;
            std::ofstream(dir + "/t5/config.json") << config.dump();
        }
        QVERIFY(has(errorOf([&] { model::loadT5Encoder(dir + "/t5", at::kFloat); }), "3 layers"));
        // float16 T5 is refused, saying why.
        QVERIFY(has(errorOf([&] { model::loadT5Encoder(m_text + "/t5_tiny", at::kHalf); }), "float16 overflows"));
        // Loading without a config (a single file) gives the same model as the folder.
        c10::InferenceMode guard;
        auto single = model::loadT5Encoder(m_text + "/t5_tiny/model.safetensors", at::kFloat);
        auto folder = model::loadT5Encoder(m_text + "/t5_tiny", at::kFloat);
        const at::Tensor x = at::tensor({3, 9, 1202, 1}, at::kLong).unsqueeze(0);
        QVERIFY(at::equal(single->forward(x), folder->forward(x)));
    }
};

MOSAIC_TEST_MAIN(TstText, MT_FN(initTestCase) MT_FN(t5TokenizerMatchesReference) MT_FN(t5HandCases)
                              MT_FN(clipTokenizerMatchesReference) MT_FN(clipHandCases) MT_DATA(t5EncoderMatchesReference)
                                  MT_DATA(clipTextMatchesReference) MT_FN(promptCache) MT_FN(pipelineUsesFluxTextPath) MT_FN(badInputs))

#include "tst_text.moc"
