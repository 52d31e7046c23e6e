// Import of the released SemAlign-MS-Subjects200K layout (mosaic-method.md §5.1).
#include "data/semalign.h"

#include <mosaic/dataset.h>

#include "data/torch_file.h"
#include "image/convert.h"
#include "util/error.h"
#include "util/json.h"
#include "util/paths.h"
#include "util/strings.h"

#include <c10/core/InferenceMode.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace mosaic {

namespace data {

at::Tensor loadTorchSaved(const std::string &path)
{
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        throw Error(StatusCode::NotFound, path + ": cannot open");
    const auto size = static_cast<size_t>(in.tellg());
    if (size > (64u << 20))
        throw Error(StatusCode::CorruptFile, path + ": too large for a coordinate file");
    std::vector<char> bytes(size);
    in.seekg(0);
    in.read(bytes.data(), static_cast<std::streamsize>(size));
    // Not LibTorch's unpickler, which trusts the file (data/torch_file.h).
    return readTorchSavedTensor(bytes, path);
}

std::vector<std::pair<int, int>> semalignPairs(const at::Tensor &dift, const at::Tensor &geoaware, const at::Tensor &mask,
                                               int grid)
{
    for (const at::Tensor *t : {&dift, &geoaware}) {
        if (t->scalar_type() != at::kLong || t->dim() != 2 || t->size(0) != 4096 || t->size(1) != 2)
            throw Error(StatusCode::CorruptFile, "a coordinate field is not int64 [4096, 2], but " +
                                                     std::string(at::toString(t->scalar_type())) + " " +
                                                     shapeString(t->sizes().vec()));
        if (t->min().item<int64_t>() < 0 || t->max().item<int64_t>() > 63)
            throw Error(StatusCode::CorruptFile, "a coordinate field has values outside the 64 x 64 grid");
    }
    // 64 x 64 -> grid x grid, bilinear without corner alignment (a 2 x 2 average at 32), then
    // truncated: the values stay in 64-grid units.
    auto down = [&](const at::Tensor &f) {
        const at::Tensor img = f.view({64, 64, 2}).permute({2, 0, 1}).unsqueeze(0).to(at::kFloat);
        return at::upsample_bilinear2d(img, {grid, grid}, false)[0].to(at::kLong); // [2, g, g]
    };
    const at::Tensor a = down(dift), b = down(geoaware);
    const at::Tensor valid = (a == b).all(0).reshape({-1}); // [g * g]
    at::Tensor keep = valid;
    if (mask.defined()) {
        // Nearest resize to 512 then the pixel (16 i, 16 j) of each 16-px patch; for any grid, the
        // pixel at the patch's top-left corner of a 512 image.
        const int64_t H = mask.size(0), W = mask.size(1);
        at::Tensor m = at::zeros({grid, grid}, at::kBool);
        const int step = 512 / grid;
        for (int i = 0; i < grid; ++i)
            for (int j = 0; j < grid; ++j)
                m[i][j] = mask[(i * step * H) / 512][(j * step * W) / 512].item<float>() > 0.5f;
        keep = keep.logical_and(m.reshape({-1}));
    }
    const at::Tensor refY = a[0].reshape({-1}), refX = a[1].reshape({-1});
    std::vector<std::pair<int, int>> pairs;
    std::vector<bool> taken(static_cast<size_t>(grid) * grid, false);
    const auto keepA = keep.accessor<bool, 1>();
    const auto yA = refY.accessor<int64_t, 1>(), xA = refX.accessor<int64_t, 1>();
    for (int n = 0; n < grid * grid; ++n) { // increasing target index: the first target wins
        if (!keepA[n])
            continue;
        const int r = static_cast<int>((yA[n] * grid / 64) * grid + (xA[n] * grid / 64));
        if (taken[static_cast<size_t>(r)])
            continue;
        taken[static_cast<size_t>(r)] = true;
        pairs.emplace_back(r, n);
    }
    std::sort(pairs.begin(), pairs.end());
    return pairs;
}

} // namespace data

namespace {

RgbaImage crop(const RgbaImage &img, int x0, int y0, int w, int h)
{
    RgbaImage out;
    out.width = w;
    out.height = h;
    out.pixels.resize(static_cast<size_t>(w) * h * 4);
    for (int y = 0; y < h; ++y)
        std::copy_n(&img.pixels[(static_cast<size_t>(y0 + y) * img.width + x0) * 4], static_cast<size_t>(w) * 4,
                    &out.pixels[static_cast<size_t>(y) * w * 4]);
    return out;
}

void check(const Status &s)
{
    if (!s.ok())
        throw Error(s.code, s.message);
}

} // namespace

