// Conditioning shared by generation and the model suggester (conditioning.h).
#include "pipeline/conditioning.h"

#include "image/convert.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <algorithm>
#include <cmath>

namespace mosaic::pipeline {

namespace {

[[noreturn]] void invalid(const std::string &m)
{
    throw Error(StatusCode::InvalidArgument, m);
}

} // namespace

at::Tensor fitImage(const RgbaImage &img, int width, int height)
{
    at::Tensor t = image::toTensor(img);
    if (img.width > width || img.height > height)
        t = at::adaptive_avg_pool2d(t, {std::min(img.height, height), std::min(img.width, width)});
    if (t.size(2) != height || t.size(3) != width)
        t = at::upsample_bilinear2d(t, {height, width}, false);
    return t;
}

Resolved resolve(const Bundle &b, const GenerationRequest &r)
{
    Resolved v{r.width > 0 ? r.width : b.defaults.size,
               r.height > 0 ? r.height : b.defaults.size,
               r.steps > 0 ? r.steps : b.defaults.steps,
               b.defaults.refSize,
               r.guidance >= 0 ? r.guidance : b.defaults.guidance,
               r.cfgScale < 0 ? b.defaults.cfg : r.cfgScale,
               r.refCfgScale < 0 ? b.defaults.refCfg : r.refCfgScale,
               r.collage < 0 ? b.defaults.collage : r.collage};
    if (v.width % 16 || v.height % 16 || v.width < 16 || v.height < 16 || v.width > 2048 || v.height > 2048)
        invalid(
            format("the image size {}x{} must be a multiple of 16 between 16 and 2048", v.width, v.height));
    if (v.steps > 500)
        invalid(format("{} steps is more than the 500 allowed", v.steps));
    if (static_cast<int>(r.subjects.size()) > b.defaults.maxSubjects)
        invalid(format("{} subjects is more than the {} this model supports", r.subjects.size(),
                       b.defaults.maxSubjects));
    if (v.cfg < 1.0f || v.refCfg < 1.0f || !std::isfinite(r.cfgScale) || !std::isfinite(r.refCfgScale) ||
        !std::isfinite(r.guidance))
        invalid(format(
            "the guidance scales must be finite, and the CFG scales at least 1 (or negative for the model's "
            "default): CFG {}, reference CFG {}",
            r.cfgScale, r.refCfgScale));
    // Only where the bundle records the size it was trained at (a model trained at many sizes, as FLUX,
    // records none and keeps its positions).
    const int side = std::max(v.width, v.height), native = b.defaults.nativeSize;
    if (native > 0 && side > native)
        v.positionScale = static_cast<double>(native) / side;
    if (!std::isfinite(r.collage) || !(v.collage >= 0.0f && v.collage < 1.0f))
        invalid(format(
            "the reference collage's strength {} must be at least 0 (off) and below 1 (or negative for the "
            "model's default)",
            r.collage));
    if (!(r.strength > 0.0f && r.strength <= 1.0f))
        invalid(format("the strength {} must be above 0 and at most 1", r.strength));
    if (!r.initImage.isNull() && r.initImage.pixels.size() != static_cast<size_t>(r.initImage.width) *
                                                                  static_cast<size_t>(r.initImage.height) * 4)
        invalid(format("the starting image's pixels do not fill its {}x{} size", r.initImage.width,
                       r.initImage.height));
    for (size_t i = 0; i < r.subjects.size(); ++i) {
        const Subject &s = r.subjects[i];
        const std::string who = format("subject {} ({})", i + 1, s.name.empty() ? "unnamed" : s.name);
        if (s.image.isNull())
            invalid(who + " has no image");
        if (s.image.width < kMinSubjectSide || s.image.height < kMinSubjectSide)
            invalid(format("{}: its image is {}x{} pixels, smaller than the {}x{} a reference needs", who, s.image.width,
                           s.image.height, kMinSubjectSide, kMinSubjectSide));
        if (s.box) {
            const auto &bx = *s.box;
            if (!(bx.w > 0 && bx.h > 0 && bx.x >= 0 && bx.y >= 0 && bx.x + bx.w <= 1.0001f &&
                  bx.y + bx.h <= 1.0001f))
                invalid(format("{}: the box ({}, {}, {}, {}) is not inside the canvas", who, bx.x, bx.y, bx.w,
                               bx.h));
        }
        for (const auto &p : s.points)
            if (!(p.refX >= 0 && p.refX <= 1 && p.refY >= 0 && p.refY <= 1 && p.tgtX >= 0 && p.tgtX <= 1 &&
                  p.tgtY >= 0 && p.tgtY <= 1))
                invalid(who + ": a point lies outside its image");
    }
    return v;
}

TextConditioning encodeText(Bundle &b, const std::string &prompt, bool reportUnknown)
{
    if (b.fluxText) { // FLUX's path: T5's hidden states as the text tokens, CLIP's pooled vector as y
        EncodedPrompt e;
        if (Status st = b.fluxText->encode(prompt, &e); !st.ok())
            throw Error(st.code, st.message);
        const int64_t tokens = static_cast<int64_t>(e.t5Ids.size());
        const at::Tensor txt = at::from_blob(e.t5Hidden.data(), {1, tokens, e.t5Width}, at::kFloat).clone();
        const at::Tensor y = at::from_blob(e.clipPooled.data(), {1, e.clipWidth}, at::kFloat).clone();
        return {txt, y};
    }
    int64_t unknown = 0;
    const auto ids = b.tokenizer.encode(prompt, b.text->config.max_length, &unknown);
    if (unknown > 0 && reportUnknown) { // by name (the app marks them in the prompt by the same rule)
        std::string names;
        for (const auto &w : model::Tokenizer::wordsNotIn(prompt, b.tokenizer.vocabulary()))
            names += (names.empty() ? "'" : ", '") + w + "'";
        log::info("core.pipeline", "words of the prompt that the model does not know: {}", names);
    }
    auto [txt, y] = b.text->forward(at::tensor(ids, at::kLong).unsqueeze(0));
    return {txt, y};
}

RgbaImage prepareSubject(const Subject &s, size_t i, int refSize)
{
    if (s.prepared) {
        if (s.image.width != refSize || s.image.height != refSize)
            invalid(format("subject {}: a prepared reference must be {}x{}", i + 1, refSize, refSize));
        return s.image;
    }
    RgbaImage prepared;
    if (Status st = prepareReference(s.image, refSize, &prepared); !st.ok())
        throw Error(st.code, format("subject {} ({}): {}", i + 1, s.name, st.message));
    return prepared;
}

ReferenceBranches encodeReferences(Bundle &b, const std::vector<RgbaImage> &prepared, int refSize,
                                   const std::atomic<bool> *cancel)
{
    ReferenceBranches out;
    const int64_t rg = refSize / 16, patch = b.patch();
    for (size_t i = 0; i < prepared.size(); ++i) {
        const at::Tensor z = b.ae->encode(image::toTensor(prepared[i]).to(b.device), nullptr, cancel); // [1, z, ref/8, ref/8] (or /4)
        out.latents.push_back(pack(z, patch));
        out.ids.push_back(tokenIds(1, rg, rg, 0, -rg * static_cast<int64_t>(i + 1)).to(b.device));
        if (cancel && cancel->load(std::memory_order_relaxed))
            throw Error(StatusCode::Cancelled, "cancelled");
    }
    return out;
}

std::vector<at::Tensor> regionGrids(const GenerationRequest &r, int64_t gh, int64_t gw)
{
    std::vector<at::Tensor> grids;
    for (const auto &s : r.subjects) {
        at::Tensor g;
        if (s.mask.width > 0) {
            g = (image::maskToGrid(s.mask, gh, gw) > 0.5).to(at::kFloat);
        } else if (s.box) {
            const at::Tensor ys = (at::arange(gh, at::kFloat) + 0.5) / static_cast<double>(gh);
            const at::Tensor xs = (at::arange(gw, at::kFloat) + 0.5) / static_cast<double>(gw);
            const auto &b = *s.box;
            const at::Tensor iy = (ys >= b.y).logical_and(ys <= b.y + b.h).to(at::kFloat);
            const at::Tensor ix = (xs >= b.x).logical_and(xs <= b.x + b.w).to(at::kFloat);
            g = iy.unsqueeze(1) * ix.unsqueeze(0);
            if (g.sum().item<float>() == 0) // a box smaller than a token still claims its nearest token
                g[std::min<int64_t>(gh - 1, static_cast<int64_t>((b.y + b.h / 2) * gh))]
                 [std::min<int64_t>(gw - 1, static_cast<int64_t>((b.x + b.w / 2) * gw))] = 1.0;
        }
        grids.push_back(g);
    }
    return grids;
}

model::AttentionBias buildBias(const GenerationRequest &r, const std::vector<at::Tensor> &regions,
                               int64_t lTxt, int64_t gh, int64_t gw, int64_t rg)
{
    model::AttentionBias bias;
    bool any = false;
    for (size_t i = 0; i < r.subjects.size(); ++i)
        any = any || (regions[i].defined() && r.regionStrength != 0) ||
              (!r.subjects[i].points.empty() && r.pointStrength != 0);
    if (!any)
        return bias;
    const int64_t lTgt = gh * gw, lRef = rg * rg, n = static_cast<int64_t>(r.subjects.size());
    const int64_t lMain = lTxt + lTgt;
    // Regions: +1 inside, -1 outside, 0 for a subject without one (model::regionBias, as in training).
    std::vector<at::Tensor> signs;
    for (int64_t i = 0; i < n; ++i)
        signs.push_back(regions[i].defined() && r.regionStrength != 0
                            ? regions[i].reshape({1, lTgt}) * 2.0 - 1.0
                            : at::zeros({1, lTgt}, at::kFloat));
    bias =
        model::regionBias(signs, lTxt, std::vector<int64_t>(static_cast<size_t>(n), lRef), r.regionStrength);
    bias.mainRows = bias.mainRows[0][0]; // one bias for every pass: [L_main, L_all]
    for (auto &rr : bias.refRows)
        rr = rr[0][0];
    for (int64_t i = 0; i < n; ++i) {
        at::Tensor &rr = bias.refRows[static_cast<size_t>(i)];
        const int64_t refCol = lMain + i * lRef;
        for (const auto &p : r.subjects[static_cast<size_t>(i)].points) {
            const int64_t t = std::min<int64_t>(gh - 1, static_cast<int64_t>(p.tgtY * gh)) * gw +
                              std::min<int64_t>(gw - 1, static_cast<int64_t>(p.tgtX * gw));
            const int64_t q = std::min<int64_t>(rg - 1, static_cast<int64_t>(p.refY * rg)) * rg +
                              std::min<int64_t>(rg - 1, static_cast<int64_t>(p.refX * rg));
            bias.mainRows[lTxt + t][refCol + q] += r.pointStrength;
            rr[q][lTxt + t] += r.pointStrength;
        }
    }
    return bias;
}

} // namespace mosaic::pipeline
