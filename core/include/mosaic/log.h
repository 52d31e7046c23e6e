#pragma once
// One logging pipeline for the whole application. Core logs through named loggers (see
// docs/logging.md for the names); the UI adds a sink to show records in its log dock.

#include <mosaic/status.h>

#include <functional>
#include <string>

namespace mosaic {

enum class LogLevel { Trace, Debug, Info, Warn, Error };

struct LogRecord
{
    LogLevel level = LogLevel::Info;
    std::string logger;
    std::string message;
};

struct LogOptions
{
    bool console = true;
    bool file = true;
    std::string fileDirectory; // empty: <user data dir>/logs
    LogLevel level = LogLevel::Info;
};

// Safe to call more than once; the last call wins. Without it, records go to stderr only.
Status initLogging(const LogOptions &options);
std::string defaultLogDirectory();
std::string currentLogFile(); // empty when no file sink is active

// Extra sinks (the UI's log dock). The callback may run on any thread and must not log itself.
// With replayRecent, the last records of this process (up to 500) are passed to it first, so that a
// dock created after start-up still shows the start-up messages.
using LogSink = std::function<void(const LogRecord &)>;
int addLogSink(LogSink sink, bool replayRecent = false);
void removeLogSink(int id);

void logMessage(LogLevel level, const std::string &logger, const std::string &message);
const char *logLevelName(LogLevel level);

} // namespace mosaic
