#pragma once
// The denoising loop: one sampling pass of a request on a bundle, from the conditioning to the decoded
// image and its attention maps (the parameter records aside). The reference collage (collage.h) runs
// it twice.

#include "pipeline/conditioning.h"

#include <chrono>
#include <vector>

namespace mosaic::pipeline {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point t0);

// The first step of a schedule at or below `strength` (image to image); at least the last step runs.
int firstStepAt(const std::vector<double> &schedule, int steps, float strength);

// One sampling run: everything of a generation but its parameter records. `reportUnknown`: log the
// prompt's words the model does not know (once per generation: the collage's second pass does not).
void runPass(Bundle &bundle, const GenerationRequest &request, const Resolved &resolved, GenerationResult *result,
             const GenerationCallbacks &callbacks, bool reportUnknown = true);

} // namespace mosaic::pipeline
