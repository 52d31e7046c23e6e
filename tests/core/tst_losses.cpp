// MOSAIC's training losses: hand-computed cases and float64 gradient checks against central
// differences (relative error < 1e-6).
#include "testsupport.h"
#include "tensorcheck.h"

#include "pipeline/sampling.h"
#include "train/losses.h"
#include "util/error.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/autograd.h>

#include <cmath>
#include <functional>

using namespace mosaic;

namespace {

// Max relative difference between autograd's gradient of f at x and central differences.
double gradientCheck(const std::function<at::Tensor(const at::Tensor &)> &f, at::Tensor x)
{
    x = x.detach().clone().set_requires_grad(true);
    const at::Tensor y = f(x);
    const at::Tensor analytic = torch::autograd::grad({y}, {x})[0];
    at::Tensor numeric = at::zeros_like(x);
    const double h = 1e-6;
    auto flat = x.detach().view({-1});
    auto nflat = numeric.view({-1});
    for (int64_t i = 0; i < flat.numel(); ++i) {
        const double keep = flat[i].item<double>();
        at::Tensor xp = x.detach().clone(), xm = x.detach().clone();
        xp.view({-1})[i] = keep + h;
        xm.view({-1})[i] = keep - h;
        nflat[i] = (f(xp).item<double>() - f(xm).item<double>()) / (2 * h);
    }
    return testsupport::relativeError(analytic, numeric);
}

} // namespace

