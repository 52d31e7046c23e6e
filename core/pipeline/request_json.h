#pragma once
// The JSON object of mosaic/request.h's requestToJson, for core's writers that add to it (the
// parameter records of a generation).

#include <mosaic/request.h>

#include <nlohmann/json.hpp>

namespace mosaic {

nlohmann::json requestJsonObject(const GenerationRequest &request);

} // namespace mosaic
