// mosaic synth: MOSAIC-Toys samples written as a dataset folder.
#include <mosaic/dataset.h>

#include "data/toys.h"
#include "image/convert.h"
#include "io/safetensors.h"
#include "util/error.h"
#include "util/paths.h"
#include "util/strings.h"

#include <c10/core/InferenceMode.h>

#include <chrono>
#include <filesystem>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

RgbaImage toRgba(const at::Tensor &rgb01) // [3, H, W] in [0, 1]
{
    return image::fromTensor(rgb01 * 2.0 - 1.0);
}

RgbaImage maskImage(const at::Tensor &mask) // [H, W] bool -> white on black
{
    const at::Tensor m = mask.to(at::kFloat).unsqueeze(0).expand({3, mask.size(0), mask.size(1)});
    return toRgba(m);
}

void save(const std::string &path, const RgbaImage &img)
{
    if (Status s = savePng(path, img); !s.ok())
        throw Error(s.code, s.message);
}

} // namespace

Status synthesizeToys(const std::string &dir, const ToysOptions &o, ToysReport *report,
                      const std::function<void(int, int)> &progress)
{
    return guarded([&] {
        c10::InferenceMode inference;
        if (o.count < 1)
            throw Error(StatusCode::InvalidArgument, "the sample count must be at least 1");
        // A new dataset only: one already in the folder (its index, its images) is never replaced.
        if (std::error_code ec; fs::exists(fs::path(dir) / "index.jsonl", ec) || fs::exists(fs::path(dir) / "dataset.json", ec))
            throw Error(StatusCode::InvalidArgument,
                        dir + " already holds a dataset; synth writes a new one: choose an empty or new folder (nothing was "
                              "written)");
        for (const char *sub : {"images", "masks", "dense"}) {
            std::string err;
            if (!makeDirectories((fs::path(dir) / sub).string(), &err))
                throw Error(StatusCode::IoError, "cannot create " + err);
        }
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<DatasetSample> samples;
        const int grid = o.size / 16;
        for (int i = 0; i < o.count; ++i) {
            const data::ToySample t = data::renderToySample(o, i);
            DatasetSample s;
            s.id = format("toys-{}-{}-{}", o.split, o.seed, i);
            s.prompt = t.prompt;
            s.width = s.height = o.size;
            s.split = o.split;
            s.target = "images/" + s.id + ".png";
            save((fs::path(dir) / s.target).string(), toRgba(t.target));
            for (size_t k = 0; k < t.subjects.size(); ++k) {
                const data::ToySubject &ts = t.subjects[k];
                DatasetSubject sub;
                sub.name = format("{} {}", ts.identity.kind(), ts.identity.id);
                sub.category = ts.identity.kind();
                sub.image = format("images/{}_ref{}.png", s.id, k);
                sub.mask = format("masks/{}_mask{}.png", s.id, k);
                sub.dense = format("dense/{}_ref{}.safetensors", s.id, k);
                sub.box = ts.box;
                save((fs::path(dir) / sub.image).string(), toRgba(ts.reference));
                save((fs::path(dir) / sub.mask).string(), maskImage(ts.mask));
                st::write((fs::path(dir) / sub.dense).string(), {{"ref_xy", ts.refCoords.to(at::kHalf)}},
                          {{"layout", "[H, W, 2]: (x, y) in [0, 1] of the reference per target pixel; -1: not visible"}});
                // One exact point at the centre of every target token the subject covers.
                const at::Tensor rc = ts.refCoords;
                for (int gy = 0; gy < grid; ++gy)
                    for (int gx = 0; gx < grid; ++gx) {
                        const int y = gy * 16 + 8, x = gx * 16 + 8;
                        if (!ts.mask[y][x].item<bool>())
                            continue;
                        Correspondence c;
                        c.refX = std::clamp(rc[y][x][0].item<float>(), 0.0f, 1.0f);
                        c.refY = std::clamp(rc[y][x][1].item<float>(), 0.0f, 1.0f);
                        c.tgtX = (x + 0.5f) / o.size;
                        c.tgtY = (y + 0.5f) / o.size;
                        c.source = PointSource::Synthetic;
                        c.status = ReviewStatus::Accepted;
                        sub.points.push_back(c);
                    }
                s.subjects.push_back(std::move(sub));
            }
            samples.push_back(std::move(s));
            if (progress)
                progress(i + 1, o.count);
        }
        if (Status s = writeDataset(dir, samples, format("MOSAIC-Toys {} (seed {})", o.split, o.seed)); !s.ok())
            throw Error(s.code, s.message);
        if (report) {
            report->samples = o.count;
            report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            report->samplesPerSecond = o.count / std::max(1e-9, report->seconds);
        }
    });
}

} // namespace mosaic