class TstLosses : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void flowMatchingByHand()
    {
        const at::Tensor x0 = at::tensor({1.0, 2.0, -1.0, 0.5}, at::kDouble).view({2, 2});
        const at::Tensor eps = at::tensor({0.0, 1.0, 3.0, -0.5}, at::kDouble).view({2, 2});
        const at::Tensor t = at::tensor({0.25, 1.0}, at::kDouble);
        const auto ft = train::flowMatchingTargets(x0, eps, t);
        // sample 0: 0.75 x0 + 0.25 eps; sample 1: eps
        QVERIFY(at::allclose(ft.xt, at::tensor({0.75, 1.75, 3.0, -0.5}, at::kDouble).view({2, 2})));
        QVERIFY(at::allclose(ft.target, at::tensor({-1.0, -1.0, 4.0, -1.0}, at::kDouble).view({2, 2})));
        const at::Tensor loss = train::flowMatchingLoss(at::zeros({2, 2}, at::kDouble), ft.target);
        QVERIFY(std::abs(loss.item<double>() - (1 + 1 + 16 + 1) / 4.0) < 1e-12);

        // Token weights ([B, L] over [B, L, C]): sample 0 has tokens with errors (1, 1) and (16, 1),
        // means 1 and 8.5; sample 1 one token (4, 0), mean 2. Weights 3, 1, 1: (3 + 8.5 + 2) / 5.
        const at::Tensor pred = at::zeros({2, 2, 2}, at::kDouble);
        at::Tensor target = at::tensor({1.0, -1.0, 4.0, -1.0, 2.0, 0.0, 0.0, 0.0}, at::kDouble).view({2, 2, 2});
        const at::Tensor w = at::tensor({3.0, 1.0, 1.0, 0.0}, at::kDouble).view({2, 2});
        QVERIFY(std::abs(train::flowMatchingLoss(pred, target, w).item<double>() - 13.5 / 5.0) < 1e-12);
        // All ones: the plain mean.
        QVERIFY(std::abs(train::flowMatchingLoss(pred, target, at::ones({2, 2}, at::kDouble)).item<double>() -
                         train::flowMatchingLoss(pred, target).item<double>()) < 1e-12);
        bool refused = false;
        try {
            train::flowMatchingLoss(pred, target, at::ones({2, 3}, at::kDouble));
        } catch (const Error &e) {
            refused = std::string(e.what()).find("token weights") != std::string::npos;
        }
        QVERIFY(refused);
    }

    void timestepsFollowTheShiftedLogitNormal()
    {
        auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
        const at::Tensor t = train::sampleTimesteps(20000, 1024, gen);
        QVERIFY(t.min().item<float>() > 0.0f && t.max().item<float>() < 1.0f);
        // The median maps u = 0 (sigma = 0.5) through the shift: e^0.63 / (e^0.63 + 1) = 0.6525.
        const double median = t.median().item<float>();
        QVERIFY2(std::abs(median - std::exp(0.63) / (std::exp(0.63) + 1.0)) < 0.01, std::to_string(median).c_str());
    }

    // A share of uniform timesteps (t_uniform): 0 draws exactly the default; 1 is U(0, 1); one half mixes
    // the two (the share below t = 0.1: half of 0.1 plus half of the logit-normal's 0.38 % at 64 tokens).
    void uniformTimestepShare()
    {
        auto g1 = at::make_generator<at::CPUGeneratorImpl>(5), g2 = at::make_generator<at::CPUGeneratorImpl>(5);
        QVERIFY(train::sampleTimesteps(1000, 64, g1).equal(train::sampleTimesteps(1000, 64, g2, 0.0)));
        auto below = [](const at::Tensor &t, double x) { return (t < x).to(at::kDouble).mean().item<double>(); };
        auto g3 = at::make_generator<at::CPUGeneratorImpl>(6);
        const at::Tensor logit = train::sampleTimesteps(40000, 64, g3);
        const double mu = pipeline::linearMu(64), sigmaAt = 0.1 / (0.1 + std::exp(mu) * 0.9); // t = 0.1
        const double expected = 0.5 * std::erfc(-std::log(sigmaAt / (1 - sigmaAt)) / std::sqrt(2.0));
        QVERIFY2(std::abs(below(logit, 0.1) - expected) < 0.002, (std::to_string(below(logit, 0.1)) + " vs " + std::to_string(expected)).c_str());
        QVERIFY(expected < 0.01);
        auto g4 = at::make_generator<at::CPUGeneratorImpl>(7);
        const at::Tensor uniform = train::sampleTimesteps(40000, 64, g4, 1.0);
        QVERIFY(uniform.min().item<float>() > 0.0f && uniform.max().item<float>() < 1.0f);
        for (double x : {0.1, 0.25, 0.5, 0.9})
            QVERIFY2(std::abs(below(uniform, x) - x) < 0.01, std::to_string(x).c_str());
        auto g5 = at::make_generator<at::CPUGeneratorImpl>(8);
        const at::Tensor half = train::sampleTimesteps(40000, 64, g5, 0.5);
        QVERIFY2(std::abs(below(half, 0.1) - (0.05 + 0.5 * expected)) < 0.006, std::to_string(below(half, 0.1)).c_str());
        QVERIFY_EXCEPTION_THROWN(train::sampleTimesteps(4, 64, g5, 1.5), Error);
    }

    void correspondenceByHand()
    {
        // Two references (2 rows each, 3 target tokens); pairs in sample 0: ref 0 (0 -> 0),
        // (1 -> 1); ref 1 (1 -> 2). The mean runs over the 3 pairs, not over references.
        const at::Tensor a = at::tensor({0.5, 0.25, 0.25, 0.1, 0.8, 0.1}, at::kDouble).view({1, 2, 3});
        const at::Tensor b = at::tensor({0.2, 0.2, 0.6, 0.3, 0.3, 0.4}, at::kDouble).view({1, 2, 3});
        const std::vector<std::vector<train::TokenPairs>> pairs{{{{0, 0}, {1, 1}}, {{1, 2}}}};
        const double expected = -(std::log(0.5 + 1e-9) + std::log(0.8 + 1e-9) + std::log(0.4 + 1e-9)) / 3.0;
        QVERIFY(std::abs(train::correspondenceLoss({a, b}, pairs).item<double>() - expected) < 1e-12);
        // No pairs: zero.
        QCOMPARE(train::correspondenceLoss({a, b}, {{{}, {}}}).item<double>(), 0.0);
        // A batch of two, maps of 2 rows x 3 tokens (all entries different, so that a wrong sample, row
        // or token offset picks another value): sample 0 ref 0 (1 -> 2); sample 1 ref 0 (0 -> 1) and
        // ref 1 (1 -> 0), read through a transposed view as the reverse maps are.
        const at::Tensor a2 = (at::arange(1, 13, at::kDouble) / 13.0).view({2, 2, 3});
        const at::Tensor b2t = (at::arange(13, 25, at::kDouble) / 25.0).view({2, 3, 2});
        const at::Tensor b2 = b2t.transpose(1, 2); // [2, 2, 3], not contiguous
        const std::vector<std::vector<train::TokenPairs>> batchPairs{{{{1, 2}}, {}}, {{{0, 1}}, {{1, 0}}}};
        const double expected2 = -(std::log(a2[0][1][2].item<double>() + 1e-9) + std::log(a2[1][0][1].item<double>() + 1e-9) +
                                   std::log(b2t[1][0][1].item<double>() + 1e-9)) / 3.0;
        QVERIFY(std::abs(expected2 + (std::log(6.0 / 13) + std::log(8.0 / 13) + std::log(20.0 / 25)) / 3.0) < 1e-8);
        QVERIFY(std::abs(train::correspondenceLoss({a2, b2}, batchPairs).item<double>() - expected2) < 1e-12);
        // Uniform attention over 1024 tokens: ln 1024 = 6.93 (the spec's reference point).
        const at::Tensor u = at::full({1, 4, 1024}, 1.0 / 1024, at::kDouble);
        train::TokenPairs two;
        two.emplace_back(0, 5);
        two.emplace_back(3, 7);
        const std::vector<std::vector<train::TokenPairs>> uniformPairs(1, std::vector<train::TokenPairs>(1, two));
        const double lu = train::correspondenceLoss({u}, uniformPairs).item<double>();
        QVERIFY2(std::abs(lu + std::log(1.0 / 1024 + 1e-9)) < 1e-12, std::to_string(lu).c_str()); // ~ ln 1024
    }

    void correspondenceGradient()
    {
        at::manual_seed(1);
        const std::vector<std::vector<train::TokenPairs>> pairs{{{{0, 1}, {2, 3}}, {{1, 0}}}, {{{1, 2}}, {}}};
        auto f = [&](const at::Tensor &logits) { // [2 refs, B = 2, 3 rows, 4 tokens]
            return train::correspondenceLoss({at::softmax(logits[0], -1), at::softmax(logits[1], -1)}, pairs);
        };
        const double e = gradientCheck(f, at::randn({2, 2, 3, 4}, at::kDouble));
        QVERIFY2(e < 1e-6, testsupport::describeError("L_SCA gradient", e, 1e-6).c_str());
    }

    // The reference-share term: each (sample, reference, target token) once, whatever the number of
    // pairs naming it; samples or references without pairs add nothing.
    void referenceShareByHand()
    {
        // B = 2, L_tgt = 3; two references.
        const at::Tensor s0 = at::tensor({0.5, 0.25, 0.1, 0.2, 0.4, 0.05}, at::kDouble).view({2, 3});
        const at::Tensor s1 = at::tensor({0.3, 0.6, 0.7, 0.1, 0.2, 0.8}, at::kDouble).view({2, 3});
        // Sample 0: ref 0 pairs name token 1 twice and token 2; ref 1 names token 0. Sample 1: ref 0 none,
        // ref 1 names token 2.
        const std::vector<std::vector<train::TokenPairs>> pairs{{{{0, 1}, {3, 1}, {1, 2}}, {{2, 0}}}, {{}, {{0, 2}}}};
        auto l = [](double x) { return std::log(x + 1e-9); };
        const double expected = -(l(0.25) + l(0.1) + l(0.3) + l(0.8)) / 4.0;
        const double got = train::referenceShareLoss({s0, s1}, pairs).item<double>();
        QVERIFY2(std::abs(got - expected) < 1e-9, (std::to_string(got) + " vs " + std::to_string(expected)).c_str());
        // A share of 1 everywhere costs nothing (up to the 1e-9 guard); no pairs: 0.
        QVERIFY(train::referenceShareLoss({at::ones({2, 3}, at::kDouble), at::ones({2, 3}, at::kDouble)}, pairs).item<double>() < 1e-8);
        QCOMPARE(train::referenceShareLoss({s0, s1}, {{{}, {}}, {{}, {}}}).item<double>(), 0.0);
        // A target token outside the shares is refused.
        bool refused = false;
        try {
            train::referenceShareLoss({s0, s1}, {{{{0, 3}}, {}}});
        } catch (const Error &e) {
            refused = e.code() == StatusCode::InvalidArgument;
        }
        QVERIFY(refused);
    }

    void referenceShareGradient()
    {
        at::manual_seed(3);
        const std::vector<std::vector<train::TokenPairs>> pairs{{{{0, 1}, {2, 3}, {1, 1}}, {{1, 0}}}, {{{1, 2}}, {}}};
        auto f = [&](const at::Tensor &logits) { // [B = 2, 4 target tokens, 3 keys: other, ref 0, ref 1]
            const at::Tensor p = at::softmax(logits, -1);
            return train::referenceShareLoss({p.select(2, 1), p.select(2, 2)}, pairs);
        };
        const double e = gradientCheck(f, at::randn({2, 4, 3}, at::kDouble));
        QVERIFY2(e < 1e-6, testsupport::describeError("reference-share gradient", e, 1e-6).c_str());
    }

    void disentanglementByHand()
    {
        // Disjoint mean distributions: JSD = ln 2, the loss's floor.
        const at::Tensor a = at::tensor({1.0, 0.0, 1.0, 0.0}, at::kDouble).view({1, 2, 2});
        const at::Tensor b = at::tensor({0.0, 1.0, 0.0, 1.0}, at::kDouble).view({1, 2, 2});
        QVERIFY(std::abs(train::disentanglementLoss({a, b}).item<double>() + std::log(2.0)) < 1e-6);
        QVERIFY(std::abs(train::disentanglementLoss({a, a}).item<double>()) < 1e-12);
        QCOMPARE(train::disentanglementLoss({a}).item<double>(), 0.0);
        // Three references: -(JSD(a,b) + JSD(a,c) + JSD(b,c)) / 3 with c uniform.
        const at::Tensor c = at::full({1, 2, 2}, 0.5, at::kDouble);
        auto jsd = [](std::vector<double> p, std::vector<double> q) {
            double s = 0;
            for (size_t i = 0; i < p.size(); ++i) {
                const double m = 0.5 * (p[i] + q[i]);
                s += 0.5 * p[i] * (std::log(p[i] + 1e-8) - std::log(m + 1e-8)) +
                     0.5 * q[i] * (std::log(q[i] + 1e-8) - std::log(m + 1e-8));
            }
            return s;
        };
        const double expected = -(jsd({1, 0}, {0, 1}) + jsd({1, 0}, {0.5, 0.5}) + jsd({0, 1}, {0.5, 0.5})) / 3.0;
        QVERIFY(std::abs(train::disentanglementLoss({a, b, c}).item<double>() - expected) < 1e-12);
        // Batches: the mean of the per-sample losses.
        const at::Tensor ab = at::cat({a, a}, 0), bb = at::cat({b, a}, 0);
        QVERIFY(std::abs(train::disentanglementLoss({ab, bb}).item<double>() + std::log(2.0) / 2) < 1e-6);
    }

    void disentanglementGradient()
    {
        at::manual_seed(2);
        auto f = [](const at::Tensor &logits) { // 3 refs, B = 2, 2 rows, 5 tokens
            return train::disentanglementLoss(
                {at::softmax(logits[0], -1), at::softmax(logits[1], -1), at::softmax(logits[2], -1)});
        };
        const double e = gradientCheck(f, at::randn({3, 2, 2, 5}, at::kDouble));
        QVERIFY2(e < 1e-6, testsupport::describeError("L_MD gradient", e, 1e-6).c_str());
    }

    void rampOfTheDisentanglementWeight()
    {
        QCOMPARE(train::disentanglementWeight(9999, 10000, 1000), 0.0);
        QCOMPARE(train::disentanglementWeight(10000, 10000, 1000), 0.0);
        QCOMPARE(train::disentanglementWeight(10500, 10000, 1000), 0.5);
        QCOMPARE(train::disentanglementWeight(11000, 10000, 1000), 1.0);
        QCOMPARE(train::disentanglementWeight(50, 0, 100, 0.2), 0.1);
        QCOMPARE(train::disentanglementWeight(5, 0, 0, 0.2), 0.2);
    }
};

MOSAIC_TEST_MAIN(TstLosses, MT_FN(flowMatchingByHand) MT_FN(timestepsFollowTheShiftedLogitNormal)
                                MT_FN(correspondenceByHand) MT_FN(correspondenceGradient) MT_FN(referenceShareByHand)
                                    MT_FN(referenceShareGradient) MT_FN(disentanglementByHand)
                                    MT_FN(disentanglementGradient) MT_FN(rampOfTheDisentanglementWeight) MT_FN(uniformTimestepShare))

#include "tst_losses.moc"
