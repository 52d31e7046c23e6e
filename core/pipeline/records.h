#pragma once
// The parameter records of a generation: everything needed to reproduce it, as JSON (request.h's
// format with the resolved settings, the model, hashes of the images) and as the A1111-style
// "parameters" text that other tools read from a PNG.

#include "pipeline/conditioning.h"

#include <string>

namespace mosaic::pipeline {

std::string a1111Parameters(const GenerationRequest &request, const Resolved &resolved, const std::string &model);
std::string parametersJson(const GenerationRequest &request, const Resolved &resolved,
                           const BundleDescription &description);

} // namespace mosaic::pipeline
