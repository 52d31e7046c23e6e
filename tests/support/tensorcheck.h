#pragma once
// Tolerance metrics for tensor comparisons (as llama.cpp's NMSE and ncnn's epsilon checks).

#include <ATen/ATen.h>

#include <string>

namespace testsupport {

// ||a - b|| / ||b||, computed in float64.
inline double relativeError(const at::Tensor &a, const at::Tensor &b)
{
    const at::Tensor x = a.to(at::kDouble), y = b.to(at::kDouble);
    const double den = y.norm().item<double>();
    const double num = (x - y).norm().item<double>();
    return den == 0.0 ? num : num / den;
}

inline std::string describeError(const std::string &what, double err, double tol)
{
    return what + ": relative error " + std::to_string(err) + " (tolerance " + std::to_string(tol) + ")";
}

} // namespace testsupport
