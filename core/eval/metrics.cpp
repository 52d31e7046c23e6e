#include "eval/metrics.h"

#include "data/toys.h"

#include <mosaic/layout.h>

#include <limits>

namespace mosaic::eval {

at::Tensor colorHistogram(const at::Tensor &image, const at::Tensor &mask, bool skipWhite)
{
    const at::Tensor px = image.reshape({3, -1}).t().to(at::kFloat); // [N, 3]
    at::Tensor keep = mask.defined() ? mask.reshape({-1}).to(at::kBool) : at::ones({px.size(0)}, at::kBool);
    if (skipWhite)
        keep = keep.logical_and(std::get<0>(px.min(1)) < 0.94);
    const at::Tensor q = (px.clamp(0.0, 1.0 - 1e-6) * kBins).floor().to(at::kLong);
    const at::Tensor idx = (q.select(1, 0) * kBins + q.select(1, 1)) * kBins + q.select(1, 2);
    at::Tensor h = at::zeros({kBins * kBins * kBins}, at::kFloat);
    h.index_add_(0, idx.masked_select(keep), at::ones({keep.sum().item<int64_t>()}, at::kFloat));
    const double total = h.sum().item<double>();
    return total > 0 ? h / total : h;
}

double intersection(const at::Tensor &a, const at::Tensor &b)
{
    return at::minimum(a, b).sum().item<double>();
}

int retrieve(const at::Tensor &query, const std::vector<at::Tensor> &candidates)
{
    int best = -1;
    double bestScore = -1;
    for (size_t i = 0; i < candidates.size(); ++i) {
        const double s = intersection(query, candidates[i]);
        if (s > bestScore) {
            bestScore = s;
            best = static_cast<int>(i);
        }
    }
    return best;
}

at::Tensor backgroundFeature(const at::Tensor &image, const at::Tensor &subjectsMask)
{
    const int64_t H = image.size(1);
    at::Tensor keep = subjectsMask.defined() ? subjectsMask.logical_not() : at::ones({H, image.size(2)}, at::kBool);
    std::vector<at::Tensor> parts;
    auto stats = [&](const at::Tensor &img, const at::Tensor &k) {
        const at::Tensor px = img.reshape({3, -1}).t().index({k.reshape({-1})});
        if (px.size(0) < 2) {
            parts.push_back(at::zeros({3}));
            parts.push_back(at::zeros({3}));
            return;
        }
        parts.push_back(px.mean(0));
        parts.push_back(px.std(0));
    };
    stats(image, keep);
    stats(image.narrow(1, 0, H / 2), keep.narrow(0, 0, H / 2));
    stats(image.narrow(1, H / 2, H - H / 2), keep.narrow(0, H / 2, H - H / 2));
    return at::cat(parts).to(at::kFloat);
}

SceneClassifier::SceneClassifier(int perKind, int size)
{
    std::vector<at::Tensor> sums(8);
    std::vector<int> counts(8, 0);
    ToysOptions o;
    o.size = size;
    o.refSize = 64;
    o.minSubjects = 1;
    o.maxSubjects = 3;
    o.split = "train";
    o.seed = 777;
    for (int64_t i = 0; i < 40 * perKind && *std::min_element(counts.begin(), counts.end()) < perKind; ++i) {
        const data::ToySample s = data::renderToySample(o, i);
        if (counts[static_cast<size_t>(s.background)] >= perKind)
            continue;
        at::Tensor m = at::zeros({size, size}, at::kBool);
        for (const auto &sub : s.subjects)
            m = m.logical_or(boxMask(sub.box.x, sub.box.y, sub.box.w, sub.box.h, size, size));
        const at::Tensor f = backgroundFeature(s.target, m);
        auto &acc = sums[static_cast<size_t>(s.background)];
        acc = acc.defined() ? acc + f : f;
        ++counts[static_cast<size_t>(s.background)];
    }
    for (size_t k = 0; k < 8; ++k)
        m_prototypes.push_back(counts[k] > 0 ? sums[k] / counts[k] : at::full({18}, 1e6));
}

int SceneClassifier::classify(const at::Tensor &image, const at::Tensor &subjectsMask) const
{
    const at::Tensor f = backgroundFeature(image, subjectsMask);
    int best = 0;
    double bestDistance = std::numeric_limits<double>::max();
    for (size_t k = 0; k < m_prototypes.size(); ++k) {
        const double d = (f - m_prototypes[k]).pow(2).sum().item<double>();
        if (d < bestDistance) {
            bestDistance = d;
            best = static_cast<int>(k);
        }
    }
    return best;
}

at::Tensor boxMask(float x, float y, float w, float h, int64_t H, int64_t W)
{
    const at::Tensor ys = (at::arange(H, at::kFloat) + 0.5) / static_cast<double>(H);
    const at::Tensor xs = (at::arange(W, at::kFloat) + 0.5) / static_cast<double>(W);
    const at::Tensor iy = (ys >= y).logical_and(ys <= y + h);
    const at::Tensor ix = (xs >= x).logical_and(xs <= x + w);
    return iy.unsqueeze(1).logical_and(ix.unsqueeze(0));
}

at::Tensor plannedArea(const GenerationRequest &request, int size)
{
    at::Tensor area = at::zeros({size, size}, at::kBool);
    for (const PlannedBox &p : planRequestLayout(request, size, size))
        area = area.logical_or(boxMask(p.box.x, p.box.y, p.box.w, p.box.h, size, size));
    return area;
}

bool targetOfReferencePoint(const at::Tensor &coords, float refX, float refY, double *tx, double *ty, double tolerance)
{
    const int64_t H = coords.size(0), W = coords.size(1);
    const at::Tensor visible = coords.select(2, 0) >= 0;
    const at::Tensor d = (coords.select(2, 0) - refX).pow(2) + (coords.select(2, 1) - refY).pow(2);
    const at::Tensor near = visible.logical_and(d < tolerance * tolerance);
    if (!near.any().item<bool>())
        return false;
    const at::Tensor idx = near.nonzero().to(at::kFloat);
    *ty = (idx.select(1, 0).mean().item<double>() + 0.5) / static_cast<double>(H);
    *tx = (idx.select(1, 1).mean().item<double>() + 0.5) / static_cast<double>(W);
    return true;
}

} // namespace mosaic::eval
