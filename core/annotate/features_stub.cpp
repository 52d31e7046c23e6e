// The LibTorch-only build has no OpenCV: feature matching and GrabCut are unavailable there.
#include "annotate/features.h"

namespace mosaic {

Status suggestFeaturePairs(const RgbaImage &, const SuggestSubject &, const SuggestOptions &, std::vector<Correspondence> *)
{
    return {StatusCode::Unsupported, "feature matching needs OpenCV, which this LibTorch-only build lacks"};
}

Status grabCut(const RgbaImage &, const NormalizedBox &, int, FloatMap *)
{
    return {StatusCode::Unsupported, "GrabCut needs OpenCV, which this LibTorch-only build lacks"};
}

} // namespace mosaic
