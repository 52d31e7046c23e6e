// FLUX autoencoder conformance (golden z and decoded, float32 relative error < 1e-5), config
// detection from shapes, and input validation.
#include "testsupport.h"
#include "tensorcheck.h"

#include "io/checkpoint.h"
#include "model/loader.h"
#include "util/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <fstream>

using namespace mosaic;
using testsupport::relativeError;

class TstAutoEncoder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_golden = testsupport::goldenDir();
        if (!std::ifstream(m_golden + "/ae_tiny.weights.safetensors"))
            QSKIP(("golden files not found in " + m_golden + " (set MOSAIC_GOLDEN_DIR)").c_str());
    }

    void matchesReference_data()
    {
        QTest::addColumn<bool>("bf16");
        QTest::newRow("f32") << false;
        QTest::newRow("bf16") << true;
    }

    void matchesReference()
    {
        QFETCH(bool, bf16);
        c10::InferenceMode guard;
        const Checkpoint io = Checkpoint::open(m_golden + "/ae_tiny.io.safetensors");
        auto ae = model::loadAutoEncoder(Checkpoint::open(m_golden + "/ae_tiny.weights.safetensors"),
                                         bf16 ? at::kBFloat16 : at::kFloat);
        const double tol = bf16 ? 2e-2 : 1e-5;
        const at::Tensor z = ae->encode(io.tensor("x"));
        const double ez = relativeError(z, io.tensor("z"));
        QVERIFY2(ez < tol, testsupport::describeError("z", ez, tol).c_str());
        // decode is checked on the reference z, so that the two errors do not compound.
        const at::Tensor decoded = ae->decode(io.tensor("z"));
        const double ed = relativeError(decoded, io.tensor("decoded"));
        QVERIFY2(ed < tol, testsupport::describeError("decoded", ed, tol).c_str());
    }

    // The cancel flag: unset, a decode and an encode give what they give without one; set, both stop
    // with Cancelled before they finish.
    void cancelFlagStopsEncodeAndDecode()
    {
        c10::InferenceMode guard;
        const Checkpoint io = Checkpoint::open(m_golden + "/ae_tiny.io.safetensors");
        auto ae = model::loadAutoEncoder(Checkpoint::open(m_golden + "/ae_tiny.weights.safetensors"), at::kFloat);
        std::atomic<bool> no{false}, yes{true};
        QVERIFY(at::equal(ae->decode(io.tensor("z"), &no), ae->decode(io.tensor("z"))));
        QVERIFY(at::equal(ae->encode(io.tensor("x"), nullptr, &no), ae->encode(io.tensor("x"))));
        auto code = [](auto &&f) {
            try {
                f();
            } catch (const Error &e) {
                return e.code();
            }
            return StatusCode::Ok;
        };
        QCOMPARE(code([&] { ae->decode(io.tensor("z"), &yes); }), StatusCode::Cancelled);
        QCOMPARE(code([&] { ae->encode(io.tensor("x"), nullptr, &yes); }), StatusCode::Cancelled);
    }

    // Above bandedAbovePixels the decoder computes every convolution in bands of rows with the whole
    // tensor's GroupNorm statistics: the image is the whole decode's (and the reference's) to 1e-5,
    // whatever the band height - one row, a few rows, bands that do not divide the height - in float32
    // and with bfloat16 weights; a cancel stops it between bands.
    void bandedDecodeIsTheWholeDecode_data()
    {
        QTest::addColumn<bool>("bf16");
        QTest::addColumn<long long>("bandBytes");
        QTest::newRow("f32, one-row bands") << false << 1LL;
        QTest::newRow("f32, uneven bands") << false << 7000LL;
        QTest::newRow("f32, one band") << false << (1LL << 30);
        QTest::newRow("bf16, uneven bands") << true << 7000LL;
    }

    void bandedDecodeIsTheWholeDecode()
    {
        QFETCH(bool, bf16);
        QFETCH(long long, bandBytes);
        c10::InferenceMode guard;
        const Checkpoint io = Checkpoint::open(m_golden + "/ae_tiny.io.safetensors");
        auto ae = model::loadAutoEncoder(Checkpoint::open(m_golden + "/ae_tiny.weights.safetensors"),
                                         bf16 ? at::kBFloat16 : at::kFloat);
        const at::Tensor z = io.tensor("z");
        QVERIFY(z.size(2) * z.size(3) * 64 <= ae->bandedAbovePixels); // the golden image decodes whole by default
        const at::Tensor whole = ae->decode(z);
        ae->bandedAbovePixels = 0;
        ae->bandBytes = bandBytes;
        const at::Tensor banded = ae->decode(z);
        QCOMPARE(banded.sizes(), whole.sizes());
        const double e = relativeError(banded, whole);
        QVERIFY2(e < 1e-5, testsupport::describeError("banded vs whole", e, 1e-5).c_str());
        if (!bf16) {
            const double er = relativeError(banded, io.tensor("decoded"));
            QVERIFY2(er < 1e-5, testsupport::describeError("banded vs reference", er, 1e-5).c_str());
        }
        std::atomic<bool> yes{true};
        bool cancelled = false;
        try {
            ae->decode(z, &yes);
        } catch (const Error &err) {
            cancelled = err.code() == StatusCode::Cancelled;
        }
        QVERIFY(cancelled);
    }

    // bfloat16 weights are storage only: the autoencoder computes in float32 on the rounded weights, so
    // a bfloat16 model gives what a float32 model with the same rounded weights gives, on any device.
    void lowPrecisionWeightsComputeInFloat32()
    {
        c10::InferenceMode guard;
        const Checkpoint io = Checkpoint::open(m_golden + "/ae_tiny.io.safetensors");
        const Checkpoint weights = Checkpoint::open(m_golden + "/ae_tiny.weights.safetensors");
        auto bf = model::loadAutoEncoder(weights, at::kBFloat16);
        auto rounded = model::loadAutoEncoder(weights, at::kFloat);
        for (auto &p : rounded->parameters())
            p.copy_(p.to(at::kBFloat16).to(at::kFloat));
        const double tol = 1e-5;
        const double ed = relativeError(bf->decode(io.tensor("z")), rounded->decode(io.tensor("z")));
        QVERIFY2(ed < tol, testsupport::describeError("decoded", ed, tol).c_str());
        const double ez = relativeError(bf->encode(io.tensor("x")), rounded->encode(io.tensor("x")));
        QVERIFY2(ez < tol, testsupport::describeError("z", ez, tol).c_str());
    }

    void detectsConfigFromShapes()
    {
        c10::InferenceMode guard;
        const Checkpoint ck = Checkpoint::open(m_golden + "/ae_tiny.weights.safetensors");
        const std::string path = testsupport::scratchDir("ae_nometa") + "/ae.safetensors";
        st::write(path, ck.loadAll()); // no metadata: scale and shift fall back to FLUX's
        const auto detected = model::autoEncoderConfigOf(Checkpoint::open(path));
        const auto stored = model::AutoEncoderConfig::fromJson(ck.metadata().at("config"));
        QCOMPARE(detected.ch, stored.ch);
        QVERIFY(detected.ch_mult == stored.ch_mult);
        QCOMPARE(detected.num_res_blocks, stored.num_res_blocks);
        QCOMPARE(detected.z_channels, stored.z_channels);
        QCOMPARE(detected.scale_factor, stored.scale_factor);
        QCOMPARE(detected.shift_factor, stored.shift_factor);
    }

    void samplingUsesTheGenerator()
    {
        c10::InferenceMode guard;
        const Checkpoint io = Checkpoint::open(m_golden + "/ae_tiny.io.safetensors");
        auto ae = model::loadAutoEncoder(Checkpoint::open(m_golden + "/ae_tiny.weights.safetensors"), at::kFloat);
        auto g1 = at::make_generator<at::CPUGeneratorImpl>(42), g2 = at::make_generator<at::CPUGeneratorImpl>(42);
        const at::Tensor a = ae->encode(io.tensor("x"), &g1), b = ae->encode(io.tensor("x"), &g2);
        QVERIFY(at::equal(a, b));                                      // same seed, same sample
        QVERIFY(!at::equal(a, ae->encode(io.tensor("x"))));            // differs from the mean
    }

    void rejectsBadInput()
    {
        c10::InferenceMode guard;
        auto ae = model::loadAutoEncoder(Checkpoint::open(m_golden + "/ae_tiny.weights.safetensors"), at::kFloat);
        std::string err;
        try {
            ae->encode(at::zeros({1, 3, 30, 48}));
        } catch (const Error &e) {
            err = e.what();
        }
        QVERIFY2(err.find("not a multiple of 8") != std::string::npos, err.c_str());
        err.clear();
        try {
            ae->decode(at::zeros({1, 5, 4, 4}));
        } catch (const Error &e) {
            err = e.what();
        }
        QVERIFY2(err.find("latent must be [B, 4, h, w]") != std::string::npos, err.c_str());
    }

private:
    std::string m_golden;
};

MOSAIC_TEST_MAIN(TstAutoEncoder, MT_FN(initTestCase) MT_DATA(matchesReference) MT_FN(lowPrecisionWeightsComputeInFloat32) MT_FN(cancelFlagStopsEncodeAndDecode)
                                     MT_DATA(bandedDecodeIsTheWholeDecode)
                                     MT_FN(detectsConfigFromShapes)
                                     MT_FN(samplingUsesTheGenerator) MT_FN(rejectsBadInput))

#include "tst_autoencoder.moc"
