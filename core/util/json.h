#pragma once
// Reading JSON from outside (files, PNG text, project parts): one bounded policy. The text's size is
// checked before parsing and the nesting depth while parsing (nlohmann's parser is iterative, and the
// callback stops it at the first value deeper than allowed, so no recursion ever follows untrusted
// depth). Never dump() or walk an untrusted value recursively without such a bound.

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

namespace mosaic {

struct JsonLimits
{
    size_t maxBytes = 1u << 20;
    int maxDepth = 32;
};

// Throws Error(CorruptFile) naming `what` when the text is too large, too deep, or not JSON.
nlohmann::json parseBoundedJson(const std::string &text, const std::string &what, const JsonLimits &limits = {});

// A whole-number field of a configuration object: `fallback` when absent; Error(CorruptFile) naming
// `what` and the key when it is there but not a whole number.
int64_t jsonWholeNumber(const nlohmann::json &object, const char *key, int64_t fallback, const std::string &what);

} // namespace mosaic
