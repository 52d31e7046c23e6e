// Compiled in a target whose only include path is core/include (no LibTorch, OpenCV or Qt): if a
// public header pulled in any of them, this file would not compile.
#include <mosaic/dataset.h>
#include <mosaic/image.h>
#include <mosaic/log.h>
#include <mosaic/pipeline.h>
#include <mosaic/request.h>
#include <mosaic/runtime.h>
#include <mosaic/status.h>
#include <mosaic/tools.h>
#include <mosaic/train.h>
#include <mosaic/version.h>

namespace {
[[maybe_unused]] bool facadeCompiles()
{
    mosaic::Status s;
    mosaic::CheckpointSummary summary;
    mosaic::GenerationRequest request;
    mosaic::DatasetSample sample;
    return s.ok() && summary.tensors.empty() && request.subjects.empty() && sample.subjects.empty();
}
} // namespace
