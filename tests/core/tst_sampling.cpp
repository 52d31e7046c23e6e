// Latent packing, position ids and the shifted schedule (every entry of the golden schedule.json
// within 1e-6 relative error; the two values quoted in the architecture notes).
#include "testsupport.h"
#include "tensorcheck.h"

#include "util/strings.h"

#include "pipeline/sampling.h"
#include "model/rope.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace mosaic;

namespace {
// Whether f throws a standard exception (mosaic::Error is one).
template <typename F> bool throws(F f)
{
    try {
        f();
    } catch (const std::exception &) {
        return true;
    }
    return false;
}
} // namespace

class TstSampling : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void goldenSchedules()
    {
        const std::string path = testsupport::goldenDir() + "/schedule.json";
        std::ifstream in(path);
        if (!in)
            QSKIP(("golden files not found: " + path).c_str());
        const auto j = nlohmann::json::parse(in);
        int checked = 0;
        for (auto it = j.begin(); it != j.end(); ++it) {
            const auto parts = split(it.key(), ',');
            const int steps = std::stoi(parts[0]);
            const int64_t seq = std::stoll(parts[1]);
            const bool shift = parts.size() < 3;
            const auto ours = pipeline::getSchedule(steps, seq, shift);
            const auto ref = it.value().get<std::vector<double>>();
            QCOMPARE(ours.size(), ref.size());
            double num = 0, den = 0;
            for (size_t i = 0; i < ref.size(); ++i) {
                num += (ours[i] - ref[i]) * (ours[i] - ref[i]);
                den += ref[i] * ref[i];
            }
            const double e = std::sqrt(num / den);
            QVERIFY2(e < 1e-6, testsupport::describeError(it.key(), e, 1e-6).c_str());
            ++checked;
        }
        QCOMPARE(checked, static_cast<int>(j.size()));
        QVERIFY(checked >= 20);
    }

    void muValues()
    {
        QVERIFY(std::abs(pipeline::linearMu(1024) - 0.63) < 1e-12);
        QVERIFY(std::abs(pipeline::linearMu(4096) - 1.15) < 1e-12);
        const auto s = pipeline::getSchedule(28, 1024);
        QVERIFY(std::abs(s[1] - 0.9807) < 1e-4);
        QCOMPARE(s.back(), 0.0);
        QCOMPARE(s.front(), 1.0);
    }

    // Within a token, index = c*p*p + ph*p + pw; tokens are row-major over the grid of p x p patches:
    // p = 2 for FLUX's 8x autoencoder, 4 for a 4x one (still 16 px a token).
    void packLayout()
    {
        for (int64_t p : {2, 4}) {
            at::Tensor lat = at::arange(2 * 3 * (2 * p) * (3 * p), at::kFloat).reshape({2, 3, 2 * p, 3 * p});
            at::Tensor tok = p == 2 ? pipeline::pack(lat) : pipeline::pack(lat, p);
            QVERIFY(tok.sizes() == at::IntArrayRef({2, 6, 3 * p * p}));
            for (int64_t b = 0; b < 2; ++b)
                for (int64_t y = 0; y < 2; ++y)
                    for (int64_t x = 0; x < 3; ++x)
                        for (int64_t c = 0; c < 3; ++c)
                            for (int64_t ph = 0; ph < p; ++ph)
                                for (int64_t pw = 0; pw < p; ++pw)
                                    QCOMPARE(tok[b][y * 3 + x][c * p * p + ph * p + pw].item<float>(),
                                             lat[b][c][p * y + ph][p * x + pw].item<float>());
            QVERIFY(at::equal(pipeline::unpack(tok, 2 * p, 3 * p, p), lat));
        }
    }

    // The patch for an autoencoder's level count, and the sizes that do not make whole 4x4 patches.
    void packFourByFour()
    {
        QCOMPARE(pipeline::patchSize(4), int64_t{2});
        QCOMPARE(pipeline::patchSize(3), int64_t{4});
        for (int64_t levels : {1, 2, 5})
            QVERIFY(throws([&] { (void)pipeline::patchSize(levels); }));
        const at::Tensor tok = pipeline::pack(at::zeros({2, 3, 8, 12}), 4);
        QVERIFY(throws([&] { (void)pipeline::pack(at::zeros({1, 3, 6, 8}), 4); })); // 6 rows are not whole patches
        QVERIFY(throws([&] { (void)pipeline::unpack(tok, 8, 12, 2); }));           // 6 tokens do not fill 4x6 of 2x2
        QVERIFY(throws([&] { (void)pipeline::unpack(tok, 8, 12, 0); }));           // no patch (no division by 0)
        QVERIFY(throws([&] { (void)pipeline::pack(at::zeros({1, 3, 4, 4}), 0); }));
        QCOMPARE(pipeline::latentSize(128, 4), int64_t{32});
        QCOMPARE(pipeline::latentSize(120, 4), int64_t{32});
        // Position ids depend on the token grid only.
        QVERIFY(at::equal(pipeline::tokenIds(2, 3, 4, 0, -8), pipeline::imageIds(2, 6, 8, 0, -8)));
    }

    void imageIdsAreRowMajor()
    {
        at::Tensor ids = pipeline::imageIds(2, 6, 8, 0, -32);
        QVERIFY(ids.sizes() == at::IntArrayRef({2, 12, 3}));
        for (int64_t i = 0; i < 12; ++i) {
            QCOMPARE(ids[1][i][0].item<float>(), 0.0f);
            QCOMPARE(ids[1][i][1].item<float>(), static_cast<float>(i / 4));
            QCOMPARE(ids[1][i][2].item<float>(), static_cast<float>(i % 4 - 32));
        }
        QCOMPARE(pipeline::latentSize(512), int64_t{64});
        QCOMPARE(pipeline::latentSize(500), int64_t{64});
    }

    void ropeRotatesInterleavedPairs()
    {
        // float64 reference for one axis: pair j of position p is rotated by p * theta^(-2j/d).
        const at::Tensor pos = at::tensor({0.0, 3.0, 17.0}, at::kDouble).unsqueeze(0);
        const at::Tensor pe = model::rope(pos, 8, 10000.0); // [1, 3, 4, 2, 2]
        for (int64_t l = 0; l < 3; ++l)
            for (int64_t j = 0; j < 4; ++j) {
                const double a = pos[0][l].item<double>() * std::pow(10000.0, -2.0 * j / 8.0);
                QVERIFY(std::abs(pe[0][l][j][0][0].item<float>() - std::cos(a)) < 1e-6);
                QVERIFY(std::abs(pe[0][l][j][0][1].item<float>() + std::sin(a)) < 1e-6);
                QVERIFY(std::abs(pe[0][l][j][1][0].item<float>() - std::sin(a)) < 1e-6);
            }
        // applyRope on x = (1, 0) pairs gives (cos, sin).
        at::Tensor x = at::zeros({1, 1, 3, 8});
        x.select(3, 0).fill_(1.0);
        const at::Tensor r = model::applyRope(x, pe.unsqueeze(1));
        QVERIFY(std::abs(r[0][0][2][0].item<float>() - std::cos(17.0)) < 1e-6);
        QVERIFY(std::abs(r[0][0][2][1].item<float>() - std::sin(17.0)) < 1e-6);
    }

    void rejectsBadArguments()
    {
        bool threw = false;
        try {
            pipeline::getSchedule(0, 1024);
        } catch (const std::exception &) {
            threw = true;
        }
        QVERIFY(threw);
        threw = false;
        try {
            pipeline::pack(at::zeros({1, 16, 5, 4}));
        } catch (const std::exception &) {
            threw = true;
        }
        QVERIFY(threw);
    }
};

MOSAIC_TEST_MAIN(TstSampling, MT_FN(goldenSchedules) MT_FN(muValues) MT_FN(packLayout) MT_FN(packFourByFour) MT_FN(imageIdsAreRowMajor)
                                  MT_FN(ropeRotatesInterleavedPairs) MT_FN(rejectsBadArguments))

#include "tst_sampling.moc"
