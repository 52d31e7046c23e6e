// FLUX transformer conformance against the reference implementation's golden vectors
// (../shared/golden/flux, float32, relative error < 1e-5; bfloat16 < 2e-2), the diffusers key map
// round trip, strict loading, and chunked attention.
#include "testsupport.h"
#include "tensorcheck.h"

#include "io/checkpoint.h"
#include "model/attention.h"
#include "model/flux_keymap.h"
#include "model/loader.h"
#include "model/state_dict.h"
#include "util/error.h"

#include <c10/core/InferenceMode.h>

#include <fstream>

using namespace mosaic;
using testsupport::relativeError;

namespace {

model::FluxInputs inputsFrom(const Checkpoint &io)
{
    model::FluxInputs in;
    in.img = io.tensor("img");
    in.img_ids = io.tensor("img_ids");
    in.txt = io.tensor("txt");
    in.txt_ids = io.tensor("txt_ids");
    in.y = io.tensor("y");
    in.timesteps = io.tensor("timesteps");
    if (io.contains("guidance"))
        in.guidance = io.tensor("guidance");
    return in;
}

} // namespace

class TstFlux : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_golden = testsupport::goldenDir();
        if (!std::ifstream(m_golden + "/flux_tiny.weights.safetensors"))
            QSKIP(("golden files not found in " + m_golden + " (set MOSAIC_GOLDEN_DIR)").c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<std::string>("name");
        QTest::addColumn<bool>("bf16");
        QTest::newRow("dev-style f32") << std::string("flux_tiny") << false;
        QTest::newRow("schnell-style f32") << std::string("flux_tiny_schnell") << false;
        QTest::newRow("dev-style bf16") << std::string("flux_tiny") << true;
        QTest::newRow("schnell-style bf16") << std::string("flux_tiny_schnell") << true;
    }

    void matchesReference()
    {
        QFETCH(std::string, name);
        QFETCH(bool, bf16);
        c10::InferenceMode guard;
        const Checkpoint weights = Checkpoint::open(m_golden + "/" + name + ".weights.safetensors");
        const Checkpoint io = Checkpoint::open(m_golden + "/" + name + ".io.safetensors");
        auto loaded = model::loadFlux(weights, bf16 ? at::kBFloat16 : at::kFloat);
        QCOMPARE(loaded.layout, model::FluxLayout::Bfl);
        model::FluxTrace trace;
        const at::Tensor out = loaded.model->forward(inputsFrom(io), &trace);
        const double tol = bf16 ? 2e-2 : 1e-5;
        const double eOut = relativeError(out, io.tensor("out"));
        QVERIFY2(eOut < tol, testsupport::describeError("out", eOut, tol).c_str());
        const double ePe = relativeError(trace.pe, io.tensor("pe"));
        QVERIFY2(ePe < 1e-5, testsupport::describeError("pe", ePe, 1e-5).c_str());
        const double eT = relativeError(trace.timestep_embedding, io.tensor("timestep_embedding"));
        QVERIFY2(eT < 1e-5, testsupport::describeError("timestep_embedding", eT, 1e-5).c_str());
        QVERIFY(out.sizes() == io.tensor("out").sizes());
    }

    void detectsConfigWithoutMetadata()
    {
        // The shapes alone give the same config as the stored JSON (axes_dim from head_dim).
        for (const char *name : {"flux_tiny", "flux_tiny_schnell"}) {
            const Checkpoint ck = Checkpoint::open(m_golden + "/" + name + ".weights.safetensors");
            std::map<std::string, std::vector<int64_t>> shapes;
            for (const auto &n : ck.names())
                shapes[n] = ck.info(n).shape;
            const auto detected = model::FluxConfig::detect(shapes);
            const auto stored = model::FluxConfig::fromJson(ck.metadata().at("config"));
            QCOMPARE(detected.toJson(), stored.toJson());
            QCOMPARE(detected.parameterCount(), static_cast<int64_t>([&] {
                         int64_t n = 0;
                         for (const auto &s : shapes) {
                             int64_t k = 1;
                             for (auto d : s.second)
                                 k *= d;
                             n += k;
                         }
                         return n;
                     }()));
        }
    }

    void defaultAxesAreValid()
    {
        QVERIFY((model::FluxConfig::defaultAxes(128) == std::vector<int64_t>{16, 56, 56})); // FLUX.1
        QVERIFY((model::FluxConfig::defaultAxes(64) == std::vector<int64_t>{8, 28, 28}));   // golden tiny
        QVERIFY((model::FluxConfig::defaultAxes(32) == std::vector<int64_t>{4, 14, 14}));   // golden schnell
        for (int64_t hd = 8; hd <= 256; hd += 8) {
            const auto a = model::FluxConfig::defaultAxes(hd);
            QCOMPARE(a[0] + a[1] + a[2], hd);
            for (int64_t v : a)
                QVERIFY(v > 0 && v % 2 == 0);
        }
    }

    void diffusersLayoutRoundTrip_data()
    {
        QTest::addColumn<std::string>("name");
        QTest::addColumn<std::string>("prefix");
        QTest::newRow("dev-style") << std::string("flux_tiny") << std::string();
        QTest::newRow("schnell-style") << std::string("flux_tiny_schnell") << std::string();
        QTest::newRow("pipeline prefix") << std::string("flux_tiny") << std::string("transformer.");
    }

    void diffusersLayoutRoundTrip()
    {
        QFETCH(std::string, name);
        QFETCH(std::string, prefix);
        c10::InferenceMode guard;
        const Checkpoint weights = Checkpoint::open(m_golden + "/" + name + ".weights.safetensors");
        const Checkpoint io = Checkpoint::open(m_golden + "/" + name + ".io.safetensors");
        const auto config = model::FluxConfig::fromJson(weights.metadata().at("config"));
        const st::TensorMap diff = model::bflToDiffusers(weights.loadAll(), config);
        QVERIFY(diff.count("transformer_blocks.0.attn.to_q.weight") || config.depth == 0);
        QVERIFY(diff.count("norm_out.linear.weight"));
        QVERIFY(!diff.count("final_layer.linear.weight"));
        st::TensorMap prefixed;
        for (const auto &e : diff)
            prefixed[prefix + e.first] = e.second;
        const std::string path = testsupport::scratchDir("diffusers") + "/" + name + ".diffusers.safetensors";
        st::write(path, prefixed, {{"config", config.toJson()}});

        auto loaded = model::loadFlux(Checkpoint::open(path), at::kFloat);
        QCOMPARE(loaded.layout, model::FluxLayout::Diffusers);
        QCOMPARE(loaded.prefix, prefix);
        const at::Tensor out = loaded.model->forward(inputsFrom(io));
        const double e = relativeError(out, io.tensor("out"));
        QVERIFY2(e < 1e-5, testsupport::describeError("diffusers out", e, 1e-5).c_str());
        // Converting back gives the original tensors bit for bit.
        const st::TensorMap back = model::diffusersToBfl(diff, config);
        const st::TensorMap orig = weights.loadAll();
        QCOMPARE(back.size(), orig.size());
        for (const auto &entry : orig)
            QVERIFY2(at::equal(back.at(entry.first), entry.second), entry.first.c_str());
    }

    void reportsEveryKeyProblemAtOnce()
    {
        c10::InferenceMode guard;
        const Checkpoint weights = Checkpoint::open(m_golden + "/flux_tiny.weights.safetensors");
        st::TensorMap t = weights.loadAll();
        t.erase("double_blocks.1.img_attn.proj.weight");
        t.erase("final_layer.linear.bias");
        t["double_blocks.0.img_mlp.9.weight"] = at::zeros({1});
        t["img_in.weight"] = at::zeros({128, 17});
        const std::string path = testsupport::scratchDir("badkeys") + "/bad.safetensors";
        st::write(path, t, {{"config", weights.metadata().at("config")}});
        std::string err;
        try {
            model::loadFlux(Checkpoint::open(path), at::kFloat);
        } catch (const Error &e) {
            err = e.what();
        }
        for (const char *needle :
             {"missing (2)", "double_blocks.1.img_attn.proj.weight", "final_layer.linear.bias", "unexpected (1)",
              "double_blocks.0.img_mlp.9.weight", "wrong shape (1)", "img_in.weight: file [128, 17] vs model [128, 16]"})
            QVERIFY2(err.find(needle) != std::string::npos, (std::string(needle) + " not in: " + err).c_str());
    }

    void checksInputs()
    {
        c10::InferenceMode guard;
        auto loaded = model::loadFlux(Checkpoint::open(m_golden + "/flux_tiny.weights.safetensors"), at::kFloat);
        const Checkpoint io = Checkpoint::open(m_golden + "/flux_tiny.io.safetensors");
        model::FluxInputs in = inputsFrom(io);
        in.guidance = at::Tensor();
        bool threw = false;
        try {
            loaded.model->forward(in);
        } catch (const Error &e) {
            threw = std::string(e.what()).find("'guidance' is missing") != std::string::npos;
        }
        QVERIFY(threw);
        in = inputsFrom(io);
        in.img = at::randn({1, 30, 15});
        threw = false;
        try {
            loaded.model->forward(in);
        } catch (const Error &e) {
            threw = std::string(e.what()).find("img has 15 channels") != std::string::npos;
        }
        QVERIFY(threw);
    }

    void chunkedAttentionMatchesWhole_data()
    {
        QTest::addColumn<int>("chunkRows");
        QTest::newRow("one row at a time") << 1;
        QTest::newRow("7 rows (uneven)") << 7;
        QTest::newRow("all rows") << 100000;
    }

    void chunkedAttentionMatchesWhole()
    {
        QFETCH(int, chunkRows);
        c10::InferenceMode guard;
        at::manual_seed(7);
        const at::Tensor q = at::randn({2, 3, 50, 16}, at::kDouble), k = at::randn({2, 3, 40, 16}, at::kDouble),
                         v = at::randn({2, 3, 40, 16}, at::kDouble);
        // float64 reference: softmax(q k^T / sqrt(d)) v over the whole matrix.
        const at::Tensor ref = at::matmul(at::softmax(at::matmul(q, k.transpose(-2, -1)) / 4.0, -1), v);
        model::AttentionOptions opt;
        opt.forceChunked = true;
        opt.chunkBytes = static_cast<int64_t>(chunkRows) * 2 * 3 * 40 * 4; // rows of float32 scores
        const at::Tensor out = model::scaledDotProductAttention(q.to(at::kFloat), k.to(at::kFloat), v.to(at::kFloat), opt);
        const double e = relativeError(out, ref);
        QVERIFY2(e < 1e-6, testsupport::describeError("chunked attention", e, 1e-6).c_str());
    }

private:
    std::string m_golden;
};

MOSAIC_TEST_MAIN(TstFlux, MT_FN(initTestCase) MT_DATA(matchesReference) MT_FN(detectsConfigWithoutMetadata) MT_FN(defaultAxesAreValid)
                              MT_DATA(diffusersLayoutRoundTrip) MT_FN(reportsEveryKeyProblemAtOnce) MT_FN(checksInputs)
                                  MT_DATA(chunkedAttentionMatchesWhole))

#include "tst_flux.moc"
