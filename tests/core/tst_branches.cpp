// MOSAIC's branch forward: zero references reproduce the plain transformer (golden), references are
// independent of each other, the LoRA touches reference rows only (in every key layout), the
// captured maps are distributions, and region biases apply per sample.
#include "testsupport.h"
#include "tensorcheck.h"

#include "io/checkpoint.h"
#include "model/branches.h"
#include "model/flux_keymap.h"
#include "model/loader.h"
#include "model/rope.h"
#include "pipeline/sampling.h"
#include "util/error.h"

#include <limits>
#include <tuple>
#include <c10/core/InferenceMode.h>

#include <fstream>

using namespace mosaic;
using testsupport::relativeError;

namespace {

model::FluxConfig tinyConfig()
{
    model::FluxConfig c;
    c.hidden_size = 64;
    c.num_heads = 2;
    c.depth = 2;
    c.depth_single_blocks = 2;
    c.in_channels = c.out_channels = 16;
    c.vec_in_dim = 24;
    c.context_in_dim = 40;
    c.axes_dim = {4, 14, 14};
    return c;
}

// Text of 5 tokens, a 4x4-token target, and n references of 4x4 tokens shifted left.
model::BranchInputs makeInputs(int n, uint64_t seed)
{
    at::manual_seed(seed);
    model::BranchInputs in;
    in.txt = at::randn({1, 5, 40});
    in.y = at::randn({1, 24});
    in.target = at::randn({1, 16, 16});
    in.targetIds = pipeline::imageIds(1, 8, 8);
    for (int i = 0; i < n; ++i) {
        in.refs.push_back(at::randn({1, 16, 16}));
        in.refIds.push_back(pipeline::imageIds(1, 8, 8, 0, -4 * (i + 1)));
    }
    in.timesteps = at::full({1}, 0.7);
    in.guidance = at::full({1}, 3.5);
    return in;
}

model::Flux randomModel(uint64_t seed, int64_t depth = 2, int64_t single = 2)
{
    at::manual_seed(seed);
    auto cfg = tinyConfig();
    cfg.depth = depth;
    cfg.depth_single_blocks = single;
    model::Flux f(cfg);
    f->eval();
    // Scale the modulation weights up so that the gates are far from zero and every path matters.
    for (auto &p : f->named_parameters())
        if (p.key().find("mod") != std::string::npos)
            p.value().data().mul_(4.0);
    return f;
}

// A LoRA on the image stream, with the given B scale (0: a no-op LoRA), in diffusers PEFT names.
st::TensorMap peftLora(const model::FluxConfig &c, double bScale, uint64_t seed)
{
    at::manual_seed(seed);
    const int64_t r = 4, D = c.hidden_size, M = c.mlpHidden();
    st::TensorMap t;
    auto add = [&](const std::string &module, int64_t in, int64_t out) {
        t["transformer." + module + ".lora_A.weight"] = at::randn({r, in}) * 0.3;
        t["transformer." + module + ".lora_B.weight"] = at::randn({out, r}) * bScale;
    };
    add("x_embedder", c.in_channels, D);
    for (int i = 0; i < c.depth; ++i) {
        const std::string b = "transformer_blocks." + std::to_string(i) + ".";
        add(b + "norm1.linear", D, 6 * D);
        add(b + "attn.to_q", D, D);
        add(b + "attn.to_k", D, D);
        add(b + "attn.to_v", D, D);
        add(b + "attn.to_out.0", D, D);
        add(b + "ff.net.2", M, D);
    }
    for (int i = 0; i < c.depth_single_blocks; ++i) {
        const std::string b = "single_transformer_blocks." + std::to_string(i) + ".";
        add(b + "norm.linear", D, 3 * D);
        add(b + "attn.to_q", D, D);
        add(b + "attn.to_k", D, D);
        add(b + "attn.to_v", D, D);
        add(b + "proj_mlp", D, M);
        add(b + "proj_out", D + M, D);
    }
    return t;
}

} // namespace

