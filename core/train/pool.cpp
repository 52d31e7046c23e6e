#include "train/pool.h"

#include "data/toys.h"
#include "io/safetensors.h"
#include "util/error.h"
#include "util/log.h"
#include "util/parallel.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>

namespace mosaic::train {

namespace {

using nlohmann::json;

json describe(const ToysOptions &o, int64_t perCount)
{
    json d = {{"size", o.size},          {"ref_size", o.refSize},   {"split", o.split},
              {"seed", o.seed},          {"min_scale", o.minScale}, {"max_scale", o.maxScale},
              {"min_subjects", o.minSubjects}, {"max_subjects", o.maxSubjects}, {"per_count", perCount}};
    if (o.alignedShrink > 0) // (absent otherwise, so that the pools written before it still match)
        d["aligned_shrink"] = o.alignedShrink;
    return d;
}

at::Tensor toBytes(const at::Tensor &image) { return (image * 255.0).round().clamp(0, 255).to(at::kByte); }

std::string key(int c, const char *what) { return format("c{}.{}", c, what); }

} // namespace

std::shared_ptr<ToyPool> ToyPool::render(const ToysOptions &options, int64_t perCount)
{
    data::checkToysOptions(options);
    if (perCount < 1)
        throw Error(StatusCode::InvalidArgument, "a pool needs at least one example per subject count");
    auto pool = std::make_shared<ToyPool>();
    pool->m_options = options;
    pool->m_perCount = perCount;
    const int S = options.size, R = options.refSize, P = (S / 16) * (S / 16);
    const auto t0 = std::chrono::steady_clock::now();
    for (int c = options.minSubjects; c <= options.maxSubjects; ++c) {
        ToysOptions o = options;
        o.minSubjects = o.maxSubjects = c;
        const ExampleSource source = toyExamples(o);
        Block b;
        b.targets = at::zeros({perCount, 3, S, S}, at::kByte);
        b.refs = at::zeros({perCount, c, 3, R, R}, at::kByte);
        b.points = at::zeros({perCount, c, P, 4}, at::kFloat);
        b.counts = at::zeros({perCount, c}, at::kInt);
        b.prompts.resize(static_cast<size_t>(perCount));
        auto pts = b.points.accessor<float, 4>();
        auto cnt = b.counts.accessor<int, 2>();
        parallelFor(perCount, [&](int64_t begin, int64_t end) {
            for (int64_t i = begin; i < end; ++i) {
                const TrainingExample e = source(i);
                b.targets[i].copy_(toBytes(e.target));
                for (int r = 0; r < c; ++r) {
                    b.refs[i][r].copy_(toBytes(e.references[static_cast<size_t>(r)]));
                    const auto &points = e.subjects[static_cast<size_t>(r)].points;
                    const int n = static_cast<int>(std::min<size_t>(points.size(), static_cast<size_t>(P)));
                    for (int k = 0; k < n; ++k) {
                        const auto &p = points[static_cast<size_t>(k)];
                        pts[i][r][k][0] = p.refX;
                        pts[i][r][k][1] = p.refY;
                        pts[i][r][k][2] = p.tgtX;
                        pts[i][r][k][3] = p.tgtY;
                    }
                    cnt[i][r] = n;
                }
                b.prompts[static_cast<size_t>(i)] = e.prompt;
            }
        });
        pool->m_blocks.emplace(c, std::move(b));
    }
    log::info("core.train", "rendered a pool of {} toy examples per subject count ({}-{}) in {} s", perCount,
              options.minSubjects, options.maxSubjects,
              std::round(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() * 10) / 10);
    return pool;
}

void ToyPool::save(const std::string &path) const
{
    st::TensorMap tensors;
    json prompts = json::object();
    for (const auto &[c, b] : m_blocks) {
        tensors[key(c, "targets")] = b.targets;
        tensors[key(c, "refs")] = b.refs;
        tensors[key(c, "points")] = b.points;
        tensors[key(c, "counts")] = b.counts;
        prompts[std::to_string(c)] = b.prompts;
    }
    st::write(path, tensors, {{"mosaic.toypool", describe(m_options, m_perCount).dump()}, {"prompts", prompts.dump()}});
}

std::shared_ptr<ToyPool> ToyPool::load(const std::string &path, const ToysOptions &options, int64_t perCount)
{
    data::checkToysOptions(options);
    auto file = st::File::open(path);
    const auto meta = file->metadata().find("mosaic.toypool");
    const auto text = file->metadata().find("prompts");
    if (meta == file->metadata().end() || text == file->metadata().end())
        throw Error(StatusCode::CorruptFile, path + ": not a toy pool (no \"mosaic.toypool\" metadata)");
    const json want = describe(options, perCount);
    json have, prompts;
    try {
        have = json::parse(meta->second);
        prompts = json::parse(text->second);
    } catch (const json::exception &e) {
        throw Error(StatusCode::CorruptFile, path + ": damaged pool metadata (" + e.what() + ")");
    }
    if (have != want)
        throw Error(StatusCode::InvalidArgument, path + " holds a pool rendered for other toys (" + have.dump() +
                                                     ", the recipe asks for " + want.dump() +
                                                     "); delete it or name another pool file");
    auto pool = std::make_shared<ToyPool>();
    pool->m_options = options;
    pool->m_perCount = perCount;
    pool->m_file = file;
    const int S = options.size, R = options.refSize, P = (S / 16) * (S / 16);
    auto get = [&](const std::string &name, at::ScalarType type, std::vector<int64_t> shape) {
        if (!file->contains(name))
            throw Error(StatusCode::CorruptFile, path + ": the pool has no tensor '" + name + "'");
        at::Tensor t = file->tensor(name);
        if (t.scalar_type() != type || t.sizes() != at::IntArrayRef(shape))
            throw Error(StatusCode::CorruptFile, path + ": tensor '" + name + "' has the wrong type or shape");
        return t;
    };
    for (int c = options.minSubjects; c <= options.maxSubjects; ++c) {
        Block b;
        b.targets = get(key(c, "targets"), at::kByte, {perCount, 3, S, S});
        b.refs = get(key(c, "refs"), at::kByte, {perCount, c, 3, R, R});
        b.points = get(key(c, "points"), at::kFloat, {perCount, c, P, 4});
        b.counts = get(key(c, "counts"), at::kInt, {perCount, c});
        const auto it = prompts.find(std::to_string(c));
        if (it == prompts.end() || !it->is_array() || it->size() != static_cast<size_t>(perCount))
            throw Error(StatusCode::CorruptFile, path + ": the pool's prompts do not match its examples");
        for (const auto &p : *it) {
            if (!p.is_string())
                throw Error(StatusCode::CorruptFile, path + ": the pool's prompts do not match its examples");
            b.prompts.push_back(p.get<std::string>());
        }
        if (b.counts.min().item<int>() < 0 || b.counts.max().item<int>() > P)
            throw Error(StatusCode::CorruptFile, path + ": the pool's point counts are out of range");
        pool->m_blocks.emplace(c, std::move(b));
    }
    return pool;
}

std::shared_ptr<ToyPool> ToyPool::obtain(const std::string &path, const ToysOptions &options, int64_t perCount,
                                         bool mustSave)
{
    std::error_code ec;
    if (!path.empty() && std::filesystem::exists(path, ec)) {
        auto pool = load(path, options, perCount);
        log::info("core.train", "toy pool from {}", path);
        return pool;
    }
    auto pool = render(options, perCount);
    if (path.empty())
        return pool;
    try {
        pool->save(path);
        log::info("core.train", "toy pool saved to {}", path);
    } catch (const Error &e) {
        if (mustSave)
            throw;
        // The pool is only a cache: a run keeps the examples it rendered rather than losing them.
        log::warn("core.train", "the toy pool was not saved ({}); training goes on with it in memory", e.what());
    }
    return pool;
}

TrainingExample ToyPool::example(int subjects, int64_t index) const
{
    const auto it = m_blocks.find(subjects);
    if (it == m_blocks.end())
        throw Error(StatusCode::InvalidArgument, format("the pool holds no examples with {} subjects", subjects));
    const Block &b = it->second;
    const int64_t i = ((index % m_perCount) + m_perCount) % m_perCount;
    TrainingExample e;
    e.target = b.targets[i].to(at::kFloat) / 255.0;
    e.prompt = b.prompts[static_cast<size_t>(i)];
    const at::Tensor pointRows = b.points[i], countRow = b.counts[i];
    const auto pts = pointRows.accessor<float, 3>();
    const auto cnt = countRow.accessor<int, 1>();
    for (int r = 0; r < subjects; ++r) {
        e.references.push_back(b.refs[i][r].to(at::kFloat) / 255.0);
        DatasetSubject sub;
        for (int k = 0; k < cnt[r]; ++k)
            sub.points.push_back(Correspondence{pts[r][k][0], pts[r][k][1], pts[r][k][2], pts[r][k][3],
                                                PointSource::Synthetic, 1.0f, ReviewStatus::Accepted});
        e.subjects.push_back(std::move(sub));
    }
    return e;
}

ExampleSource ToyPool::source(int subjects) const
{
    std::shared_ptr<const ToyPool> self = shared_from_this();
    return [self, subjects](int64_t index) { return self->example(subjects, index); };
}

} // namespace mosaic::train
