#include <mosaic/pipeline.h>
#include <mosaic/train.h>
#include <mosaic/tools.h>

#include "util/error.h"
#include "util/strings.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace mosaic {

namespace {

// A synthetic, already prepared reference: a coloured disc with a stripe on white.
RgbaImage syntheticReference(int size, int index)
{
    RgbaImage img;
    img.width = img.height = size;
    img.pixels.assign(static_cast<size_t>(size) * size * 4, 255);
    const uint8_t r = static_cast<uint8_t>(60 + 37 * index % 190), g = static_cast<uint8_t>(200 - 23 * index % 150),
                  b = static_cast<uint8_t>(90 + 53 * index % 160);
    const double c = size / 2.0, rad = size * 0.4;
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const double d = std::hypot(x - c, y - c);
            if (d > rad)
                continue;
            uint8_t *p = &img.pixels[(static_cast<size_t>(y) * size + x) * 4];
            const bool stripe = std::abs(y - c) < size * 0.05;
            p[0] = stripe ? 20 : r;
            p[1] = stripe ? 20 : g;
            p[2] = stripe ? 20 : b;
        }
    return img;
}

} // namespace

Status benchGenerate(const GenerateBenchOptions &o, std::vector<GenerateBenchRow> *rows, const ProgressText &progress)
{
    std::string path = o.modelPath;
    std::string temp;
    if (path.empty()) {
        temp = (std::filesystem::temp_directory_path() / format("mosaic-bench-{}.safetensors", ::getpid())).string();
        RandomBundleOptions ro;
        ro.hidden = o.hidden;
        ro.heads = o.heads;
        ro.doubleBlocks = o.doubleBlocks;
        ro.singleBlocks = o.singleBlocks;
        ro.imageSize = ro.refSize = o.imageSize;
        ro.steps = o.steps > 0 ? o.steps : 8;
        if (Status s = writeRandomBundle(temp, ro); !s.ok())
            return s;
        path = temp;
    }
    Status st;
    auto bundle = ModelBundle::load(path, &st);
    if (!temp.empty())
        std::filesystem::remove(temp);
    if (!bundle)
        return st;
    const auto &d = bundle->description();
    for (int n : o.refCounts) {
        if (n < 0 || n > d.maxSubjects)
            return {StatusCode::InvalidArgument, format("{} references: the model takes 0 to {}", n, d.maxSubjects)};
        for (bool capture : {false, true}) {
            GenerationRequest req;
            req.prompt = "a cat and a dog on the grass";
            req.steps = o.steps;
            req.seed = 7;
            req.capture.enabled = capture;
            for (int i = 0; i < n; ++i) {
                Subject s;
                s.name = format("subject {}", i + 1);
                s.image = syntheticReference(d.refSize, i);
                s.prepared = true;
                req.subjects.push_back(std::move(s));
            }
            GenerateBenchRow row;
            row.refs = n;
            row.capture = capture;
            row.secondsPerStep = row.secondsPerImage = 1e30;
            for (int rep = 0; rep <= std::max(1, o.repeats); ++rep) { // run 0 warms up
                GenerationResult r;
                if (Status s = generate(*bundle, req, &r); !s.ok())
                    return s;
                if (rep == 0)
                    continue;
                row.steps = static_cast<int>(r.stepSeconds.size());
                double steps = 0;
                for (double t : r.stepSeconds)
                    steps += t;
                row.secondsPerStep = std::min(row.secondsPerStep, steps / std::max<size_t>(1, r.stepSeconds.size()));
                row.secondsPerImage = std::min(row.secondsPerImage, r.prepareSeconds + r.denoiseSeconds + r.decodeSeconds);
            }
            rows->push_back(row);
            if (progress)
                progress(format("{} reference(s), capture {}: {} s per step", n, capture ? "on" : "off",
                                row.secondsPerStep));
        }
    }
    return Status::success();
}

} // namespace mosaic
