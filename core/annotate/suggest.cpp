// Point-pair suggesters for the annotator and `mosaic dataset suggest` (include/mosaic/annotate.h).
#include <mosaic/annotate.h>

#include "annotate/features.h"
#include "data/dataset_edit.h"
#include "image/convert.h"
#include "model/branches.h"
#include "pipeline/bundle.h"
#include "pipeline/conditioning.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <mutex>
#include <set>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

// A pixel that prepareReference counts as the subject: not exactly white after alpha over white.
bool inkAt(const RgbaImage &img, int x, int y)
{
    const uint8_t *s = &img.pixels[(static_cast<size_t>(y) * img.width + x) * 4];
    const int a = s[3];
    for (int c = 0; c < 3; ++c)
        if ((s[c] * a + 255 * (255 - a) + 127) / 255 != 255)
            return true;
    return false;
}

void checkImage(const RgbaImage &img, const char *what)
{
    if (img.isNull() || img.pixels.size() != static_cast<size_t>(img.width) * img.height * 4)
        throw Error(StatusCode::InvalidArgument, std::string(what) + " is empty or damaged");
}

float maskAt(const FloatMap &m, double x, double y) // normalised coordinates
{
    const int ix = std::clamp(static_cast<int>(x * m.width), 0, m.width - 1);
    const int iy = std::clamp(static_cast<int>(y * m.height), 0, m.height - 1);
    return m.values[static_cast<size_t>(iy) * m.width + ix];
}

bool hasMask(const FloatMap &m)
{
    return m.width > 0 && m.height > 0 && m.values.size() == static_cast<size_t>(m.width) * m.height;
}

// The subject's box: as given, else the bounding box of its mask.
NormalizedBox regionBox(const SuggestSubject &s)
{
    if (s.box)
        return *s.box;
    if (!hasMask(s.mask))
        throw Error(StatusCode::InvalidArgument, "the subject has neither a box nor a mask in the target");
    int x0 = s.mask.width, y0 = s.mask.height, x1 = -1, y1 = -1;
    for (int y = 0; y < s.mask.height; ++y)
        for (int x = 0; x < s.mask.width; ++x)
            if (s.mask.values[static_cast<size_t>(y) * s.mask.width + x] > 0.5f) {
                x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
            }
    if (x1 < 0)
        throw Error(StatusCode::InvalidArgument, "the subject's mask is empty");
    const float w = static_cast<float>(s.mask.width), h = static_cast<float>(s.mask.height);
    return {x0 / w, y0 / h, (x1 + 1 - x0) / w, (y1 + 1 - y0) / h};
}

// The reference grid (points on the subject) mapped into the region, by each axis of the subject's
// extent in the reference onto the box. Confidence: `inside` where the mask (or the weight map)
// holds the target point, `outside` elsewhere.
std::vector<Correspondence> mapGrid(const RgbaImage &ref, const NormalizedBox &box, const FloatMap *weights, int grid,
                                    PointSource source)
{
    const ReferenceTransform t = referenceTransform(ref, std::max(ref.width, ref.height));
    std::vector<Correspondence> out;
    const int g = std::clamp(grid, 1, 64);
    for (int gy = 0; gy < g; ++gy)
        for (int gx = 0; gx < g; ++gx) {
            const double u = (gx + 0.5) / g, v = (gy + 0.5) / g;
            const double ix = t.cropX + u * t.cropW, iy = t.cropY + v * t.cropH;
            if (!inkAt(ref, std::min(ref.width - 1, static_cast<int>(ix)), std::min(ref.height - 1, static_cast<int>(iy))))
                continue; // background of the reference
            Correspondence c;
            c.refX = static_cast<float>(ix / ref.width);
            c.refY = static_cast<float>(iy / ref.height);
            c.tgtX = static_cast<float>(box.x + u * box.w);
            c.tgtY = static_cast<float>(box.y + v * box.h);
            c.source = source;
            c.status = ReviewStatus::Suggested;
            c.confidence = 0.5f;
            if (weights && hasMask(*weights))
                c.confidence = std::clamp(maskAt(*weights, c.tgtX, c.tgtY), 0.0f, 1.0f) * 0.8f + 0.1f;
            out.push_back(c);
        }
    return out;
}

void dropBelow(std::vector<Correspondence> *v, float minConfidence)
{
    v->erase(std::remove_if(v->begin(), v->end(), [&](const Correspondence &c) { return c.confidence < minConfidence; }),
             v->end());
}

