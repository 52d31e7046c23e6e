// Saves that are killed: a process writing a project, a dataset index, an exported dataset, a model
// bundle or a training checkpoint is killed with SIGKILL at a random moment, 100 times each; the file
// on disk is then always the previous version or the new one, whole, and opens.
//
// The writers run in children of a small fork server (this executable with --fork-writer), which
// starts once and forks a fresh child per kill: the child writes the two versions in turn until it is
// killed. The server itself never starts a thread or LibTorch's pools, so that each child may. Each
// child first writes the version that is not on disk, so that every kill can leave either.
//
// The moments of the kills are taken on the child's own timeline (the system's monotonic clock, which
// the child reports when it starts writing and after each write): a first child, left to finish two
// writes, measures how long they take there, and each kill then lands at a uniformly random moment of
// those two writes. Timing the writes in the test process instead, and counting from when the child's
// "ready" line arrived, put nearly every kill after the first write on some machines.

#include "testsupport.h"

#include "annotation.h"
#include "project.h"
#include "train/archive.h"

#include <mosaic/dataset.h>
#include <mosaic/pipeline.h>
#include <mosaic/train.h>

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <torch/optim/sgd.h>

#include <cerrno>
#include <csignal>
#include <functional>
#include <cstdio>
#include <iostream>
#include <string>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

namespace {

constexpr int kKills = 100;

long long monotonicNs()
{
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<long long>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

// ---- the two versions of each file -------------------------------------------------------------

ui::ProjectContent projectVersion(int v)
{
    ui::ProjectContent c;
    c.settings.prompt = v == 0 ? QStringLiteral("the old project") : QStringLiteral("the new project");
    for (int k = 0; k <= v; ++k) {
        ui::GalleryEntry e;
        e.outcome.id = static_cast<quint64>(k + 1);
        e.outcome.image = QImage(256, 256, QImage::Format_RGBA8888);
        for (int y = 0; y < 256; ++y) // noise-like rows, so that the PNG is not trivially small
            for (int x = 0; x < 256; ++x)
                e.outcome.image.setPixel(x, y, qRgba((x * 7 + y * 13 + k) & 255, (x * y + v) & 255, (x ^ y) & 255, 255));
        e.outcome.request.prompt = c.settings.prompt.toStdString();
        c.results.push_back(e);
    }
    return c;
}

mosaic::train::TensorLists checkpointVersion(int v)
{
    return {{"lora", {at::full({256, 256}, static_cast<double>(v + 1)), at::arange(4096).to(at::kFloat) * (v + 1)}}};
}

mosaic::RandomBundleOptions bundleVersion(int v)
{
    mosaic::RandomBundleOptions o;
    o.seed = static_cast<uint64_t>(v + 1);
    o.name = v == 0 ? "old" : "new";
    return o;
}

void writeVersion(const std::string &mode, const std::string &path, const std::string &extra, int v)
{
    if (mode == "project") {
        QString error;
        if (!ui::saveProject(QString::fromStdString(path), projectVersion(v), &error))
            throw std::runtime_error(error.toStdString());
    } else if (mode == "index") {
        std::vector<mosaic::DatasetSample> samples;
        std::vector<mosaic::DatasetProblem> problems;
        if (!mosaic::readDataset(extra, &samples, &problems).ok())
            throw std::runtime_error("cannot read " + extra);
        samples.resize(v == 0 ? 3 : samples.size());
        if (!mosaic::writeDataset(path, samples, "kill").ok())
            throw std::runtime_error("cannot write " + path);
    } else if (mode == "bundle") {
        if (const mosaic::Status st = mosaic::writeRandomBundle(path, bundleVersion(v)); !st.ok())
            throw std::runtime_error(st.message);
    } else if (mode == "checkpoint") {
        auto lists = checkpointVersion(v);
        std::vector<at::Tensor> params;
        for (auto &t : lists["lora"])
            params.push_back(t.requires_grad_());
        torch::optim::SGD optimizer(params, torch::optim::SGDOptions(0.1).momentum(0.9));
        mosaic::train::saveTrainingState(path, lists, v + 1, optimizer);
    }
}

// ---- the fork server ----------------------------------------------------------------------------

// Writes version `first`, then the other, then `first` again, ... until killed.
[[noreturn]] void runChild(const std::string &mode, const std::string &path, const std::string &extra, int first)
{
    int argc = 1;
    char name[] = "writer";
    char *argv[] = {name, nullptr};
    QGuiApplication app(argc, argv); // as the test's: images carry the same resolution in their PNGs
    const auto wrote = [] {
        std::printf("wrote %lld\n", monotonicNs());
        std::fflush(stdout);
    };
    try {
        if (mode == "export") { // one export after the other, each into a fresh folder
            ui::AnnotationSet set;
            QString error;
            if (!set.open(QString::fromStdString(extra), &error))
                throw std::runtime_error(error.toStdString());
            std::printf("ready %d %lld\n", static_cast<int>(::getpid()), monotonicNs());
            std::fflush(stdout);
            for (int i = 0;; ++i) {
                if (!set.exportTo(QStringLiteral("%1/e%2-%3").arg(QString::fromStdString(path)).arg(::getpid()).arg(i), &error))
                    throw std::runtime_error(error.toStdString());
                wrote();
            }
        }
        std::printf("ready %d %lld\n", static_cast<int>(::getpid()), monotonicNs());
        std::fflush(stdout);
        for (int i = 0;; ++i) {
            writeVersion(mode, path, extra, (first + i) % 2);
            wrote();
        }
    } catch (const std::exception &e) {
        std::printf("failed %s\n", e.what());
        std::fflush(stdout);
    }
    ::_exit(1);
}

int forkServer(const std::string &mode, const std::string &path, const std::string &extra)
{
    std::signal(SIGCHLD, SIG_IGN); // children are reaped by the system
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line != "go 0" && line != "go 1")
            break;
        const pid_t pid = ::fork();
        if (pid == 0)
            runChild(mode, path, extra, line.back() - '0');
        if (pid < 0) {
            std::printf("failed fork\n");
            std::fflush(stdout);
        }
    }
    return 0;
}

QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class TstKillSave : public QObject
{
    Q_OBJECT

    std::string m_dir, m_toys;

    struct Server
    {
        QProcess process;
        bool start(const QString &mode, const QString &path, const QString &extra)
        {
            process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            process.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--fork-writer"), mode, path, extra});
            return process.waitForStarted(10000);
        }
        long long spanNs = 0; // how long a child takes for its first two writes, on its own clock

        QByteArray nextLine(int timeoutMs = 60000)
        {
            QElapsedTimer t;
            t.start();
            while (!process.canReadLine() && t.elapsed() < timeoutMs)
                process.waitForReadyRead(100);
            return process.readLine().trimmed();
        }
        // Forks a writer and reads its "ready" line: its pid and the moment it began writing.
        bool forkWriter(int first, pid_t *pid, long long *startNs, QString *why)
        {
            process.write(first ? "go 1\n" : "go 0\n");
            QByteArray line = nextLine();
            while (line.startsWith("wrote ")) // what an earlier child printed before it was killed
                line = nextLine();
            const QList<QByteArray> parts = line.split(' ');
            if (parts.size() != 3 || parts[0] != "ready") {
                *why = QString::fromUtf8(line);
                return false;
            }
            *pid = static_cast<pid_t>(parts[1].toInt());
            *startNs = parts[2].toLongLong();
            return true;
        }
        bool killAndCheck(pid_t pid, QString *why)
        {
            ::kill(pid, SIGKILL);
            while (::kill(pid, 0) == 0)
                QThread::usleep(200);
            process.waitForReadyRead(0);
            while (process.canReadLine()) {
                const QByteArray line = process.readLine().trimmed();
                if (line.startsWith("failed")) {
                    *why = QString::fromUtf8(line);
                    return false;
                }
            }
            return true;
        }
        // Lets a first child finish two writes, to learn how long they take.
        bool calibrate(QString *why, int first = 1)
        {
            pid_t pid = 0;
            long long start = 0;
            if (!forkWriter(first, &pid, &start, why))
                return false;
            long long second = 0;
            for (int n = 0; n < 2; ++n) {
                const QByteArray line = nextLine();
                if (!line.startsWith("wrote ")) {
                    *why = QString::fromUtf8(line);
                    return false;
                }
                second = line.mid(6).toLongLong();
            }
            spanNs = std::max(1000000LL, second - start);
            return killAndCheck(pid, why);
        }
        // Forks a writer that writes version `first`, then the other, and kills it at a random moment of
        // those two writes; false when it failed.
        bool killOne(QString *why, int first = 1)
        {
            pid_t pid = 0;
            long long start = 0;
            if (!forkWriter(first, &pid, &start, why))
                return false;
            const long long at = start + static_cast<long long>(QRandomGenerator::global()->bounded(static_cast<double>(spanNs)));
            const timespec ts{static_cast<time_t>(at / 1000000000LL), static_cast<long>(at % 1000000000LL)};
            while (::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
            }
            return killAndCheck(pid, why);
        }
        ~Server()
        {
            process.closeWriteChannel();
            process.waitForFinished(10000);
        }
    };

    // Kills a writer of `mode` kKills times; after each, `check` says whether the file is the old
    // version (0), the new one (1) or neither (-1, with why).
    void killRepeatedly(const std::string &mode, const std::string &path, const std::string &extra,
                        const std::function<int(QString *)> &check)
    {
        Server server;
        QVERIFY(server.start(QString::fromStdString(mode), QString::fromStdString(path), QString::fromStdString(extra)));
        QString calibration;
        QVERIFY2(server.calibrate(&calibration), qPrintable(calibration));
        int onDisk = check(&calibration);
        QVERIFY2(onDisk >= 0, qPrintable(QStringLiteral("after two whole writes: %1").arg(calibration)));
        int seen[2] = {0, 0}; // the kills that left the version that was on disk, and those that left the new one
        for (int k = 0; k < kKills; ++k) {
            QString why;
            QVERIFY2(server.killOne(&why, 1 - onDisk), qPrintable(why));
            const int state = check(&why);
            QVERIFY2(state >= 0, qPrintable(QStringLiteral("kill %1 of %2: %3").arg(k + 1).arg(QString::fromStdString(mode), why)));
            ++seen[state == onDisk ? 0 : 1];
            onDisk = state;
        }
        qInfo("%s: %d kills over two writes of %.1f ms in the writer: %d left the version that was there, %d the new one",
              mode.c_str(), kKills, server.spanNs / 1e6, seen[0], seen[1]);
        QVERIFY(seen[0] > 0 && seen[1] > 0); // the kills did land during the writes, both ways
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_dir = testsupport::scratchDir("killsave");
        m_toys = m_dir + "/toys";
        mosaic::ToysOptions o;
        o.count = 6;
        o.size = o.refSize = 64;
        o.minSubjects = 1;
        o.maxSubjects = 2;
        mosaic::ToysReport report;
        QVERIFY(mosaic::synthesizeToys(m_toys, o, &report).ok());
    }

    void project()
    {
        const QString path = QString::fromStdString(m_dir + "/p.mosaic");
        QByteArray versions[2];
        for (int v : {0, 1}) {
            QString error;
            QVERIFY(ui::saveProject(path, projectVersion(v), &error));
            versions[v] = readAll(path);
        }
        killRepeatedly("project", path.toStdString(), {}, [&](QString *why) {
            const QByteArray now = readAll(path);
            const int v = now == versions[0] ? 0 : now == versions[1] ? 1 : -1;
            ui::ProjectContent c;
            if (v < 0 || !ui::loadProject(path, &c, why) || c.results.size() != v + 1) {
                *why += QStringLiteral(" (%1 bytes; the versions: %2 and %3)").arg(now.size()).arg(versions[0].size()).arg(versions[1].size());
                return -1;
            }
            return v;
        });
    }

    void datasetIndex()
    {
        const std::string dir = m_dir + "/index";
        QVERIFY(QDir().mkpath(QString::fromStdString(dir)));
        // The samples name the toys' files: the same folder layout, copied.
        for (const QString &sub : QDir(QString::fromStdString(m_toys)).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const QDir from(QString::fromStdString(m_toys) + QLatin1Char('/') + sub);
            QDir().mkpath(QString::fromStdString(dir) + QLatin1Char('/') + sub);
            for (const QString &f : from.entryList(QDir::Files))
                QFile::copy(from.filePath(f), QString::fromStdString(dir) + QLatin1Char('/') + sub + QLatin1Char('/') + f);
        }
        QByteArray index[2], meta[2];
        for (int v : {0, 1}) {
            writeVersion("index", dir, m_toys, v);
            index[v] = readAll(QString::fromStdString(dir + "/index.jsonl"));
            meta[v] = readAll(QString::fromStdString(dir + "/dataset.json"));
        }
        QVERIFY(index[0] != index[1] && meta[0] != meta[1]);
        int betweenRenames = 0;
        killRepeatedly("index", dir, m_toys, [&](QString *why) {
            const QByteArray i = readAll(QString::fromStdString(dir + "/index.jsonl")),
                             m = readAll(QString::fromStdString(dir + "/dataset.json"));
            const int v = i == index[0] ? 0 : i == index[1] ? 1 : -1;
            std::vector<mosaic::DatasetSample> samples;
            std::vector<mosaic::DatasetProblem> problems;
            if (v < 0 || (m != meta[0] && m != meta[1])) {
                *why = QStringLiteral("index.jsonl or dataset.json is neither version");
                return -1;
            }
            if (!mosaic::readDataset(dir, &samples, &problems).ok() || samples.size() != (v == 0 ? 3u : 6u) ||
                !problems.empty()) {
                *why = QStringLiteral("the dataset does not open with its samples and no problem: %1")
                           .arg(QString::fromStdString(problems.empty() ? std::string() : problems[0].text()));
                return -1;
            }
            betweenRenames += m != meta[v]; // the description of the other save: recognised, no problem
            return v;
        });
        int temporaries = 0;
        for (const QString &f : QDir(QString::fromStdString(dir)).entryList(QDir::Files | QDir::Hidden))
            temporaries += f.contains(QLatin1String(".tmp-"));
        writeVersion("index", dir, m_toys, 1); // the next save removes what the killed ones left
        int after = 0;
        for (const QString &f : QDir(QString::fromStdString(dir)).entryList(QDir::Files | QDir::Hidden))
            after += f.contains(QLatin1String(".tmp-"));
        qInfo("index: %d kills between the two renames; %d temporaries left by the kills, %d after the next save",
              betweenRenames, temporaries, after);
        QCOMPARE(after, 0);
    }

    void exportedDataset()
    {
        const std::string out = m_dir + "/exports";
        QVERIFY(QDir().mkpath(QString::fromStdString(out)));
        Server server;
        QVERIFY(server.start(QStringLiteral("export"), QString::fromStdString(out), QString::fromStdString(m_toys)));
        QString calibration;
        QVERIFY2(server.calibrate(&calibration), qPrintable(calibration)); // two whole exports
        int whole = 0, none = 0;
        for (int k = 0; k < kKills; ++k) {
            QString why;
            QVERIFY2(server.killOne(&why), qPrintable(why));
        }
        // Every folder an export was killed in, or finished: either no dataset yet (no index), or the
        // whole dataset, with every file its index names.
        for (const QString &name : QDir(QString::fromStdString(out)).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            const std::string dir = out + "/" + name.toStdString();
            if (!QFile::exists(QString::fromStdString(dir + "/index.jsonl"))) {
                ++none;
                ui::AnnotationSet set; // and a new export into it works
                QString error;
                QVERIFY(set.open(QString::fromStdString(m_toys), &error));
                QVERIFY2(set.exportTo(QString::fromStdString(dir), &error), qPrintable(error));
            } else {
                ++whole;
            }
            std::vector<mosaic::DatasetProblem> problems;
            QVERIFY(mosaic::validateDataset(dir, &problems).ok());
            QVERIFY2(problems.empty(), qPrintable(QString::fromStdString(dir + ": " + (problems.empty() ? "" : problems[0].message))));
            std::vector<mosaic::DatasetSample> samples;
            QVERIFY(mosaic::readDataset(dir, &samples, &problems).ok());
            QCOMPARE(samples.size(), size_t(6));
        }
        qInfo("export: %d kills over two exports of %.1f ms in the writer: %d folders held no dataset yet (exported "
              "again), %d a whole one",
              kKills, server.spanNs / 1e6, none, whole - 2);
        QVERIFY(none > 0);
    }

    void bundle()
    {
        const std::string path = m_dir + "/model.safetensors";
        QByteArray versions[2];
        for (int v : {0, 1}) {
            writeVersion("bundle", path, {}, v);
            versions[v] = readAll(QString::fromStdString(path));
        }
        QVERIFY(versions[0] != versions[1]);
        killRepeatedly("bundle", path, {}, [&](QString *why) {
            const QByteArray now = readAll(QString::fromStdString(path));
            const int v = now == versions[0] ? 0 : now == versions[1] ? 1 : -1;
            mosaic::Status st;
            if (v < 0 || !mosaic::ModelBundle::load(path, &st)) {
                *why = QStringLiteral("%1 bytes: %2").arg(now.size()).arg(QString::fromStdString(st.message));
                return -1;
            }
            return v;
        });
    }

    void checkpoint()
    {
        const std::string path = m_dir + "/state.pt";
        QByteArray versions[2];
        for (int v : {0, 1}) {
            writeVersion("checkpoint", path, {}, v);
            versions[v] = readAll(QString::fromStdString(path));
        }
        killRepeatedly("checkpoint", path, {}, [&](QString *why) {
            auto into = checkpointVersion(0);
            std::vector<at::Tensor> params;
            for (auto &t : into["lora"])
                params.push_back(t.requires_grad_());
            torch::optim::SGD optimizer(params, torch::optim::SGDOptions(0.1).momentum(0.9));
            try {
                const int64_t step = mosaic::train::loadTrainingState(path, into, optimizer);
                const int v = static_cast<int>(step) - 1;
                if ((v != 0 && v != 1) || !at::equal(into["lora"][0], checkpointVersion(v)["lora"][0])) {
                    *why = QStringLiteral("step %1 with the other version's tensors").arg(step);
                    return -1;
                }
                return v;
            } catch (const std::exception &e) {
                *why = QString::fromUtf8(e.what());
                return -1;
            }
        });
    }
};

int main(int argc, char **argv)
{
    if (argc == 5 && std::string(argv[1]) == "--fork-writer")
        return forkServer(argv[2], argv[3], argv[4]);
    QApplication app(argc, argv);
    TstKillSave test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_killsave.moc"
