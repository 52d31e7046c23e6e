#pragma once
// Small string helpers shared by core. format() replaces "{}" placeholders in order, so that the
// logging calls read like spdlog's whether or not spdlog is present in this build.

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

namespace mosaic {

namespace detail {
inline void formatInto(std::ostringstream &out, const char *fmt)
{
    out << fmt;
}

template <typename T, typename... Rest>
void formatInto(std::ostringstream &out, const char *fmt, const T &value, const Rest &...rest)
{
    for (const char *p = fmt; *p; ++p) {
        if (p[0] == '{' && p[1] == '}') {
            out << value;
            formatInto(out, p + 2, rest...);
            return;
        }
        out << *p;
    }
}
} // namespace detail

template <typename... Args> std::string format(const char *fmt, const Args &...args)
{
    std::ostringstream out;
    detail::formatInto(out, fmt, args...);
    return out.str();
}

std::string shapeString(const std::vector<int64_t> &shape);
std::string humanBytes(uint64_t bytes);
std::string humanCount(uint64_t count); // 1.85B, 12.3M, ...
bool startsWith(const std::string &s, const std::string &prefix);
bool endsWith(const std::string &s, const std::string &suffix);
std::vector<std::string> split(const std::string &s, char sep);

} // namespace mosaic
