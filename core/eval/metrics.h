#pragma once
// Evaluation metrics on MOSAIC-Toys. Analytic descriptors, validated by tests
// on ground truth (near their best) and on shuffled subjects (near chance):
//  - identity: a 6x6x6 RGB histogram of a subject's non-white reference pixels against the
//    histogram of the generated image inside the subject's region; histogram intersection ranks the
//    sample's references plus distractors; top-1 retrieval accuracy.
//  - leakage: the same intersection of subject i's reference with the regions of the other subjects
//    j != i, relative to its own region (0: none of i's colours elsewhere beyond what j has itself).
//  - scene: the background kind from the colour statistics of the pixels outside every region,
//    nearest prototype (learned from rendered backgrounds); accuracy against the prompt's kind.

#include <mosaic/pipeline.h>

#include <ATen/ATen.h>

#include <vector>

namespace mosaic::eval {

constexpr int kBins = 6;

// image [3, H, W] in [0, 1]; mask [H, W] bool (undefined: everywhere). Skips near-white pixels when
// skipWhite. Returns an L1-normalised [kBins^3] histogram (zeros when no pixel counts).
at::Tensor colorHistogram(const at::Tensor &image, const at::Tensor &mask, bool skipWhite);
double intersection(const at::Tensor &a, const at::Tensor &b);
// Index of the candidate whose histogram intersects `query` most.
int retrieve(const at::Tensor &query, const std::vector<at::Tensor> &candidates);

// Background features: mean and standard deviation of each channel, and the mean of the top and
// bottom halves (sky against ground), over the pixels where mask is false.
at::Tensor backgroundFeature(const at::Tensor &image, const at::Tensor &subjectsMask);

class SceneClassifier
{
public:
    // Prototypes from `perKind` rendered samples of each background kind.
    explicit SceneClassifier(int perKind = 12, int size = 128);
    int classify(const at::Tensor &image, const at::Tensor &subjectsMask) const;

private:
    std::vector<at::Tensor> m_prototypes;
};

// Where an exact correspondence map [H, W, 2] (for every target pixel the reference point it shows,
// -1 where none) puts a reference point (normalised): the centre of the visible target pixels that
// show a reference point within `tolerance` of it. False where no pixel does (the point is hidden).
bool targetOfReferencePoint(const at::Tensor &refCoords, float refX, float refY, double *tx, double *ty,
                            double tolerance = 0.03);

// A box in [0, 1] as a mask [H, W].
at::Tensor boxMask(float x, float y, float w, float h, int64_t H, int64_t W);

// Where a request with auto layout puts its subjects on a size x size canvas: the union of the boxes
// planRequestLayout gives them (bool [size, size]).
at::Tensor plannedArea(const GenerationRequest &request, int size);

} // namespace mosaic::eval
