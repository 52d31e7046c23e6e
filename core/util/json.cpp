#include "util/json.h"

#include "util/error.h"
#include "util/strings.h"

namespace mosaic {

nlohmann::json parseBoundedJson(const std::string &text, const std::string &what, const JsonLimits &limits)
{
    if (text.size() > limits.maxBytes)
        throw Error(StatusCode::CorruptFile,
                    format("{}: {} bytes of JSON, more than the {} allowed", what, text.size(), limits.maxBytes));
    const nlohmann::json::parser_callback_t depthCheck = [&](int depth, nlohmann::json::parse_event_t,
                                                             nlohmann::json &) {
        if (depth > limits.maxDepth) {
            throw Error(StatusCode::CorruptFile,
                        format("{}: JSON nested deeper than {} levels", what, limits.maxDepth));
        }
        return true;
    };
    try {
        return nlohmann::json::parse(text, depthCheck);
    } catch (const nlohmann::json::exception &e) {
        throw Error(StatusCode::CorruptFile, format("{}: not valid JSON ({})", what, e.what()));
    }
}

int64_t jsonWholeNumber(const nlohmann::json &object, const char *key, int64_t fallback, const std::string &what)
{
    const auto it = object.find(key);
    if (it == object.end())
        return fallback;
    if (!it->is_number_integer())
        throw Error(StatusCode::CorruptFile, what + ": \"" + key + "\" is not a whole number");
    return it->get<int64_t>();
}

} // namespace mosaic
