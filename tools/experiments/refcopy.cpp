// Diagnostic (2026-11-27; docs/experiments/journal.md, "Why not: ..."): does the model's reference path carry a
// reference's appearance? Trains a bundle's transformer with the project's Trainer on one of three
// tasks and prints, every 250 steps, the held-out flow error on the subject's tokens with each
// sample's own reference and with another sample's (teacher-forced, the same noise and t):
//   copy  : the target is the reference itself (64 px), token for token;
//   scene : MOSAIC-Toys scenes with one toy, references as MOSAIC prepares them;
//   mix   : half scenes, half the reference pasted 1:1 at a random place of a white canvas
//           (ALIGNED=1 in the environment: at whole-token offsets);
//   paste : every example (held-out ones too) the reference pasted 1:1 on white as in `mix`.
// Built by the experiments target (cmake -DMOSAIC_BUILD_EXPERIMENTS=ON), and run as
//   refcopy INIT_BUNDLE STEPS REVERSE_WEIGHT MODE SIZE SCALE SUBJECT_WEIGHT
// (SAVE=PATH in the environment: the trained EMA weights saved as a bundle at the end).
#include "data/toys.h"
#include "pipeline/bundle.h"
#include "train/trainer.h"
#include <ATen/Parallel.h>
#include <algorithm>
#include <cstdio>
#include <cstdlib>

using namespace mosaic;

static std::string g_mode = "copy";
static int g_size = 64;
static double g_scale = 0.3;
static bool g_evaluating = false;

static train::ExampleSource copySource(const std::string &split, int64_t shuffle)
{
    ToysOptions o;
    o.size = g_size;
    o.refSize = 64;
    o.minSubjects = o.maxSubjects = 1;
    o.split = split;
    o.seed = split == "test" ? 777 : 12;
    o.minScale = g_scale - 0.05;
    o.maxScale = g_scale;
    if (const char *k = std::getenv("ALIGNED_SHRINK")) // scenes of token-aligned toys (ToysOptions::alignedShrink)
        o.alignedShrink = std::atoi(k);
    return [o, shuffle](int64_t index) {
        const data::ToySample s = data::renderToySample(o, index);
        const data::ToySample other = data::renderToySample(o, index + shuffle);
        train::TrainingExample e;
        const bool pasted = g_mode == "paste" || (g_mode == "mix" && !g_evaluating && index % 2 == 0);
        if (pasted) {
            // The reference pasted at a random place of a white canvas of the scene's size, 1:1 or
            // (PASTE_SCALE=k) shrunk k times by averaging k x k pixels.
            const at::Tensor ref = s.subjects[0].reference;
            const int k = std::getenv("PASTE_SCALE") ? std::atoi(std::getenv("PASTE_SCALE")) : 1;
            const at::Tensor pasted = k > 1 ? at::avg_pool2d(ref.unsqueeze(0), k).squeeze(0) : ref;
            const int R = static_cast<int>(ref.size(1)), P = R / k, S = o.size;
            int ox = static_cast<int>((index * 7919) % (S - P + 1)), oy = static_cast<int>((index * 104729 / 3) % (S - P + 1));
            if (std::getenv("ALIGNED"))
                ox = ox / 16 * 16, oy = oy / 16 * 16;
            at::Tensor canvas = at::ones({3, S, S});
            canvas.narrow(1, oy, P).narrow(2, ox, P).copy_(pasted);
            e.target = canvas;
            e.prompt = s.prompt;
            e.references.push_back(shuffle ? other.subjects[0].reference : ref);
            DatasetSubject sub;
            const auto a = ref.accessor<float, 3>();
            for (int gy = 0; gy < S / 16; ++gy)
                for (int gx = 0; gx < S / 16; ++gx) {
                    const int py = gy * 16 + 8 - oy, px = gx * 16 + 8 - ox;
                    if (px < 0 || py < 0 || px >= P || py >= P)
                        continue;
                    const int y = py * k, x = px * k;
                    if (a[0][y][x] > 0.97f && a[1][y][x] > 0.97f && a[2][y][x] > 0.97f)
                        continue;
                    sub.points.push_back({(x + 0.5f) / R, (y + 0.5f) / R, (gx * 16 + 8.5f) / S, (gy * 16 + 8.5f) / S,
                                          PointSource::Synthetic, 1.0f, ReviewStatus::Accepted});
                }
            e.subjects.push_back(sub);
            return e;
        }
        if (g_mode == "scene" || g_mode == "mix") {
            // The trainer's own toy examples (toyPoints' correspondences), another's reference swapped in.
            train::TrainingExample scene = train::toyExamples(o)(index);
            if (shuffle)
                scene.references[0] = other.subjects[0].reference;
            return scene;
        }
        const at::Tensor ref = s.subjects[0].reference;
        e.target = ref.clone();
        e.prompt = s.prompt;
        e.references.push_back(shuffle ? other.subjects[0].reference : ref);
        DatasetSubject sub;
        const auto a = ref.accessor<float, 3>();
        for (int gy = 0; gy < 4; ++gy)
            for (int gx = 0; gx < 4; ++gx) {
                const int y = gy * 16 + 8, x = gx * 16 + 8;
                bool inside = false;
                for (int dy = -6; dy <= 6 && !inside; dy += 3)
                    for (int dx = -6; dx <= 6 && !inside; dx += 3)
                        inside = a[0][y + dy][x + dx] < 0.97f || a[1][y + dy][x + dx] < 0.97f || a[2][y + dy][x + dx] < 0.97f;
                if (!inside)
                    continue;
                const float u = (x + 0.5f) / 64, v = (y + 0.5f) / 64;
                sub.points.push_back({u, v, u, v, PointSource::Synthetic, 1.0f, ReviewStatus::Accepted});
            }
        e.subjects.push_back(sub);
        return e;
    };
}

