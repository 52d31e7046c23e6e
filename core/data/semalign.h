#pragma once
// The released SemAlign-MS-Subjects200K loader's rule (mosaic-method.md §5.1), on tensors: two
// [64 * 64, 2] (y, x) fields (DIFT and GeoAware, target patch -> reference patch on 64 x 64 grids) and
// the target mask become (reference token, target token) pairs on a grid x grid token grid.

#include <ATen/ATen.h>

#include <utility>
#include <vector>

namespace mosaic::data {

// mask: [H, W] (any size; > 0.5 is inside), or undefined for "all ones". Returns pairs sorted by
// reference token. Throws mosaic::Error(CorruptFile) when a field is not int64 [4096, 2] in [0, 64).
std::vector<std::pair<int, int>> semalignPairs(const at::Tensor &dift, const at::Tensor &geoaware, const at::Tensor &mask,
                                               int grid = 32);

// Reads a tensor saved with torch.save (the zip format), validating nothing but the container.
at::Tensor loadTorchSaved(const std::string &path);

} // namespace mosaic::data
