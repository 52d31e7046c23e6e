// The training step on a tiny random bundle with in-memory MOSAIC-Toys: the loss falls, every term is
// finite, and a run resumed from a checkpoint repeats the uninterrupted run.
#include "testsupport.h"
#include "tensorcheck.h"

#include <mosaic/pipeline.h>

#include "data/toys.h"
#include "pipeline/bundle.h"
#include "train/ae_trainer.h"
#include "train/checkpointing.h"
#include "train/pool.h"
#include "train/trainer.h"
#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "util/error.h"
#include "util/parallel.h"

#include <mosaic/image.h>
#include <mosaic/train.h>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

using namespace mosaic;

namespace {

std::unique_ptr<pipeline::Bundle> tinyBundle(const std::string &dir)
{
    RandomBundleOptions o;
    o.hidden = 64;
    o.heads = 2;
    o.doubleBlocks = 1;
    o.singleBlocks = 1;
    o.imageSize = o.refSize = 64;
    const std::string path = dir + "/tiny.safetensors";
    if (!writeRandomBundle(path, o).ok())
        return nullptr;
    return pipeline::loadBundle(path);
}

// The code of the mosaic::Error that f throws (Ok when it throws none).
template <typename F>
StatusCode errorCode(F f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.code();
    }
    return StatusCode::Ok;
}

#define QVERIFY_THROWS_ERROR(expr, expected) QCOMPARE(errorCode([&] { (void)(expr); }), expected)

// The means of the first and of the last n values (a loss curve's start and end).
std::pair<double, double> firstLastMeans(const std::vector<double> &v, size_t n)
{
    double first = 0, last = 0;
    for (size_t i = 0; i < n; ++i) {
        first += v[i] / static_cast<double>(n);
        last += v[v.size() - 1 - i] / static_cast<double>(n);
    }
    return {first, last};
}

// The autoencoder trainer on 64-px scenes of one or two toys, batch 4.
train::AutoEncoderTrainOptions aeOptions()
{
    train::AutoEncoderTrainOptions o;
    o.batch = 4;
    o.learningRate = 5e-3;
    o.data.size = o.data.refSize = 64;
    o.data.minSubjects = 1;
    o.data.maxSubjects = 2;
    return o;
}

train::TrainOptions options()
{
    train::TrainOptions o;
    o.batch = 2;
    o.learningRate = 3e-3;
    o.data.size = 128;
    o.data.refSize = 64;
    o.data.minSubjects = 2;
    o.data.maxSubjects = 3;
    return o;
}


// The copy task of tools/experiments/refcopy.cpp: the target is the (64-px) reference itself, with
// identity correspondences at the token centres that the subject covers. `same`: every example gets
// the same reference (and target), so that rolling a batch changes nothing.
train::ExampleSource copyExamples(bool same)
{
    return [same](int64_t index) {
        ToysOptions o;
        o.size = o.refSize = 64;
        o.minSubjects = o.maxSubjects = 1;
        const data::ToySample s = data::renderToySample(o, same ? 0 : index);
        train::TrainingExample e;
        e.target = s.subjects[0].reference.clone();
        e.references.push_back(s.subjects[0].reference);
        e.prompt = s.prompt;
        DatasetSubject sub;
        const auto a = e.target.accessor<float, 3>();
        for (int y = 8; y < 64; y += 16)
            for (int x = 8; x < 64; x += 16)
                if (a[0][y][x] < 0.97f || a[1][y][x] < 0.97f || a[2][y][x] < 0.97f)
                    sub.points.push_back({(x + 0.5f) / 64, (y + 0.5f) / 64, (x + 0.5f) / 64, (y + 0.5f) / 64,
                                          PointSource::Synthetic, 1.0f, ReviewStatus::Accepted});
        e.subjects.push_back(sub);
        return e;
    };
}
} // namespace