// prepareReference without OpenCV (the LibTorch-only build): the same crop, bilinear scaling, centred
// on white, following referenceTransform.
RgbaImage prepareWithTensors(const RgbaImage &in, int size)
{
    const ReferenceTransform t = referenceTransform(in, size);
    at::Tensor img; // [1, 3, H, W] in [-1, 1]
    {
        // Alpha over white, as prepareReference does.
        at::Tensor a = at::from_blob(const_cast<uint8_t *>(in.pixels.data()), {in.height, in.width, 4}, at::kByte)
                           .select(2, 3).to(at::kFloat).div(255.0);
        const at::Tensor rgb = at::from_blob(const_cast<uint8_t *>(in.pixels.data()), {in.height, in.width, 4}, at::kByte)
                                   .slice(2, 0, 3).permute({2, 0, 1}).to(at::kFloat).div(255.0);
        img = (rgb * a + (1 - a)).unsqueeze(0) * 2.0 - 1.0;
    }
    const int64_t x0 = static_cast<int64_t>(t.cropX), y0 = static_cast<int64_t>(t.cropY);
    const at::Tensor crop = img.slice(2, y0, y0 + static_cast<int64_t>(t.cropH)).slice(3, x0, x0 + static_cast<int64_t>(t.cropW));
    const int64_t w = std::max<int64_t>(1, static_cast<int64_t>(t.cropW * t.scale + 1e-6)),
                  h = std::max<int64_t>(1, static_cast<int64_t>(t.cropH * t.scale + 1e-6));
    const at::Tensor scaled = at::upsample_bilinear2d(crop, {h, w}, false);
    at::Tensor canvas = at::ones({1, 3, size, size});
    const int64_t ox = static_cast<int64_t>(t.offsetX), oy = static_cast<int64_t>(t.offsetY);
    canvas.slice(2, oy, oy + h).slice(3, ox, ox + w).copy_(scaled.slice(2, 0, std::min<int64_t>(h, size - oy)).slice(3, 0, std::min<int64_t>(w, size - ox)));
    return image::fromTensor(canvas[0].clamp(-1.0, 1.0));
}

at::Tensor maskTensor(const FloatMap &m)
{
    return at::from_blob(const_cast<float *>(m.values.data()), {m.height, m.width}, at::kFloat).clone();
}

} // namespace

// ---- the reference transform ----------------------------------------------------------------------

void ReferenceTransform::preparedToInput(double px, double py, double *ix, double *iy) const
{
    *ix = (cropX + (px * size - offsetX) / scale) / inputWidth;
    *iy = (cropY + (py * size - offsetY) / scale) / inputHeight;
}

void ReferenceTransform::inputToPrepared(double ix, double iy, double *px, double *py) const
{
    *px = (offsetX + (ix * inputWidth - cropX) * scale) / size;
    *py = (offsetY + (iy * inputHeight - cropY) * scale) / size;
}

ReferenceTransform referenceTransform(const RgbaImage &in, int size)
{
    ReferenceTransform t;
    t.inputWidth = in.width;
    t.inputHeight = in.height;
    t.size = size;
    if (in.isNull() || in.pixels.size() != static_cast<size_t>(in.width) * in.height * 4)
        return t;
    int x0 = in.width, y0 = in.height, x1 = -1, y1 = -1;
    for (int y = 0; y < in.height; ++y)
        for (int x = 0; x < in.width; ++x)
            if (inkAt(in, x, y)) {
                x0 = std::min(x0, x), y0 = std::min(y0, y), x1 = std::max(x1, x), y1 = std::max(y1, y);
            }
    if (x1 < 0)
        x0 = 0, y0 = 0, x1 = in.width - 1, y1 = in.height - 1;
    t.cropX = x0;
    t.cropY = y0;
    t.cropW = x1 - x0 + 1;
    t.cropH = y1 - y0 + 1;
    // As prepareReference: the long side to 0.9 size (truncated to whole pixels), centred.
    const double factor = 0.9 * size / std::max(t.cropW, t.cropH);
    const int w = std::max(1, static_cast<int>(t.cropW * factor)), h = std::max(1, static_cast<int>(t.cropH * factor));
    t.scale = w / t.cropW; // (the two axes differ by under a pixel)
    t.offsetX = (size - w) / 2;
    t.offsetY = (size - h) / 2;
    return t;
}

