// mosaic generate: references + prompt in, one PNG (with its parameters) and per-subject maps out.
#include "args.h"

#include <mosaic/layout.h>
#include <mosaic/modelset.h>
#include <mosaic/pipeline.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace cli {

namespace {

std::vector<double> numbers(const std::string &text, char sep, const std::string &what)
{
    std::vector<double> out;
    std::stringstream ss(text);
    std::string item;
    while (std::getline(ss, item, sep)) {
        size_t used = 0;
        double v = 0;
        try {
            v = std::stod(item, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        if (used == 0 || used != item.size())
            throw std::invalid_argument(what + ": '" + item + "' is not a number");
        out.push_back(v);
    }
    return out;
}

// "I:rest" -> subject index (0-based) and rest.
size_t subjectIndex(const std::string &spec, size_t count, const std::string &option, std::string *rest)
{
    const auto colon = spec.find(':');
    if (colon == std::string::npos)
        throw std::invalid_argument("--" + option + " '" + spec + "' needs the form I:...");
    const auto idx = numbers(spec.substr(0, colon), ',', "--" + option);
    if (idx.size() != 1 || idx[0] < 1 || idx[0] > static_cast<double>(count) || idx[0] != static_cast<int>(idx[0]))
        throw std::invalid_argument("--" + option + " '" + spec + "' names subject " + spec.substr(0, colon) +
                                    ", but there are " + std::to_string(count) + " --ref images");
    *rest = spec.substr(colon + 1);
    return static_cast<size_t>(idx[0]) - 1;
}

void progressBar(const mosaic::ProgressInfo &p)
{
    printProgress(p.step, p.steps, p.elapsedSeconds);
}

std::string safeName(const std::string &name, size_t index)
{
    std::string s;
    for (char c : name)
        s += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return std::to_string(index + 1) + (s.empty() ? "" : "_" + s);
}


// The request's settings from the options (the subjects come next).
mosaic::GenerationRequest requestSettings(const Args &args)
{
    mosaic::GenerationRequest req;
    req.prompt = args.value("prompt");
    req.negativePrompt = args.value("negative");
    const std::string seed = args.value("seed", "0");
    try {
        size_t used = 0;
        req.seed = std::stoull(seed, &used);
        if (used != seed.size() || seed[0] == '-')
            throw std::invalid_argument("");
    } catch (const std::exception &) {
        throw std::invalid_argument("--seed expects a non-negative whole number, got '" + seed + "'");
    }
    req.steps = args.intValue("steps", 0);
    req.guidance = static_cast<float>(args.doubleValue("guidance", -1.0));
    req.cfgScale = static_cast<float>(args.doubleValue("cfg", -1.0));
    req.refCfgScale = static_cast<float>(args.doubleValue("ref-cfg", -1.0));
    req.collage = static_cast<float>(args.doubleValue("collage", -1.0));
    if (args.has("collage") && req.collage < 0.0f)
        throw std::invalid_argument("--collage expects a strength from 0 (off) to below 1");
    req.autoLayout = args.has("auto-layout");
    req.regionStrength = static_cast<float>(args.doubleValue("region-strength", req.regionStrength));
    req.pointStrength = static_cast<float>(args.doubleValue("point-strength", req.pointStrength));
    req.loraScale = static_cast<float>(args.doubleValue("lora-scale", 1.0));
    if (args.has("size")) {
        const std::string s = args.value("size");
        const auto x = s.find('x');
        const auto dims = numbers(x == std::string::npos ? s : s.substr(0, x) + "," + s.substr(x + 1), ',', "--size");
        req.width = static_cast<int>(dims[0]);
        req.height = static_cast<int>(dims.size() > 1 ? dims[1] : dims[0]);
        if (dims.size() > 2 || req.width <= 0 || req.height <= 0)
            throw std::invalid_argument("--size expects N or WxH");
    }
    return req;
}

// The subjects: --ref, --name, then --box, --mask and --point by subject number, and --init. False
// (after saying why) when an image cannot be read.
bool readSubjects(const Args &args, mosaic::GenerationRequest *request)
{
    mosaic::GenerationRequest &req = *request;
    const auto refs = args.values("ref");
    const auto names = args.values("name");
    if (names.size() > refs.size())
        throw std::invalid_argument("more --name than --ref options");
    const int width = req.width, height = req.height;
    for (size_t i = 0; i < refs.size(); ++i) {
        mosaic::Subject s;
        s.name = i < names.size() ? names[i] : std::filesystem::path(refs[i]).stem().string();
        if (auto st = mosaic::loadImage(refs[i], &s.image); !st.ok()) {
            std::fprintf(stderr, "mosaic generate: %s\n", st.message.c_str());
            return false;
        }
        if (s.image.width < mosaic::kMinSubjectSide || s.image.height < mosaic::kMinSubjectSide) {
            std::fprintf(stderr, "mosaic generate: %s is %dx%d pixels; a subject's image must be at least %dx%d\n",
                         refs[i].c_str(), s.image.width, s.image.height, mosaic::kMinSubjectSide, mosaic::kMinSubjectSide);
            return false;
        }
        req.subjects.push_back(std::move(s));
    }
    for (const auto &spec : args.values("box")) {
        std::string rest;
        const size_t i = subjectIndex(spec, req.subjects.size(), "box", &rest);
        auto v = numbers(rest, ',', "--box");
        if (v.size() != 4)
            throw std::invalid_argument("--box '" + spec + "' needs four numbers X,Y,W,H");
        if (std::any_of(v.begin(), v.end(), [](double d) { return d > 1.0; })) {
            if (width <= 0 || height <= 0)
                throw std::invalid_argument("--box in pixels needs --size");
            v = {v[0] / width, v[1] / height, v[2] / width, v[3] / height};
        }
        req.subjects[i].box = mosaic::NormalizedBox{static_cast<float>(v[0]), static_cast<float>(v[1]),
                                                    static_cast<float>(v[2]), static_cast<float>(v[3])};
    }
    for (const auto &spec : args.values("mask")) {
        std::string rest;
        const size_t i = subjectIndex(spec, req.subjects.size(), "mask", &rest);
        mosaic::RgbaImage m;
        if (auto st = mosaic::loadImage(rest, &m); !st.ok()) {
            std::fprintf(stderr, "mosaic generate: %s\n", st.message.c_str());
            return false;
        }
        req.subjects[i].mask = mosaic::maskFromImage(m); // white inside (mosaic/request.h)
    }
    for (const auto &spec : args.values("point")) {
        std::string rest;
        const size_t i = subjectIndex(spec, req.subjects.size(), "point", &rest);
        const auto colon = rest.find(':');
        if (colon == std::string::npos)
            throw std::invalid_argument("--point '" + spec + "' needs the form I:RX,RY:TX,TY");
        const auto r = numbers(rest.substr(0, colon), ',', "--point"), t = numbers(rest.substr(colon + 1), ',', "--point");
        if (r.size() != 2 || t.size() != 2)
            throw std::invalid_argument("--point '" + spec + "' needs the form I:RX,RY:TX,TY");
        req.subjects[i].points.push_back({static_cast<float>(r[0]), static_cast<float>(r[1]), static_cast<float>(t[0]),
                                          static_cast<float>(t[1])});
    }
    if (args.has("init")) {
        if (auto st = mosaic::loadImage(args.value("init"), &req.initImage); !st.ok()) {
            std::fprintf(stderr, "mosaic generate: %s\n", st.message.c_str());
            return false;
        }
        req.strength = static_cast<float>(args.doubleValue("strength", 0.6));
    } else if (args.has("strength")) {
        throw std::invalid_argument("--strength needs --init (the image to start from)");
    }
    return true;
}

// What the user should know before the run: subjects the collage must place by attention, and where
// auto layout puts each one.
void reportPlacement(const mosaic::GenerationRequest &req, const mosaic::BundleDescription &d)
{
    const int side = d.defaultSize;
    for (const auto &note : mosaic::placementNotes(req, req.collage < 0.0f ? d.defaultCollage : req.collage,
                                                   req.width > 0 ? req.width : side, req.height > 0 ? req.height : side))
        std::fprintf(stderr, "mosaic generate: %s\n", note.c_str());
}

// Per subject its attention and share maps, then the ownership map, into `mapsDir`.
bool writeMaps(const mosaic::GenerationResult &result, const std::string &mapsDir)
{
    std::error_code ec;
    std::filesystem::create_directories(mapsDir, ec);
    std::vector<uint32_t> palette;
    for (int k = 0; k < 8; ++k)
        palette.push_back(mosaic::subjectColor(k));
    for (size_t i = 0; i < result.subjects.size(); ++i) {
        const auto &m = result.subjects[i];
        mosaic::FloatMap norm = m.attention;
        const float peak = norm.values.empty() ? 0.f : *std::max_element(norm.values.begin(), norm.values.end());
        for (auto &v : norm.values)
            v = peak > 0 ? v / peak : 0.f;
        const std::string base = mapsDir + "/" + safeName(m.name, i);
        for (const auto &[file, map] : {std::pair<std::string, const mosaic::FloatMap *>{base + "_attention.png", &norm},
                                        {base + "_share.png", &m.share}}) {
            if (auto s = mosaic::savePng(file, mosaic::colorizeMap(*map)); !s.ok()) {
                std::fprintf(stderr, "mosaic generate: %s\n", s.message.c_str());
                return false;
            }
        }
        if (m.massInRegion >= 0)
            std::printf("  %s: %.1f%% of its attention share lies inside its region\n", m.name.c_str(),
                        100.0 * m.massInRegion);
        if (!m.share.values.empty()) {
            // How much the image looks at this reference at all (a model that ignores its
            // references shows a few per cent here, and the same image for any reference).
            double sum = 0, peak = 0;
            for (float v : m.share.values) {
                sum += v;
                peak = std::max(peak, static_cast<double>(v));
            }
            std::printf("  %s: the image's attention on this reference: mean %.1f%%, peak %.1f%% (double blocks)\n",
                        m.name.c_str(), 100.0 * sum / static_cast<double>(m.share.values.size()), 100.0 * peak);
        }
    }
    if (auto s = mosaic::savePng(mapsDir + "/ownership.png", mosaic::colorizeIndexMap(result.ownership, palette));
        !s.ok()) {
        std::fprintf(stderr, "mosaic generate: %s\n", s.message.c_str());
        return false;
    }
    std::printf("maps in %s\n", mapsDir.c_str());
    return true;
}

} // namespace

int runGenerate(const Args &args)
{
    const auto unknown = args.unknown({"model", "prompt", "negative", "ref", "name", "box", "mask", "point", "seed",
                                       "steps", "guidance", "cfg", "ref-cfg", "size", "region-strength", "point-strength", "lora",
                                       "lora-scale", "out", "maps", "init", "strength", "collage", "auto-layout",
                                       "t5", "clip", "ae", "t5-tokenizer", "clip-tokenizer", "max-memory", "max-vram",
                                       "device", "dtype", "text-dtype", "latents", "estimate"});
    if (!args.error().empty() || !unknown.empty() || !args.positional().empty() || !args.has("out")) {
        if (!args.error().empty())
            std::fprintf(stderr, "mosaic generate: %s\n", args.error().c_str());
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic generate: unknown option %s\n", u.c_str());
        if (!args.has("out"))
            std::fprintf(stderr, "mosaic generate: --out is required\n");
        printUsage("generate", stderr);
        return kExitUsage;
    }
    // No --model: the bundled MOSAIC-Toys model.
    std::string modelPath = args.value("model");
    if (modelPath.empty()) {
        modelPath = mosaic::findDefaultModel();
        if (modelPath.empty()) {
            std::fprintf(stderr, "mosaic generate: no --model given and the bundled model was not found; looked in:\n");
            for (const auto &c : mosaic::defaultModelCandidates())
                std::fprintf(stderr, "  %s\n", c.c_str());
            return kExitFailure;
        }
    }
    mosaic::GenerationRequest req = requestSettings(args);
    if (!readSubjects(args, &req))
        return kExitFailure;
    const std::string out = args.value("out");
    const std::string mapsDir = args.value("maps");
    req.capture.enabled = !mapsDir.empty();

    if (args.has("latents")) {
        std::vector<int64_t> shape;
        if (auto ls = mosaic::loadLatents(args.value("latents"), &req.latents, &shape); !ls.ok()) {
            std::fprintf(stderr, "mosaic generate: %s\n", ls.message.c_str());
            return kExitFailure;
        }
    }
    mosaic::ModelSetSpec spec;
    std::string badOption;
    if (!modelSetSpec(args, modelPath, &spec, &badOption)) {
        std::fprintf(stderr, "mosaic generate: %s\n", badOption.c_str());
        return kExitUsage;
    }
    // More subjects than the model takes: said before it loads (the set's description is read from headers).
    mosaic::ModelSetReport described;
    if (mosaic::describeModelSet(spec, &described).ok() && described.maxSubjects > 0 &&
        static_cast<int>(req.subjects.size()) > described.maxSubjects) {
        std::fprintf(stderr, "mosaic generate: %zu --ref images, but %s takes at most %d subjects\n", req.subjects.size(),
                     described.name.c_str(), described.maxSubjects);
        return kExitUsage;
    }
    mosaic::Status st;
    auto bundle = mosaic::ModelBundle::load(spec, &st);
    if (!bundle) {
        std::fprintf(stderr, "mosaic generate: %s\n", st.message.c_str());
        return kExitFailure;
    }
    std::fprintf(stderr, "mosaic generate: %zu subject(s), model '%s' from %s\n", req.subjects.size(),
                 bundle->description().summary().c_str(), modelPath.c_str());
    reportPlacement(req, bundle->description());
    // What the run will take here, said before it starts when it is long or would not fit.
    mosaic::RunEstimate estimate;
    if (mosaic::estimateRun(*bundle, req, &estimate).ok() && (estimate.worthSaying || args.has("estimate")))
        std::fprintf(stderr, "mosaic generate: %s\n", estimate.text.c_str());
    if (args.has("estimate"))
        return kExitOk;
    mosaic::GenerationResult result;
    mosaic::GenerationCallbacks cb;
    cb.progress = progressBar;
    st = mosaic::generate(*bundle, req, &result, cb);
    if (!st.ok()) {
        std::fprintf(stderr, "\nmosaic generate: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    st = mosaic::savePng(out, result.image, {{"parameters", result.parametersText}, {"mosaic", result.parametersJson}});
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic generate: %s\n", st.message.c_str());
        return kExitFailure;
    }
    std::printf("wrote %s (%dx%d) in %.2f s: prepare %.2f s, denoise %.2f s, decode %.2f s\n", out.c_str(),
                result.image.width, result.image.height,
                result.prepareSeconds + result.denoiseSeconds + result.decodeSeconds, result.prepareSeconds,
                result.denoiseSeconds, result.decodeSeconds);
    if (!mapsDir.empty() && !writeMaps(result, mapsDir))
        return kExitFailure;
    return kExitOk;
}

} // namespace cli
