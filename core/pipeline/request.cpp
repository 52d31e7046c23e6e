// The request <-> JSON pair, the mask rule and the palette (mosaic/request.h). No LibTorch here.
#include <mosaic/request.h>

#include "io/safetensors.h"
#include "pipeline/request_json.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strings.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mosaic {

namespace {

using nlohmann::json;

[[noreturn]] void bad(const std::string &field, const std::string &what)
{
    throw Error(StatusCode::InvalidArgument, format("request field \"{}\": {}", field, what));
}

const json *field(const json &o, const char *key)
{
    const auto it = o.find(key);
    return it == o.end() || it->is_null() ? nullptr : &*it;
}

double number(const json &v, const std::string &name)
{
    if (!v.is_number())
        bad(name, "not a number");
    const double x = v.get<double>();
    if (!std::isfinite(x))
        bad(name, "not finite");
    return x;
}

double numberIn(const json &v, const std::string &name, double lo, double hi)
{
    const double x = number(v, name);
    if (x < lo || x > hi)
        bad(name, format("{} is outside [{}, {}]", x, lo, hi));
    return x;
}

int intIn(const json &v, const std::string &name, int lo, int hi)
{
    const double x = numberIn(v, name, lo, hi);
    if (x != std::floor(x))
        bad(name, "not a whole number");
    return static_cast<int>(x);
}

std::string text(const json &v, const std::string &name, size_t maxBytes = 64u << 10)
{
    if (!v.is_string())
        bad(name, "not a string");
    const auto &s = v.get_ref<const std::string &>();
    if (s.size() > maxBytes)
        bad(name, format("longer than {} bytes", maxBytes));
    return s;
}

uint64_t seedOf(const json &v)
{
    if (v.is_number_unsigned())
        return v.get<uint64_t>();
    if (v.is_number_integer()) // signed and negative (non-negative integers parse as unsigned)
        bad("seed", "negative");
    if (v.is_number_float()) {
        const double x = v.get<double>();
        if (!(x >= 0.0 && x < 18446744073709551616.0) || x != std::floor(x))
            bad("seed", "not a whole number in [0, 2^64)");
        return static_cast<uint64_t>(x);
    }
    if (v.is_string()) { // as older project files wrote it
        const auto &s = v.get_ref<const std::string &>();
        if (s.empty() || s.size() > 20 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            bad("seed", "not a decimal number");
        uint64_t x = 0;
        for (char c : s) {
            if (x > (std::numeric_limits<uint64_t>::max() - uint64_t(c - '0')) / 10)
                bad("seed", "above 2^64 - 1");
            x = x * 10 + uint64_t(c - '0');
        }
        return x;
    }
    bad("seed", "not a number");
}

// A guidance scale: < 0 is the model's default (-1), 1 is off, up to 100.
float scaleOf(const json &v, const std::string &name)
{
    const double x = number(v, name);
    if (x < 0)
        return -1.0f;
    if (x < 1.0 || x > 100.0)
        bad(name, format("{} is neither the default (-1) nor in [1, 100]", x));
    return static_cast<float>(x);
}

NormalizedBox boxOf(const json &v, const std::string &name)
{
    if (!v.is_array() || v.size() != 4)
        bad(name, "not [x, y, w, h]");
    double b[4];
    for (size_t i = 0; i < 4; ++i)
        b[i] = numberIn(v[i], name, -1e6, 1e6);
    // Clipped to the canvas, as the app clips what it draws.
    const double x0 = std::clamp(b[0], 0.0, 1.0), y0 = std::clamp(b[1], 0.0, 1.0);
    const double x1 = std::clamp(b[0] + b[2], 0.0, 1.0), y1 = std::clamp(b[1] + b[3], 0.0, 1.0);
    if (!(x1 > x0 && y1 > y0))
        bad(name, "an empty box");
    return {static_cast<float>(x0), static_cast<float>(y0), static_cast<float>(x1 - x0), static_cast<float>(y1 - y0)};
}

constexpr size_t kMaxSubjectsInJson = 64, kMaxPointsInJson = 4096;

void readSubjects(const json &v, GenerationRequest *r)
{
    if (!v.is_array())
        bad("subjects", "not a list");
    if (v.size() > kMaxSubjectsInJson)
        bad("subjects", format("{} subjects, more than {}", v.size(), kMaxSubjectsInJson));
    std::vector<Subject> subjects(v.size());
    for (size_t i = 0; i < v.size(); ++i) {
        const std::string at = format("subjects[{}]", i);
        const json &o = v[i];
        if (!o.is_object())
            bad(at, "not an object");
        Subject &s = subjects[i];
        if (i < r->subjects.size()) // the images and mask travel beside the JSON
            s = r->subjects[i];
        if (const json *x = field(o, "name"))
            s.name = text(*x, at + ".name", 1024);
        s.box.reset();
        if (const json *x = field(o, "box"))
            s.box = boxOf(*x, at + ".box");
        if (const json *x = field(o, "points")) {
            if (!x->is_array() || x->size() > kMaxPointsInJson)
                bad(at + ".points", format("not a list of at most {} points", kMaxPointsInJson));
            s.points.clear();
            for (const json &p : *x) {
                if (!p.is_array() || p.size() != 4)
                    bad(at + ".points", "a point is not [rx, ry, tx, ty]");
                float c[4];
                for (size_t k = 0; k < 4; ++k)
                    c[k] = static_cast<float>(std::clamp(numberIn(p[k], at + ".points", -1e6, 1e6), 0.0, 1.0));
                s.points.push_back({c[0], c[1], c[2], c[3]});
            }
        }
    }
    r->subjects = std::move(subjects);
}

} // namespace

nlohmann::json requestJsonObject(const GenerationRequest &r)
{
    json j;
    j["version"] = kRequestJsonVersion;
    j["prompt"] = r.prompt;
    if (!r.promptAsWritten.empty() && r.promptAsWritten != r.prompt)
        j["prompt_as_written"] = r.promptAsWritten;
    j["negative_prompt"] = r.negativePrompt;
    j["seed"] = r.seed;
    j["steps"] = r.steps;
    j["guidance"] = r.guidance;
    j["cfg_scale"] = r.cfgScale;
    j["ref_cfg_scale"] = r.refCfgScale;
    j["collage"] = r.collage;
    j["auto_layout"] = r.autoLayout;
    j["width"] = r.width;
    j["height"] = r.height;
    j["region_strength"] = r.regionStrength;
    j["point_strength"] = r.pointStrength;
    j["lora_scale"] = r.loraScale;
    j["strength"] = r.strength;
    json subjects = json::array();
    for (const auto &s : r.subjects) {
        json sj = {{"name", s.name}};
        if (s.box)
            sj["box"] = {s.box->x, s.box->y, s.box->w, s.box->h};
        if (s.mask.width > 0)
            sj["mask"] = {{"width", s.mask.width}, {"height", s.mask.height}};
        json pts = json::array();
        for (const auto &p : s.points)
            pts.push_back({p.refX, p.refY, p.tgtX, p.tgtY});
        sj["points"] = pts;
        subjects.push_back(sj);
    }
    j["subjects"] = subjects;
    return j;
}

std::string requestToJson(const GenerationRequest &request)
{
    return requestJsonObject(request).dump();
}

Status loadLatents(const std::string &path, std::vector<float> *latents, std::vector<int64_t> *shape)
{
    return guarded([&] {
        const auto f = st::File::open(path);
        if (!f->contains("latents"))
            throw Error(StatusCode::InvalidArgument, path + ": no tensor named 'latents'");
        const st::TensorInfo &info = f->info("latents");
        if (info.dtype != st::DType::F32 && info.dtype != st::DType::BF16 && info.dtype != st::DType::F16)
            throw Error(StatusCode::InvalidArgument, format("{}: 'latents' is {}, not F32, BF16 or F16", path,
                                                            st::dtypeName(info.dtype)));
        std::vector<int64_t> s = info.shape;
        if (s.size() == 3 && s[0] == 1)
            s.erase(s.begin());
        if (s.size() != 2 || s[0] < 1 || s[1] < 1 || s[0] > (1 << 16) || s[1] > 4096)
            throw Error(StatusCode::InvalidArgument, format("{}: 'latents' is {}, not [1, tokens, values] or [tokens, values]",
                                                            path, shapeString(info.shape)));
        const at::Tensor t = f->tensor("latents").to(at::kFloat).contiguous();
        if (!at::isfinite(t).all().item<bool>())
            throw Error(StatusCode::InvalidArgument, path + ": 'latents' holds values that are not finite");
        latents->assign(t.data_ptr<float>(), t.data_ptr<float>() + t.numel());
        if (shape)
            *shape = s;
    });
}

Status requestFromJson(const std::string &jsonText, GenerationRequest *request)
{
    return guarded([&] {
        const nlohmann::json j = parseBoundedJson(jsonText, "request", {kMaxRequestJsonBytes, 8});
        if (!j.is_object())
            throw Error(StatusCode::InvalidArgument, "request: not a JSON object");
        GenerationRequest r = *request;
        if (const json *v = field(j, "version"))
            if (intIn(*v, "version", 1, 1000) > kRequestJsonVersion)
                bad("version", format("version {} is newer than this program reads ({})", v->get<double>(),
                                      kRequestJsonVersion));
        if (const json *v = field(j, "prompt"))
            r.prompt = text(*v, "prompt");
        r.promptAsWritten.clear();
        if (const json *v = field(j, "prompt_as_written"))
            r.promptAsWritten = text(*v, "prompt_as_written");
        if (const json *v = field(j, "negative_prompt"))
            r.negativePrompt = text(*v, "negative_prompt");
        if (const json *v = field(j, "seed"))
            r.seed = seedOf(*v);
        if (const json *v = field(j, "steps"))
            r.steps = intIn(*v, "steps", 0, 1000);
        if (const json *v = field(j, "guidance")) {
            const double g = numberIn(*v, "guidance", -1e6, 100);
            r.guidance = g < 0 ? -1.0f : static_cast<float>(g);
        }
        if (const json *v = field(j, "cfg_scale"))
            r.cfgScale = scaleOf(*v, "cfg_scale");
        if (const json *v = field(j, "ref_cfg_scale"))
            r.refCfgScale = scaleOf(*v, "ref_cfg_scale");
        if (const json *v = field(j, "collage")) {
            const double c = numberIn(*v, "collage", -1e6, 0.999999);
            r.collage = c < 0 ? -1.0f : static_cast<float>(c);
        }
        if (const json *v = field(j, "auto_layout")) {
            if (!v->is_boolean())
                bad("auto_layout", "not true or false");
            r.autoLayout = v->get<bool>();
        }
        if (const json *v = field(j, "size")) // older writers: a square canvas
            r.width = r.height = intIn(*v, "size", 0, 16384);
        if (const json *v = field(j, "width"))
            r.width = intIn(*v, "width", 0, 16384);
        if (const json *v = field(j, "height"))
            r.height = intIn(*v, "height", 0, 16384);
        if (const json *v = field(j, "region_strength"))
            r.regionStrength = static_cast<float>(numberIn(*v, "region_strength", 0, 100));
        if (const json *v = field(j, "point_strength"))
            r.pointStrength = static_cast<float>(numberIn(*v, "point_strength", 0, 100));
        if (const json *v = field(j, "lora_scale"))
            r.loraScale = static_cast<float>(numberIn(*v, "lora_scale", -100, 100));
        if (const json *v = field(j, "strength")) {
            r.strength = static_cast<float>(numberIn(*v, "strength", 0, 1));
            if (!(r.strength > 0.0f))
                bad("strength", "must be above 0");
        }
        if (const json *v = field(j, "subjects"))
            readSubjects(*v, &r);
        *request = std::move(r);
    });
}

FloatMap maskFromImage(const RgbaImage &image)
{
    FloatMap m;
    if (image.isNull() || image.pixels.size() != size_t(image.width) * size_t(image.height) * 4)
        return m;
    m.width = image.width;
    m.height = image.height;
    m.values.resize(size_t(image.width) * size_t(image.height));
    for (size_t i = 0; i < m.values.size(); ++i) {
        const uint8_t *p = &image.pixels[i * 4];
        // mean(R, G, B) * A / 255 > 127.5, in integers: (R + G + B) * A > 127.5 * 3 * 255
        const uint32_t v = (uint32_t(p[0]) + p[1] + p[2]) * p[3];
        m.values[i] = 2 * v > 3u * 255u * 255u ? 1.0f : 0.0f;
    }
    return m;
}

std::optional<NormalizedBox> maskExtent(const FloatMap &mask)
{
    if (mask.width <= 0 || mask.height <= 0 || mask.values.size() != size_t(mask.width) * size_t(mask.height))
        return std::nullopt;
    int x0 = mask.width, y0 = mask.height, x1 = -1, y1 = -1;
    for (int y = 0; y < mask.height; ++y)
        for (int x = 0; x < mask.width; ++x)
            if (mask.values[size_t(y) * size_t(mask.width) + size_t(x)] > 0.5f)
                x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    if (x1 < 0)
        return NormalizedBox{};
    const float w = static_cast<float>(mask.width), h = static_cast<float>(mask.height);
    return NormalizedBox{x0 / w, y0 / h, (x1 - x0 + 1) / w, (y1 - y0 + 1) / h};
}

uint32_t subjectColor(int index)
{
    static constexpr uint32_t colors[] = {0xe64b35, 0x1f77b4, 0x2ca02c, 0x9467bd,
                                          0xff9f1c, 0x17becf, 0xe377c2, 0x8c564b};
    return colors[static_cast<unsigned>(index) % 8u];
}

} // namespace mosaic
