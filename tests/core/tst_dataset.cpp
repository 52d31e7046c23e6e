// The dataset format: round trip, a validator that names the line and field of every problem,
// writes that never leave a corrupt index, the token-pair rule, and MOSAIC-Toys folders that are
// byte-identical for the same seed.
#include "testsupport.h"

#include <mosaic/dataset.h>
#include <mosaic/image.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>

using namespace mosaic;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void touch(const std::string &path)
{
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << "x";
}

DatasetSample sample(const std::string &id)
{
    DatasetSample s;
    s.id = id;
    s.prompt = "two toys on the grass";
    s.target = "images/" + id + ".png";
    s.width = s.height = 64;
    s.split = "train";
    DatasetSubject sub;
    sub.name = "Mira";
    sub.category = "blob";
    sub.image = "images/" + id + "_ref0.png";
    sub.box = NormalizedBox{0.1f, 0.2f, 0.3f, 0.4f};
    sub.points.push_back({0.25f, 0.5f, 0.75f, 0.125f, PointSource::Manual, 0.8f, ReviewStatus::Accepted});
    sub.points.push_back({0.5f, 0.5f, 0.5f, 0.5f, PointSource::FeatureMatch, 0.3f, ReviewStatus::Suggested});
    s.subjects.push_back(sub);
    return s;
}

} // namespace

