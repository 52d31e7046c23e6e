#include "util/error.h"

#include <c10/util/Exception.h>

#include <new>

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

Status statusFromCurrentException()
{
    try {
        throw;
    } catch (const Error &e) {
        return {e.code(), e.what()};
    } catch (const std::bad_alloc &) {
        return {StatusCode::OutOfMemory, "out of memory"};
    } catch (const c10::Error &e) {
        // what_without_backtrace keeps the message readable for users.
        const std::string msg = e.what_without_backtrace();
        if (msg.find("out of memory") != std::string::npos || msg.find("DefaultCPUAllocator") != std::string::npos)
            return {StatusCode::OutOfMemory, msg};
        return {StatusCode::Internal, "LibTorch error: " + msg};
    } catch (const std::exception &e) {
        return {StatusCode::Internal, e.what()};
    } catch (...) {
        return {StatusCode::Internal, "unknown exception"};
    }
}

} // namespace mosaic