// ---- names ---------------------------------------------------------------------------------------

const char *suggestMethodName(SuggestMethod m)
{
    static const char *names[] = {"region", "features", "model", "generation"};
    return names[static_cast<int>(m)];
}

bool parseSuggestMethod(const std::string &name, SuggestMethod *out)
{
    for (int i = 0; i < 4; ++i)
        if (name == suggestMethodName(static_cast<SuggestMethod>(i))) {
            *out = static_cast<SuggestMethod>(i);
            return true;
        }
    return false;
}

int reviewAbove(std::vector<Correspondence> *points, float threshold, ReviewStatus decision)
{
    int n = 0;
    for (auto &p : *points)
        if (p.status == ReviewStatus::Suggested && p.confidence >= threshold) {
            p.status = decision;
            ++n;
        }
    return n;
}

// ---- suggesters ------------------------------------------------------------------------------------

Status suggestPairs(const RgbaImage &target, const SuggestSubject &subject, const SuggestOptions &options,
                    std::vector<Correspondence> *out)
{
    return guarded([&] {
        checkImage(target, "the target");
        checkImage(subject.reference, "the reference");
        std::vector<Correspondence> v;
        switch (options.method) {
        case SuggestMethod::Region:
            v = mapGrid(subject.reference, regionBox(subject), &subject.mask, options.grid, PointSource::Region);
            break;
        case SuggestMethod::Features:
            if (Status st = suggestFeaturePairs(target, subject, options, &v); !st.ok())
                throw Error(st.code, st.message);
            break;
        default:
            throw Error(StatusCode::InvalidArgument,
                        std::string("suggestPairs handles region and features, not ") + suggestMethodName(options.method));
        }
        dropBelow(&v, options.minConfidence);
        *out = std::move(v);
    });
}

Status suggestFromAttention(const SuggestSubject &subject, const FloatMap &attention, const SuggestOptions &options,
                            std::vector<Correspondence> *out)
{
    return guarded([&] {
        checkImage(subject.reference, "the reference");
        if (!hasMask(attention))
            throw Error(StatusCode::InvalidArgument, "the result has no attention map for this subject");
        // The map normalised to its maximum; the region is where it exceeds half of it.
        const float peak = *std::max_element(attention.values.begin(), attention.values.end());
        if (!(peak > 0))
            throw Error(StatusCode::InvalidArgument, "the subject's attention map is empty");
        FloatMap norm = attention;
        for (auto &x : norm.values)
            x = std::max(0.0f, x / peak);
        SuggestSubject region;
        region.mask = norm;
        for (auto &x : region.mask.values)
            x = x >= 0.5f ? 1.0f : 0.0f;
        std::vector<Correspondence> v = mapGrid(subject.reference, regionBox(region), &norm, options.grid, PointSource::Generation);
        dropBelow(&v, options.minConfidence);
        *out = std::move(v);
    });
}

Status suggestWithModel(const RgbaImage &target, const std::string &prompt, const std::vector<SuggestSubject> &subjects,
                        const SuggestOptions &options, std::vector<std::vector<Correspondence>> *out)
{
    std::shared_ptr<ModelBundle> bundle;
    const Status st = guarded([&] {
        const std::string path = options.model.empty() ? findDefaultModel() : options.model;
        if (path.empty())
            throw Error(StatusCode::NotFound, "no model given and the bundled model was not found");
        Status loaded;
        bundle = ModelBundle::load(path, &loaded);
        if (!bundle)
            throw Error(loaded.code, loaded.message);
    });
    return st.ok() ? suggestWithModel(*bundle, target, prompt, subjects, options, out) : st;
}