Status importSemAlign(const SemAlignImportOptions &o, SemAlignImportReport *report)
{
    return guarded([&] {
        c10::InferenceMode inference;
        if (o.grid < 1 || o.grid > 64 || 512 % o.grid || 64 % o.grid)
            throw Error(StatusCode::InvalidArgument, format("grid {} must divide 64 (MOSAIC at 512 px: 32)", o.grid));
        std::ifstream index(o.indexFile);
        if (!index)
            throw Error(StatusCode::NotFound, o.indexFile + ": cannot open the index");
        for (const char *sub : {"images", "masks"}) {
            std::string err;
            if (!makeDirectories((fs::path(o.outputDir) / sub).string(), &err))
                throw Error(StatusCode::IoError, "cannot create " + err);
        }
        SemAlignImportReport r;
        std::vector<DatasetSample> samples;
        std::string line;
        int lineNo = 0;
        while (std::getline(index, line)) {
            ++lineNo;
            if (line.find_first_not_of(" \t\r") == std::string::npos)
                continue;
            auto warn = [&](const std::string &m) {
                r.warnings.push_back(format("{} line {}: {}", o.indexFile, lineNo, m));
                ++r.skipped;
            };
            nlohmann::json j;
            try {
                j = parseBoundedJson(line, "index line", {1u << 20, 16});
            } catch (const std::exception &) {
                warn("not valid JSON");
                continue;
            }
            if (!j.is_object()) {
                warn("not a JSON object");
                continue;
            }
            const std::string uid = j.value("uid", ""), image = j.value("image", ""), caption = j.value("caption", "");
            if (uid.empty() || image.empty() || uid.find('/') != std::string::npos || image.find("..") != std::string::npos) {
                warn("needs a plain \"uid\" and a relative \"image\"");
                continue;
            }
            try {
                RgbaImage pair;
                check(loadImage((fs::path(o.sourceDir) / image).string(), &pair));
                if (pair.width < 1040 || pair.height < 520)
                    throw Error(StatusCode::CorruptFile, format("{}: the pair image is {}x{}, not two 512 px panels "
                                                                "with 8 px padding (1040 x 528)", image, pair.width,
                                                                pair.height));
                DatasetSample s;
                s.id = uid;
                s.prompt = caption;
                s.width = s.height = 512;
                s.target = "images/" + uid + ".png";
                check(savePng((fs::path(o.outputDir) / s.target).string(), crop(pair, 8, 8, 512, 512)));
                for (int i = 0;; ++i) {
                    const fs::path dift = fs::path(o.sourceDir) / "coord" / "dift" / format("{}_ref{}.pt", uid, i);
                    const fs::path geo = fs::path(o.sourceDir) / "coord" / "geoaware" / format("{}_ref{}.pt", uid, i);
                    if (std::error_code e1, e2; !fs::exists(dift, e1) || !fs::exists(geo, e2)) {
                        if (i == 0)
                            r.warnings.push_back(format("{}: no coordinate files for reference 0: no points", uid));
                        break;
                    }
                    at::Tensor mask;
                    fs::path maskPath = fs::path(o.sourceDir) / "mask" / format("{}_ref{}.png", uid, i);
                    if (std::error_code e; !fs::exists(maskPath, e))
                        maskPath = fs::path(o.sourceDir) / "mask" / (uid + ".png");
                    if (i > 0) { // the released pairs hold one reference panel
                        r.warnings.push_back(format("{}: coordinate files for reference {} ignored (the pair image has "
                                                    "one reference panel)", uid, i + 1));
                        break;
                    }
                    DatasetSubject sub;
                    sub.name = format("reference {}", i + 1);
                    sub.image = format("images/{}_ref{}.png", uid, i);
                    check(savePng((fs::path(o.outputDir) / sub.image).string(), crop(pair, 528, 8, 512, 512)));
                    if (std::error_code e; fs::exists(maskPath, e)) {
                        RgbaImage m;
                        check(loadImage(maskPath.string(), &m));
                        sub.mask = format("masks/{}_mask{}.png", uid, i);
                        check(savePng((fs::path(o.outputDir) / sub.mask).string(), m));
                        mask = image::toTensor(m)[0][0].add(1.0).div(2.0); // grey level in [0, 1]
                    }
                    const auto pairs = data::semalignPairs(data::loadTorchSaved(dift.string()),
                                                           data::loadTorchSaved(geo.string()), mask, o.grid);
                    for (const auto &[ref, tgt] : pairs) {
                        Correspondence c;
                        c.refX = (ref % o.grid + 0.5f) / o.grid;
                        c.refY = (ref / o.grid + 0.5f) / o.grid;
                        c.tgtX = (tgt % o.grid + 0.5f) / o.grid;
                        c.tgtY = (tgt / o.grid + 0.5f) / o.grid;
                        c.source = PointSource::FeatureMatch;
                        c.status = ReviewStatus::Accepted;
                        sub.points.push_back(c);
                    }
                    r.pairs += static_cast<int>(pairs.size());
                    s.subjects.push_back(std::move(sub));
                }
                samples.push_back(std::move(s));
                ++r.samples;
            } catch (const Error &e) {
                warn(e.what());
            }
        }
        check(writeDataset(o.outputDir, samples, "SemAlign-MS import"));
        if (report)
            *report = r;
    });
}

} // namespace mosaic
