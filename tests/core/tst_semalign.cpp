// The SemAlign-MS-Subjects200K importer on test-made files: .pt coordinate fields written with
// LibTorch, a mask and a side-by-side pair image. The expected pairs are worked out by hand from the
// released loader's rule (mosaic-method.md §5.1).
#include "testsupport.h"

#include <mosaic/dataset.h>
#include <mosaic/image.h>

#include "data/semalign.h"

#include <torch/serialize.h>

#include <filesystem>
#include <fstream>
#include <set>

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

MOSAIC_TEST_MAIN(TstSemAlign, MT_FN(loaderRuleByHand) MT_FN(rejectsMalformedFields) MT_FN(importsFolder))

#include "tst_semalign.moc"