class TstDataset : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip()
    {
        const std::string dir = testsupport::scratchDir("dataset_rt");
        std::vector<DatasetSample> in{sample("a"), sample("b")};
        in[1].done = true;
        in[1].subjects[0].points[0].status = ReviewStatus::Rejected;
        QVERIFY(writeDataset(dir, in, "test set").ok());
        std::vector<DatasetSample> out;
        std::vector<DatasetProblem> problems;
        QVERIFY(readDataset(dir, &out, &problems).ok());
        QVERIFY(problems.empty());
        QCOMPARE(out.size(), size_t{2});
        QCOMPARE(out[1].id, std::string("b"));
        QVERIFY(out[1].done);
        QCOMPARE(out[0].subjects[0].name, std::string("Mira"));
        QVERIFY(out[0].subjects[0].box.has_value());
        QCOMPARE(out[0].subjects[0].box->w, 0.3f);
        QCOMPARE(out[0].subjects[0].points.size(), size_t{2});
        const auto &p = out[0].subjects[0].points[1];
        QCOMPARE(p.source, PointSource::FeatureMatch);
        QCOMPARE(p.status, ReviewStatus::Suggested);
        QCOMPARE(p.confidence, 0.3f);
        QCOMPARE(out[1].subjects[0].points[0].status, ReviewStatus::Rejected);
        QVERIFY(readAll(dir + "/dataset.json").find("\"mosaic-dataset\"") != std::string::npos);
    }

    void validatorNamesLineAndField_data()
    {
        QTest::addColumn<std::string>("line2");
        QTest::addColumn<std::string>("field");
        QTest::addColumn<std::string>("message");
        const std::string ok = R"({"id":"b","prompt":"p","target":"t.png","subjects":[{"image":"r.png","points":[)"
                               R"({"ref":[0.1,0.2],"tgt":[0.3,0.4],"source":"manual","status":"accepted"}]}]})";
        auto with = [&](const std::string &from, const std::string &to) {
            std::string s = ok;
            s.replace(s.find(from), from.size(), to);
            return s;
        };
        QTest::newRow("missing image") << with("\"r.png\"", "\"nope.png\"") << std::string("subjects[0].image")
                                       << std::string("file not found: nope.png");
        QTest::newRow("coordinate out of range") << with("[0.3,0.4]", "[1.3,0.4]")
                                                 << std::string("subjects[0].points[0].tgt[0]")
                                                 << std::string("1.3 is outside [0, 1]");
        QTest::newRow("bad status") << with("accepted", "approved") << std::string("subjects[0].points[0].status")
                                    << std::string("unknown status \"approved\"");
        QTest::newRow("bad source") << with("manual", "magic") << std::string("subjects[0].points[0].source")
                                    << std::string("unknown source \"magic\"");
        QTest::newRow("duplicate id") << with("\"b\"", "\"a\"") << std::string("id")
                                      << std::string("'a' is already used on line 1");
        QTest::newRow("missing prompt") << with("\"prompt\":\"p\",", "") << std::string("prompt") << std::string("missing");
        QTest::newRow("not JSON") << std::string("{\"id\": \"b\", ") << std::string("") << std::string("not valid JSON");
        QTest::newRow("escaping path") << with("\"t.png\"", "\"../t.png\"") << std::string("target")
                                       << std::string("must be a path inside the dataset folder");
        QTest::newRow("bad box") << with("\"image\":\"r.png\"", "\"image\":\"r.png\",\"box\":[0.5,0.5,0.8,0.1]")
                                 << std::string("subjects[0].box") << std::string("inside the image");
    }

    void validatorNamesLineAndField()
    {
        QFETCH(std::string, line2);
        QFETCH(std::string, field);
        QFETCH(std::string, message);
        const std::string dir = testsupport::scratchDir("dataset_bad");
        touch(dir + "/t.png");
        touch(dir + "/r.png");
        std::ofstream(dir + "/index.jsonl")
            << R"({"id":"a","prompt":"p","target":"t.png","subjects":[{"image":"r.png"}]})" << "\n"
            << line2 << "\n";
        std::vector<DatasetProblem> problems;
        QVERIFY(validateDataset(dir, &problems).ok());
        bool found = false;
        std::string all;
        for (const auto &p : problems) {
            all += p.text() + "\n";
            found = found || (p.line == 2 && p.field == field && p.message.find(message) != std::string::npos);
        }
        QVERIFY2(found, all.c_str());
    }

    void truncatedLastLine()
    {
        const std::string dir = testsupport::scratchDir("dataset_trunc");
        touch(dir + "/t.png");
        touch(dir + "/r.png");
        std::ofstream(dir + "/index.jsonl") << R"({"id":"a","prompt":"p","target":"t.png","subjects":[{"image":"r.png"}]})"
                                            << "\n"
                                            << "{\"id\":\"b\",\"prompt\":\"p\",\"tar"; // cut off mid-line
        std::vector<DatasetProblem> problems;
        QVERIFY(validateDataset(dir, &problems).ok());
        QCOMPARE(problems.size(), size_t{1});
        QCOMPARE(problems[0].line, 2);
        QVERIFY2(problems[0].message.find("cut off") != std::string::npos, problems[0].text().c_str());
        std::vector<DatasetSample> samples;
        problems.clear();
        QVERIFY(readDataset(dir, &samples, &problems).ok());
        QCOMPARE(samples.size(), size_t{1}); // the good line still loads
    }

    void failedWriteKeepsTheOldIndex()
    {
        const std::string dir = testsupport::scratchDir("dataset_atomic");
        QVERIFY(writeDataset(dir, {sample("a")}).ok());
        const std::string before = readAll(dir + "/index.jsonl");
        std::vector<DatasetSample> many;
        for (int i = 0; i < 400; ++i)
            many.push_back(sample("s" + std::to_string(i)));
        struct rlimit old {};
        ::getrlimit(RLIMIT_FSIZE, &old);
        auto handler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 8192; // the new index is larger: its write fails half way, as on a full disk
        ::setrlimit(RLIMIT_FSIZE, &small);
        const Status st = writeDataset(dir, many);
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, handler);
        QCOMPARE(st.code, StatusCode::IoError);
        QCOMPARE(readAll(dir + "/index.jsonl"), before);
        std::vector<DatasetSample> back;
        std::vector<DatasetProblem> problems;
        QVERIFY(readDataset(dir, &back, &problems).ok());
        QCOMPARE(back.size(), size_t{1});
        QVERIFY(problems.empty());
        QVERIFY(!writeDataset(dir, {sample("x"), sample("x")}).ok()); // duplicate ids are refused
    }

    void tokenPairRule()
    {
        // Grids: reference 4 x 4, target 4 x 4 (token = 0.25 x 0.25).
        DatasetSubject s;
        auto pt = [](float rx, float ry, float tx, float ty, ReviewStatus st) {
            return Correspondence{rx, ry, tx, ty, PointSource::Manual, 1.0f, st};
        };
        s.points = {
            pt(0.10f, 0.10f, 0.90f, 0.90f, ReviewStatus::Accepted),  // ref 0 -> tgt 15
            pt(0.20f, 0.05f, 0.30f, 0.10f, ReviewStatus::Accepted),  // ref 0 -> tgt 1: smaller target wins
            pt(0.60f, 0.60f, 0.10f, 0.60f, ReviewStatus::Accepted),  // ref 10 -> tgt 8
            pt(0.99f, 0.99f, 0.00f, 0.00f, ReviewStatus::Rejected),  // never
            pt(0.40f, 0.10f, 0.60f, 0.35f, ReviewStatus::Suggested), // ref 1 -> tgt 6, only when asked
            pt(1.00f, 0.00f, 1.00f, 1.00f, ReviewStatus::Accepted),  // edges clamp: ref 3 -> tgt 15
        };
        const auto pairs = tokenPairs(s, 4, 4, 4);
        const std::vector<std::pair<int, int>> expected{{0, 1}, {3, 15}, {10, 8}};
        QVERIFY(pairs == expected);
        const auto withSuggested = tokenPairs(s, 4, 4, 4, true);
        const std::vector<std::pair<int, int>> expected2{{0, 1}, {1, 6}, {3, 15}, {10, 8}};
        QVERIFY(withSuggested == expected2);
    }

    void toysFolderIsDeterministicAndValid()
    {
        RgbaImage probe;
        probe.width = probe.height = 1;
        probe.pixels.assign(4, 255);
        if (!savePng(testsupport::scratchDir("probe") + "/p.png", probe).ok())
            QSKIP("writing images needs OpenCV (LibTorch-only build)");
        const std::string a = testsupport::scratchDir("toys_a"), b = testsupport::scratchDir("toys_b");
        ToysOptions o;
        o.count = 3;
        o.size = o.refSize = 64;
        o.seed = 4;
        ToysReport report;
        QVERIFY(synthesizeToys(a, o, &report).ok());
        QVERIFY(synthesizeToys(b, o, &report).ok());
        QCOMPARE(report.samples, 3);
        int files = 0;
        for (const auto &e : fs::recursive_directory_iterator(a)) {
            if (!e.is_regular_file())
                continue;
            const auto rel = fs::relative(e.path(), a);
            QVERIFY2(readAll(e.path().string()) == readAll((fs::path(b) / rel).string()), rel.c_str());
            ++files;
        }
        QVERIFY(files > 10);
        std::vector<DatasetProblem> problems;
        QVERIFY(validateDataset(a, &problems).ok());
        QVERIFY(problems.empty());
        std::vector<DatasetSample> samples;
        QVERIFY(readDataset(a, &samples, &problems).ok());
        for (const auto &s : samples)
            for (const auto &sub : s.subjects) {
                QVERIFY(!sub.dense.empty() && !sub.mask.empty());
                QVERIFY(!tokenPairs(sub, 4, 4, 4).empty() || sub.points.empty());
                for (const auto &p : sub.points)
                    QCOMPARE(p.source, PointSource::Synthetic);
            }
    }
};

MOSAIC_TEST_MAIN(TstDataset, MT_FN(roundTrip) MT_DATA(validatorNamesLineAndField) MT_FN(truncatedLastLine)
                                 MT_FN(failedWriteKeepsTheOldIndex) MT_FN(tokenPairRule) MT_FN(toysFolderIsDeterministicAndValid))

#include "tst_dataset.moc"
