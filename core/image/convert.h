#pragma once
// The one place where pixels become tensors and back (LibTorch only; OpenCV I/O is in image.cpp).

#include <mosaic/image.h>

#include <ATen/ATen.h>

#include <vector>

namespace mosaic::image {

// RGBA8 -> [1, 3, H, W] float32 in [-1, 1]; alpha composited over white.
at::Tensor toTensor(const RgbaImage &img);
// [1, 3, H, W] (or [3, H, W]) in about [-1, 1] -> opaque RGBA8 (clamped).
RgbaImage fromTensor(const at::Tensor &t);
// [H, W] float -> FloatMap, and bilinear resize of a map to a pixel size.
FloatMap toFloatMap(const at::Tensor &map, int width, int height);
// A mask of any size -> [h, w] float coverage on a token grid (area average).
at::Tensor maskToGrid(const FloatMap &mask, int64_t h, int64_t w);

// Sample grids (training samples, evaluation reports): an image [3, H, W] scaled to height h (width
// in proportion), and rows of images [3, h, W_i] stacked top to bottom, padded white to the widest.
at::Tensor toHeight(const at::Tensor &img, int64_t h);
at::Tensor stackRows(std::vector<at::Tensor> rows);

} // namespace mosaic::image
