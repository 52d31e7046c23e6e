// The parameter records of a generation (records.h).
#include "pipeline/records.h"

#include "pipeline/request_json.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

namespace mosaic::pipeline {

namespace {

uint64_t fnv1a(const std::vector<uint8_t> &bytes)
{
    uint64_t h = 1469598103934665603ull;
    for (uint8_t c : bytes)
        h = (h ^ c) * 1099511628211ull;
    return h;
}

} // namespace

std::string a1111Parameters(const GenerationRequest &r, const Resolved &v, const std::string &model)
{
    std::string s = r.prompt;
    if (!r.negativePrompt.empty())
        s += "\nNegative prompt: " + r.negativePrompt;
    s += format("\nSteps: {}, Sampler: Euler, CFG scale: {}, Distilled guidance: {}, Seed: {}, Size: {}x{}, "
                "Model: {}",
                v.steps, v.cfg, v.guidance, r.seed, v.width, v.height, model);
    if (v.refCfg > 1.0f)
        s += format(", Reference CFG scale: {}", v.refCfg);
    if (!r.initImage.isNull() && r.strength < 1.0f)
        s += format(", Denoising strength: {}", r.strength);
    if (v.collage > 0.0f)
        s += format(", Reference collage: {}", v.collage);
    if (!r.subjects.empty()) {
        s += ", Subjects: ";
        for (size_t i = 0; i < r.subjects.size(); ++i)
            s += (i ? "; " : "") +
                 (r.subjects[i].name.empty() ? format("subject {}", i + 1) : r.subjects[i].name);
    }
    return s;
}

std::string parametersJson(const GenerationRequest &r, const Resolved &v, const BundleDescription &d)
{
    // The request as the run resolved it (the model's defaults filled in), in request.h's format ...
    GenerationRequest resolved = r;
    resolved.steps = v.steps;
    resolved.guidance = v.guidance;
    resolved.cfgScale = v.cfg;
    resolved.refCfgScale = v.refCfg;
    resolved.collage = v.collage;
    resolved.width = v.width;
    resolved.height = v.height;
    nlohmann::json j = requestJsonObject(resolved);
    // ... and what identifies the model, the images and the sampler.
    j["generator"] = "MOSAIC Studio";
    j["model"] = {{"name", d.name}, {"path", d.path}, {"lora", d.hasLora}};
    if (v.positionScale != 1.0)
        j["position_scale"] = v.positionScale;
    if (!r.initImage.isNull() && r.strength < 1.0f)
        j["init_image_hash"] = format("{}", fnv1a(r.initImage.pixels));
    j["sampler"] = "euler (rectified flow, shifted schedule)";
    for (size_t i = 0; i < r.subjects.size(); ++i)
        j["subjects"][i]["image_hash"] = format("{}", fnv1a(r.subjects[i].image.pixels));
    return j.dump();
}

} // namespace mosaic::pipeline