class TstTrainer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The text encoder's transformer against a float64 re-computation from its own weights, padding
    // that changes nothing, and gradients that reach every block.
    void textEncoderTransformer()
    {
        at::manual_seed(3);
        model::TextEncoderConfig c;
        c.vocab_size = 12;
        c.max_length = 10;
        c.context_dim = 32;
        c.vec_dim = 24;
        c.layers = 2;
        c.heads = 4;
        model::TextEncoder enc(c);
        const at::Tensor ids = at::tensor({4, 7, 2, 9, 0, 0, 0, 0, 0, 0}, at::kLong).view({1, 10});
        auto [txt, y] = enc->forward(ids);
        QCOMPARE(txt.sizes().vec(), (std::vector<int64_t>{1, 10, 32}));
        QCOMPARE(y.sizes().vec(), (std::vector<int64_t>{1, 24}));

        // float64 reference on the four words (padding keys masked = dropped).
        auto W = [](const at::Tensor &t) { return t.detach().to(at::kDouble); };
        auto lin = [&](const torch::nn::Linear &l, const at::Tensor &x) { return at::matmul(x, W(l->weight).t()) + W(l->bias); };
        auto ln = [&](const torch::nn::LayerNorm &l, const at::Tensor &x) {
            const at::Tensor m = x.mean(-1, true), v = (x - m).pow(2).mean(-1, true);
            return (x - m) / at::sqrt(v + 1e-5) * W(l->weight) + W(l->bias);
        };
        at::Tensor x = W(enc->embed->weight).index_select(0, ids[0].narrow(0, 0, 4)) + W(enc->position).narrow(0, 0, 4);
        for (const auto &m : *enc->layers) {
            auto *blk = m->as<model::TextBlockImpl>();
            const at::Tensor qkv = lin(blk->qkv, ln(blk->norm1, x)).view({4, 3, 4, 8}).permute({1, 2, 0, 3});
            const at::Tensor a = at::softmax(at::matmul(qkv[0], qkv[1].transpose(-2, -1)) / std::sqrt(8.0), -1);
            x = x + lin(blk->proj, at::matmul(a, qkv[2]).transpose(0, 1).reshape({4, 32}));
            x = x + lin(blk->fc2, at::gelu(lin(blk->fc1, ln(blk->norm2, x))));
        }
        x = ln(enc->norm, x);
        const at::Tensor yRef = lin(enc->pooled, x.mean(0, true));
        const double e1 = testsupport::relativeError(txt[0].narrow(0, 0, 4), x), e2 = testsupport::relativeError(y, yRef);
        QVERIFY2(e1 < 1e-5, testsupport::describeError("txt", e1, 1e-5).c_str());
        QVERIFY2(e2 < 1e-5, testsupport::describeError("pooled", e2, 1e-5).c_str());

        // More padding changes neither the words' outputs nor the pooled vector.
        model::TextEncoderConfig c2 = c;
        c2.max_length = 16;
        model::TextEncoder longer(c2);
        {
            torch::NoGradGuard g;
            for (const auto &p : enc->named_parameters()) {
                at::Tensor dst = longer->named_parameters()[p.key()];
                if (p.key() == "position")
                    dst.narrow(0, 0, 10).copy_(p.value());
                else
                    dst.copy_(p.value());
            }
        }
        const at::Tensor ids16 = at::cat({ids, at::zeros({1, 6}, at::kLong)}, 1);
        auto [txt16, y16] = longer->forward(ids16);
        QVERIFY(testsupport::relativeError(txt16[0].narrow(0, 0, 4), txt[0].narrow(0, 0, 4)) < 1e-6);
        QVERIFY(testsupport::relativeError(y16, y) < 1e-6);

        // An empty prompt (dropped caption) is finite; gradients reach every block's weights.
        auto [txt0, y0] = enc->forward(at::zeros({1, 10}, at::kLong));
        QVERIFY(at::isfinite(txt0).all().item<bool>() && at::isfinite(y0).all().item<bool>());
        (txt.pow(2).mean() + y.pow(2).mean()).backward();
        for (const auto &p : enc->named_parameters())
            if (p.key().find("layers") == 0)
                QVERIFY2(p.value().grad().defined() && p.value().grad().abs().sum().item<double>() > 0, p.key().c_str());
    }

    void lossFalls()
    {
        at::set_num_threads(1); // bit-reproducible reductions
        const std::string dir = testsupport::scratchDir("trainer");
        auto bundle = tinyBundle(dir);
        QVERIFY(bundle);
        train::Trainer trainer(*bundle, options());
        std::vector<double> losses;
        int withPairs = 0;
        for (int i = 0; i < 40; ++i) {
            const auto l = trainer.step();
            QVERIFY(std::isfinite(l.total) && std::isfinite(l.flow) && std::isfinite(l.sca) && std::isfinite(l.md));
            QVERIFY(l.md <= 0.0 && l.md >= -std::log(2.0) - 1e-6);
            withPairs += l.sca > 0.0;
            losses.push_back(l.total);
        }
        QVERIFY(withPairs > 30); // the correspondence loss is active
        double first = 0, last = 0;
        for (int i = 0; i < 8; ++i) {
            first += losses[static_cast<size_t>(i)] / 8;
            last += losses[losses.size() - 1 - static_cast<size_t>(i)] / 8;
        }
        std::printf("smoke training: mean loss of steps 1-8 %.4f, of steps 33-40 %.4f\n", first, last);
        QVERIFY2(last < 0.8 * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
    }

    // The project's two extra terms for small models (off by default): the reverse correspondence
    // term is computed only when weighted, and training with it lowers it; bad weights are refused.
    void reverseTermAndSubjectWeight()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("trainer_reverse");
        {
            auto b = tinyBundle(dir);
            QVERIFY(b);
            train::Trainer plain(*b, options());
            const auto l = plain.step();
            QCOMPARE(l.reverseSca, 0.0);
            QCOMPARE(l.share, 0.0);
        }
        auto b = tinyBundle(dir);
        train::TrainOptions o = options();
        o.reverseScaWeight = 1.0;
        o.subjectWeight = 4.0;
        o.shareWeight = 1.0;
        // One example over and over, so that the term's fall is not hidden by batch-to-batch spread.
        const train::ExampleSource toys = train::toyExamples(o.data);
        train::Trainer t(*b, o, [toys](int64_t index) { return toys(index % 2); });
        std::vector<double> rev, share;
        for (int i = 0; i < 40; ++i) {
            const auto l = t.step();
            QVERIFY(std::isfinite(l.total) && std::isfinite(l.flow));
            rev.push_back(l.reverseSca);
            share.push_back(l.share);
        }
        const auto [first, last] = firstLastMeans(rev, 8);
        std::printf("reverse correspondence term: steps 1-8 %.4f, steps 33-40 %.4f\n", first, last);
        QVERIFY(first > 0.0);
        QVERIFY2(last < 0.5 * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
        // The reference-share term: -log of the subject tokens' attention on their reference, which
        // starts near the reference's share of the keys and is pulled up.
        const auto [shareFirst, shareLast] = firstLastMeans(share, 8);
        std::printf("reference-share term: steps 1-8 %.4f, steps 33-40 %.4f\n", shareFirst, shareLast);
        QVERIFY(shareFirst > 0.5);
        QVERIFY2(shareLast < 0.5 * shareFirst, (std::to_string(shareFirst) + " -> " + std::to_string(shareLast)).c_str());

        for (const auto &[reverse, subject, shareWeight] :
             {std::tuple{-0.1, 1.0, 0.0}, std::tuple{0.0, 0.0, 0.0}, std::tuple{0.0, std::nan(""), 0.0},
              std::tuple{0.0, 1.0, -1.0}, std::tuple{0.0, 1.0, std::nan("")}}) {
            train::TrainOptions bad = options();
            bad.reverseScaWeight = reverse;
            bad.subjectWeight = subject;
            bad.shareWeight = shareWeight;
            bool refused = false;
            try {
                train::Trainer x(*b, bad);
            } catch (const Error &e) {
                refused = e.code() == StatusCode::InvalidArgument;
            }
            QVERIFY(refused);
        }
    }

    // Training with regions: each reference's region is the bounding box of the target tokens that
    // hold its points, given to the model as region guidance's bias; off by default, and a run whose
    // samples all drop their regions trains exactly as one without.
    void trainingWithRegions()
    {
        using TP = train::TokenPairs;
        // Grid 4: sample 0 reference 0 holds tokens 5 and 10 (box: columns 1-2, rows 1-2), reference 1
        // nothing; sample 1 reference 0 token 15 alone, reference 1 tokens 0 and 3 (the first row).
        const std::vector<std::vector<TP>> pairs{{TP{{0, 5}, {1, 10}}, TP{}}, {TP{{2, 15}}, TP{{0, 0}, {1, 3}}}};
        const auto signs = train::regionSigns(pairs, 4, 0.0, 1);
        QCOMPARE(signs.size(), size_t{2});
        auto expect = [](std::initializer_list<int> inside) {
            at::Tensor t = -at::ones({16});
            for (int i : inside)
                t[i] = 1;
            return t;
        };
        QVERIFY(at::equal(signs[0][0], expect({5, 6, 9, 10})));
        QVERIFY(at::equal(signs[1][0], at::zeros({16}))); // no points: no region
        QVERIFY(at::equal(signs[0][1], expect({15})));
        QVERIFY(at::equal(signs[1][1], expect({0, 1, 2, 3})));
        for (const auto &s : train::regionSigns(pairs, 4, 1.0, 1))
            QVERIFY(at::equal(s, at::zeros({2, 16}))); // every sample dropped
        // Dropout per sample (both references together), reproducible from its seed.
        const std::vector<std::vector<TP>> many(200, std::vector<TP>{TP{{0, 5}}, TP{{0, 6}}});
        const auto d1 = train::regionSigns(many, 4, 0.3, 9), d2 = train::regionSigns(many, 4, 0.3, 9);
        QVERIFY(at::equal(d1[0], d2[0]) && at::equal(d1[1], d2[1]));
        const at::Tensor dropped = d1[0].abs().sum(1) == 0;
        QVERIFY(at::equal(dropped, d1[1].abs().sum(1) == 0));
        const int64_t n = dropped.sum().item<int64_t>();
        QVERIFY2(n > 35 && n < 85, std::to_string(n).c_str()); // 60 expected of 200
        bool refused = false;
        try {
            train::regionSigns({{TP{{0, 16}}}}, 4, 0.0, 1);
        } catch (const Error &e) {
            refused = e.code() == StatusCode::InvalidArgument;
        }
        QVERIFY(refused);

        // In the trainer: the bias reaches the forward pass (the first step's loss changes), and with
        // every sample dropped the run is the run without regions.
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("trainer_regions");
        auto firstStep = [&](double strength, double dropout) {
            auto b = tinyBundle(dir);
            train::TrainOptions o = options();
            o.regionStrength = strength;
            o.regionDropout = dropout;
            train::Trainer t(*b, o);
            return t.step();
        };
        const auto plain = firstStep(0.0, 0.0), regions = firstStep(2.0, 0.0), allDropped = firstStep(2.0, 1.0);
        std::printf("first step: flow loss without regions %.6f, with %.6f, all dropped %.6f; L_SCA %.4f, %.4f, %.4f\n",
                    plain.flow, regions.flow, allDropped.flow, plain.sca, regions.sca, allDropped.sca);
        QVERIFY(std::abs(regions.flow - plain.flow) > 1e-6 * plain.flow);
        // The annotated target tokens lie inside their reference's region, which the bias favours: the
        // reference->target attention on them rises by about e^2 at a random start.
        QVERIFY2(regions.sca < plain.sca - 0.5, (std::to_string(plain.sca) + " -> " + std::to_string(regions.sca)).c_str());
        QVERIFY(std::abs(allDropped.flow - plain.flow) <= 1e-6 * plain.flow);
        QVERIFY(std::abs(allDropped.sca - plain.sca) <= 1e-6 * plain.sca);
        auto b = tinyBundle(dir);
        for (const auto &[strength, dropout] : {std::pair{-1.0, 0.0}, std::pair{std::nan(""), 0.0}, std::pair{2.0, 1.5}}) {
            train::TrainOptions bad = options();
            bad.regionStrength = strength;
            bad.regionDropout = dropout;
            bool no = false;
            try {
                train::Trainer x(*b, bad);
            } catch (const Error &e) {
                no = e.code() == StatusCode::InvalidArgument && std::string(e.what()).find("region") != std::string::npos;
            }
            QVERIFY(no);
        }
    }

    // The probe of how much a model reads its references: near 1 for an untrained model, exactly 1
    // where every sample has the same reference, and well above 1 once a model has learned to copy
    // its reference (the task of tools/experiments/refcopy.cpp).
    void referenceUseProbe()
    {
        at::set_num_threads(2);
        const std::string dir = testsupport::scratchDir("trainer_probe");
        RandomBundleOptions ro;
        ro.hidden = 96;
        ro.heads = 2;
        ro.doubleBlocks = 2;
        ro.singleBlocks = 1;
        ro.imageSize = ro.refSize = 64;
        QVERIFY(writeRandomBundle(dir + "/b.safetensors", ro).ok());
        auto b = pipeline::loadBundle(dir + "/b.safetensors");
        train::TrainOptions o;
        o.batch = 8;
        o.learningRate = 2e-3;
        o.warmup = 20;
        o.reverseScaWeight = 0.2;
        o.mdWeight = 0;
        o.data.size = o.data.refSize = 64;
        {
            auto same = pipeline::loadBundle(dir + "/b.safetensors");
            train::Trainer t(*same, o, copyExamples(true));
            const train::ReferenceUse u = t.referenceUse(1, 8);
            QCOMPARE(u.batches, 1);
            QVERIFY(u.own > 0);
            QCOMPARE(u.other, u.own);
        }
        train::Trainer t(*b, o, copyExamples(false));
        const train::ReferenceUse before = t.referenceUse(2, 8);
        QCOMPARE(before.batches, 2);
        for (int i = 0; i < 120; ++i)
            t.step();
        const train::ReferenceUse after = t.referenceUse(2, 8);
        std::printf("reference use: before %.4f / %.4f (ratio %.3f), after 120 steps %.4f / %.4f (ratio %.3f)\n", before.own,
                    before.other, before.ratio(), after.own, after.other, after.ratio());
        QVERIFY2(std::abs(before.ratio() - 1.0) < 0.1, std::to_string(before.ratio()).c_str());
        QVERIFY2(after.ratio() > 2.0, std::to_string(after.ratio()).c_str());
        // Batches of one cannot be rolled (the probe's batch is its own, not the training batch).
        bool refused = false;
        try {
            t.referenceUse(1, 1);
        } catch (const Error &e) {
            refused = e.code() == StatusCode::InvalidArgument;
        }
        QVERIFY(refused);
    }

    // The pool that feeds a GPU: each example is the on-the-fly stream's example of the same index
    // (images within 8-bit rounding, points and prompt exact), wrapping at perCount; saved and
    // loaded it gives the same examples bit for bit; a pool for other toys or a damaged file is
    // refused; and training from it follows training on rendered toys.
    void toyPool()
    {
        at::set_num_threads(2);
        const std::string dir = testsupport::scratchDir("toy_pool");
        train::TrainOptions o = options();
        auto pool = train::ToyPool::render(o.data, 4);
        for (int c = 2; c <= 3; ++c) {
            ToysOptions oc = o.data;
            oc.minSubjects = oc.maxSubjects = c;
            const auto stream = train::toyExamples(oc);
            for (int i = 0; i < 4; ++i) {
                const auto a = pool->example(c, i), b = stream(i), wrapped = pool->example(c, i + 4);
                QCOMPARE(a.prompt, b.prompt);
                QVERIFY((a.target - b.target).abs().max().item<double>() <= 0.5 / 255 + 1e-6);
                QVERIFY(a.target.equal(wrapped.target));
                QCOMPARE(a.references.size(), size_t(c));
                for (int r = 0; r < c; ++r) {
                    QVERIFY((a.references[size_t(r)] - b.references[size_t(r)]).abs().max().item<double>() <= 0.5 / 255 + 1e-6);
                    const auto &pa = a.subjects[size_t(r)].points, &pb = b.subjects[size_t(r)].points;
                    QCOMPARE(pa.size(), pb.size());
                    for (size_t k = 0; k < pa.size(); ++k)
                        QVERIFY(pa[k].refX == pb[k].refX && pa[k].refY == pb[k].refY && pa[k].tgtX == pb[k].tgtX &&
                                pa[k].tgtY == pb[k].tgtY);
                }
            }
        }
        QVERIFY_THROWS_ERROR(pool->example(4, 0), StatusCode::InvalidArgument); // no 4-subject block
        const std::string path = dir + "/pool.safetensors";
        pool->save(path);
        auto loaded = train::ToyPool::obtain(path, o.data, 4); // the file exists: loaded, not rendered
        for (int c = 2; c <= 3; ++c)
            for (int i = 0; i < 4; ++i) {
                const auto a = pool->example(c, i), b = loaded->example(c, i);
                QVERIFY(a.target.equal(b.target) && a.prompt == b.prompt);
                for (int r = 0; r < c; ++r)
                    QVERIFY(a.references[size_t(r)].equal(b.references[size_t(r)]));
            }
        // A pool file that cannot be written: an error for the pool-only run, a warning for training.
        QVERIFY_THROWS_ERROR(train::ToyPool::obtain("/dev/null/pool.safetensors", o.data, 1, true), StatusCode::IoError);
        QVERIFY(train::ToyPool::obtain("/dev/null/pool.safetensors", o.data, 1, false)->perCount() == 1);
        // Other toys: another size per count, seed, subject range or placement.
        QVERIFY_THROWS_ERROR(train::ToyPool::load(path, o.data, 5), StatusCode::InvalidArgument);
        ToysOptions other = o.data;
        other.seed = 99;
        QVERIFY_THROWS_ERROR(train::ToyPool::load(path, other, 4), StatusCode::InvalidArgument);
        ToysOptions aligned = o.data;
        aligned.alignedShrink = 1; // token-aligned toys are other toys too
        QVERIFY_THROWS_ERROR(train::ToyPool::load(path, aligned, 4), StatusCode::InvalidArgument);
        // Damaged: truncated, and a safetensors file that is no pool.
        {
            std::ifstream in(path, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            std::ofstream(dir + "/cut.safetensors", std::ios::binary) << bytes.substr(0, bytes.size() / 2);
        }
        QVERIFY_THROWS_ERROR(train::ToyPool::load(dir + "/cut.safetensors", o.data, 4), StatusCode::CorruptFile);
        st::write(dir + "/plain.safetensors", {{"x", at::zeros({2})}});
        QVERIFY_THROWS_ERROR(train::ToyPool::load(dir + "/plain.safetensors", o.data, 4), StatusCode::CorruptFile);

        // Training from the pool (4 examples per count: 2 steps of 2) follows training on rendered toys.
        at::set_num_threads(1);
        std::vector<double> rendered, pooled;
        {
            auto b = tinyBundle(dir);
            QVERIFY(b);
            train::Trainer t(*b, o);
            for (int i = 0; i < 2; ++i)
                rendered.push_back(t.step().flow);
        }
        {
            auto b = tinyBundle(dir);
            o.pool = loaded;
            train::Trainer t(*b, o);
            for (int i = 0; i < 2; ++i)
                pooled.push_back(t.step().flow);
        }
        for (int i = 0; i < 2; ++i) {
            const double a = rendered[size_t(i)], b = pooled[size_t(i)];
            QVERIFY2(std::abs(a - b) <= 2e-3 * std::abs(a), (std::to_string(a) + " vs " + std::to_string(b)).c_str());
        }
    }

    // Toy examples and pools render on all intra-op threads. (at::parallel_for forks only in code
    // compiled with OpenMP; until 2026-11-28 the core was not, and every "parallel" render ran on
    // one thread.) Each index is visited once, by more than one thread where the build has OpenMP,
    // an exception inside reaches the caller, and a pool rendered on two threads is the one-thread
    // pool bit for bit.
    void parallelRendering()
    {
        at::set_num_threads(2);
        std::vector<int> visits(64, 0), thread(64, -1);
        mosaic::parallelFor(64, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                ++visits[size_t(i)];
                thread[size_t(i)] = at::get_thread_num();
            }
        });
        QVERIFY(std::all_of(visits.begin(), visits.end(), [](int v) { return v == 1; }));
        const std::set<int> threads(thread.begin(), thread.end());
#ifdef MOSAIC_EXPECT_PARALLEL
        QCOMPARE(mosaic::parallelForThreads(64), 2);
        QCOMPARE(mosaic::parallelForThreads(1), 1);
#endif
        QCOMPARE(int(threads.size()), mosaic::parallelForThreads(64));
        mosaic::parallelFor(0, [](int64_t, int64_t) { QFAIL("called for an empty range"); });
        QVERIFY_THROWS_ERROR(mosaic::parallelFor(64,
                                                 [](int64_t begin, int64_t end) {
                                                     if (begin <= 40 && 40 < end)
                                                         throw Error(StatusCode::InvalidArgument, "item 40");
                                                 }),
                             StatusCode::InvalidArgument);

        train::TrainOptions o = options();
        auto two = train::ToyPool::render(o.data, 6);
        at::set_num_threads(1);
        auto one = train::ToyPool::render(o.data, 6);
        at::set_num_threads(2);
        for (int c = o.data.minSubjects; c <= o.data.maxSubjects; ++c)
            for (int i = 0; i < 6; ++i) {
                const auto a = two->example(c, i), b = one->example(c, i);
                QVERIFY(a.target.equal(b.target));
                QCOMPARE(a.prompt, b.prompt);
                for (int r = 0; r < c; ++r) {
                    QVERIFY(a.references[size_t(r)].equal(b.references[size_t(r)]));
                    QCOMPARE(a.subjects[size_t(r)].points.size(), b.subjects[size_t(r)].points.size());
                }
            }
    }

    // A time budget: the cosine ends where the measured pace reaches the budget, and a run with one
    // stops on time, saves and exports like a finished run.
    void timeBudget()
    {
        // 100 steps in 10 s since the pace's start at 2 s: at 12 s, 8 s are left -> 80 more steps.
        QCOMPARE(train::budgetedTotalSteps(110, 100, 12.0, 2.0, 20.0, 100000), int64_t{190});
        QCOMPARE(train::budgetedTotalSteps(110, 100, 12.0, 2.0, 20.0, 150), int64_t{150}); // the recipe's steps cap it
        QCOMPARE(train::budgetedTotalSteps(110, 100, 25.0, 2.0, 20.0, 100000), int64_t{111}); // past the budget
        QCOMPARE(train::budgetedTotalSteps(5, 0, 1.0, 1.0, 20.0, 300), int64_t{300});          // no pace yet

        const std::string out = testsupport::scratchDir("time_budget");
        TrainRunOptions o;
        o.recipePath = std::string(MOSAIC_SOURCE_DIR) + "/tests/data/recipes/smoke.json";
        o.outDir = out;
        o.steps = 1000000;
        o.seconds = 3.0;
        TrainRunReport rep;
        const Status st = runTraining(o, &rep);
        QVERIFY2(st.ok(), st.message.c_str());
        QVERIFY(!rep.interrupted);
        QVERIFY(rep.lastStep > 0 && rep.lastStep < 1000000);
        // Stopped by the budget: a run that ignored it would take hours. The bound is loose on purpose
        // (a smoke step takes well under a second, but CI shares its two cores with other suites:
        // 23 s were measured once with ctest -j2), so this is no timing test.
        QVERIFY2(rep.seconds < 3.0 + 60.0, std::to_string(rep.seconds).c_str());
        QVERIFY(std::filesystem::exists(rep.model) && std::filesystem::exists(rep.checkpoint));
        std::printf("time budget of 3 s: %lld steps in %.2f s\n", static_cast<long long>(rep.lastStep), rep.seconds);
    }

    // A step whose loss is not finite (here a NaN pixel in the target) stops with a clear error before
    // the optimizer touches the weights.
    void nonFiniteLossStops()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("nan_loss");
        auto b = tinyBundle(dir);
        QVERIFY(b);
        train::ExampleSource source = [](int64_t) {
            train::TrainingExample e;
            e.target = at::full({3, 128, 128}, 0.5);
            e.target[0][7][9] = std::nan("");
            e.references = {at::full({3, 64, 64}, 0.25)};
            e.subjects.resize(1);
            e.prompt = "a toy on grass";
            return e;
        };
        train::Trainer t(*b, options(), source);
        const at::Tensor before = b->flux->parameters()[0].detach().clone();
        try {
            t.step();
            QFAIL("a NaN loss was accepted");
        } catch (const Error &e) {
            QCOMPARE(e.code(), StatusCode::Internal);
            QVERIFY2(std::string(e.what()).find("not finite") != std::string::npos, e.what());
        }
        QVERIFY(b->flux->parameters()[0].equal(before));
        QCOMPARE(t.stepCount(), int64_t{0});
    }

    // The EMA warms up: after a run shorter than its horizon the exported weights are the trained
    // ones, not the random start.
    void emaWarmsUp()
    {
        QCOMPARE(train::emaDecayAt(0.999, 0), 0.1);
        QCOMPARE(train::emaDecayAt(0.999, 90), 0.91);
        QCOMPARE(train::emaDecayAt(0.999, 100000), 0.999);
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("ema");
        auto b = tinyBundle(dir);
        QVERIFY(b);
        const at::Tensor init = b->flux->parameters()[0].detach().clone();
        train::TrainOptions o = options();
        o.emaDecay = 0.999;
        train::Trainer t(*b, o);
        for (int i = 0; i < 20; ++i)
            t.step();
        const at::Tensor raw = b->flux->parameters()[0].detach().clone();
        t.applyEma();
        const at::Tensor ema = b->flux->parameters()[0].detach();
        const double moved = (raw - init).norm().item<double>(), behind = (ema - raw).norm().item<double>();
        std::printf("after 20 steps: the weights moved %.4g, the EMA is %.4g behind them\n", moved, behind);
        QVERIFY(moved > 0);
        QVERIFY2(behind < 0.5 * moved, (std::to_string(behind) + " vs " + std::to_string(moved)).c_str());
    }

    void resumeRepeatsTheRun()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("resume");
        std::vector<double> straight, resumed;
        {
            auto b = tinyBundle(dir);
            QVERIFY(b);
            train::Trainer t(*b, options());
            for (int i = 0; i < 4; ++i)
                straight.push_back(t.step().total);
        }
        {
            auto b = tinyBundle(dir);
            train::Trainer t(*b, options());
            t.step();
            t.step();
            t.saveCheckpoint(dir + "/ck.pt");
        }
        {
            auto b = tinyBundle(dir); // fresh weights: everything must come from the checkpoint
            train::Trainer t(*b, options());
            t.loadCheckpoint(dir + "/ck.pt");
            QCOMPARE(t.stepCount(), int64_t{2});
            resumed.push_back(t.step().total);
            resumed.push_back(t.step().total);
        }
        for (int i = 0; i < 2; ++i) {
            const double a = straight[static_cast<size_t>(2 + i)], b = resumed[static_cast<size_t>(i)];
            QVERIFY2(std::abs(a - b) <= 1e-6 * std::abs(a), (std::to_string(a) + " vs " + std::to_string(b)).c_str());
        }
    }

    // Prefetching (the next step's examples fetched on another thread while a step computes, as on
    // CUDA) changes nothing: the same losses as without it, bit for bit; a checkpoint loaded while a
    // prefetch is in flight continues the run as if there had been none; a source that fails for a
    // later step fails that step, not the one during which its examples were fetched.
    void prefetchChangesNothing()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("prefetch");
        auto withPrefetch = [](int prefetch) {
            train::TrainOptions o = options();
            o.prefetch = prefetch;
            o.textDropout = o.imageDropout = 0.3; // the dropouts' draws follow the fetched examples
            return o;
        };
        auto run = [&](int prefetch, int steps) {
            auto b = tinyBundle(dir);
            train::Trainer t(*b, withPrefetch(prefetch));
            std::vector<double> losses;
            for (int i = 0; i < steps; ++i)
                losses.push_back(t.step().total);
            return losses;
        };
        const auto plain = run(0, 4), fetched = run(1, 4);
        QVERIFY(plain == fetched);
        {
            auto b = tinyBundle(dir);
            train::Trainer t(*b, withPrefetch(1));
            t.step();
            t.step();
            t.saveCheckpoint(dir + "/ck.pt");
            t.step(); // step 2 done; step 3's examples are being fetched
            t.loadCheckpoint(dir + "/ck.pt");
            QCOMPARE(t.stepCount(), int64_t{2});
            const double again = t.step().total; // step 2 again, from the checkpoint
            QVERIFY2(std::abs(again - plain[2]) <= 1e-6 * std::abs(plain[2]),
                     (std::to_string(again) + " vs " + std::to_string(plain[2])).c_str());
        }
        {
            auto b = tinyBundle(dir);
            train::TrainOptions o = withPrefetch(1);
            o.data.minSubjects = o.data.maxSubjects = 2;
            const auto toys = train::toyExamples(o.data);
            std::atomic<int> calls{0};
            train::Trainer t(*b, o, [&](int64_t index) {
                ++calls;
                if (index >= 2 * o.batch) // step 2's
                    throw Error(StatusCode::CorruptFile, "example " + std::to_string(index) + " is damaged");
                return toys(index);
            });
            t.step();
            t.step(); // fine, though step 2's examples may already have failed
            QVERIFY_THROWS_ERROR(t.step(), StatusCode::CorruptFile);
            QCOMPARE(t.stepCount(), int64_t{2});
            QCOMPARE(calls.load(), 2 * o.batch + 1); // steps 0 and 1, then step 2's first example, once
        }
        {
            // Step 3's examples fail while step 2 computes; a checkpoint of step 2 is loaded: step 2
            // again, the failed prefetch of another step dropped.
            auto b = tinyBundle(dir);
            train::TrainOptions o = withPrefetch(1);
            o.data.minSubjects = o.data.maxSubjects = 2;
            const auto toys = train::toyExamples(o.data);
            train::Trainer t(*b, o, [&](int64_t index) {
                if (index >= 3 * o.batch)
                    throw Error(StatusCode::CorruptFile, "example " + std::to_string(index) + " is damaged");
                return toys(index);
            });
            t.step();
            t.step();
            t.saveCheckpoint(dir + "/ck3.pt");
            const double first = t.step().total;
            t.loadCheckpoint(dir + "/ck3.pt");
            const double again = t.step().total;
            QVERIFY2(std::abs(again - first) <= 1e-6 * std::abs(first), (std::to_string(first) + " vs " + std::to_string(again)).c_str());
            QVERIFY_THROWS_ERROR(t.step(), StatusCode::CorruptFile);
        }
    }

    // Gradient checkpointing per block changes what is kept, not what is learnt: with every loss on
    // (SCA, MD, the reverse and share terms, regions), full training and LoRA-only training take the
    // same steps with it as without, to float32 summation order; and it is really in the graph (the
    // backward pass runs the checkpointed blocks again).
    void gradientCheckpointingGivesTheSameSteps()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("checkpointing");
        for (const int64_t rank : {int64_t{0}, int64_t{4}}) {
            auto run = [&](bool checkpoint, std::vector<double> *losses) {
                auto b = tinyBundle(dir);
                train::TrainOptions o = options();
                o.checkpointBlocks = checkpoint;
                o.reverseScaWeight = 0.5;
                o.shareWeight = 0.5;
                o.regionStrength = 2.0;
                o.loraRank = rank;
                train::Trainer t(*b, o);
                for (int i = 0; i < 3; ++i)
                    losses->push_back(t.step().total);
                std::vector<at::Tensor> weights;
                for (const auto &p : b->flux->parameters())
                    weights.push_back(p.detach().clone());
                if (t.lora())
                    for (const auto &e : t.lora()->toTensors())
                        weights.push_back(e.second.detach().clone());
                return weights;
            };
            std::vector<double> plainLosses, checkpointedLosses;
            const auto plain = run(false, &plainLosses), checkpointed = run(true, &checkpointedLosses);
            QCOMPARE(plain.size(), checkpointed.size());
            double worst = 0, moved = 0;
            for (size_t i = 0; i < plain.size(); ++i)
                worst = std::max(worst, testsupport::relativeError(checkpointed[i], plain[i]));
            for (size_t i = 0; i < plainLosses.size(); ++i)
                QVERIFY2(std::abs(checkpointedLosses[i] - plainLosses[i]) <= 1e-5 * std::abs(plainLosses[i]),
                         (std::to_string(plainLosses[i]) + " vs " + std::to_string(checkpointedLosses[i])).c_str());
            // The steps moved the weights far more than the two runs differ.
            auto b = tinyBundle(dir);
            size_t i = 0;
            for (const auto &p : b->flux->parameters())
                moved = std::max(moved, testsupport::relativeError(plain[i++], p.detach()));
            std::printf("  LoRA rank %lld: largest relative difference with checkpointing %.2e (the steps moved the "
                        "transformer's weights by up to %.2e%s)\n", static_cast<long long>(rank), worst, moved,
                        rank > 0 ? ": frozen under a LoRA" : "");
            QVERIFY2(worst < 1e-5, std::to_string(worst).c_str());
        }
        // In the graph: a backward pass through a checkpointed body runs it again, with a graph.
        int runs = 0;
        const at::Tensor w = at::randn({4, 4}).requires_grad_(true), x = at::randn({2, 4}).requires_grad_(true);
        auto body = [&](const std::vector<at::Tensor> &in) {
            ++runs;
            return std::vector<at::Tensor>{at::tanh(at::matmul(in[0], w)) * 3.0};
        };
        const auto y = train::checkpointed(body, {x}, false, at::kCPU);
        QCOMPARE(runs, 1);
        y[0].sum().backward();
        QCOMPARE(runs, 2);
        const at::Tensor wg = w.grad().clone(), xg = x.grad().clone();
        w.grad().zero_();
        x.grad().zero_();
        body({x})[0].sum().backward();
        QVERIFY(at::allclose(w.grad(), wg) && at::allclose(x.grad(), xg));
    }

    void recipeRunStopAndResume()
    {
        const std::string out = testsupport::scratchDir("recipe_run");
        TrainRunOptions o;
        o.recipePath = std::string(MOSAIC_SOURCE_DIR) + "/tests/data/recipes/smoke.json";
        o.outDir = out;
        o.steps = 6;
        std::atomic<bool> stop{false};
        TrainRunReport first;
        QVERIFY(runTraining(o, &first, [&](const TrainProgress &p) { stop = p.step >= 3; }, &stop).ok());
        QVERIFY(first.interrupted); // "Ctrl-C" after step 3: a checkpoint and the model reached so far
        QCOMPARE(first.lastStep, int64_t{3});
        QVERIFY(std::filesystem::exists(first.checkpoint));
        {
            Status st;
            QVERIFY2(ModelBundle::load(first.model, &st), st.message.c_str());
        }
        // The metrics as an older version wrote them (no "share" column): the resumed run keeps those
        // rows, by column name, with 0 for the missing column.
        std::vector<std::vector<std::string>> before;
        {
            std::ifstream in(first.metrics);
            std::string line;
            while (std::getline(in, line)) {
                std::vector<std::string> cells;
                std::istringstream cs(line);
                for (std::string c; std::getline(cs, c, ',');)
                    cells.push_back(c);
                QCOMPARE(cells.size(), size_t{11});
                cells.erase(cells.begin() + 6);
                before.push_back(cells);
            }
            QCOMPARE(before.size(), size_t{4});
            QCOMPARE(before[0][5], std::string("sca_reverse"));
            std::ofstream old(first.metrics, std::ios::trunc);
            for (const auto &cells : before) {
                for (size_t i = 0; i < cells.size(); ++i)
                    old << (i ? "," : "") << cells[i];
                old << "\n";
            }
        }
        o.resume = true;
        TrainRunReport second;
        QVERIFY(runTraining(o, &second).ok());
        QVERIFY(!second.interrupted);
        QCOMPARE(second.firstStep, int64_t{3});
        QCOMPARE(second.lastStep, int64_t{6});
        // Every step once in the metrics, and a bundle that loads.
        std::ifstream in(second.metrics);
        std::string line;
        std::vector<int> steps;
        std::getline(in, line);
        QCOMPARE(line, std::string("step,total,flow,sca,md,sca_reverse,share,lr,grad_norm,seconds,data_seconds"));
        while (std::getline(in, line)) {
            steps.push_back(std::stoi(line.substr(0, line.find(','))));
            std::vector<std::string> cells;
            std::istringstream cs(line);
            for (std::string c; std::getline(cs, c, ',');)
                cells.push_back(c);
            QCOMPARE(cells.size(), size_t{11});
            if (steps.back() < 3) { // an old row: its values under their names, share 0
                const auto &old = before[static_cast<size_t>(steps.back()) + 1];
                QCOMPARE(cells[2], old[2]);
                QCOMPARE(cells[6], std::string("0"));
                QCOMPARE(cells[7], old[6]);
                QCOMPARE(cells[9], old[8]);
            }
        }
        QVERIFY((steps == std::vector<int>{0, 1, 2, 3, 4, 5}));
        Status st;
        auto bundle = ModelBundle::load(second.model, &st);
        QVERIFY2(bundle, st.message.c_str());
        // Trained at 128 px (the smoke data), a bundle whose default is 64: 128 is now its native size,
        // into which positions are scaled above it (256 -> 0.5), and nothing changes at its default.
        {
            GenerationRequest g;
            g.prompt = "a toy";
            g.steps = 1;
            g.width = g.height = 256;
            GenerationResult res;
            QVERIFY(generate(*bundle, g, &res).ok());
            QVERIFY2(res.parametersJson.find("\"position_scale\":0.5") != std::string::npos, res.parametersJson.c_str());
            g.width = g.height = 0;
            QVERIFY(generate(*bundle, g, &res).ok());
            QVERIFY(res.parametersJson.find("position_scale") == std::string::npos);
        }
        // Up to step 12: the recipe's sample grid appears (where PNGs can be written).
        o.steps = 12;
        TrainRunReport third;
        QVERIFY(runTraining(o, &third).ok());
        RgbaImage probe;
        probe.width = probe.height = 1;
        probe.pixels.assign(4, 255);
        if (savePng(out + "/probe.png", probe).ok()) {
            QVERIFY(std::filesystem::exists(out + "/samples/step_12.png"));
            // Rows at the size the run trains at (the smoke data's 128 px; the bundle's default is 64):
            // three rows of target, image and references.
            RgbaImage grid;
            QVERIFY(loadImage(out + "/samples/step_12.png", &grid).ok());
            QCOMPARE(grid.height, 3 * 128);
        }
        // The reference-use probe (probe_every defaults to sample_every): at step 12 and at the end of
        // each segment that was not stopped (the first was: no row at 3), kept across the resumes.
        std::ifstream probes(out + "/reference_use.csv");
        std::getline(probes, line);
        QCOMPARE(line, std::string("step,own,other,ratio"));
        std::vector<int> probed;
        while (std::getline(probes, line)) {
            probed.push_back(std::stoi(line.substr(0, line.find(','))));
            QVERIFY(std::stod(line.substr(line.rfind(',') + 1)) > 0.0);
        }
        QVERIFY2((probed == std::vector<int>{6, 12}), std::to_string(probed.size()).c_str());
    }

    void autoencoderRecipe()
    {
        const std::string out = testsupport::scratchDir("recipe_ae");
        TrainRunOptions o;
        o.recipePath = std::string(MOSAIC_SOURCE_DIR) + "/tests/data/recipes/smoke-ae.json";
        o.outDir = out;
        o.steps = 4;
        TrainRunReport rep;
        const Status st = runTraining(o, &rep);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(rep.lastStep, int64_t{4});
        std::ifstream in(rep.metrics);
        std::string header;
        std::getline(in, header);
        QCOMPARE(header, std::string("step,total,reconstruction,kl,seconds"));
        auto bundle = pipeline::loadBundle(rep.model);
        QVERIFY(bundle->ae->config.scale_factor != 0.3611); // calibrated
    }

    // A transformer moved onto a 4x autoencoder (the recipes' init.autoencoder): its input and output
    // layers are rebuilt at the new token width, every other weight kept; it then trains.
    void transformerOntoFourTimesAutoencoder()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("trainer_4x");
        auto bundle = tinyBundle(dir);
        QVERIFY(bundle);
        QCOMPARE(bundle->patch(), int64_t{2});
        QVERIFY(!pipeline::adaptTransformerInput(*bundle)); // widths agree: nothing to do
        RandomBundleOptions o;
        o.imageSize = o.refSize = 64;
        o.aeMultipliers = {1, 1, 1};
        o.latentChannels = 4;
        QVERIFY(writeRandomBundle(dir + "/ae4x.safetensors", o).ok());
        const auto before = bundle->flux->named_parameters();
        std::map<std::string, at::Tensor> kept;
        for (const auto &e : before)
            kept[e.key()] = e.value().clone();
        bundle->ae = pipeline::loadBundle(dir + "/ae4x.safetensors")->ae;
        QCOMPARE(bundle->patch(), int64_t{4});
        QVERIFY(pipeline::adaptTransformerInput(*bundle));
        QCOMPARE(bundle->flux->config.in_channels, int64_t{64});
        QCOMPARE(bundle->flux->config.out_channels, int64_t{64});
        int same = 0;
        for (const auto &e : bundle->flux->named_parameters()) {
            const at::Tensor &old = kept.at(e.key());
            if (e.key() == "img_in.weight" || e.key() == "final_layer.linear.weight" || e.key() == "final_layer.linear.bias")
                QVERIFY(old.sizes() != e.value().sizes());
            else
                same += at::equal(old, e.value());
        }
        QCOMPARE(same, static_cast<int>(kept.size()) - 3);
        // The renewed layers come from the seed, not from LibTorch's default generator (seeded afresh in
        // every process): the same seed gives the same layers, another seed others, within 1/sqrt(fan-in).
        auto adapted = [&](uint64_t seed) {
            auto other = tinyBundle(dir);
            other->ae = bundle->ae;
            pipeline::adaptTransformerInput(*other, seed);
            return other;
        };
        const auto again = adapted(0), reseeded = adapted(7);
        const auto ours = bundle->flux->named_parameters(), same0 = again->flux->named_parameters(),
                   seed7 = reseeded->flux->named_parameters();
        for (const char *key : {"img_in.weight", "final_layer.linear.weight", "final_layer.linear.bias"}) {
            QVERIFY2(at::equal(ours[key], same0[key]), key);
            QVERIFY2(!at::equal(ours[key], seed7[key]), key);
        }
        const double w = ours["img_in.weight"].abs().max().item<double>(); // [hidden, 64]: within 1/8
        QVERIFY2(w <= 1.0 / 8.0 && w > 0.9 / 8.0, std::to_string(w).c_str());
        train::TrainOptions t = options();
        t.data.size = 64;
        t.data.minSubjects = 1;
        t.data.maxSubjects = 2;
        train::Trainer trainer(*bundle, t);
        std::vector<double> losses;
        for (int i = 0; i < 30; ++i) {
            const auto l = trainer.step();
            QVERIFY(std::isfinite(l.total));
            losses.push_back(l.flow);
        }
        const auto [first, last] = firstLastMeans(losses, 6);
        std::printf("4x autoencoder, flow loss of steps 1-6 %.4f, of steps 25-30 %.4f\n", first, last);
        QVERIFY2(last < first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
    }

    void badRecipes()
    {
        const std::string dir = testsupport::scratchDir("bad_recipes");
        TrainRunOptions o;
        o.outDir = dir + "/out";
        TrainRunReport r;
        o.recipePath = dir + "/missing.json";
        QCOMPARE(runTraining(o, &r).code, StatusCode::NotFound);
        std::ofstream(dir + "/broken.json") << "{\"init\": ";
        o.recipePath = dir + "/broken.json";
        const Status broken = runTraining(o, &r);
        QCOMPARE(broken.code, StatusCode::CorruptFile);
        QVERIFY(broken.message.find("not valid JSON") != std::string::npos);
        std::ofstream(dir + "/folder.json") << "{\"init\": {\"random\": {\"hidden\": 64, \"heads\": 2, \"double\": 1, \"single\": 1,"
                                            << " \"image_size\": 64, \"ref_size\": 64}}, \"data\": {\"source\": \"dataset\"}}";
        o.recipePath = dir + "/folder.json";
        const Status folder = runTraining(o, &r);
        QCOMPARE(folder.code, StatusCode::InvalidArgument); // an unknown data source
        // Values checked before training starts, each refused naming what is wrong: the toys' subject
        // scale (two numbers within 0.03-0.35) and the extra terms' weights (numbers, the reverse
        // weight at least 0, the subject weight above 0).
        const std::pair<const char *, const char *> bad[] = {
            {"\"scale\": [0.2]", "scale"},          {"\"scale\": [0.5, 0.6]", "scale"},
            {"\"scale\": [0.3, 0.2]", "scale"},     {"\"scale\": \"large\"", "scale"},
            {"\"sca_reverse_weight\": -1", "weight"}, {"\"share_weight\": -2", "weight"}, {"\"sca_reverse_weight\": \"high\"", "weight"},
            {"\"subject_weight\": 0", "weight"}, {"\"region_strength\": -2", "region"}, {"\"region_dropout\": 2", "region"},
            {"\"t_uniform\": 1.5", "t_uniform"}, {"\"t_uniform\": -0.1", "t_uniform"}, {"\"prefetch\": \"yes\"", "prefetch"}};
        for (const auto &[setting, word] : bad) {
            const bool inData = std::string(setting).find("scale") != std::string::npos;
            std::ofstream(dir + "/bad.json") << "{\"init\": {\"random\": {\"hidden\": 64, \"heads\": 2, \"double\": 1, \"single\": 1,"
                                             << " \"image_size\": 64, \"ref_size\": 64}}, \"data\": {\"source\": \"toys\", \"size\": 64"
                                             << (inData ? std::string(", ") + setting : std::string()) << "}, \"steps\": 2"
                                             << (inData ? std::string() : std::string(", ") + setting) << "}";
            o.recipePath = dir + "/bad.json";
            const Status st = runTraining(o, &r);
            QCOMPARE(st.code, StatusCode::InvalidArgument);
            QVERIFY2(st.message.find(word) != std::string::npos, st.message.c_str());
            QVERIFY(!std::filesystem::exists(dir + "/out/checkpoint.pt"));
        }
        // The autoencoder's latent noise: a number of latent standard deviations within [0, 10].
        for (const char *setting : {"\"latent_noise\": -1", "\"latent_noise\": 20", "\"latent_noise\": \"lots\""}) {
            std::ofstream(dir + "/bad-ae.json") << "{\"component\": \"autoencoder\", \"init\": {\"random\": {\"hidden\": 64, \"heads\": 2,"
                                                << " \"double\": 1, \"single\": 1, \"image_size\": 64, \"ref_size\": 64}},"
                                                << " \"data\": {\"source\": \"toys\", \"size\": 64}, \"steps\": 2, " << setting << "}";
            o.recipePath = dir + "/bad-ae.json";
            const Status st = runTraining(o, &r);
            QCOMPARE(st.code, StatusCode::InvalidArgument);
            QVERIFY2(st.message.find("latent") != std::string::npos, st.message.c_str());
            QVERIFY(!std::filesystem::exists(dir + "/out/checkpoint.pt"));
        }
    }

    void autoencoderLearnsAndCalibrates()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("ae_train");
        auto b = tinyBundle(dir);
        QVERIFY(b);
        train::AutoEncoderTrainOptions o = aeOptions();
        train::AutoEncoderTrainer t(*b, o);
        std::vector<double> losses;
        for (int i = 0; i < 30; ++i)
            losses.push_back(t.step().reconstruction);
        const auto [first, last] = firstLastMeans(losses, 5);
        std::printf("autoencoder: reconstruction MSE %.4f (steps 1-5) -> %.4f (steps 26-30)\n", first, last);
        QVERIFY2(last < 0.8 * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
        // After calibration the encoded latents have about zero mean and unit variance.
        t.calibrate(8);
        torch::NoGradGuard noGrad;
        ToysOptions other = o.data;
        other.seed = 99;
        std::vector<at::Tensor> imgs;
        for (int i = 0; i < 6; ++i)
            imgs.push_back(data::renderToySample(other, i).target * 2.0 - 1.0);
        const at::Tensor z = b->ae->encode(at::stack(imgs, 0));
        QVERIFY2(std::abs(z.mean().item<double>()) < 0.3, std::to_string(z.mean().item<double>()).c_str());
        QVERIFY2(std::abs(z.std().item<double>() - 1.0) < 0.3, std::to_string(z.std().item<double>()).c_str());
    }

    // Fine-tuning the decoder for the subjects: the encoder (the latent space) and the latent scale
    // and shift stay bit-identical, the decoder learns, the subject-weighted error falls; bad settings
    // are refused.
    void autoencoderDecoderFineTune()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("ae_decoder");
        auto b = tinyBundle(dir);
        QVERIFY(b);
        train::AutoEncoderTrainOptions o = aeOptions();
        o.subjectWeight = 8.0;
        o.refSize = 32;
        o.decoderOnly = true;
        std::vector<at::Tensor> encoderBefore, decoderBefore;
        for (const auto &p : b->ae->encoder->parameters())
            encoderBefore.push_back(p.detach().clone());
        for (const auto &p : b->ae->decoder->parameters())
            decoderBefore.push_back(p.detach().clone());
        const double shift = b->ae->config.shift_factor, scale = b->ae->config.scale_factor;
        train::AutoEncoderTrainer t(*b, o);
        std::vector<double> losses;
        for (int i = 0; i < 30; ++i)
            losses.push_back(t.step().reconstruction);
        const auto [first, last] = firstLastMeans(losses, 5);
        std::printf("decoder fine-tuning: weighted error %.4f (steps 1-5) -> %.4f (steps 26-30)\n", first, last);
        QVERIFY2(last < 0.9 * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
        const auto enc = b->ae->encoder->parameters(), dec = b->ae->decoder->parameters();
        for (size_t i = 0; i < enc.size(); ++i)
            QVERIFY(at::equal(enc[i], encoderBefore[i]));
        bool changed = false;
        for (size_t i = 0; i < dec.size(); ++i)
            changed = changed || !at::equal(dec[i], decoderBefore[i]);
        QVERIFY(changed);
        const auto [s2, k2] = t.calibrate(4);
        QCOMPARE(s2, shift);
        QCOMPARE(k2, scale);
        QCOMPARE(b->ae->config.scale_factor, scale);
        for (const auto &[weight, refSize] : {std::pair{0.0, 0}, std::pair{std::nan(""), 0}, std::pair{2.0, 20}}) {
            train::AutoEncoderTrainOptions bad = o;
            bad.subjectWeight = weight;
            bad.refSize = refSize;
            bool refused = false;
            try {
                train::AutoEncoderTrainer x(*b, bad);
            } catch (const Error &e) {
                refused = e.code() == StatusCode::InvalidArgument;
            }
            QVERIFY(refused);
        }
    }

    // Latent noise for the decoder (latent_noise): it changes what the decoder sees (other losses than
    // without), the same seed draws the same noise (two runs agree, and a resumed run continues as
    // the uninterrupted one), another seed other noise; values outside [0, 10] are refused.
    void autoencoderLatentNoise()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("ae_latent_noise");
        auto losses = [&](double noise, uint64_t seed, int steps, const std::string &save = {}, const std::string &load = {}) {
            auto b = tinyBundle(dir);
            train::AutoEncoderTrainOptions o = aeOptions();
            o.decoderOnly = true;
            o.latentNoise = noise;
            o.seed = seed;
            train::AutoEncoderTrainer t(*b, o);
            if (!load.empty())
                t.loadCheckpoint(load);
            std::vector<double> out;
            for (int i = 0; i < steps; ++i)
                out.push_back(t.step().reconstruction);
            if (!save.empty())
                t.saveCheckpoint(save);
            return out;
        };
        const auto clean = losses(0.0, 1, 4), noisy = losses(1.0, 1, 4), again = losses(1.0, 1, 4), other = losses(1.0, 2, 4);
        QVERIFY(clean[0] != noisy[0]);
        QVERIFY(noisy == again);
        QVERIFY(other[0] != noisy[0]);
        std::printf("latent noise: first-step error %.5f clean, %.5f with noise up to 1 latent sd\n", clean[0], noisy[0]);
        const std::string ck = dir + "/half.pt";
        const auto firstHalf = losses(1.0, 1, 2, ck);
        const auto secondHalf = losses(1.0, 1, 2, {}, ck);
        QCOMPARE(firstHalf[0], noisy[0]);
        QCOMPARE(firstHalf[1], noisy[1]);
        QCOMPARE(secondHalf[0], noisy[2]);
        QCOMPARE(secondHalf[1], noisy[3]);

        auto b = tinyBundle(dir);
        for (double bad : {-0.1, std::nan(""), 11.0}) {
            train::AutoEncoderTrainOptions o = aeOptions();
            o.latentNoise = bad;
            bool refused = false;
            try {
                train::AutoEncoderTrainer x(*b, o);
            } catch (const Error &e) {
                refused = e.code() == StatusCode::InvalidArgument && std::string(e.what()).find("latent noise") != std::string::npos;
            }
            QVERIFY(refused);
        }
    }

    // LoRA-only training: the adapters learn, the base stays bit-identical, and the written adapters
    // load back as the same LoRA (onto the bundle, through ModelBundle::load).
    void loraOnlyTrainsAdapters()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("trainer_lora");
        auto bundle = tinyBundle(dir);
        QVERIFY(bundle);
        std::vector<at::Tensor> base;
        for (const auto &p : bundle->flux->parameters())
            base.push_back(p.detach().clone());
        for (const auto &p : bundle->text->parameters())
            base.push_back(p.detach().clone());
        train::TrainOptions o = options();
        o.loraRank = 4;
        o.learningRate = 1e-2;
        train::Trainer trainer(*bundle, o);
        QVERIFY(trainer.lora());
        QVERIFY(trainer.lora()->layerCount() >= 6); // qkv, proj, mlp.0, mlp.2 of the image stream; linear1, linear2
        double first = 0;
        for (int i = 0; i < 6; ++i) {
            const auto l = trainer.step();
            QVERIFY(std::isfinite(l.total));
            if (i == 0)
                first = l.total;
        }
        Q_UNUSED(first);
        size_t i = 0;
        for (const auto &p : bundle->flux->parameters())
            QVERIFY(at::equal(p, base[i++]));
        for (const auto &p : bundle->text->parameters())
            QVERIFY(at::equal(p, base[i++]));
        double upNorm = 0;
        const auto tensors = trainer.lora()->toTensors();
        for (const auto &e : tensors)
            if (e.first.find("lora_B") != std::string::npos)
                upNorm += e.second.norm().item<double>();
        QVERIFY(upNorm > 0); // B starts at zero: it moved

        const auto back = model::LoraSet::fromTensors(tensors, *bundle->flux, "roundtrip");
        QCOMPARE(back.layerCount(), trainer.lora()->layerCount());
        const at::Tensor x = at::randn({3, 64});
        for (const char *layer : {"double_blocks.0.img_attn.qkv", "single_blocks.0.linear1"}) {
            at::Tensor y1 = at::zeros({3, layer[0] == 'd' ? 192 : 64 * 3 + 64 * 4}), y2 = y1.clone();
            trainer.lora()->addDelta(layer, x, y1);
            back.addDelta(layer, x, y2);
            QVERIFY(y1.abs().sum().item<double>() > 0);
            QVERIFY(testsupport::relativeError(y2, y1) < 1e-6);
        }

        // The recipe run writes lora.safetensors, which the generation façade loads onto its base.
        TrainRunOptions ro;
        ro.recipePath = std::string(MOSAIC_SOURCE_DIR) + "/tests/data/recipes/smoke-lora.json";
        ro.outDir = dir + "/run";
        ro.steps = 4;
        TrainRunReport rep;
        const Status st = runTraining(ro, &rep);
        QVERIFY2(st.ok(), st.message.c_str());
        QVERIFY(rep.model.size() > 16 && rep.model.substr(rep.model.size() - 16) == "lora.safetensors");
        Status lst;
        auto withLora = ModelBundle::load(ro.outDir + "/init.safetensors", &lst, rep.model);
        QVERIFY2(withLora, lst.message.c_str());
        QVERIFY(withLora->description().hasLora);
    }

    // "data": {"source": "folder"}: a dataset folder in the project's format trains like the toys.
    void trainsFromDatasetFolder()
    {
        const std::string dir = testsupport::scratchDir("trainer_folder");
        ToysOptions to;
        to.count = 6;
        to.size = 128;
        to.refSize = 64;
        to.minSubjects = 2;
        to.maxSubjects = 3;
        ToysReport tr;
        if (!synthesizeToys(dir + "/data", to, &tr).ok())
            QSKIP("writing a dataset needs OpenCV (LibTorch-only build)");
        std::ofstream(dir + "/recipe.json")
            << "{\"name\": \"folder\", \"init\": {\"random\": {\"hidden\": 64, \"heads\": 2, \"double\": 1, \"single\": 1, "
            << "\"image_size\": 128, \"ref_size\": 64, \"seed\": 3}}, \"data\": {\"source\": \"folder\", \"path\": \"data\", "
            << "\"size\": 128, \"split\": \"\"}, \"steps\": 3, \"batch\": 2, \"checkpoint_every\": 3, \"probe_every\": 3}";
        TrainRunOptions ro;
        ro.recipePath = dir + "/recipe.json";
        ro.outDir = dir + "/run";
        TrainRunReport rep;
        const Status st = runTraining(ro, &rep);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(rep.lastStep, int64_t{3});
        // The dataset's correspondences reach the loss.
        std::ifstream in(rep.metrics);
        std::string line;
        std::getline(in, line);
        int withSca = 0;
        while (std::getline(in, line)) {
            const auto c1 = line.find(','), c2 = line.find(',', c1 + 1), c3 = line.find(',', c2 + 1);
            withSca += std::stod(line.substr(c3 + 1)) > 0.0;
        }
        QCOMPARE(withSca, 3);
        // The reference-use probe reads the dataset's own examples (16 of a 6-sample set).
        std::ifstream probes(dir + "/run/reference_use.csv");
        std::getline(probes, line);
        QVERIFY(std::getline(probes, line));
        QCOMPARE(line.substr(0, 2), std::string("3,"));
        QVERIFY(std::stod(line.substr(line.rfind(',') + 1)) > 0.0);

        // A missing folder is a clear error.
        std::ofstream(dir + "/bad.json") << "{\"init\": {\"random\": {}}, \"data\": {\"source\": \"folder\", \"path\": \"nowhere\"}}";
        ro.recipePath = dir + "/bad.json";
        const Status bad = runTraining(ro, &rep);
        QVERIFY(!bad.ok());
        QVERIFY2(bad.message.find("nowhere") != std::string::npos, bad.message.c_str());
    }

    // bfloat16 autocast gives the float32 losses within bfloat16's precision, and a bundle stored in
    // bfloat16 generates about the same image as in float32.
    void autocastAndBf16Storage()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("trainer_autocast");
        auto a = tinyBundle(dir);
        auto b = tinyBundle(dir);
        QVERIFY(a && b);
        train::TrainOptions o = options();
        train::Trainer fp32(*a, o);
        o.autocast = true;
        train::Trainer bf16(*b, o);
        for (int i = 0; i < 3; ++i) {
            const auto l32 = fp32.step(), l16 = bf16.step();
            QVERIFY2(std::abs(l16.flow - l32.flow) < 0.05 * l32.flow,
                     (std::to_string(l16.flow) + " vs " + std::to_string(l32.flow)).c_str());
        }

        pipeline::saveBundle(*a, dir + "/f32.safetensors");
        pipeline::saveBundle(*a, dir + "/bf16.safetensors", at::kBFloat16);
        QVERIFY(std::filesystem::file_size(dir + "/bf16.safetensors") < std::filesystem::file_size(dir + "/f32.safetensors") * 6 / 10);
        Status st;
        auto m32 = ModelBundle::load(dir + "/f32.safetensors", &st);
        auto m16 = ModelBundle::load(dir + "/bf16.safetensors", &st);
        QVERIFY(m32 && m16);
        GenerationRequest req;
        req.prompt = "two toys on the grass";
        req.seed = 5;
        GenerationResult r32, r16;
        QVERIFY(generate(*m32, req, &r32).ok());
        QVERIFY(generate(*m16, req, &r16).ok());
        double diff = 0;
        for (size_t i = 0; i < r32.image.pixels.size(); ++i)
            diff += std::abs(int(r32.image.pixels[i]) - int(r16.image.pixels[i]));
        diff /= static_cast<double>(r32.image.pixels.size());
        qInfo("bf16 storage: mean absolute pixel difference %.3f of 255", diff);
        QVERIFY(diff < 4.0);
    }

    // A bundle whose description claims an autoencoder that cannot make 16-px tokens (five levels), or
    // a 4x one under a transformer sized for 2x2 patches, is refused by name when loaded.
    void bundleWithImpossibleAutoencoder()
    {
        const std::string dir = testsupport::scratchDir("bundle_levels");
        QVERIFY(tinyBundle(dir));
        const Checkpoint ck = Checkpoint::open(dir + "/tiny.safetensors");
        const st::TensorMap tensors = ck.loadAll();
        const std::string description = ck.metadata().at("mosaic.bundle");
        const std::string levels4 = "\"ch_mult\":[1,1,1,1]";
        QVERIFY(description.find(levels4) != std::string::npos);
        const std::pair<const char *, const char *> cases[] = {{"\"ch_mult\":[1,1,1,1,1]", "5 levels"},
                                                               {"\"ch_mult\":[1,1,1]", "4x4 patches"}};
        for (const auto &[levels, expected] : cases) {
            std::string d = description;
            d.replace(d.find(levels4), levels4.size(), levels);
            st::write(dir + "/bad.safetensors", tensors, {{"mosaic.bundle", d}});
            std::string message;
            StatusCode code = StatusCode::Ok;
            try {
                pipeline::loadBundle(dir + "/bad.safetensors");
            } catch (const Error &e) {
                code = e.code();
                message = e.what();
            }
            QCOMPARE(code, StatusCode::CorruptFile);
            QVERIFY2(message.find(expected) != std::string::npos, message.c_str());
        }
    }

    void badCheckpointIsAnError()
    {
        const std::string dir = testsupport::scratchDir("badck");
        auto b = tinyBundle(dir);
        QVERIFY(b);
        train::Trainer t(*b, options());
        std::ofstream(dir + "/junk.pt") << "not a checkpoint";
        bool threw = false;
        try {
            t.loadCheckpoint(dir + "/junk.pt");
        } catch (const std::exception &e) {
            threw = std::string(e.what()).find("not a training checkpoint") != std::string::npos;
        }
        QVERIFY(threw);
    }
};

MOSAIC_TEST_MAIN(TstTrainer, MT_FN(textEncoderTransformer) MT_FN(lossFalls) MT_FN(reverseTermAndSubjectWeight) MT_FN(trainingWithRegions) MT_FN(referenceUseProbe) MT_FN(resumeRepeatsTheRun) MT_FN(recipeRunStopAndResume) MT_FN(autoencoderRecipe) MT_FN(transformerOntoFourTimesAutoencoder) MT_FN(badRecipes) MT_FN(autoencoderLearnsAndCalibrates) MT_FN(autoencoderDecoderFineTune) MT_FN(loraOnlyTrainsAdapters) MT_FN(trainsFromDatasetFolder) MT_FN(autocastAndBf16Storage) MT_FN(bundleWithImpossibleAutoencoder) MT_FN(badCheckpointIsAnError) MT_FN(toyPool) MT_FN(parallelRendering) MT_FN(timeBudget) MT_FN(nonFiniteLossStops) MT_FN(emaWarmsUp) MT_FN(prefetchChangesNothing) MT_FN(autoencoderLatentNoise) MT_FN(gradientCheckpointingGivesTheSameSteps))

#include "tst_trainer.moc"