int main(int argc, char **argv)
{
    at::set_num_threads(std::getenv("THREADS") ? std::atoi(std::getenv("THREADS")) : 2);
    const std::string bundlePath = argv[1];
    const int steps = std::atoi(argv[2]);
    const double reverse = argc > 3 ? std::atof(argv[3]) : 0.2;
    if (argc > 4)
        g_mode = argv[4];
    if (argc > 5)
        g_size = std::atoi(argv[5]);
    if (argc > 6)
        g_scale = std::atof(argv[6]);
    const double subjectWeight = argc > 7 ? std::atof(argv[7]) : 1.0;
    auto b = pipeline::loadBundle(bundlePath);
    train::TrainOptions t;
    t.seed = 12;
    t.batch = 8;
    t.learningRate = 6e-4;
    t.warmup = 100;
    t.emaDecay = 0.99;
    t.scaWeight = 0.1;
    t.reverseScaWeight = reverse;
    t.subjectWeight = subjectWeight;
    t.mdWeight = 0;
    t.autocast = true;
    t.data.size = g_size;
    t.data.refSize = 64;
    train::Trainer trainer(*b, t, copySource("train", 0));
    auto evaluate = [&](int64_t shuffle) {
        train::TrainOptions e = t;
        e.learningRate = 0;
        e.weightDecay = 0;
        e.warmup = 0;
        e.batch = 32;
        e.subjectWeight = 1000.0; // the error on the subject's tokens
        e.seed = 99;
        g_evaluating = true;
        train::Trainer ev(*b, e, copySource("test", shuffle));
        double f = 0;
        for (int i = 0; i < 4; ++i)
            f += ev.step().flow / 4;
        g_evaluating = false;
        return f;
    };
    double fl = 0, rv = 0;
    for (int s = 1; s <= steps; ++s) {
        const auto l = trainer.step();
        fl += l.flow / 50;
        rv += l.reverseSca / 50;
        if (s % 50 == 0) {
            std::printf("step %d  train flow %.4f reverse %.3f", s, fl, rv);
            fl = rv = 0;
            if (s % 250 == 0)
            {
                const double own = evaluate(0), other = evaluate(1);
                std::printf("  | held-out flow: own reference %.4f, another's %.4f, ratio %.3f", own, other, other / own);
            }
            std::printf("\n");
            std::fflush(stdout);
        }
    }
    if (const char *save = std::getenv("SAVE")) { // the EMA weights as a bundle, to start another task from
        trainer.applyEma();
        pipeline::saveBundle(*b, save);
        std::printf("saved %s\n", save);
    }
}
