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

#include <mosaic/runtime.h>

#include <csignal>
#include <sys/wait.h>

namespace mosaic {

namespace {

// `n` child processes, each spinning on a core until stopped (as `yes > /dev/null` does).
class BusyProcesses
{
public:
    explicit BusyProcesses(int n)
    {
        for (int i = 0; i < n; ++i) {
            const pid_t pid = ::fork();
            if (pid == 0) {
                volatile unsigned long x = 0;
                for (;;) // nothing but arithmetic: no LibTorch, no allocation in the child
                    x = x + 1;
            }
            if (pid > 0)
                m_pids.push_back(pid);
        }
        ::usleep(300 * 1000); // let the scheduler see them
    }
    ~BusyProcesses()
    {
        for (pid_t pid : m_pids) {
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
    }
    BusyProcesses(const BusyProcesses &) = delete;
    BusyProcesses &operator=(const BusyProcesses &) = delete;

private:
    std::vector<pid_t> m_pids;
};

} // namespace

Status benchGenerateBusy(const GenerateBenchOptions &o, const std::vector<int> &busy, std::vector<BusyBenchRow> *rows,
                         const ProgressText &progress)
{
    const std::string path = o.modelPath.empty() ? findDefaultModel() : o.modelPath;
    if (path.empty())
        return {StatusCode::NotFound, "no --model given and the bundled model was not found"};
    Status st;
    auto bundle = ModelBundle::load(path, &st);
    if (!bundle)
        return st;
    const auto &d = bundle->description();
    GenerationRequest req;
    req.prompt = "four toys on a room floor: a block in the middle, a blob in the middle, a block on the right and a star "
                 "on the right";
    req.steps = o.steps;
    req.seed = 7;
    for (int i = 0; i < std::min(4, d.maxSubjects); ++i) {
        Subject s;
        s.name = format("subject {}", i + 1);
        s.image = syntheticReference(d.refSize, i);
        s.prepared = true;
        s.box = NormalizedBox{0.1f + 0.2f * static_cast<float>(i), 0.3f, 0.18f, 0.18f};
        req.subjects.push_back(std::move(s));
    }
    const int cores = hardwareThreads();
    auto timeOne = [&](double *best) {
        *best = 1e30;
        for (int rep = 0; rep <= std::max(1, o.repeats); ++rep) { // run 0 warms up
            GenerationResult r;
            if (Status s = generate(*bundle, req, &r); !s.ok())
                return s;
            if (rep > 0)
                *best = std::min(*best, r.prepareSeconds + r.denoiseSeconds + r.decodeSeconds);
        }
        return Status::success();
    };
    for (int n : busy) {
        if (n < 0 || n > 4 * cores)
            return {StatusCode::InvalidArgument, format("--busy {}: 0 to {} processes", n, 4 * cores)};
        BusyBenchRow row;
        row.busy = n;
        BusyProcesses others(n);
        configureThreads(cores); // every core, whatever the others do
        if (Status s = timeOne(&row.allCoresSeconds); !s.ok())
            return s;
        configureThreads(0); // adapted to the load before each run
        if (Status s = timeOne(&row.adaptedSeconds); !s.ok())
            return s;
        row.adaptedThreads = threadCount();
        rows->push_back(row);
        if (progress)
            progress(format("{} busy: {} s with {} threads, {} s adapted ({} threads)", n, row.allCoresSeconds, cores,
                            row.adaptedSeconds, row.adaptedThreads));
    }
    configureThreads(0);
    return Status::success();
}

} // namespace mosaic
