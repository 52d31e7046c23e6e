// `mosaic bench cancel`: how long a cancel takes to stop a run, at moments spread over the whole run
// and within the autoencoder's decode.

#include <mosaic/pipeline.h>
#include <mosaic/tools.h>

#include "util/strings.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace mosaic {

namespace {

using Clock = std::chrono::steady_clock;

RgbaImage discReference(int size, int index)
{
    RgbaImage img;
    img.width = img.height = size;
    img.pixels.assign(static_cast<size_t>(size) * size * 4, 255);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x) {
            const int dx = x - size / 2, dy = y - size / 2;
            if (dx * dx + dy * dy > size * size / 8)
                continue;
            uint8_t *p = &img.pixels[(static_cast<size_t>(y) * size + x) * 4];
            p[0] = static_cast<uint8_t>(40 + 70 * index);
            p[1] = static_cast<uint8_t>(200 - 50 * index);
            p[2] = 90;
        }
    return img;
}

struct Attempt
{
    bool cancelled = false; // the run stopped with Cancelled
    bool ignored = false;   // the flag was set before the run ended, and the run finished anyway
    double latencyMs = 0;   // from the flag to the return
};

// One run with the cancel flag set `afterSeconds` after it starts, or, with `afterPasses` > 0, that
// long after the last step of pass `afterPasses` (the decode that follows it).
Attempt cancelAt(ModelBundle &model, const GenerationRequest &request, double afterSeconds, int afterPasses = 0)
{
    std::atomic<bool> cancel{false};
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    int passesDone = 0;
    Clock::time_point setAt{}, from = Clock::now();
    std::thread canceller([&] {
        std::unique_lock<std::mutex> lock(m);
        if (afterPasses > 0) {
            cv.wait(lock, [&] { return done || passesDone >= afterPasses; });
            if (done)
                return;
        }
        if (cv.wait_until(lock, from + std::chrono::duration<double>(afterSeconds), [&] { return done; }))
            return; // finished first
        setAt = Clock::now();
        cancel = true;
    });
    GenerationCallbacks cb;
    cb.cancel = &cancel;
    cb.progress = [&](const ProgressInfo &p) {
        if (p.step != p.steps)
            return;
        {
            std::lock_guard<std::mutex> lock(m);
            ++passesDone;
            from = Clock::now();
        }
        cv.notify_all();
    };
    if (afterPasses == 0)
        from = Clock::now();
    GenerationResult result;
    const Status st = generate(model, request, &result, cb);
    const Clock::time_point end = Clock::now();
    {
        std::lock_guard<std::mutex> lock(m);
        done = true;
    }
    cv.notify_all();
    canceller.join();
    Attempt a;
    a.cancelled = st.code == StatusCode::Cancelled;
    if (cancel) {
        a.latencyMs = std::chrono::duration<double, std::milli>(end - setAt).count();
        a.ignored = !a.cancelled;
    }
    return a;
}

void summarise(std::vector<double> v, double *median, double *worst)
{
    if (v.empty())
        return;
    std::sort(v.begin(), v.end());
    *median = v[v.size() / 2];
    *worst = v.back();
}

} // namespace

Status benchCancel(const CancelBenchOptions &o, std::vector<CancelBenchRow> *rows, const ProgressText &progress)
{
    if (o.cancels < 1 || o.cancels > 1000)
        return {StatusCode::InvalidArgument, "--cancels takes 1 to 1000"};
    for (int size : o.sizes)
        if (size < 64 || size > 2048 || size % 16)
            return {StatusCode::InvalidArgument, format("--sizes: {} is not a multiple of 16 from 64 to 2048", size)};
    const std::string path = o.modelPath.empty() ? findDefaultModel() : o.modelPath;
    if (path.empty())
        return {StatusCode::NotFound, "no model found; pass --model BUNDLE"};
    Status st;
    auto model = ModelBundle::load(path, &st);
    if (!model)
        return st;
    for (int size : o.sizes) {
        GenerationRequest req;
        req.prompt = "a blob and a star on the beach";
        req.width = req.height = size;
        req.steps = o.steps;
        req.seed = 7;
        const int subjects = std::min(2, model->description().maxSubjects);
        for (int i = 0; i < subjects; ++i) {
            Subject s;
            s.name = format("subject {}", i + 1);
            s.image = discReference(model->description().refSize, i);
            s.prepared = true;
            req.subjects.push_back(std::move(s));
        }
        // Two uncancelled runs (the first warms up): how long a run takes, how many passes it makes
        // (two with the reference collage), how long its last decode takes.
        GenerationResult full;
        int passes = 0;
        GenerationCallbacks counting;
        counting.progress = [&](const ProgressInfo &p) { passes += p.step == p.steps; };
        if (Status s = generate(*model, req, &full); !s.ok())
            return s;
        const Clock::time_point t0 = Clock::now();
        if (Status s = generate(*model, req, &full, counting); !s.ok())
            return s;
        CancelBenchRow row;
        row.size = size;
        row.runSeconds = std::chrono::duration<double>(Clock::now() - t0).count();
        row.decodeSeconds = full.decodeSeconds / std::max(1, passes);
        std::vector<double> all, decode;
        const int inDecode = std::max(1, o.cancels / 3);
        for (int k = 0; k < o.cancels + inDecode; ++k) {
            // First spread over the whole run, then over the last decode alone (timed from the last
            // step of the last pass).
            const bool decoding = k >= o.cancels;
            const double at = decoding ? row.decodeSeconds * (k - o.cancels + 0.5) / inDecode
                                       : row.runSeconds * (k + 0.5) / o.cancels;
            const Attempt a = cancelAt(*model, req, at, decoding ? passes : 0);
            if (a.ignored)
                ++row.ignored;
            if (!a.cancelled)
                continue;
            ++row.cancelled;
            all.push_back(a.latencyMs);
            if (decoding)
                decode.push_back(a.latencyMs);
        }
        summarise(all, &row.medianMs, &row.worstMs);
        summarise(decode, &row.decodeMedianMs, &row.decodeWorstMs);
        row.decodeCancels = static_cast<int>(decode.size());
        rows->push_back(row);
        if (progress)
            progress(format("{} px: {} cancels, median {} ms, worst {} ms", size, row.cancelled,
                            static_cast<int>(row.medianMs + 0.5), static_cast<int>(row.worstMs + 0.5)));
    }
    return Status::success();
}

} // namespace mosaic
