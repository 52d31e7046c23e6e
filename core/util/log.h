#pragma once
// Internal logging helpers: mosaic::log::info("core.model", "loaded {} tensors", n).

#include <mosaic/log.h>

#include "util/strings.h"

namespace mosaic::log {

template <typename... A> void trace(const char *logger, const char *fmt, const A &...a)
{
    logMessage(LogLevel::Trace, logger, format(fmt, a...));
}
template <typename... A> void debug(const char *logger, const char *fmt, const A &...a)
{
    logMessage(LogLevel::Debug, logger, format(fmt, a...));
}
template <typename... A> void info(const char *logger, const char *fmt, const A &...a)
{
    logMessage(LogLevel::Info, logger, format(fmt, a...));
}
template <typename... A> void warn(const char *logger, const char *fmt, const A &...a)
{
    logMessage(LogLevel::Warn, logger, format(fmt, a...));
}
template <typename... A> void error(const char *logger, const char *fmt, const A &...a)
{
    logMessage(LogLevel::Error, logger, format(fmt, a...));
}

} // namespace mosaic::log