Status suggestWithModel(ModelBundle &model, const RgbaImage &target, const std::string &prompt,
                        const std::vector<SuggestSubject> &subjects, const SuggestOptions &options,
                        std::vector<std::vector<Correspondence>> *out)
{
    return guarded([&] {
        checkImage(target, "the target");
        if (subjects.empty())
            throw Error(StatusCode::InvalidArgument, "no subjects to suggest pairs for");
        if (!(options.noise > 0.0f && options.noise < 1.0f))
            throw Error(StatusCode::InvalidArgument, "the noise level must lie strictly between 0 and 1");
        pipeline::Bundle &b = pipeline::bundleOf(model);
        std::lock_guard<std::mutex> lock(b.runMutex);
        torch::NoGradGuard noGrad;
        if (static_cast<int>(subjects.size()) > b.defaults.maxSubjects)
            throw Error(StatusCode::InvalidArgument, format("{} subjects is more than the model's {}", subjects.size(),
                                                            b.defaults.maxSubjects));
        const int S = b.defaults.native(), R = b.defaults.refSize; // the size it learnt at
        const int64_t rg = R / 16, gh = S / 16, gw = S / 16, patch = b.patch();

        at::Tensor t = image::toTensor(target); // [1, 3, H, W] in [-1, 1]
        t = at::upsample_bilinear2d(t, {S, S}, false).clamp(-1.0, 1.0);
        // On the model's device (a model set on a GPU); the noise from a CPU generator, as generation's.
        const at::Tensor x0 = pipeline::pack(b.ae->encode(t.to(b.device)), patch);
        auto gen = at::make_generator<at::CPUGeneratorImpl>(options.seed);
        const at::Tensor noise = at::randn(x0.sizes(), gen, x0.options().device(at::kCPU)).to(b.device);
        const double tn = options.noise;

        model::BranchInputs in;
        const pipeline::TextConditioning text = pipeline::encodeText(b, prompt, false);
        in.txt = text.txt.to(b.device);
        in.y = text.y.to(b.device);
        in.target = (1.0 - tn) * x0 + tn * noise;
        in.targetIds = pipeline::tokenIds(1, gh, gw).to(b.device);
        std::vector<ReferenceTransform> transforms;
        std::vector<RgbaImage> prepared(subjects.size());
        for (size_t i = 0; i < subjects.size(); ++i) {
            checkImage(subjects[i].reference, "a reference");
            if (Status st = prepareReference(subjects[i].reference, R, &prepared[i]); st.code == StatusCode::Unsupported)
                prepared[i] = prepareWithTensors(subjects[i].reference, R); // no OpenCV in this build
            else if (!st.ok())
                throw Error(st.code, st.message);
            transforms.push_back(referenceTransform(subjects[i].reference, R));
        }
        const pipeline::ReferenceBranches branches = pipeline::encodeReferences(b, prepared, R, options.cancel);
        in.refs = branches.latents;
        in.refIds = branches.ids;
        const auto onDevice = at::TensorOptions().dtype(at::kFloat).device(b.device);
        in.timesteps = at::full({1}, tn, onDevice);
        in.guidance = at::full({1}, static_cast<double>(b.defaults.guidance), onDevice);
        model::AttentionCapture capture;
        model::BranchOptions opt;
        opt.capture = &capture;
        opt.lora = b.lora.get();
        opt.cancel = options.cancel;
        model::forwardBranches(*b.flux, in, opt);

        std::vector<std::vector<Correspondence>> result(subjects.size());
        for (size_t r = 0; r < subjects.size(); ++r) {
            const at::Tensor map = (capture.refToTarget[r][0].to(at::kCPU, at::kFloat) /
                                    static_cast<double>(std::max<int64_t>(1, capture.refMapLayers))).contiguous(); // [rg*rg, gh*gw]
            // Target tokens inside the subject's region (all of them when it has none).
            at::Tensor allowed = at::ones({gh, gw}, at::kBool);
            if (hasMask(subjects[r].mask))
                allowed = at::upsample_nearest2d(maskTensor(subjects[r].mask).unsqueeze(0).unsqueeze(0), {gh, gw})[0][0] > 0.5;
            else if (subjects[r].box) {
                const auto &bx = *subjects[r].box;
                for (int64_t y = 0; y < gh; ++y)
                    for (int64_t x = 0; x < gw; ++x) {
                        const double cx = (x + 0.5) / gw, cy = (y + 0.5) / gh;
                        allowed[y][x] = cx >= bx.x && cx <= bx.x + bx.w && cy >= bx.y && cy <= bx.y + bx.h;
                    }
            }
            if (!allowed.any().item<bool>())
                allowed.fill_(true);
            const at::Tensor masked = map * allowed.reshape({1, -1}).to(at::kFloat);
            const at::Tensor best = masked.argmax(1);
            auto acc = masked.accessor<float, 2>();
            for (int64_t i = 0; i < rg * rg; ++i) {
                const int64_t iy = i / rg, ix = i % rg;
                const double px = (ix + 0.5) / rg, py = (iy + 0.5) / rg;
                if (!inkAt(prepared[r], static_cast<int>(px * R), static_cast<int>(py * R)))
                    continue; // the reference's white background
                const int64_t j = best[i].item<int64_t>(), jy = j / gw, jx = j % gw;
                // Confidence: the share of the in-region attention within one token of the best one.
                double near = 0, total = 0;
                for (int64_t y = 0; y < gh; ++y)
                    for (int64_t x = 0; x < gw; ++x) {
                        const double a = acc[i][y * gw + x];
                        total += a;
                        if (std::abs(y - jy) <= 1 && std::abs(x - jx) <= 1)
                            near += a;
                    }
                Correspondence c;
                double rx, ry;
                transforms[r].preparedToInput(px, py, &rx, &ry);
                c.refX = static_cast<float>(std::clamp(rx, 0.0, 1.0));
                c.refY = static_cast<float>(std::clamp(ry, 0.0, 1.0));
                c.tgtX = static_cast<float>((jx + 0.5) / gw);
                c.tgtY = static_cast<float>((jy + 0.5) / gh);
                c.confidence = total > 0 ? static_cast<float>(near / total) : 0.0f;
                c.source = PointSource::Model;
                c.status = ReviewStatus::Suggested;
                result[r].push_back(c);
            }
            dropBelow(&result[r], options.minConfidence);
        }
        *out = std::move(result);
    });
}

