#pragma once
// Result type of every core façade call. Core carries no user-facing prose beyond the technical
// message; the UI maps codes to translated text.

#include <string>

namespace mosaic {

enum class StatusCode {
    Ok,
    Cancelled,       // the caller asked to stop; not an error
    InvalidArgument, // a request or option that cannot be honoured
    NotFound,        // a file or tensor that does not exist
    CorruptFile,     // a file that exists but violates its format
    Unsupported,     // valid input this build cannot handle (dtype, architecture)
    OutOfMemory,
    IoError,         // reading or writing failed (permissions, full disk)
    Internal,        // a bug: an unexpected exception from a library
};

struct Status
{
    StatusCode code = StatusCode::Ok;
    std::string message;

    bool ok() const { return code == StatusCode::Ok; }
    static Status success() { return {}; }
};

const char *statusCodeName(StatusCode code);

} // namespace mosaic
