#include "util/error.h"

#include <c10/util/Exception.h>

#include <cstdio>
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace mosaic {

const char *statusCodeName(StatusCode code)
{
    switch (code) {
    case StatusCode::Ok: return "ok";
    case StatusCode::Cancelled: return "cancelled";
    case StatusCode::InvalidArgument: return "invalid-argument";
    case StatusCode::NotFound: return "not-found";
    case StatusCode::CorruptFile: return "corrupt-file";
    case StatusCode::Unsupported: return "unsupported";
    case StatusCode::OutOfMemory: return "out-of-memory";
    case StatusCode::IoError: return "io-error";
    case StatusCode::Internal: return "internal";
    }
    return "unknown";
}

namespace {

// What a person needs to hear when memory ran out, with LibTorch's figure where it gave one.
std::string outOfMemoryText(const std::string &raw)
{
    std::string amount;
    // CPU: "... you tried to allocate N bytes. ..."; CUDA: "... Tried to allocate 2.00 GiB (...".
    const std::string key = "ried to allocate ";
    if (const auto at = raw.find(key); at != std::string::npos) {
        const char *from = raw.c_str() + at + key.size();
        char *end = nullptr;
        const double v = std::strtod(from, &end);
        const std::string unit(end, std::min<size_t>(4, std::strlen(end)));
        char buf[48] = {};
        if (end != from && std::string(end).rfind(" bytes", 0) == 0)
            std::snprintf(buf, sizeof buf, "%.1f MiB", v / (1024.0 * 1024.0));
        else if (end != from && (unit == " GiB" || unit == " MiB" || unit == " KiB"))
            std::snprintf(buf, sizeof buf, "%.2f%s", v, unit.c_str());
        if (buf[0])
            amount = std::string(" (") + buf + " more could not be had)";
    }
    return "out of memory" + amount +
           ": the run stopped and nothing was written. A smaller size, fewer references or a memory budget "
           "(--max-memory / --max-vram, or the budget in Models…) needs less. LibTorch said: " + raw;
}

} // namespace

Status statusFromCurrentException()
{
    try {
        throw;
    } catch (const Error &e) {
        return {e.code(), e.what()};
    } catch (const std::bad_alloc &) {
        return {StatusCode::OutOfMemory, outOfMemoryText("std::bad_alloc")};
    } catch (const c10::Error &e) {
        // what_without_backtrace keeps the message readable for users.
        const std::string msg = e.what_without_backtrace();
        if (msg.find("out of memory") != std::string::npos || msg.find("DefaultCPUAllocator") != std::string::npos)
            return {StatusCode::OutOfMemory, outOfMemoryText(msg)};
        return {StatusCode::Internal, "LibTorch error: " + msg};
    } catch (const std::exception &e) {
        return {StatusCode::Internal, e.what()};
    } catch (...) {
        return {StatusCode::Internal, "unknown exception"};
    }
}

} // namespace mosaic
