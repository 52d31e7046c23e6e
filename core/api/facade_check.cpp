// Compiled in a target with no LibTorch, OpenCV or Qt include paths: proves that the public
// headers stand on plain C++ alone.
#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/status.h>
#include <mosaic/tools.h>
#include <mosaic/version.h>

#if __has_include(<torch/torch.h>) && defined(MOSAIC_FACADE_EXPECT_NO_TORCH)
#error "LibTorch headers are visible to the façade check"
#endif

namespace {
[[maybe_unused]] bool facadeCompiles()
{
    mosaic::Status s;
    mosaic::CheckpointSummary summary;
    return s.ok() && summary.tensors.empty();
}
} // namespace
