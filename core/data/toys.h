#pragma once
// MOSAIC-Toys: procedural multi-subject samples with exact, dense correspondences (LibTorch only, so
// that the trainer can render them in memory on a GPU machine without OpenCV or files).
//
// A subject is drawn in its own canonical frame (u, v in about [-1, 1], v down) from signed-distance
// parts: a body (5 shapes) with a surface pattern (5 kinds, 8 colours) over 12 body colours, ears
// (4 kinds, one of them one-sided), eyes (3 asymmetric arrangements), a tail (3) and a hat (3):
// 259,200 identities. Every target pixel of a subject maps through the canonical frame to an exact
// point of its reference. Deterministic per (seed, sample index).

#include <mosaic/dataset.h>

#include <ATen/ATen.h>

#include <string>
#include <vector>

namespace mosaic::data {

struct ToyIdentity
{
    int64_t id = 0;
    int shape = 0, color = 0, pattern = 0, patternColor = 0, ears = 0, eyes = 0, tail = 0, hat = 0;

    static constexpr int64_t kCount = 5LL * 12 * 5 * 8 * 4 * 3 * 3 * 3; // 259,200
    static ToyIdentity fromId(int64_t id);
    // The fixed split rule: an identity is held out when a hash of its id is 0 mod 10.
    bool heldOut() const;
    const char *kind() const; // the coarse kind the prompt may name: blob, block, egg, bean, star
};

extern const char *const kBackgroundNames[8];

struct ToySubject
{
    ToyIdentity identity;
    at::Tensor reference;  // [3, R, R] in [0, 1], on white, prepared (long side 0.9 R, centred)
    at::Tensor mask;       // [H, W] bool: visible pixels of this subject in the target
    at::Tensor refCoords;  // [H, W, 2] float: (x, y) in [0, 1] of the reference; -1 where not visible
    NormalizedBox box;     // the subject's bounding box in the target (before occlusion)
    bool flipped = false;
    float centerX = 0;     // in [0, 1]
};

struct ToySample
{
    at::Tensor target; // [3, H, W] in [0, 1]
    std::vector<ToySubject> subjects;
    int background = 0;
    std::string prompt;
};

// Renders sample `index` of the stream defined by options.seed and options.split.
ToySample renderToySample(const ToysOptions &options, int64_t index);
// Throws InvalidArgument naming what is wrong (sizes, subject counts, split, scale range).
void checkToysOptions(const ToysOptions &options);
// Every word the prompt grammar can produce (the bundled model's text vocabulary).
std::vector<std::string> toyVocabulary();
// Its words for kinds of toy ("blob", "block", ...).
std::vector<std::string> toyKinds();
// A subject alone on white at size x size, prepared as MOSAIC prepares references.
at::Tensor renderReference(const ToyIdentity &id, int size);

} // namespace mosaic::data