class TstBranches : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void zeroReferencesIsThePlainTransformer()
    {
        const std::string g = testsupport::goldenDir();
        if (!std::ifstream(g + "/flux_tiny.weights.safetensors"))
            QSKIP("golden files not found");
        c10::InferenceMode guard;
        for (const char *name : {"flux_tiny", "flux_tiny_schnell"}) {
            auto loaded = model::loadFlux(Checkpoint::open(g + "/" + name + ".weights.safetensors"), at::kFloat);
            const Checkpoint io = Checkpoint::open(g + "/" + name + ".io.safetensors");
            model::BranchInputs in;
            in.txt = io.tensor("txt");
            in.y = io.tensor("y");
            in.target = io.tensor("img");
            in.targetIds = io.tensor("img_ids");
            in.timesteps = io.tensor("timesteps");
            if (io.contains("guidance"))
                in.guidance = io.tensor("guidance");
            const at::Tensor out = model::forwardBranches(*loaded.model, in, {});
            const double e = relativeError(out, io.tensor("out"));
            QVERIFY2(e < 1e-5, testsupport::describeError(name, e, 1e-5).c_str());
        }
    }

    void referencesAreIndependent_data()
    {
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("single");
        QTest::newRow("one double block") << 1 << 0;
        QTest::newRow("one single block") << 0 << 1;
    }

    void referencesAreIndependent()
    {
        // Within a block a reference attends to the text, the target and itself, never to another
        // reference: with the same incoming text and target, changing reference 3 leaves references
        // 1 and 2 identical to the last bit. (Across blocks a reference sees the others indirectly,
        // through the target, which attends to every reference: that is MOSAIC's mask.)
        QFETCH(int, depth);
        QFETCH(int, single);
        c10::InferenceMode guard;
        auto m = randomModel(3, depth, single);
        model::BranchInputs a = makeInputs(3, 11), b = a;
        b.refs[2] = at::randn({1, 16, 16});
        model::BranchStates sa, sb;
        const at::Tensor outA = model::forwardBranches(*m, a, {}, nullptr, &sa);
        const at::Tensor outB = model::forwardBranches(*m, b, {}, nullptr, &sb);
        QVERIFY(at::equal(sa.refs[0], sb.refs[0]));
        QVERIFY(at::equal(sa.refs[1], sb.refs[1]));
        QVERIFY(!at::allclose(sa.refs[2], sb.refs[2]));
        QVERIFY(!at::allclose(outA, outB)); // the target does attend to every reference
    }

    void referenceModulationUsesTimeZero()
    {
        // References are modulated at t = 0 and guidance 1 whatever the target's timestep.
        c10::InferenceMode guard;
        auto m = randomModel(5);
        model::BranchInputs a = makeInputs(1, 2), b = a;
        b.timesteps = at::full({1}, 0.2);
        model::BranchCache ca, cb;
        model::forwardBranches(*m, a, {}, &ca);
        model::forwardBranches(*m, b, {}, &cb);
        QVERIFY(at::equal(ca.refVec, cb.refVec));
        const at::Tensor expected = m->time_in->forward(model::timestepEmbedding(at::zeros({1}))) +
                                    m->guidance_in->forward(model::timestepEmbedding(at::ones({1}))) +
                                    m->vector_in->forward(a.y);
        QVERIFY(at::allclose(ca.refVec, expected, 1e-6, 1e-6));
    }

    void loraTouchesReferenceRowsOnly()
    {
        c10::InferenceMode guard;
        auto m = randomModel(7);
        const auto cfg = m->config;
        const model::LoraSet zero = model::LoraSet::fromTensors(peftLora(cfg, 0.0, 1), *m, "zero-B LoRA");
        const model::LoraSet live = model::LoraSet::fromTensors(peftLora(cfg, 0.5, 1), *m, "live LoRA");
        QCOMPARE(live.rank(), int64_t{4});
        model::BranchOptions none, withZero, withLive;
        withZero.lora = &zero;
        withLive.lora = &live;

        const model::BranchInputs two = makeInputs(2, 4);
        const at::Tensor base = model::forwardBranches(*m, two, none);
        QVERIFY(at::equal(model::forwardBranches(*m, two, withZero), base)); // B = 0 changes nothing
        QVERIFY(!at::allclose(model::forwardBranches(*m, two, withLive), base, 1e-4, 1e-5));

        // Without reference rows the LoRA has nothing to act on: text and target use the base weights.
        const model::BranchInputs noRefs = makeInputs(0, 4);
        QVERIFY(at::equal(model::forwardBranches(*m, noRefs, withLive), model::forwardBranches(*m, noRefs, none)));
    }

    void loraLayoutsAgree()
    {
        // The same adapter as diffusers PEFT names (split q/k/v), as kohya names, and as BFL names on
        // the fused layers (A stacked, B block-diagonal) gives the same output.
        c10::InferenceMode guard;
        auto m = randomModel(9);
        const auto cfg = m->config;
        const st::TensorMap peft = peftLora(cfg, 0.5, 2);
        st::TensorMap kohya, bfl;
        for (const auto &[k, v] : peft) {
            std::string module = k.substr(12, k.find(".lora_") - 12);
            const bool isA = k.find("lora_A") != std::string::npos;
            std::string flat = module;
            std::replace(flat.begin(), flat.end(), '.', '_');
            kohya["lora_transformer_" + flat + (isA ? ".lora_down.weight" : ".lora_up.weight")] = v;
            if (isA)
                kohya["lora_transformer_" + flat + ".alpha"] = at::full({}, 4.0); // alpha = r: scale 1
        }
        const auto rules = model::fluxKeyRules(cfg);
        for (const auto &rule : rules) {
            if (rule.bfl.size() < 7 || rule.bfl.compare(rule.bfl.size() - 7, 7, ".weight") != 0)
                continue;
            const std::string bflModule = rule.bfl.substr(0, rule.bfl.size() - 7);
            std::vector<at::Tensor> as, bs;
            for (const auto &d : rule.diffusers) {
                const std::string dm = "transformer." + d.substr(0, d.size() - 7);
                if (!peft.count(dm + ".lora_A.weight"))
                    continue;
                as.push_back(peft.at(dm + ".lora_A.weight"));
                bs.push_back(peft.at(dm + ".lora_B.weight"));
            }
            if (as.empty())
                continue;
            QCOMPARE(as.size(), rule.diffusers.size()); // every part adapted
            bfl[bflModule + ".lora_A.weight"] = at::cat(as, 0);
            // Block-diagonal B: part i's rows only see part i's rank slice.
            int64_t rows = 0, rank = 0;
            for (const auto &b : bs) {
                rows += b.size(0);
                rank += b.size(1);
            }
            at::Tensor B = at::zeros({rows, rank});
            int64_t r0 = 0, c0 = 0;
            for (const auto &b : bs) {
                B.narrow(0, r0, b.size(0)).narrow(1, c0, b.size(1)).copy_(b);
                r0 += b.size(0);
                c0 += b.size(1);
            }
            bfl[bflModule + ".lora_B.weight"] = B;
        }
        const model::BranchInputs in = makeInputs(2, 6);
        auto run = [&](const st::TensorMap &t, const char *label) {
            const model::LoraSet set = model::LoraSet::fromTensors(t, *m, label);
            model::BranchOptions o;
            o.lora = &set;
            return model::forwardBranches(*m, in, o);
        };
        const at::Tensor a = run(peft, "peft"), b = run(kohya, "kohya"), c = run(bfl, "bfl");
        QVERIFY2(relativeError(b, a) < 1e-5, testsupport::describeError("kohya vs peft", relativeError(b, a), 1e-5).c_str());
        QVERIFY2(relativeError(c, a) < 1e-5, testsupport::describeError("bfl vs peft", relativeError(c, a), 1e-5).c_str());

        // alpha = r/2 halves the delta: the same as scale 0.5.
        for (auto &[k, v] : kohya)
            if (k.find(".alpha") != std::string::npos)
                v = at::full({}, 2.0);
        model::LoraSet half = model::LoraSet::fromTensors(kohya, *m, "half");
        model::LoraSet full = model::LoraSet::fromTensors(peft, *m, "full");
        full.scale = 0.5;
        model::BranchOptions oh, of;
        oh.lora = &half;
        of.lora = &full;
        QVERIFY(relativeError(model::forwardBranches(*m, in, oh), model::forwardBranches(*m, in, of)) < 1e-5);
    }

    void loraForAnotherModelIsRefused_data()
    {
        QTest::addColumn<std::string>("key");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<std::string>("expected");
        QTest::newRow("block that does not exist")
            << std::string("transformer.transformer_blocks.7.attn.to_q") << 64 << 64 << std::string("matches no layer");
        QTest::newRow("wrong width (FLUX.1-dev LoRA)")
            << std::string("transformer.transformer_blocks.0.attn.to_q") << 3072 << 3072 << std::string("needs A [r, 64]");
        QTest::newRow("unknown module") << std::string("lora_te1_text_model_encoder_layers_0_mlp_fc1") << 64 << 64
                                        << std::string("matches no layer");
    }

    void loraForAnotherModelIsRefused()
    {
        QFETCH(std::string, key);
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(std::string, expected);
        c10::InferenceMode guard;
        auto m = randomModel(1);
        const bool kohya = key.rfind("lora_te", 0) == 0;
        st::TensorMap t{{key + (kohya ? ".lora_down.weight" : ".lora_A.weight"), at::zeros({4, cols})},
                        {key + (kohya ? ".lora_up.weight" : ".lora_B.weight"), at::zeros({rows, 4})}};
        std::string err;
        try {
            model::LoraSet::fromTensors(t, *m, "other.safetensors");
        } catch (const Error &e) {
            err = e.what();
        }
        QVERIFY2(err.find(expected) != std::string::npos, err.c_str());
        QVERIFY(err.find("other.safetensors") != std::string::npos);
    }

    // A LoRA whose alpha or weights are not finite would make every image garbage while the run
    // reports success: it is refused at load, naming the file and the module.
    void nonFiniteLoraIsRefused()
    {
        c10::InferenceMode guard;
        auto m = randomModel(1);
        const std::string key = "transformer.transformer_blocks.0.attn.to_q";
        const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
        for (const auto &[what, alpha, weight] : {std::make_tuple("NaN alpha", nan, 0.0), std::make_tuple("infinite alpha", inf, 0.0),
                                                  std::make_tuple("NaN weight", 4.0, nan)}) {
            st::TensorMap t{{key + ".lora_A.weight", at::full({4, 64}, weight)},
                            {key + ".lora_B.weight", at::zeros({64, 4})},
                            {key + ".alpha", at::tensor(alpha)}};
            std::string err;
            try {
                model::LoraSet::fromTensors(t, *m, "bad.safetensors");
            } catch (const Error &e) {
                err = e.what();
            }
            QVERIFY2(err.find("bad.safetensors") != std::string::npos && err.find("attn.to_q") != std::string::npos,
                     (std::string(what) + ": " + err).c_str());
        }
    }

    void capturedMapsAreDistributions()
    {
        c10::InferenceMode guard;
        auto m = randomModel(2);
        const model::BranchInputs in = makeInputs(3, 8);
        model::AttentionCapture cap;
        model::BranchOptions o;
        o.capture = &cap;
        model::forwardBranches(*m, in, o);
        QCOMPARE(cap.refMapLayers, int64_t{2}); // both double blocks
        QCOMPARE(cap.refToTarget.size(), size_t{3});
        at::Tensor shareSum = at::zeros({1, 16});
        for (int i = 0; i < 3; ++i) {
            const at::Tensor map = cap.refToTarget[i] / static_cast<double>(cap.refMapLayers); // [1, 16, 16]
            QVERIFY(map.sizes() == at::IntArrayRef({1, 16, 16}));
            QVERIFY(at::allclose(map.sum(-1), at::ones({1, 16}), 1e-5, 1e-5)); // each reference row: softmax over target
            const at::Tensor share = cap.targetShare[i] / static_cast<double>(cap.shareLayers);
            QVERIFY(share.min().item<float>() >= 0.0f);
            shareSum += share;
        }
        // What the references receive is part of each target query's attention, never more than all of it.
        QVERIFY(shareSum.max().item<float>() <= 1.0f + 1e-5f);
        QVERIFY(shareSum.min().item<float>() > 0.0f);

        QVERIFY(cap.targetToRef.empty()); // only when asked

        // Chosen layers only.
        model::AttentionCapture one;
        one.doubleBlocks = {0};
        o.capture = &one;
        model::forwardBranches(*m, in, o);
        QCOMPARE(one.refMapLayers, int64_t{1});

        // The reverse maps (the trainer's extra term): each target row a distribution over one
        // reference's tokens, and the same maps in the other direction unchanged by asking.
        model::AttentionCapture both;
        both.wantTargetToRef = true;
        o.capture = &both;
        model::forwardBranches(*m, in, o);
        QCOMPARE(both.targetToRef.size(), size_t{3});
        for (int i = 0; i < 3; ++i) {
            const at::Tensor rev = both.targetToRef[i] / static_cast<double>(both.refMapLayers);
            QVERIFY(rev.sizes() == at::IntArrayRef({1, 16, 16}));
            QVERIFY(at::allclose(rev.sum(-1), at::ones({1, 16}), 1e-5, 1e-5));
            QVERIFY(at::equal(both.refToTarget[i], cap.refToTarget[i]));
            // Not the other direction's map transposed: different queries and keys.
            QVERIFY(!at::allclose(rev, cap.refToTarget[i].transpose(1, 2) / 2.0, 1e-3, 1e-3));
        }
    }

    // Region bias per sample (training with regions): the logits where the signs say, nothing else,
    // and a batch with per-sample biases computes what each sample computes alone with its own.
    void regionBiasPerSample()
    {
        c10::InferenceMode guard;
        const int64_t lTxt = 5, lTgt = 16, lRef = 16, lMain = lTxt + lTgt;
        at::Tensor s0 = -at::ones({2, lTgt}), s1 = -at::ones({2, lTgt});
        s0[0][0] = 1;
        s0[0][1] = 1;
        s0[1].zero_(); // sample 1: no region for reference 0
        s1[0].zero_();
        s1[1][15] = 1;
        const model::AttentionBias b = model::regionBias({s0, s1}, lTxt, {lRef, lRef}, 2.0);
        QVERIFY(b.mainRows.sizes() == at::IntArrayRef({2, 1, lMain, lMain + 2 * lRef}));
        QCOMPARE(b.refRows.size(), size_t{2});
        QVERIFY(b.refRows[1].sizes() == at::IntArrayRef({2, 1, lRef, lMain + lRef}));
        const auto m = b.mainRows.accessor<float, 4>();
        QCOMPARE(m[0][0][lTxt + 0][lMain + 3], 2.0f);  // inside: the target favours reference 0
        QCOMPARE(m[0][0][lTxt + 2][lMain + 3], -2.0f); // outside: avoids it
        QCOMPARE(m[0][0][lTxt + 2][lMain + lRef + 3], 0.0f); // sample 0 has no region for reference 1
        QCOMPARE(m[1][0][lTxt + 15][lMain + lRef + 7], 2.0f);
        QCOMPARE(m[1][0][lTxt + 14][lMain + lRef + 7], -2.0f);
        QVERIFY(at::equal(b.mainRows.narrow(2, 0, lTxt), at::zeros({2, 1, lTxt, lMain + 2 * lRef}))); // text rows
        QVERIFY(at::equal(b.mainRows.narrow(3, 0, lMain), at::zeros({2, 1, lMain, lMain}))); // text and target keys
        QVERIFY(at::equal(b.mainRows[1].narrow(2, lMain, lRef), at::zeros({1, lMain, lRef})));
        const auto r1 = b.refRows[1].accessor<float, 4>();
        QCOMPARE(r1[1][0][4][lTxt + 15], 2.0f); // the reference's queries favour its region's target keys
        QCOMPARE(r1[1][0][4][lTxt + 0], -2.0f);
        QVERIFY(at::equal(b.refRows[1].narrow(3, 0, lTxt), at::zeros({2, 1, lRef, lTxt})));
        QVERIFY(at::equal(b.refRows[1].narrow(3, lMain, lRef), at::zeros({2, 1, lRef, lRef})));
        QVERIFY(at::equal(b.refRows[1][0], at::zeros({1, lRef, lMain + lRef})));

        // A batch of two with per-sample biases against each sample alone with its own [L, L] bias.
        auto m0 = randomModel(4);
        const model::BranchInputs a = makeInputs(2, 21), c = makeInputs(2, 22);
        model::BranchInputs both = a;
        auto cat = [](const at::Tensor &x, const at::Tensor &y) { return at::cat({x, y}, 0); };
        both.txt = cat(a.txt, c.txt);
        both.y = cat(a.y, c.y);
        both.target = cat(a.target, c.target);
        both.targetIds = cat(a.targetIds, c.targetIds);
        both.timesteps = cat(a.timesteps, c.timesteps);
        both.guidance = cat(a.guidance, c.guidance);
        for (size_t i = 0; i < 2; ++i) {
            both.refs[i] = cat(a.refs[i], c.refs[i]);
            both.refIds[i] = cat(a.refIds[i], c.refIds[i]);
        }
        model::BranchOptions o;
        o.bias = &b;
        const at::Tensor batched = model::forwardBranches(*m0, both, o);
        for (int64_t i = 0; i < 2; ++i) {
            model::AttentionBias own;
            own.mainRows = b.mainRows[i][0];
            for (const auto &rr : b.refRows)
                own.refRows.push_back(rr[i][0]);
            model::BranchOptions oi;
            oi.bias = &own;
            const at::Tensor alone = model::forwardBranches(*m0, i == 0 ? a : c, oi);
            const double err = relativeError(batched.narrow(0, i, 1), alone);
            QVERIFY2(err < 1e-5, ("sample " + std::to_string(i) + ": relative error " + std::to_string(err)).c_str());
            const double unbiased = relativeError(model::forwardBranches(*m0, i == 0 ? a : c, {}), alone);
            QVERIFY2(unbiased > 1e-3, ("the bias changed nothing: " + std::to_string(unbiased)).c_str());
        }
        // Signs of another shape are refused.
        bool refused = false;
        try {
            model::regionBias({s0, at::ones({2, 9})}, lTxt, {lRef, lRef}, 2.0);
        } catch (const Error &) {
            refused = true;
        }
        QVERIFY(refused);
    }

    void cancelStopsBetweenBlocks()
    {
        c10::InferenceMode guard;
        auto m = randomModel(2);
        std::atomic<bool> cancel{true};
        model::BranchOptions o;
        o.cancel = &cancel;
        StatusCode code = StatusCode::Ok;
        try {
            model::forwardBranches(*m, makeInputs(1, 1), o);
        } catch (const Error &e) {
            code = e.code();
        }
        QCOMPARE(code, StatusCode::Cancelled);
    }
};

MOSAIC_TEST_MAIN(TstBranches, MT_FN(zeroReferencesIsThePlainTransformer) MT_DATA(referencesAreIndependent)
                                  MT_FN(referenceModulationUsesTimeZero) MT_FN(loraTouchesReferenceRowsOnly)
                                      MT_FN(loraLayoutsAgree) MT_DATA(loraForAnotherModelIsRefused) MT_FN(nonFiniteLoraIsRefused)
                                          MT_FN(capturedMapsAreDistributions) MT_FN(regionBiasPerSample)
                                              MT_FN(cancelStopsBetweenBlocks))

#include "tst_branches.moc"
