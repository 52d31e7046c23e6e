#pragma once
// Internal exception type. It never leaves core: the façade converts it (and c10/std exceptions)
// into a mosaic::Status with statusFromCurrentException().

#include <mosaic/status.h>

#include <stdexcept>
#include <string>

namespace mosaic {

class Error : public std::runtime_error
{
public:
    Error(StatusCode code, const std::string &message) : std::runtime_error(message), m_code(code) {}
    StatusCode code() const { return m_code; }

private:
    StatusCode m_code;
};

// To be called inside a catch block: maps the in-flight exception to a Status.
Status statusFromCurrentException();

// Runs fn and returns Ok, or the Status of whatever it threw.
template <typename Fn> Status guarded(Fn &&fn)
{
    try {
        fn();
        return Status::success();
    } catch (...) {
        return statusFromCurrentException();
    }
}

} // namespace mosaic
