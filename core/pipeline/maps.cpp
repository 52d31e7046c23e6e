// The attention maps of a generation reduced to what the gallery shows (maps.h).
#include "pipeline/maps.h"

#include "image/convert.h"

namespace mosaic::pipeline {

void reduceAttentionMaps(const model::AttentionCapture &capture, const GenerationRequest &request,
                         const std::vector<at::Tensor> &regions, int64_t lTxt, int64_t gh, int64_t gw, int64_t rg,
                         int width, int height, GenerationResult *out)
{
    // Maps: token grids upsampled to pixels (nearest), so that sums are exact.
    const int64_t lRefTokens = rg * rg;
    const int64_t lAll = lTxt + gh * gw + static_cast<int64_t>(request.subjects.size()) * lRefTokens;
    const int64_t px = width / gw; // pixels per token side (16)
    std::vector<at::Tensor> shares;
    for (size_t i = 0; i < request.subjects.size(); ++i) {
        SubjectMaps m;
        m.name = request.subjects[i].name;
        if (capture.refMapLayers > 0 && i < capture.refToTarget.size()) {
            at::Tensor dist = (capture.refToTarget[i].cpu() / static_cast<double>(capture.refMapLayers)).mean(1)[0];
            dist = dist.reshape({gh, gw}).repeat_interleave(px, 0).repeat_interleave(px, 1) /
                   static_cast<double>(px * px);
            m.attention = image::toFloatMap(dist, width, height);
        }
        if (capture.shareLayers > 0 && i < capture.targetShare.size()) {
            at::Tensor share = (capture.targetShare[i].cpu() / static_cast<double>(capture.shareLayers))[0];
            shares.push_back(share);
            if (regions[i].defined()) {
                const double total = share.sum().item<double>();
                m.massInRegion =
                    total > 0 ? (share * regions[i].reshape({-1})).sum().item<double>() / total : 0;
            }
            m.share = image::toFloatMap(
                share.reshape({gh, gw}).repeat_interleave(px, 0).repeat_interleave(px, 1), width, height);
        }
        out->subjects.push_back(std::move(m));
    }
    if (!shares.empty()) {
        // Argmax over subjects, where the winner holds at least 1.5x the share a uniform
        // attention would give it (L_ref / L_all); elsewhere -1 (text, background).
        at::Tensor s = at::stack(shares, 0); // [N, L_tgt]
        auto [best, idx] = s.max(0);
        const double uniform = static_cast<double>(lRefTokens) / static_cast<double>(lAll);
        idx = at::where(best >= 1.5 * uniform, idx, at::full_like(idx, -1));
        at::Tensor grid = idx.reshape({gh, gw})
                              .repeat_interleave(px, 0)
                              .repeat_interleave(px, 1)
                              .to(at::kShort)
                              .contiguous();
        out->ownership.width = width;
        out->ownership.height = height;
        out->ownership.values.assign(grid.data_ptr<int16_t>(), grid.data_ptr<int16_t>() + grid.numel());
    }
}

} // namespace mosaic::pipeline
