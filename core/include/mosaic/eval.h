#pragma once
// `mosaic eval`: a model measured on held-out MOSAIC-Toys identities (docs/results.md). The metrics
// (core/eval/metrics.h) are analytic and validated on ground truth and on shuffled subjects.

#include <mosaic/status.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace mosaic {

struct EvalOptions
{
    std::string model;            // a bundle (when `variants` is empty)
    std::vector<std::pair<std::string, std::string>> variants; // (name, bundle), evaluated side by side
    std::string dataDir;          // a dataset folder (docs/dataset-format.md); empty: MOSAIC-Toys
    std::string reportDir;        // report.md and sample grids
    int samples = 16;             // per subject count and condition
    std::vector<int> subjectCounts{1, 2, 3, 4};
    int distractors = 8;          // held-out identities added to every retrieval
    int steps = 0;                // 0: the model's default
    int size = 0;                 // image side in pixels (targets rendered and images generated at it); 0: each model's default
    double cfgScale = -1.0, refCfgScale = -1.0; // GenerationRequest's guidance scales (< 0: each model's default)
    double collage = -1.0;        // GenerationRequest::collage (< 0: each model's default, 0: off)
    uint64_t seed = 2026;
    double minScale = 0.09, maxScale = 0.17; // MOSAIC-Toys subject sizes (ToysOptions)
    int alignedShrink = 0;                   // token-aligned toys (ToysOptions::alignedShrink)
    // Below 1: every sample starts from its ground-truth target noised to this strength (image to
    // image, GenerationRequest::strength) instead of from pure noise: a diagnostic of the noise level
    // at which a model loses its subjects, not a score of generation.
    double fromTruth = 1.0;
    // Adds the condition "generated, auto layout": no regions given, boxes planned from the prompt
    // (GenerationRequest::autoLayout, each subject named by its kind or its dataset name and category);
    // its layout is the share of each subject's attention inside its true region.
    bool autoLayout = false;
};

struct EvalRow
{
    std::string variant;          // the variant's name; empty for the ground-truth rows
    std::string condition;        // "generated, regions", "generated, no regions", "ground truth", "shuffled"
    int subjects = 0, images = 0;
    double identityTop1 = 0;      // retrieval accuracy
    double chance = 0;            // 1 / candidates
    double leakage = 0;           // mean extra intersection of a subject's colours in other subjects' regions
    double scene = 0;             // background recognised as the prompt's (-1: not measured)
    double layout = -1;           // mean share of attention mass inside the region (-1: no regions)
    double correspondence5 = -1;  // PCK of the model's reference -> target attention within 5 % (-1: not measured)
    double correspondence10 = -1; // ... within 10 % of the image
    double secondsPerImage = 0;
};

struct EvalReport
{
    std::vector<EvalRow> rows;
    std::string markdown;         // path of report.md (identity.png and leakage.png beside it)
};

Status runEvaluation(const EvalOptions &options, EvalReport *report,
                     const std::function<void(int done, int total)> &progress = {});

} // namespace mosaic