// ---- datasets -----------------------------------------------------------------------------------

namespace {

RgbaImage loadOrThrow(const std::string &dir, const std::string &rel, const std::string &sample)
{
    RgbaImage img;
    if (Status st = loadImage((fs::path(dir) / rel).string(), &img); !st.ok())
        throw Error(st.code, "sample " + sample + ": " + st.message);
    return img;
}


PointSource sourceOf(SuggestMethod m)
{
    switch (m) {
    case SuggestMethod::Region: return PointSource::Region;
    case SuggestMethod::Features: return PointSource::FeatureMatch;
    case SuggestMethod::Model: return PointSource::Model;
    case SuggestMethod::Generation: return PointSource::Generation;
    }
    return PointSource::Manual;
}

} // namespace

Status suggestDataset(const std::string &dir, const SuggestOptions &options, SuggestReport *report,
                      const std::function<void(int, int)> &progress)
{
    return guarded([&] {
        if (options.method == SuggestMethod::Generation)
            throw Error(StatusCode::InvalidArgument, "suggestions from a generation come from the app's results, not a dataset");
        std::vector<DatasetSample> samples;
        std::vector<DatasetProblem> problems;
        if (Status st = readDataset(dir, &samples, &problems); !st.ok())
            throw Error(st.code, st.message);
        SuggestReport rep;
        for (const auto &p : problems)
            rep.warnings.push_back(p.text());
        const PointSource source = sourceOf(options.method);
        std::shared_ptr<ModelBundle> model; // the model method: loaded once for the whole batch
        if (options.method == SuggestMethod::Model) {
            const std::string path = options.model.empty() ? findDefaultModel() : options.model;
            if (path.empty())
                throw Error(StatusCode::NotFound, "no model given and the bundled model was not found");
            Status ls;
            model = ModelBundle::load(path, &ls);
            if (!model)
                throw Error(ls.code, ls.message);
        }
        // Lines that cannot be read, or read with problems, are written back as they were; fields this
        // version does not know are kept (data::editDataset).
        int done = 0;
        const int total = static_cast<int>(samples.size());
        data::EditReport edited;
        std::vector<DatasetProblem> again;
        const Status written = data::editDataset(dir, [&](DatasetSample &smp) {
            try {
                const RgbaImage target = loadOrThrow(dir, smp.target, smp.id);
                std::vector<SuggestSubject> subs;
                for (const auto &ds : smp.subjects) {
                    SuggestSubject s;
                    s.reference = loadOrThrow(dir, ds.image, smp.id);
                    s.box = ds.box;
                    if (!ds.mask.empty())
                        s.mask = maskFromImage(loadOrThrow(dir, ds.mask, smp.id));
                    subs.push_back(std::move(s));
                }
                std::vector<std::vector<Correspondence>> found(subs.size());
                if (options.method == SuggestMethod::Model) {
                    if (Status st = suggestWithModel(*model, target, smp.prompt, subs, options, &found); !st.ok())
                        throw Error(st.code, st.message);
                } else {
                    for (size_t k = 0; k < subs.size(); ++k) {
                        if (!subs[k].box && !hasMask(subs[k].mask) && options.method == SuggestMethod::Region) {
                            rep.warnings.push_back(format("sample {}, subject {}: no box or mask to map into", smp.id, k + 1));
                            ++rep.skipped;
                            continue;
                        }
                        if (Status st = suggestPairs(target, subs[k], options, &found[k]); !st.ok())
                            throw Error(st.code, st.message);
                    }
                }
                for (size_t k = 0; k < subs.size(); ++k) {
                    auto &pts = smp.subjects[k].points;
                    pts.erase(std::remove_if(pts.begin(), pts.end(),
                                             [&](const Correspondence &c) {
                                                 return c.source == source && c.status == ReviewStatus::Suggested;
                                             }),
                              pts.end());
                    pts.insert(pts.end(), found[k].begin(), found[k].end());
                    rep.pairs += static_cast<int>(found[k].size());
                    ++rep.subjects;
                }
                ++rep.samples;
            } catch (const Error &e) {
                if (e.code() == StatusCode::Unsupported || e.code() == StatusCode::NotFound)
                    throw;
                rep.warnings.push_back(e.what());
                ++rep.skipped;
            }
            if (progress)
                progress(++done, total);
        }, &again, &edited);
        if (!written.ok())
            throw Error(written.code, written.message);
        for (int line : edited.kept)
            rep.warnings.push_back(format("line {} is written back as it was: it does not read as a sample without problems "
                                          "(mosaic dataset validate says why)", line));
        if (report)
            *report = rep;
    });
}

