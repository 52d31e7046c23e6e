#include "util/log.h"

#include "util/paths.h"

#include <deque>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>

#ifdef MOSAIC_HAVE_SPDLOG
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#endif

namespace mosaic {

namespace {

struct ExtraSinks
{
    std::mutex mutex;
    std::map<int, LogSink> sinks;
    std::deque<LogRecord> recent;
    int nextId = 1;
};

constexpr size_t kRecentRecords = 500;

ExtraSinks &extraSinks()
{
    static ExtraSinks s;
    return s;
}

void dispatchToExtraSinks(const LogRecord &record)
{
    auto &reg = extraSinks();
    std::lock_guard<std::mutex> lock(reg.mutex);
    reg.recent.push_back(record);
    if (reg.recent.size() > kRecentRecords)
        reg.recent.pop_front();
    for (auto &entry : reg.sinks)
        entry.second(record);
}

#ifdef MOSAIC_HAVE_SPDLOG
spdlog::level::level_enum toSpd(LogLevel l)
{
    switch (l) {
    case LogLevel::Trace: return spdlog::level::trace;
    case LogLevel::Debug: return spdlog::level::debug;
    case LogLevel::Info: return spdlog::level::info;
    case LogLevel::Warn: return spdlog::level::warn;
    case LogLevel::Error: return spdlog::level::err;
    }
    return spdlog::level::info;
}

LogLevel fromSpd(spdlog::level::level_enum l)
{
    switch (l) {
    case spdlog::level::trace: return LogLevel::Trace;
    case spdlog::level::debug: return LogLevel::Debug;
    case spdlog::level::info: return LogLevel::Info;
    case spdlog::level::warn: return LogLevel::Warn;
    default: return LogLevel::Error;
    }
}

// Forwards spdlog records to the callbacks registered with addLogSink().
class CallbackSink final : public spdlog::sinks::base_sink<std::mutex>
{
protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        LogRecord r;
        r.level = fromSpd(msg.level);
        r.logger.assign(msg.logger_name.data(), msg.logger_name.size());
        r.message.assign(msg.payload.data(), msg.payload.size());
        dispatchToExtraSinks(r);
    }
    void flush_() override {}
};

struct SpdState
{
    std::mutex mutex;
    std::vector<spdlog::sink_ptr> sinks;
    LogLevel level = LogLevel::Warn; // until initLogging(): libraries and tests stay quiet
    std::string file;
    bool initialised = false;
};

SpdState &spdState()
{
    static SpdState s;
    return s;
}

std::shared_ptr<spdlog::logger> loggerFor(const std::string &name)
{
    auto &st = spdState();
    std::lock_guard<std::mutex> lock(st.mutex);
    if (!st.initialised) {
        st.sinks = {std::make_shared<spdlog::sinks::stderr_color_sink_mt>(), std::make_shared<CallbackSink>()};
        st.initialised = true;
    }
    if (auto existing = spdlog::get(name))
        return existing;
    auto logger = std::make_shared<spdlog::logger>(name, st.sinks.begin(), st.sinks.end());
    logger->set_level(toSpd(st.level));
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    return logger;
}
#else
struct PlainState
{
    std::mutex mutex;
    LogOptions options = [] {
        LogOptions o;
        o.level = LogLevel::Warn; // until initLogging()
        return o;
    }();
    std::string file;
    std::FILE *fp = nullptr;
};

PlainState &plainState()
{
    static PlainState s;
    return s;
}
#endif

} // namespace

const char *logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Trace: return "trace";
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warning";
    case LogLevel::Error: return "error";
    }
    return "info";
}

std::string defaultLogDirectory()
{
    return (std::filesystem::path(userDataDirectory()) / "logs").string();
}

Status initLogging(const LogOptions &options)
{
    std::string dir = options.fileDirectory.empty() ? defaultLogDirectory() : options.fileDirectory;
    std::string file;
    if (options.file) {
        std::string err;
        if (!makeDirectories(dir, &err))
            return {StatusCode::IoError, "cannot create the log folder " + err};
        file = (std::filesystem::path(dir) / "mosaic.log").string();
    }
#ifdef MOSAIC_HAVE_SPDLOG
    try {
        auto &st = spdState();
        std::lock_guard<std::mutex> lock(st.mutex);
        st.sinks.clear();
        if (options.console)
            st.sinks.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
        if (!file.empty())
            st.sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, 5 * 1024 * 1024, 3));
        st.sinks.push_back(std::make_shared<CallbackSink>());
        st.level = options.level;
        st.file = file;
        st.initialised = true;
        spdlog::drop_all(); // loggers are re-created lazily with the new sinks
    } catch (const spdlog::spdlog_ex &e) {
        return {StatusCode::IoError, std::string("cannot open the log file: ") + e.what()};
    }
#else
    auto &st = plainState();
    std::lock_guard<std::mutex> lock(st.mutex);
    if (st.fp)
        std::fclose(st.fp);
    st.fp = nullptr;
    st.options = options;
    st.file.clear();
    if (!file.empty()) {
        st.fp = std::fopen(file.c_str(), "a");
        if (!st.fp)
            return {StatusCode::IoError, "cannot open the log file " + file};
        st.file = file;
    }
#endif
    return Status::success();
}

std::string currentLogFile()
{
#ifdef MOSAIC_HAVE_SPDLOG
    auto &st = spdState();
    std::lock_guard<std::mutex> lock(st.mutex);
    return st.file;
#else
    auto &st = plainState();
    std::lock_guard<std::mutex> lock(st.mutex);
    return st.file;
#endif
}

int addLogSink(LogSink sink, bool replayRecent)
{
    auto &reg = extraSinks();
    std::lock_guard<std::mutex> lock(reg.mutex);
    if (replayRecent)
        for (const auto &r : reg.recent)
            sink(r);
    const int id = reg.nextId++;
    reg.sinks[id] = std::move(sink);
    return id;
}

void removeLogSink(int id)
{
    auto &reg = extraSinks();
    std::lock_guard<std::mutex> lock(reg.mutex);
    reg.sinks.erase(id);
}

void logMessage(LogLevel level, const std::string &logger, const std::string &message)
{
#ifdef MOSAIC_HAVE_SPDLOG
    loggerFor(logger)->log(toSpd(level), message);
#else
    auto &st = plainState();
    {
        std::lock_guard<std::mutex> lock(st.mutex);
        if (level < st.options.level)
            return;
        if (st.options.console)
            std::fprintf(stderr, "[%s] [%s] %s\n", logger.c_str(), logLevelName(level), message.c_str());
        if (st.fp) {
            std::fprintf(st.fp, "[%s] [%s] %s\n", logger.c_str(), logLevelName(level), message.c_str());
            std::fflush(st.fp);
        }
    }
    dispatchToExtraSinks({level, logger, message});
#endif
}

} // namespace mosaic
