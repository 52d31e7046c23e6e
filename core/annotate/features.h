#pragma once
// Feature-matching suggestions (features.cpp with OpenCV, features_stub.cpp without).
#include <mosaic/annotate.h>

namespace mosaic {

Status suggestFeaturePairs(const RgbaImage &target, const SuggestSubject &subject, const SuggestOptions &options,
                           std::vector<Correspondence> *out);

} // namespace mosaic
