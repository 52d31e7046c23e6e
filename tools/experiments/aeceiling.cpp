// The autoencoder's ceiling, looked at: six held-out MOSAIC-Toys scenes (1-4 subjects) encoded and
// decoded by a bundle's autoencoder (posterior mean), side by side with the originals, and the mean
// squared error (on [-1, 1]) of the scenes and of one 64-px reference (docs/experiments/journal.md, "The
// autoencoder is the ceiling"). `mosaic eval` scores the same reconstructions ("autoencoder
// reconstruction" rows). Built by the experiments target (cmake -DMOSAIC_BUILD_EXPERIMENTS=ON):
//   aeceiling BUNDLE.safetensors OUT.png
#include "data/toys.h"
#include "image/convert.h"
#include "pipeline/bundle.h"

#include <mosaic/image.h>

#include <c10/core/InferenceMode.h>

#include <cmath>
#include <cstdio>

using namespace mosaic;

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: aeceiling BUNDLE.safetensors OUT.png\n");
        return 2;
    }
    at::set_num_threads(2);
    c10::InferenceMode inference;
    auto b = pipeline::loadBundle(argv[1]);
    ToysOptions o;
    o.size = 128;
    o.refSize = 64;
    o.minSubjects = 1;
    o.maxSubjects = 4;
    o.split = "test";
    o.seed = 77;
    std::vector<at::Tensor> rows;
    double mse = 0;
    const int n = 6;
    for (int i = 0; i < n; ++i) {
        const auto s = data::renderToySample(o, i);
        const at::Tensor x = s.target.unsqueeze(0) * 2.0 - 1.0;
        const at::Tensor y = b->ae->decode(b->ae->encode(x)).clamp(-1, 1);
        const double m = (y - x).pow(2).mean().item<double>();
        mse += m / n;
        std::printf("scene %d: mse %.4f\n", i, m);
        rows.push_back(at::cat({x[0], y[0]}, 2));
        if (i == 0) {
            const at::Tensor r = s.subjects[0].reference.unsqueeze(0) * 2.0 - 1.0;
            const at::Tensor ry = b->ae->decode(b->ae->encode(r)).clamp(-1, 1);
            std::printf("reference (64 px): mse %.4f\n", (ry - r).pow(2).mean().item<double>());
        }
    }
    std::printf("scenes: mean mse %.4f, PSNR %.1f dB (peak-to-peak 2)\n", mse, 10 * std::log10(4.0 / mse));
    const Status st = savePng(argv[2], image::fromTensor(at::cat(rows, 1)));
    if (!st.ok())
        std::fprintf(stderr, "%s\n", st.message.c_str());
    return st.ok() ? 0 : 1;
}
