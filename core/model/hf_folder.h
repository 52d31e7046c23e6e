#pragma once
// Where a Hugging Face model folder keeps its weights and configuration (text_encoder/,
// text_encoder_2/, ...), or a single .safetensors file given instead of the folder.

#include <string>

namespace mosaic::model {

struct HfModelFiles
{
    std::string weights; // model.safetensors, a *.safetensors.index.json, or the file given
    std::string config;  // config.json, "" when there is none (a single file)
};

// Throws Error(NotFound) naming the folder and `what` (e.g. "a T5 encoder") when neither is there.
HfModelFiles findHfModelFiles(const std::string &path, const std::string &what);

} // namespace mosaic::model
