// The SemAlign-MS-Subjects200K importer on test-made files: .pt coordinate fields written with
// LibTorch, a mask and a side-by-side pair image. The expected pairs are worked out by hand from the
// released loader's rule (mosaic-method.md §5.1).
#include "testsupport.h"

#include "data/torch_file.h"
#include "util/error.h"

#include <mosaic/dataset.h>
#include <mosaic/image.h>

#include "data/semalign.h"

#include <torch/serialize.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <cstring>
#include <random>

using namespace mosaic;
namespace fs = std::filesystem;

namespace {

void savePt(const std::string &path, const at::Tensor &t)
{
    fs::create_directories(fs::path(path).parent_path());
    const std::vector<char> bytes = torch::pickle_save(t);
    std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Identity fields: target patch (Y, X) on the 64 grid points at reference patch (Y, X).
at::Tensor identityField()
{
    at::Tensor f = at::empty({64, 64, 2}, at::kLong);
    for (int y = 0; y < 64; ++y)
        for (int x = 0; x < 64; ++x) {
            f[y][x][0] = y;
            f[y][x][1] = x;
        }
    return f;
}

} // namespace

class TstSemAlign : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void loaderRuleByHand()
    {
        // Identity everywhere, except:
        //  - token 0: GeoAware disagrees in one of its four 64-grid patches -> invalid;
        //  - token (2, 10): all four patches point at 64-grid (4, 6) -> reference token (2, 3), which
        //    target token (2, 3) = 67 already holds (it comes first) -> dropped;
        //  - token (5, 5): y values 7, 7, 8, 8 average 7.5, truncated to 7 -> y' = 3 (rounding would
        //    give 4); x values 40 -> x' = 20: reference token 3 * 32 + 20 = 116;
        //  - the mask keeps the left half only (pixel columns < 256: tokens with j < 16).
        at::Tensor dift = identityField(), geo = identityField();
        geo[1][0][1] = 5;
        for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
                for (at::Tensor *f : {&dift, &geo}) {
                    (*f)[4 + dy][20 + dx][0] = 4;
                    (*f)[4 + dy][20 + dx][1] = 6;
                    (*f)[10 + dy][10 + dx][0] = 7 + dy;
                    (*f)[10 + dy][10 + dx][1] = 40;
                }
            }
        at::Tensor mask = at::zeros({512, 512});
        mask.narrow(1, 0, 256).fill_(1.0);
        const auto pairs = data::semalignPairs(dift.view({4096, 2}), geo.view({4096, 2}), mask, 32);

