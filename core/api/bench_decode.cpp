// mosaic bench decode (mosaic/tools.h).
#include <mosaic/tools.h>

#include "model/autoencoder.h"
#include "util/error.h"
#include "util/memory.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <chrono>

namespace mosaic {

Status benchDecode(const DecodeBenchOptions &o, std::vector<DecodeBenchRow> *rows, const ProgressText &progress)
{
    return guarded([&] {
        if (o.channels <= 0 || o.channels % 32 != 0 || o.channels > 512)
            throw Error(StatusCode::InvalidArgument, "--ch: a multiple of 32 up to 512 (FLUX: 128)");
        for (int s : o.sizes)
            if (s < 64 || s > 8192 || s % 16 != 0)
                throw Error(StatusCode::InvalidArgument, format("--sizes: {} is not a multiple of 16 from 64 to 8192", s));
        c10::InferenceMode guard;
        model::AutoEncoderConfig c = model::AutoEncoderConfig::flux();
        c.ch = o.channels;
        model::AutoEncoder ae(c);
        ae->eval();
        ae->bandBytes = static_cast<int64_t>(o.bandBytes);
        auto gen = at::make_generator<at::CPUGeneratorImpl>(5);
        const int64_t f = c.downsampleFactor();
        for (int size : o.sizes) {
            DecodeBenchRow row;
            row.size = size;
            const at::Tensor z = at::randn({1, c.z_channels, size / f, size / f}, gen);
            auto run = [&](bool banded, double *seconds, uint64_t *peak) {
                ae->bandedAbovePixels = banded ? 0 : int64_t{1} << 40;
                resetPeakResident();
                const uint64_t before = residentBytes();
                const auto t0 = std::chrono::steady_clock::now();
                at::Tensor out = ae->decode(z);
                *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
                const uint64_t high = peakResidentBytes();
                *peak = high > before ? high - before : 0;
                return out;
            };
            if (progress)
                progress(format("{}x{}: banded", size, size));
            const at::Tensor banded = run(true, &row.bandedSeconds, &row.bandedPeakBytes);
            if (o.wholeToo) {
                if (progress)
                    progress(format("{}x{}: whole", size, size));
                const at::Tensor whole = run(false, &row.wholeSeconds, &row.wholePeakBytes);
                row.relativeDifference =
                    ((banded - whole).norm() / whole.norm().clamp_min(1e-30)).item<double>();
            }
            rows->push_back(row);
        }
    });
}

} // namespace mosaic