namespace {

// Files in the dataset's folders that no sample names (images an interrupted or failed write left),
// and temporaries of an atomic write that a killed process left: reported, never removed here.
void reportStrayFiles(const std::string &dir, const std::vector<DatasetSample> &samples, std::vector<DatasetProblem> *problems)
{
    std::set<std::string> named;
    for (const auto &smp : samples) {
        named.insert(smp.target);
        for (const auto &sub : smp.subjects)
            for (const std::string *f : {&sub.image, &sub.mask, &sub.dense})
                if (!f->empty())
                    named.insert(fs::path(*f).lexically_normal().generic_string());
    }
    std::vector<std::string> orphans, temporaries;
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        std::error_code e;
        if (!it->is_regular_file(e))
            continue;
        const std::string rel = fs::relative(it->path(), dir, e).generic_string();
        const std::string name = it->path().filename().string();
        if (name.find(".tmp-") != std::string::npos && name[0] == '.')
            temporaries.push_back(rel);
        else if (rel != "index.jsonl" && rel != "dataset.json" && rel.find('/') != std::string::npos && !named.count(rel))
            orphans.push_back(rel);
    }
    auto list = [](const std::vector<std::string> &files) {
        std::string s;
        for (size_t i = 0; i < files.size() && i < 5; ++i)
            s += (i ? ", " : "") + files[i];
        return files.size() > 5 ? s + format(" and {} more", files.size() - 5) : s;
    };
    if (!orphans.empty())
        problems->push_back({0, "files", format("{} file(s) that no sample names (left by an interrupted write?): {}",
                                                orphans.size(), list(orphans))});
    if (!temporaries.empty())
        problems->push_back({0, "files", format("{} temporary file(s) of an interrupted save (removed at the next save): {}",
                                                temporaries.size(), list(temporaries))});
}

} // namespace

Status datasetStats(const std::string &dir, DatasetStats *stats)
{
    return guarded([&] {
        std::vector<DatasetSample> samples;
        DatasetStats s;
        if (Status st = readDataset(dir, &samples, &s.problems); !st.ok())
            throw Error(st.code, st.message);
        s.samples = static_cast<int>(samples.size());
        for (const auto &smp : samples) {
            s.done += smp.done;
            for (const auto &sub : smp.subjects) {
                ++s.subjects;
                const std::string name = sub.name.empty() ? std::string("(unnamed)") : sub.name;
                auto &per = s.perSubject[name];
                for (const auto &p : sub.points) {
                    ++s.pairs;
                    ++per[reviewStatusName(p.status)];
                    ++s.perStatus[reviewStatusName(p.status)];
                    ++s.perSource[pointSourceName(p.source)];
                }
            }
        }
        reportStrayFiles(dir, samples, &s.problems);
        *stats = std::move(s);
    });
}

} // namespace mosaic