        std::set<std::pair<int, int>> expected;
        for (int i = 0; i < 32; ++i)
            for (int j = 0; j < 16; ++j) {
                const int n = i * 32 + j;
                if (n == 0 || (i == 2 && j == 10))
                    continue;
                expected.insert(i == 5 && j == 5 ? std::make_pair(116, n) : std::make_pair(n, n));
            }
        QCOMPARE(pairs.size(), expected.size());
        const std::set<std::pair<int, int>> got(pairs.begin(), pairs.end());
        QVERIFY(got == expected);
    }

    void rejectsMalformedFields()
    {
        bool threw = false;
        try {
            data::semalignPairs(at::zeros({100, 2}, at::kLong), identityField().view({4096, 2}), {}, 32);
        } catch (const std::exception &e) {
            threw = std::string(e.what()).find("int64 [4096, 2]") != std::string::npos;
        }
        QVERIFY(threw);
        threw = false;
        try {
            data::semalignPairs(identityField().view({4096, 2}) * 2, identityField().view({4096, 2}), {}, 32);
        } catch (const std::exception &e) {
            threw = std::string(e.what()).find("outside the 64 x 64 grid") != std::string::npos;
        }
        QVERIFY(threw);
    }

    // A .pt file is read by a strict reader of its own (data/torch_file.h), not LibTorch's unpickler:
    // the file as torch::pickle_save writes it reads back exactly; a storage shorter than the shape
    // says (57,747 of 65,536 bytes, as a mutated file had) and 20,000 random mutations of a good file each
    // give an error or a tensor, never a crash (run under AddressSanitizer in the asan preset).
    void hostileTorchFiles()
    {
        const at::Tensor field = identityField().view({4096, 2});
        const std::vector<char> good = torch::pickle_save(field);
        QVERIFY(at::equal(data::readTorchSavedTensor(good, "good.pt"), field));
        QVERIFY(at::equal(data::readTorchSavedTensor(torch::pickle_save(at::arange(6, at::kFloat).view({2, 3}).t()), "t.pt"),
                          at::arange(6, at::kFloat).view({2, 3}).t()));

        // The storage cut to 57,747 bytes: the zip entry says so, and the shape needs 65,536.
        std::vector<char> cut = good;
        bool patched = false;
        for (size_t i = 0; i + 46 < cut.size(); ++i) // every size field of the entry "archive/data/0"
            if (std::memcmp(&cut[i], "\x50\x4b\x01\x02", 4) == 0 && std::string(&cut[i + 46], 14) == "archive/data/0") {
                const uint32_t shorter = 57747;
                std::memcpy(&cut[i + 20], &shorter, 4);
                std::memcpy(&cut[i + 24], &shorter, 4);
                patched = true;
            }
        QVERIFY(patched);
        std::string err;
        try {
            data::readTorchSavedTensor(cut, "cut.pt");
        } catch (const Error &e) {
            err = e.what();
        }
        QVERIFY2(err.find("cut.pt") != std::string::npos && err.find("storage holds 57747 bytes") != std::string::npos, err.c_str());

        std::mt19937 rng(7);
        int read = 0, refused = 0;
        for (int k = 0; k < 20000; ++k) {
            std::vector<char> m = good;
            const int edits = 1 + static_cast<int>(rng() % 4);
            for (int e = 0; e < edits; ++e) {
                // Mostly the directory and the pickle (the storage's bytes are only data).
                const size_t at = rng() % 2 ? m.size() - 1 - rng() % 600 : rng() % m.size();
                m[at] = static_cast<char>(rng() % 3 == 0 ? 0xff : rng());
            }
            if (rng() % 5 == 0)
                m.resize(rng() % m.size());
            try {
                const at::Tensor t = data::readTorchSavedTensor(m, "mutated.pt");
                QVERIFY(t.numel() <= 1 << 20);
                ++read;
            } catch (const Error &e) {
                QCOMPARE(e.code(), StatusCode::CorruptFile);
                ++refused;
            }
        }
        qInfo("20000 mutated files: %d read, %d refused", read, refused);
        QVERIFY(refused > 1000);
    }

    void importsFolder()
    {
        RgbaImage probe;
        probe.width = probe.height = 1;
        probe.pixels.assign(4, 255);
        const std::string src = testsupport::scratchDir("semalign_src"), out = testsupport::scratchDir("semalign_out");
        if (!savePng(src + "/probe.png", probe).ok())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        // Pair image: target panel red, reference panel blue.
        RgbaImage pairImg;
        pairImg.width = 1040;
        pairImg.height = 528;
        pairImg.pixels.assign(static_cast<size_t>(1040) * 528 * 4, 255);
        for (int y = 8; y < 520; ++y)
            for (int x = 8; x < 1040; ++x) {
                uint8_t *p = &pairImg.pixels[(static_cast<size_t>(y) * 1040 + x) * 4];
                if (x < 520) {
                    p[1] = p[2] = 0;
                } else if (x >= 528) {
                    p[0] = p[1] = 0;
                }
            }
        fs::create_directories(src + "/pairs");
        QVERIFY(savePng(src + "/pairs/u1.png", pairImg).ok());
        RgbaImage mask;
        mask.width = mask.height = 512;
        mask.pixels.assign(static_cast<size_t>(512) * 512 * 4, 0);
        for (size_t i = 0; i < mask.pixels.size(); i += 4) {
            const int x = static_cast<int>((i / 4) % 512);
            const uint8_t v = x < 256 ? 255 : 0;
            mask.pixels[i] = mask.pixels[i + 1] = mask.pixels[i + 2] = v;
            mask.pixels[i + 3] = 255;
        }
        fs::create_directories(src + "/mask");
        QVERIFY(savePng(src + "/mask/u1.png", mask).ok());
        savePt(src + "/coord/dift/u1_ref0.pt", identityField().view({4096, 2}));
        savePt(src + "/coord/geoaware/u1_ref0.pt", identityField().view({4096, 2}));
        std::ofstream(src + "/index.jsonl") << R"({"uid": "u1", "image": "pairs/u1.png", "caption": "a red thing"})"
                                            << "\n"
                                            << R"({"uid": "u2", "image": "pairs/missing.png", "caption": "gone"})"
                                            << "\n";
        SemAlignImportOptions o;
        o.sourceDir = src;
        o.indexFile = src + "/index.jsonl";
        o.outputDir = out;
        SemAlignImportReport report;
        const Status st = importSemAlign(o, &report);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(report.samples, 1);
        QCOMPARE(report.skipped, 1); // the missing pair image is reported, not fatal
        QCOMPARE(report.pairs, 32 * 16);
        std::vector<DatasetProblem> problems;
        QVERIFY(validateDataset(out, &problems).ok());
        QVERIFY(problems.empty());
        std::vector<DatasetSample> samples;
        QVERIFY(readDataset(out, &samples, &problems).ok());
        QCOMPARE(samples[0].prompt, std::string("a red thing"));
        const auto pairs = tokenPairs(samples[0].subjects[0], 32, 32, 32);
        QCOMPARE(pairs.size(), size_t{32 * 16});
        for (const auto &[r, t] : pairs)
            QCOMPARE(r, t);
        RgbaImage target, ref;
        QVERIFY(loadImage(out + "/" + samples[0].target, &target).ok());
        QVERIFY(loadImage(out + "/" + samples[0].subjects[0].image, &ref).ok());
        QCOMPARE(target.width, 512);
        QCOMPARE(static_cast<int>(target.pixels[0]), 255); // red panel
        QCOMPARE(static_cast<int>(target.pixels[2]), 0);
        QCOMPARE(static_cast<int>(ref.pixels[0]), 0);      // blue panel
        QCOMPARE(static_cast<int>(ref.pixels[2]), 255);
    }
};

MOSAIC_TEST_MAIN(TstSemAlign, MT_FN(loaderRuleByHand) MT_FN(rejectsMalformedFields) MT_FN(hostileTorchFiles) MT_FN(importsFolder))

#include "tst_semalign.moc"
