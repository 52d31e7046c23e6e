// A generation: the request resolved and laid out, one pass or the reference collage, and its
// records. The stages live beside this file: conditioning.cpp, denoise.cpp, maps.cpp, collage.cpp,
// records.cpp; the bundle's loading in bundle.cpp.
#include <mosaic/layout.h>
#include <mosaic/pipeline.h>
#include <mosaic/runtime.h>

#include "pipeline/bundle.h"
#include "pipeline/collage.h"
#include "pipeline/conditioning.h"
#include "pipeline/denoise.h"
#include "pipeline/records.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <c10/core/InferenceMode.h>

#include <algorithm>

namespace mosaic {

Status generate(ModelBundle &handle, const GenerationRequest &request, GenerationResult *result,
                const GenerationCallbacks &callbacks)
{
    threadsForRun(); // the cores other programs leave free, unless the thread count was given
    return pipeline::generateWithBundle(pipeline::bundleOf(handle), handle.description(), request, result, callbacks);
}

namespace pipeline {

namespace {

// GenerationRequest::autoLayout: boxes from the prompt for the subjects that have neither a box nor a
// mask; the others stay where they are and are kept clear of.
GenerationRequest withPlannedLayout(const GenerationRequest &request, const Resolved &v)
{
    GenerationRequest out = request;
    if (!request.autoLayout ||
        std::all_of(request.subjects.begin(), request.subjects.end(), [](const Subject &s) { return s.box || s.mask.width > 0; }))
        return out;
    const auto planned = planRequestLayout(request, v.width, v.height);
    for (size_t i = 0; i < out.subjects.size(); ++i) {
        Subject &s = out.subjects[i];
        if (s.box || s.mask.width > 0)
            continue;
        s.box = planned[i].box;
        log::info("core.pipeline", "auto layout: subject {} ({}) at {},{} {}x{}{}", i + 1, s.name,
                  s.box->x, s.box->y, s.box->w, s.box->h,
                  planned[i].clause.empty() ? std::string(" (the prompt does not place it)")
                                            : format(" (\"{}\")", planned[i].clause));
    }
    return out;
}

} // namespace

Status generateWithBundle(Bundle &b, const BundleDescription &description, const GenerationRequest &original,
                          GenerationResult *result, const GenerationCallbacks &callbacks)
{
    return guarded([&] {
        std::lock_guard<std::mutex> runLock(b.runMutex);
        c10::InferenceMode inference;
        const auto t0 = Clock::now();
        const Resolved v = resolve(b, original);
        const GenerationRequest request = withPlannedLayout(original, v);
        GenerationResult out;
        if (v.collage > 0.0f && !request.subjects.empty())
            runCollage(b, request, v, &out, callbacks);
        else
            runPass(b, request, v, &out, callbacks);
        out.parametersText = a1111Parameters(request, v, description.name);
        out.parametersJson = parametersJson(request, v, description);
        log::info("core.pipeline", "generated {}x{} with {} subject(s) in {} s ({} steps{})", v.width,
                  v.height, request.subjects.size(), secondsSince(t0), v.steps,
                  v.collage > 0.0f && !request.subjects.empty() ? format(", reference collage {}", v.collage)
                                                                : "");
        *result = std::move(out);
    });
}

} // namespace pipeline

} // namespace mosaic
