#include "model/branches.h"
#include "model/weights.h"

#include "model/attention.h"
#include "model/rope.h"
#include "util/error.h"
#include "util/strings.h"

#include <algorithm>
#include <memory>
#include <optional>

namespace mosaic::model {

bool AttentionCapture::wantsDouble(int64_t index) const
{
    return doubleBlocks.empty() || std::find(doubleBlocks.begin(), doubleBlocks.end(), index) != doubleBlocks.end();
}

namespace {

struct QKV
{
    at::Tensor q, k, v; // [B, H, L, d], q and k rotated
};

torch::nn::Linear seqLinear(torch::nn::Sequential &seq, size_t index)
{
    return torch::nn::Linear(std::dynamic_pointer_cast<torch::nn::LinearImpl>(seq->ptr(index)));
}

// "B L (K H D) -> K B H L D", QK-norm, RoPE.
QKV toHeads(const at::Tensor &qkv, int64_t heads, QKNormImpl &norm, const at::Tensor &pe)
{
    const int64_t B = qkv.size(0), L = qkv.size(1), d = qkv.size(2) / (3 * heads);
    at::Tensor t = qkv.view({B, L, 3, heads, d}).permute({2, 0, 3, 1, 4});
    return {rmsNormRope(t[0], norm.query_norm->scale, pe), rmsNormRope(t[1], norm.key_norm->scale, pe), t[2]};
}


std::vector<ModulationOut> modulate(ModulationImpl &mod, const std::string &name, const at::Tensor &vec,
                                    const LoraSet *lora)
{
    auto chunks = linearWithLora(mod.lin, name, at::silu(vec), lora).unsqueeze(1).chunk(mod.multiplier, -1);
    std::vector<ModulationOut> out;
    for (int64_t i = 0; i < mod.multiplier; i += 3)
        out.push_back({chunks[i], chunks[i + 1], chunks[i + 2]});
    return out;
}

at::Tensor embedVec(FluxImpl &m, const at::Tensor &t, const at::Tensor &g, const at::Tensor &y)
{
    const auto dt = m.dtype();
    at::Tensor vec = m.time_in->forward(timestepEmbedding(t).to(dt));
    if (m.config.guidance_embed)
        vec = vec + m.guidance_in->forward(timestepEmbedding(g).to(dt));
    return vec + m.vector_in->forward(y.to(dt));
}

void checkCancel(const BranchOptions &o)
{
    if (o.cancel && o.cancel->load(std::memory_order_relaxed))
        throw Error(StatusCode::Cancelled, "cancelled");
}

// The attention of all branches in one block, by query group. Returns the outputs per branch in
// [B, L, H d] layout: main = [text; target] rows, then one tensor per reference.
struct GroupOut
{
    at::Tensor main;
    std::vector<at::Tensor> refs;
};

GroupOut attendGroups(const QKV &main, const std::vector<QKV> &refs, int64_t lTxt, const BranchOptions &o,
                      bool captureRefMaps, bool captureShares)
{
    std::vector<at::Tensor> ks{main.k}, vs{main.v};
    for (const auto &r : refs) {
        ks.push_back(r.k);
        vs.push_back(r.v);
    }
    AttentionOptions ao;
    ao.chunkBytes = o.attentionChunkBytes;
    const bool biased = o.bias && !o.bias->empty();
    const at::Tensor kAll = refs.empty() ? main.k : at::cat(ks, 2);
    const at::Tensor vAll = refs.empty() ? main.v : at::cat(vs, 2);
    GroupOut out;
    out.main = fromHeads(scaledDotProductAttention(main.q, kAll, vAll, ao, biased ? o.bias->mainRows : at::Tensor()));

    const int64_t lMain = main.q.size(2), lTgt = lMain - lTxt;
    AttentionCapture *cap = o.capture;
    if (cap && captureShares && !refs.empty()) {
        // Target queries: the share of their (biased) attention that lands on each reference.
        const at::Tensor qT = main.q.narrow(2, lTxt, lTgt);
        const at::Tensor bT = biased ? o.bias->mainRows.narrow(-2, lTxt, lTgt) : at::Tensor();
        std::vector<at::Tensor> shares(refs.size());
        for (auto &s : shares)
            s = at::zeros({main.q.size(0), lTgt}, main.q.options().dtype(at::kFloat));
        forEachHeadMeanProbabilities(qT, kAll, bT, cap->chunkBytes, [&](int64_t first, const at::Tensor &p) {
            int64_t col = lMain;
            for (size_t i = 0; i < refs.size(); ++i) {
                const int64_t lr = refs[i].k.size(2);
                shares[i].narrow(1, first, p.size(1)).copy_(p.narrow(2, col, lr).sum(2));
                col += lr;
            }
        });
        if (cap->targetShare.size() != refs.size())
            cap->targetShare.assign(refs.size(), at::Tensor());
        for (size_t i = 0; i < refs.size(); ++i)
            cap->targetShare[i] = cap->targetShare[i].defined() ? cap->targetShare[i] + shares[i] : shares[i];
    }

    for (size_t i = 0; i < refs.size(); ++i) {
        const at::Tensor k = at::cat({main.k, refs[i].k}, 2), v = at::cat({main.v, refs[i].v}, 2);
        const at::Tensor b = biased ? o.bias->refRows[i] : at::Tensor();
        out.refs.push_back(fromHeads(scaledDotProductAttention(refs[i].q, k, v, ao, b)));
        if (cap && captureRefMaps) {
            // MOSAIC's map: reference queries over the target keys only, softmax over the target.
            const at::Tensor kT = main.k.narrow(2, lTxt, lTgt);
            const at::Tensor bT = b.defined() ? b.narrow(-1, lTxt, lTgt) : at::Tensor();
            at::Tensor map = at::empty({refs[i].q.size(0), refs[i].q.size(2), lTgt}, refs[i].q.options().dtype(at::kFloat));
            forEachHeadMeanProbabilities(refs[i].q, kT, bT, cap->chunkBytes, [&](int64_t first, const at::Tensor &p) {
                map.narrow(1, first, p.size(1)).copy_(p);
            });
            if (cap->refToTarget.size() != refs.size())
                cap->refToTarget.assign(refs.size(), at::Tensor());
            cap->refToTarget[i] = cap->refToTarget[i].defined() ? cap->refToTarget[i] + map : map;
            if (cap->wantTargetToRef) {
                const at::Tensor qT = main.q.narrow(2, lTxt, lTgt);
                at::Tensor rev = at::empty({qT.size(0), lTgt, refs[i].k.size(2)}, qT.options().dtype(at::kFloat));
                forEachHeadMeanProbabilities(qT, refs[i].k, at::Tensor(), cap->chunkBytes,
                                             [&](int64_t first, const at::Tensor &p) { rev.narrow(1, first, p.size(1)).copy_(p); });
                if (cap->targetToRef.size() != refs.size())
                    cap->targetToRef.assign(refs.size(), at::Tensor());
                cap->targetToRef[i] = cap->targetToRef[i].defined() ? cap->targetToRef[i] + rev : rev;
            }
        }
    }
    return out;
}

void prepareCache(FluxImpl &m, const BranchInputs &in, const BranchOptions &o, BranchCache &c)
{
    const auto &axes = m.config.axes_dim;
    const double theta = m.config.theta;
    const int64_t B = in.target.size(0);
    const auto f32 = in.target.options().dtype(at::kFloat);
    c.peTxt = embedNd(at::zeros({B, in.txt.size(1), 3}, f32), axes, theta);
    c.peTgt = embedNd(in.targetIds.to(at::kFloat), axes, theta);
    c.peRefs.clear();
    c.refEmbedded.clear();
    for (size_t i = 0; i < in.refs.size(); ++i) {
        c.peRefs.push_back(embedNd(in.refIds[i].to(at::kFloat), axes, theta));
        c.refEmbedded.push_back(linearWithLora(m.img_in, "img_in", in.refs[i].to(m.dtype()), o.lora));
    }
    c.refVec = embedVec(m, at::full({B}, in.refTimestep, f32), at::full({B}, in.refGuidance, f32), in.y);
    c.valid = true;
}

} // namespace

AttentionBias regionBias(const std::vector<at::Tensor> &signs, int64_t lTxt, const std::vector<int64_t> &lRefs,
                         double strength)
{
    if (signs.empty() || signs.size() != lRefs.size())
        throw Error(StatusCode::InvalidArgument, "region bias: one sign row per reference is needed");
    const int64_t B = signs[0].size(0), lTgt = signs[0].size(1), lMain = lTxt + lTgt;
    int64_t lAll = lMain;
    for (const int64_t l : lRefs)
        lAll += l;
    const auto opts = signs[0].options().dtype(at::kFloat);
    AttentionBias bias;
    bias.mainRows = at::zeros({B, 1, lMain, lAll}, opts);
    int64_t col = lMain;
    for (size_t r = 0; r < signs.size(); ++r) {
        const at::Tensor s = signs[r].to(at::kFloat) * strength; // [B, L_tgt]
        if (s.dim() != 2 || s.size(0) != B || s.size(1) != lTgt)
            throw Error(StatusCode::InvalidArgument, "region bias: every sign row must be [B, L_tgt]");
        const int64_t lRef = lRefs[r];
        bias.mainRows.narrow(2, lTxt, lTgt).narrow(3, col, lRef).add_(s.view({B, 1, lTgt, 1}));
        at::Tensor rr = at::zeros({B, 1, lRef, lMain + lRef}, opts);
        rr.narrow(3, lTxt, lTgt).add_(s.view({B, 1, 1, lTgt}));
        bias.refRows.push_back(rr);
        col += lRef;
    }
    return bias;
}

at::Tensor forwardBranches(FluxImpl &m, const BranchInputs &in, const BranchOptions &o, BranchCache *cache)
{
    return forwardBranches(m, in, o, cache, nullptr);
}

at::Tensor forwardBranches(FluxImpl &m, const BranchInputs &in, const BranchOptions &o, BranchCache *cache,
                           BranchStates *states)
{
    const auto dt = m.dtype();
    const int64_t heads = m.config.num_heads, D = m.config.hidden_size;
    if (in.refs.size() != in.refIds.size())
        throw Error(StatusCode::InvalidArgument, "every reference needs its position ids");
    if (m.config.guidance_embed && !in.guidance.defined())
        throw Error(StatusCode::InvalidArgument, "this model needs a guidance value");
    BranchCache local;
    BranchCache &c = cache ? *cache : local;
    if (!c.valid)
        prepareCache(m, in, o, c);

    const at::Tensor vec = embedVec(m, in.timesteps, in.guidance, in.y);
    at::Tensor txt = linearForward(*m.txt_in, in.txt.to(dt));
    at::Tensor tgt = linearForward(*m.img_in, in.target.to(dt));
    // A block's work on [txt, tgt, refs...] (double) or [main, refs...] (single) is a function of its
    // inputs, so that gradient checkpointing (o.checkpoint) can run it again in the backward pass. What
    // the functions capture outlives this call (the pass's tensors by value), since a checkpointed
    // block runs again after it returns.
    const at::Tensor peTxt = c.peTxt, peTgt = c.peTgt, refVec = c.refVec;
    const std::vector<at::Tensor> peRefs = c.peRefs;
    // The options as the blocks see them, with the bias held here: a checkpointed block runs again after
    // the caller's bias is gone (the capture is only written outside checkpointed work).
    const auto bias = o.bias ? std::make_shared<const AttentionBias>(*o.bias) : nullptr;
    BranchOptions opts = o;
    opts.bias = bias.get();
    opts.checkpoint = nullptr;
    // With checkpointing, the block runs again in the backward pass, after its lease here ended: a
    // streamed block is made again for that run (the recomputation is the one that records a graph).
    WeightStreamer *streamer = m.streamer.get();
    auto run = [&](torch::nn::Module *block, const BranchOptions::BlockBody &body, std::vector<at::Tensor> inputs) {
        if (!o.checkpoint)
            return body(inputs);
        return o.checkpoint([=](const std::vector<at::Tensor> &x) {
            std::optional<BlockLease> lease;
            if (at::GradMode::is_enabled())
                lease.emplace(streamer, *block);
            return body(x);
        }, inputs);
    };
    std::vector<at::Tensor> refs = c.refEmbedded;
    const int64_t lTxt = txt.size(1), nRefs = static_cast<int64_t>(refs.size());
    const bool captureShares = o.capture != nullptr;

    for (int64_t bi = 0; bi < m.config.depth; ++bi) {
        checkCancel(o);
        auto *blkp = m.double_blocks->ptr<DoubleStreamBlockImpl>(bi).get();
        const std::string name = format("double_blocks.{}.", bi);
        const bool capHere = o.capture && o.capture->wantsDouble(bi);
        // The block's modulations from [txt, tgt, vec, refVec, ...], its attention, and the rest
        // (projections and MLPs) on [txt, tgt, vec, refVec, refs..., attention main, attention refs...].
        struct Mods
        {
            std::vector<ModulationOut> txt, tgt, ref;
        };
        auto modsOf = [=](const std::vector<at::Tensor> &x) {
            auto &blk = *blkp;
            return Mods{blk.txt_mod->forward(x[2]), blk.img_mod->forward(x[2]),
                        modulate(*blk.img_mod, name + "img_mod.lin", x[3], opts.lora)};
        };
        auto attention = [=, keepBias = bias](const Mods &mods, const std::vector<at::Tensor> &x, bool capture) {
            (void)keepBias;
            auto &blk = *blkp;
            QKV tq = toHeads(linearForward(*blk.txt_attn->qkv, mods.txt[0].apply(layerNormNoAffine(x[0]))), heads,
                             *blk.txt_attn->norm, peTxt);
            QKV gq = toHeads(linearForward(*blk.img_attn->qkv, mods.tgt[0].apply(layerNormNoAffine(x[1]))), heads,
                             *blk.img_attn->norm, peTgt);
            std::vector<QKV> rq;
            for (int64_t r = 0; r < nRefs; ++r)
                rq.push_back(toHeads(linearWithLora(blk.img_attn->qkv, name + "img_attn.qkv",
                                                    mods.ref[0].apply(layerNormNoAffine(x[4 + r])), opts.lora),
                                     heads, *blk.img_attn->norm, peRefs[static_cast<size_t>(r)]));
            const QKV main{at::cat({tq.q, gq.q}, 2), at::cat({tq.k, gq.k}, 2), at::cat({tq.v, gq.v}, 2)};
            return attendGroups(main, rq, lTxt, opts, capture, capture && captureShares);
        };
        auto rest = [=](const Mods &mods, const std::vector<at::Tensor> &x) {
            auto &blk = *blkp;
            const at::Tensor &am = x[4 + nRefs];
            const at::Tensor txtAttn = am.narrow(1, 0, lTxt), tgtAttn = am.narrow(1, lTxt, x[1].size(1));
            std::vector<at::Tensor> out(2 + static_cast<size_t>(nRefs));
            at::Tensor t = mods.txt[0].residual(x[0], linearForward(*blk.txt_attn->proj, txtAttn));
            out[0] = mods.txt[1].residual(t, mlpForward(blk.txt_mlp, mods.txt[1].apply(layerNormNoAffine(t))));
            at::Tensor g = mods.tgt[0].residual(x[1], linearForward(*blk.img_attn->proj, tgtAttn));
            out[1] = mods.tgt[1].residual(g, mlpForward(blk.img_mlp, mods.tgt[1].apply(layerNormNoAffine(g))));
            auto mlp0 = seqLinear(blk.img_mlp, 0), mlp2 = seqLinear(blk.img_mlp, 2);
            for (int64_t r = 0; r < nRefs; ++r) {
                at::Tensor y = mods.ref[0].residual(x[4 + r], linearWithLora(blk.img_attn->proj, name + "img_attn.proj",
                                                                             x[5 + nRefs + r], opts.lora));
                at::Tensor h = fluxGelu(
                    linearWithLora(mlp0, name + "img_mlp.0", mods.ref[1].apply(layerNormNoAffine(y)), opts.lora));
                out[2 + r] = mods.ref[1].residual(y, linearWithLora(mlp2, name + "img_mlp.2", h, opts.lora));
            }
            return out;
        };
        auto whole = [=](const std::vector<at::Tensor> &x, bool capture) {
            const Mods mods = modsOf(x);
            GroupOut a = attention(mods, x, capture);
            std::vector<at::Tensor> y = x;
            y.push_back(a.main);
            y.insert(y.end(), a.refs.begin(), a.refs.end());
            return rest(mods, y);
        };
        BlockLease lease(m.streamer.get(), *blkp);
        std::vector<at::Tensor> in{txt, tgt, vec, refVec};
        in.insert(in.end(), refs.begin(), refs.end());
        std::vector<at::Tensor> out;
        if (!capHere) {
            out = run(blkp, [=](const std::vector<at::Tensor> &x) { return whole(x, false); }, in);
        } else if (!o.checkpoint) {
            out = whole(in, true);
        } else { // the attention kept with its graph (the losses read its maps), the rest checkpointed
            GroupOut a = attention(modsOf(in), in, true);
            in.push_back(a.main);
            in.insert(in.end(), a.refs.begin(), a.refs.end());
            out = run(blkp, [=](const std::vector<at::Tensor> &x) { return rest(modsOf(x), x); }, in);
        }
        if (capHere && nRefs > 0) {
            ++o.capture->refMapLayers;
            ++o.capture->shareLayers;
        }
        txt = out[0];
        tgt = out[1];
        for (int64_t r = 0; r < nRefs; ++r)
            refs[static_cast<size_t>(r)] = out[2 + r];
    }

    at::Tensor mainX = at::cat({txt, tgt}, 1);
    const at::Tensor peMain = at::cat({c.peTxt, c.peTgt}, 2);
    const bool capShares = o.capture && o.capture->includeSingleBlocks;
    for (int64_t bi = 0; bi < m.config.depth_single_blocks; ++bi) {
        checkCancel(o);
        auto *blkp = m.single_blocks->ptr<SingleStreamBlockImpl>(bi).get();
        const std::string name = format("single_blocks.{}.", bi);
        // [main, vec, refVec, refs...] -> [main, refs...]
        auto body = [=, keepBias = bias](const std::vector<at::Tensor> &x) {
            (void)keepBias;
            auto &blk = *blkp;
            const int64_t M = blk.mlp_hidden_dim;
            const ModulationOut mainMod = blk.modulation->forward(x[1])[0];
            const ModulationOut refMod = modulate(*blk.modulation, name + "modulation.lin", x[2], opts.lora)[0];
            at::Tensor h = linearForward(*blk.linear1, mainMod.apply(layerNormNoAffine(x[0])));
            const QKV main = toHeads(h.narrow(-1, 0, 3 * D).contiguous(), heads, *blk.norm, peMain);
            const at::Tensor mainMlp = h.narrow(-1, 3 * D, M);
            std::vector<QKV> rq;
            std::vector<at::Tensor> refMlp;
            for (int64_t r = 0; r < nRefs; ++r) {
                at::Tensor hr = linearWithLora(blk.linear1, name + "linear1", refMod.apply(layerNormNoAffine(x[3 + r])), opts.lora);
                rq.push_back(toHeads(hr.narrow(-1, 0, 3 * D).contiguous(), heads, *blk.norm, peRefs[static_cast<size_t>(r)]));
                refMlp.push_back(hr.narrow(-1, 3 * D, M));
            }
            GroupOut a = attendGroups(main, rq, lTxt, opts, false, capShares);
            std::vector<at::Tensor> out(1 + static_cast<size_t>(nRefs));
            out[0] = mainMod.residual(x[0], linearForward(*blk.linear2, at::cat({a.main, fluxGelu(mainMlp)}, 2)));
            for (int64_t r = 0; r < nRefs; ++r)
                out[1 + r] = refMod.residual(x[3 + r], linearWithLora(blk.linear2, name + "linear2",
                                                                      at::cat({a.refs[r], fluxGelu(refMlp[r])}, 2), opts.lora));
            return out;
        };
        BlockLease lease(m.streamer.get(), *blkp);
        std::vector<at::Tensor> in{mainX, vec, refVec};
        in.insert(in.end(), refs.begin(), refs.end());
        // Shares captured in single blocks are read with their graph: such a block runs directly.
        const std::vector<at::Tensor> out = capShares ? body(in) : run(blkp, body, in);
        if (capShares && nRefs > 0)
            ++o.capture->shareLayers;
        mainX = out[0];
        for (int64_t r = 0; r < nRefs; ++r)
            refs[static_cast<size_t>(r)] = out[1 + r];
    }
    checkCancel(o);
    tgt = mainX.narrow(1, lTxt, mainX.size(1) - lTxt);
    if (states) {
        states->txt = mainX.narrow(1, 0, lTxt);
        states->target = tgt;
        states->refs = refs;
    }
    return m.final_layer->forward(tgt, vec);
}

} // namespace mosaic::model
