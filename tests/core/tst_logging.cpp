// Logging: records reach the file in the chosen folder and every registered sink, with the logger
// name and level; re-initialising switches files; a folder that cannot be created is an error.
#include "testsupport.h"

#include "util/log.h"

#include <mosaic/runtime.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

using namespace mosaic;

namespace {
std::string readAll(const std::string &path)
{
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
} // namespace

class TstLogging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writesFileAndSinks()
    {
        const std::string dir = testsupport::scratchDir("logging");
        LogOptions o;
        o.console = false;
        o.fileDirectory = dir;
        o.level = LogLevel::Debug;
        QVERIFY(initLogging(o).ok());
        QCOMPARE(currentLogFile(), dir + "/mosaic.log");

        std::mutex m;
        std::vector<LogRecord> seen;
        const int id = addLogSink([&](const LogRecord &r) {
            std::lock_guard<std::mutex> lock(m);
            seen.push_back(r);
        });
        log::info("core.model", "loaded {} tensors from {}", 42, "x.safetensors");
        log::debug("core.io", "debug detail");
        log::trace("core.io", "below the level");
        removeLogSink(id);
        log::warn("core.model", "after removal");

        QCOMPARE(seen.size(), size_t{2});
        QCOMPARE(seen[0].logger, std::string("core.model"));
        QCOMPARE(seen[0].message, std::string("loaded 42 tensors from x.safetensors"));
        QVERIFY(seen[0].level == LogLevel::Info);
        QVERIFY(seen[1].level == LogLevel::Debug);

        // The file is flushed on warnings; re-initialising closes it.
        LogOptions other = o;
        other.fileDirectory = dir + "/second";
        QVERIFY(initLogging(other).ok());
        const std::string text = readAll(dir + "/mosaic.log");
        QVERIFY2(text.find("loaded 42 tensors from x.safetensors") != std::string::npos, text.c_str());
        QVERIFY(text.find("core.model") != std::string::npos);
        QVERIFY(text.find("after removal") != std::string::npos);
        QVERIFY(text.find("below the level") == std::string::npos);
        QCOMPARE(currentLogFile(), dir + "/second/mosaic.log");

        // A sink added later can replay what was logged before it existed.
        std::vector<std::string> replayed;
        const int late = addLogSink([&](const LogRecord &r) { replayed.push_back(r.message); }, true);
        removeLogSink(late);
        QVERIFY(std::find(replayed.begin(), replayed.end(), "loaded 42 tensors from x.safetensors") != replayed.end());
        QVERIFY(std::find(replayed.begin(), replayed.end(), "after removal") != replayed.end());
    }

    void unwritableFolderIsAnError()
    {
        LogOptions o;
        o.console = false;
        o.fileDirectory = "/dev/null/logs";
        const Status st = initLogging(o);
        QVERIFY(!st.ok());
        QCOMPARE(st.code, StatusCode::IoError);
        QVERIFY(st.message.find("/dev/null/logs") != std::string::npos);
    }

    void threadsAreConfigured()
    {
        QCOMPARE(configureThreads(1), 1);
        QCOMPARE(threadCount(), 1);
        QCOMPARE(configureThreads(0), hardwareThreads()); // 0: every core
    }
};

MOSAIC_TEST_MAIN(TstLogging, MT_FN(writesFileAndSinks) MT_FN(unwritableFolderIsAnError) MT_FN(threadsAreConfigured))

#include "tst_logging.moc"
