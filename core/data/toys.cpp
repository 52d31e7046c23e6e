#include "data/toys.h"

#include "util/error.h"
#include "util/strings.h"

#include <ATen/CPUGeneratorImpl.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>

namespace mosaic::data {

const char *const kBackgroundNames[8] = {"grass", "beach", "snow", "night sky", "room floor", "desert", "ocean",
                                         "city street"};

namespace {

const char *const kBackgroundPhrases[8] = {"on the grass",      "on the beach",   "in the snow",
                                           "under a night sky", "on a room floor", "in the desert",
                                           "by the ocean",      "on a city street"};
const char *const kKinds[5] = {"blob", "block", "egg", "bean", "star"};
const char *const kCounts[7] = {"no", "one", "two", "three", "four", "five", "six"};

using Rgb = std::array<float, 3>;
const Rgb kBody[12] = {{0.90f, 0.25f, 0.22f}, {0.95f, 0.55f, 0.15f}, {0.95f, 0.82f, 0.20f}, {0.45f, 0.75f, 0.25f},
                       {0.15f, 0.60f, 0.45f}, {0.20f, 0.65f, 0.85f}, {0.25f, 0.35f, 0.80f}, {0.55f, 0.30f, 0.75f},
                       {0.90f, 0.45f, 0.70f}, {0.55f, 0.38f, 0.25f}, {0.55f, 0.58f, 0.60f}, {0.15f, 0.15f, 0.18f}};
const Rgb kPatternColor[8] = {{1.0f, 1.0f, 1.0f},  {0.05f, 0.05f, 0.05f}, {0.95f, 0.85f, 0.10f}, {0.10f, 0.35f, 0.90f},
                              {0.85f, 0.10f, 0.20f}, {0.10f, 0.70f, 0.30f}, {0.98f, 0.55f, 0.75f}, {0.50f, 0.25f, 0.10f}};
const float kTop[5] = {-0.50f, -0.40f, -0.61f, -0.30f, -0.55f}; // top of each body shape (v)

uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A layer: colour [3, h, w] (or broadcastable) and coverage [h, w].
struct Layer
{
    at::Tensor rgb, alpha;
};

at::Tensor coverage(const at::Tensor &sdf, double unitsPerPixel)
{
    return (0.5 - sdf / unitsPerPixel).clamp(0.0, 1.0);
}

at::Tensor color(const Rgb &c)
{
    return at::tensor({c[0], c[1], c[2]}, at::kFloat).view({3, 1, 1});
}

at::Tensor circle(const at::Tensor &u, const at::Tensor &v, double cx, double cy, double r)
{
    return at::sqrt((u - cx).pow(2) + (v - cy).pow(2)) - r;
}

at::Tensor ellipse(const at::Tensor &u, const at::Tensor &v, double cx, double cy, double a, double b)
{
    return (at::sqrt(((u - cx) / a).pow(2) + ((v - cy) / b).pow(2)) - 1.0) * std::min(a, b);
}

at::Tensor roundedBox(const at::Tensor &u, const at::Tensor &v, double cx, double cy, double hx, double hy, double r)
{
    const at::Tensor qx = (u - cx).abs() - (hx - r), qy = (v - cy).abs() - (hy - r);
    const at::Tensor outside = at::sqrt(qx.clamp_min(0).pow(2) + qy.clamp_min(0).pow(2));
    return outside + at::maximum(qx, qy).clamp_max(0) - r;
}

at::Tensor bodySdf(int shape, const at::Tensor &u, const at::Tensor &v)
{
    switch (shape) {
    case 0: return circle(u, v, 0.0, 0.1, 0.6);
    case 1: return roundedBox(u, v, 0.0, 0.1, 0.55, 0.5, 0.12);
    case 2: return ellipse(u, v, 0.0, 0.05, 0.48, 0.66);
    case 3: return ellipse(u, v, 0.0, 0.15, 0.68, 0.45);
    default: {
        const at::Tensor du = u, dv = v - 0.1;
        const at::Tensor r = at::sqrt(du.pow(2) + dv.pow(2));
        const at::Tensor theta = at::atan2(dv, du) + M_PI / 2; // a point up
        return (r - (0.45 + 0.17 * at::cos(5.0 * theta))) * 0.7;
    }
    }
}

at::Tensor patternMask(int pattern, const at::Tensor &u, const at::Tensor &v)
{
    switch (pattern) {
    case 1: return (at::sin(v * 18.0) > 0.35).to(at::kFloat);                                       // stripes
    case 2: return ((at::frac((u + 2.0) * 3.3 + 0.3) - 0.5).pow(2) + (at::frac((v + 2.0) * 3.3) - 0.5).pow(2) < 0.07)
                .to(at::kFloat);                                                                      // spots
    case 3: return (at::remainder(at::floor(u * 4.0) + at::floor(v * 4.0), 2.0) < 0.5).to(at::kFloat); // checker
    case 4: return (at::sin(at::sqrt((u - 0.18).pow(2) + (v - 0.25).pow(2)) * 22.0) > 0.3).to(at::kFloat); // rings
    default: return at::zeros_like(u);
    }
}

void over(Layer &dst, const at::Tensor &rgb, const at::Tensor &alpha)
{
    dst.rgb = rgb * alpha + dst.rgb * (1 - alpha);
    dst.alpha = alpha + dst.alpha * (1 - alpha);
}

// The subject at canonical coordinates u, v ([h, w] each); unitsPerPixel for anti-aliasing.
// Returns premultiplied-free colour and coverage.
Layer appearance(const ToyIdentity &id, const at::Tensor &u, const at::Tensor &v, double upp)
{
    const auto sz = u.sizes();
    Layer L{at::zeros({3, sz[0], sz[1]}, at::kFloat), at::zeros(sz, at::kFloat)};
    const Rgb body = kBody[id.color], pat = kPatternColor[id.patternColor];
    const Rgb dark{body[0] * 0.6f, body[1] * 0.6f, body[2] * 0.6f};
    const float top = kTop[id.shape];
    // Tail, then ears: behind the body.
    if (id.tail == 1)
        over(L, color(pat), coverage(ellipse(u, v, 0.66, 0.38, 0.24, 0.08), upp));
    else if (id.tail == 2)
        over(L, color(dark), coverage(circle(u, v, -0.66, 0.32, 0.15), upp));
    if (id.ears == 1) {
        over(L, color(dark), coverage(circle(u, v, -0.32, top + 0.02, 0.16), upp));
        over(L, color(dark), coverage(circle(u, v, 0.32, top + 0.02, 0.16), upp));
    } else if (id.ears == 2) {
        over(L, color(dark), coverage(ellipse(u, v, -0.27, top - 0.08, 0.09, 0.24), upp));
        over(L, color(dark), coverage(ellipse(u, v, 0.27, top - 0.08, 0.09, 0.24), upp));
    } else if (id.ears == 3) {
        over(L, color(dark), coverage(circle(u, v, -0.36, top, 0.17), upp)); // one ear, on the left
    }
    // Body with its pattern.
    const at::Tensor bodyA = coverage(bodySdf(id.shape, u, v), upp);
    const at::Tensor pm = patternMask(id.pattern, u, v).unsqueeze(0);
    over(L, color(body) * (1 - pm) + color(pat) * pm, bodyA);
    // Eyes: white with a pupil looking right (asymmetric on purpose).
    auto eye = [&](double x, double y, double r) {
        over(L, color({1.0f, 1.0f, 1.0f}), coverage(circle(u, v, x, y, r), upp) * bodyA);
        over(L, color({0.02f, 0.02f, 0.05f}), coverage(circle(u, v, x + 0.35 * r, y, 0.5 * r), upp) * bodyA);
    };
    if (id.eyes == 0) {
        eye(-0.2, -0.05, 0.1);
        eye(0.2, -0.05, 0.1);
    } else if (id.eyes == 1) {
        eye(0.14, -0.06, 0.15);
    } else {
        eye(-0.26, -0.1, 0.075);
        eye(0.0, -0.16, 0.075);
        eye(0.26, -0.04, 0.075);
    }
    // Hat on top.
    if (id.hat == 1) {
        over(L, color(pat), coverage(roundedBox(u, v, 0.08, top - 0.06, 0.32, 0.08, 0.04), upp));
    } else if (id.hat == 2) {
        over(L, color(dark), coverage(roundedBox(u, v, -0.06, top - 0.24, 0.16, 0.22, 0.03), upp));
        over(L, color(dark), coverage(roundedBox(u, v, -0.06, top - 0.03, 0.3, 0.04, 0.02), upp));
    }
    return L;
}

// Canonical bounding box of the subject (as MOSAIC crops the non-white pixels), from the parts'
// analytic extents: x0, y0, x1, y1.
std::array<double, 4> canonicalBox(const ToyIdentity &id)
{
    static const double body[5][4] = {{-0.60, -0.50, 0.60, 0.70}, {-0.55, -0.40, 0.55, 0.60}, {-0.48, -0.61, 0.48, 0.71},
                                      {-0.68, -0.30, 0.68, 0.60}, {-0.59, -0.52, 0.59, 0.60}};
    std::array<double, 4> b{body[id.shape][0], body[id.shape][1], body[id.shape][2], body[id.shape][3]};
    auto add = [&](double x0, double y0, double x1, double y1) {
        b = {std::min(b[0], x0), std::min(b[1], y0), std::max(b[2], x1), std::max(b[3], y1)};
    };
    const double top = kTop[id.shape];
    if (id.tail == 1)
        add(0.42, 0.30, 0.90, 0.46);
    else if (id.tail == 2)
        add(-0.81, 0.17, -0.51, 0.47);
    if (id.ears == 1)
        add(-0.48, top - 0.14, 0.48, top + 0.18);
    else if (id.ears == 2)
        add(-0.36, top - 0.32, 0.36, top + 0.16);
    else if (id.ears == 3)
        add(-0.53, top - 0.17, -0.19, top + 0.17);
    if (id.hat == 1)
        add(-0.24, top - 0.14, 0.40, top + 0.02);
    else if (id.hat == 2)
        add(-0.36, top - 0.46, 0.24, top + 0.01);
    return b;
}

struct RefFrame
{
    double cx, cy, k; // canonical centre, pixels per canonical unit
    int size;
};

RefFrame referenceFrame(const ToyIdentity &id, int size)
{
    const auto b = canonicalBox(id);
    return {(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, 0.9 * size / std::max(b[2] - b[0], b[3] - b[1]), size};
}

at::Tensor background(int kind, int h, int w, at::Generator &gen)
{
    const auto f = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor y = (at::arange(h, f) / h).view({1, h, 1}).expand({1, h, w});
    const at::Tensor x = (at::arange(w, f) / w).view({1, 1, w}).expand({1, h, w});
    const at::Tensor noise = at::rand({1, h, w}, gen, f);
    auto mix = [&](const Rgb &a, const Rgb &b, const at::Tensor &t) { return color(a) * (1 - t) + color(b) * t; };
    switch (kind) {
    case 0: // grass: green with blades
        return mix({0.20f, 0.55f, 0.18f}, {0.35f, 0.75f, 0.25f}, (0.5 + 0.5 * at::sin(x * 140.0 + noise * 3.0)) * 0.6 + y * 0.3);
    case 1: { // beach: sky, sea, sand
        const at::Tensor sand = mix({0.93f, 0.84f, 0.60f}, {0.85f, 0.74f, 0.50f}, noise * 0.5);
        const at::Tensor sea = mix({0.15f, 0.45f, 0.75f}, {0.30f, 0.65f, 0.85f}, 0.5 + 0.5 * at::sin(x * 60.0));
        const at::Tensor sky = mix({0.65f, 0.85f, 0.98f}, {0.85f, 0.93f, 1.0f}, y * 3.0);
        const at::Tensor isSky = (y < 0.25).to(at::kFloat), isSea = ((y >= 0.25) & (y < 0.42)).to(at::kFloat);
        return sky * isSky + sea * isSea + sand * (1 - isSky - isSea);
    }
    case 2: // snow: white-blue with flakes
        return mix({0.86f, 0.91f, 0.97f}, {0.98f, 0.99f, 1.0f}, y) * (1 - (noise > 0.985).to(at::kFloat) * 0.15);
    case 3: // night sky: dark blue with stars
        return mix({0.02f, 0.03f, 0.12f}, {0.08f, 0.10f, 0.28f}, y) + (noise > 0.992).to(at::kFloat) * 0.8;
    case 4: // room floor: wooden planks
        return mix({0.55f, 0.36f, 0.20f}, {0.70f, 0.50f, 0.30f},
                   (at::remainder(at::floor(y * 10.0), 2.0) * 0.5 + 0.25 + 0.25 * at::sin(x * 40.0 + y * 7.0)));
    case 5: // desert: dunes
        return mix({0.86f, 0.62f, 0.32f}, {0.95f, 0.76f, 0.45f}, 0.5 + 0.5 * at::sin(y * 30.0 + at::sin(x * 8.0) * 2.0));
    case 6: // ocean: waves
        return mix({0.05f, 0.25f, 0.55f}, {0.15f, 0.45f, 0.70f}, 0.5 + 0.5 * at::sin(y * 50.0 + at::sin(x * 20.0)));
    default: { // city street: asphalt with lane marks
        const at::Tensor lane = ((at::remainder(x * 8.0, 1.0) < 0.5) & ((y - 0.6).abs() < 0.015)).to(at::kFloat);
        return mix({0.25f, 0.25f, 0.27f}, {0.35f, 0.35f, 0.37f}, noise * 0.6) * (1 - lane) + lane * 0.95;
    }
    }
}

std::string positionWord(float cx)
{
    return cx < 0.36f ? "on the left" : cx > 0.64f ? "on the right" : "in the middle";
}

} // namespace

ToyIdentity ToyIdentity::fromId(int64_t id)
{
    if (id < 0 || id >= kCount)
        throw Error(StatusCode::InvalidArgument, format("toy identity {} is out of range", id));
    ToyIdentity t;
    t.id = id;
    int64_t r = id;
    auto take = [&](int n) {
        const int v = static_cast<int>(r % n);
        r /= n;
        return v;
    };
    t.shape = take(5);
    t.color = take(12);
    t.pattern = take(5);
    t.patternColor = take(8);
    t.ears = take(4);
    t.eyes = take(3);
    t.tail = take(3);
    t.hat = take(3);
    return t;
}

bool ToyIdentity::heldOut() const
{
    return splitmix(static_cast<uint64_t>(id) ^ 0x5eed5eedULL) % 10 == 0;
}

std::vector<std::string> toyVocabulary()
{
    std::vector<std::string> v{"toy", "toys", "a", "an", "and"};
    auto add = [&v](const std::string &text) {
        for (const auto &w : split(text, ' '))
            if (std::find(v.begin(), v.end(), w) == v.end())
                v.push_back(w);
    };
    for (const char *c : kCounts)
        add(c);
    for (const char *p : kBackgroundPhrases)
        add(p);
    for (const char *k : kKinds)
        add(k);
    for (float x : {0.1f, 0.3f, 0.5f, 0.7f, 0.9f})
        add(positionWord(x));
    return v;
}

std::vector<std::string> toyKinds()
{
    return {std::begin(kKinds), std::end(kKinds)};
}

const char *ToyIdentity::kind() const
{
    return kKinds[shape];
}

at::Tensor renderReference(const ToyIdentity &id, int size)
{
    const RefFrame f = referenceFrame(id, size);
    const at::Tensor c = (at::arange(size, at::kFloat) + 0.5 - size / 2.0) / f.k;
    const at::Tensor v = (c + f.cy).unsqueeze(1).expand({size, size});
    const at::Tensor u = (c + f.cx).unsqueeze(0).expand({size, size});
    const Layer L = appearance(id, u, v, 1.0 / f.k);
    return L.rgb * L.alpha + (1 - L.alpha); // over white
}

void checkToysOptions(const ToysOptions &o)
{
    if (o.size < 32 || o.refSize < 32 || o.minSubjects < 1 || o.maxSubjects > 6 || o.minSubjects > o.maxSubjects)
        throw Error(StatusCode::InvalidArgument, "MOSAIC-Toys: sizes must be at least 32 and subjects 1 to 6");
    if (o.alignedShrink < 0 || (o.alignedShrink > 0 && (o.refSize % (16 * o.alignedShrink) != 0 ||
                                                         o.refSize / o.alignedShrink > o.size)))
        throw Error(StatusCode::InvalidArgument, format("MOSAIC-Toys: aligned toys shrink the {}-px reference a whole number of "
                                                        "times into whole 16-px tokens that fit the {}-px scene, not {} times",
                                                        o.refSize, o.size, o.alignedShrink));
    if (!(o.minScale >= 0.03 && o.minScale <= o.maxScale && o.maxScale <= 0.35))
        throw Error(StatusCode::InvalidArgument, format("MOSAIC-Toys: the subject scale range must lie within 0.03-0.35 "
                                                        "with min <= max, not {}-{}", o.minScale, o.maxScale));
    if (o.split != "test" && o.split != "train")
        throw Error(StatusCode::InvalidArgument, "MOSAIC-Toys: the split is train or test, not '" + o.split + "'");
}

ToySample renderToySample(const ToysOptions &o, int64_t index)
{
    checkToysOptions(o);
    const bool test = o.split == "test";
    const uint64_t stream = splitmix(o.seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(index) + (test ? 1ULL << 62 : 0));
    std::mt19937_64 rng(stream);
    auto gen = at::make_generator<at::CPUGeneratorImpl>(stream ^ 0xabcdefULL);
    auto uniform = [&](double a, double b) { return std::uniform_real_distribution<double>(a, b)(rng); };
    const int H = o.size, W = o.size;

    ToySample s;
    s.background = static_cast<int>(rng() % 8);
    s.target = background(s.background, H, W, gen).expand({3, H, W}).clamp(0.0, 1.0).contiguous(); // [3, H, W]
    const int n = o.minSubjects + static_cast<int>(rng() % static_cast<uint64_t>(o.maxSubjects - o.minSubjects + 1));

    struct Placement
    {
        ToyIdentity id;
        double cx, cy, s;
        bool flip;
    };
    std::vector<Placement> place;
    std::vector<std::array<int, 2>> squares; // aligned toys: the reference squares' corners
    while (static_cast<int>(place.size()) < n) {
        const ToyIdentity id = ToyIdentity::fromId(static_cast<int64_t>(rng() % ToyIdentity::kCount));
        if (id.heldOut() != test)
            continue;
        if (std::any_of(place.begin(), place.end(), [&](const Placement &p) { return p.id.id == id.id; }))
            continue;
        if (o.alignedShrink > 0) {
            // The reference's square, shrunk k times, at a whole token of the target, below the top
            // quarter; squares overlap others as little as a few tries allow.
            const int k = o.alignedShrink, P = o.refSize / k;
            const int cols = std::max(1, (W - P) / 16 + 1), top = std::min((H / 4) / 16, std::max(0, (H - P) / 16)),
                      rows = std::max(1, (H - P) / 16 + 1 - top);
            std::array<int, 2> best{0, 0};
            int bestOverlap = -1;
            for (int attempt = 0; attempt < 16 && bestOverlap != 0; ++attempt) {
                const std::array<int, 2> c{static_cast<int>(rng() % static_cast<uint64_t>(cols)) * 16,
                                           (top + static_cast<int>(rng() % static_cast<uint64_t>(rows))) * 16};
                int overlap = 0;
                for (const auto &q : squares)
                    overlap += std::max(0, P - std::abs(c[0] - q[0])) * std::max(0, P - std::abs(c[1] - q[1]));
                if (bestOverlap < 0 || overlap < bestOverlap)
                    best = c, bestOverlap = overlap;
            }
            squares.push_back(best);
            const RefFrame f = referenceFrame(id, o.refSize);
            // Reference pixel centre x_r maps to best[0] + x_r / k, so canonical 0 sits at this point.
            place.push_back({id, best[0] + (o.refSize / 2.0 - f.cx * f.k) / k, best[1] + (o.refSize / 2.0 - f.cy * f.k) / k,
                             f.k / k, false});
            continue;
        }
        const double sc = W * uniform(o.minScale, o.maxScale) * (n <= 2 ? 1.3 : 1.0);
        place.push_back({id, uniform(sc * 0.8, W - sc * 0.8), uniform(H * 0.3, H - sc * 0.7), sc, (rng() & 1) != 0});
    }
    // Farther (higher) subjects first: lower ones are in front and may hide them partly.
    std::stable_sort(place.begin(), place.end(), [](const Placement &a, const Placement &b) { return a.cy < b.cy; });

    const auto f = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor px = at::arange(W, f) + 0.5, py = at::arange(H, f) + 0.5;
    std::vector<at::Tensor> alphas;
    for (const auto &p : place) {
        const at::Tensor u = ((px - p.cx) / p.s * (p.flip ? -1.0 : 1.0)).unsqueeze(0).expand({H, W});
        const at::Tensor v = ((py - p.cy) / p.s).unsqueeze(1).expand({H, W});
        // Only the window around the subject is evaluated (the canonical box plus a margin).
        const auto cb = canonicalBox(p.id);
        const double ext = std::max({std::abs(cb[0]), std::abs(cb[2])}) + 0.05;
        const int x0 = std::max(0, static_cast<int>(p.cx - ext * p.s)), x1 = std::min(W, static_cast<int>(p.cx + ext * p.s) + 2);
        const int y0 = std::max(0, static_cast<int>(p.cy + (cb[1] - 0.05) * p.s)),
                  y1 = std::min(H, static_cast<int>(p.cy + (cb[3] + 0.05) * p.s) + 2);
        at::Tensor alpha = at::zeros({H, W}, f);
        if (x1 > x0 && y1 > y0) {
            const Layer L = appearance(p.id, u.narrow(0, y0, y1 - y0).narrow(1, x0, x1 - x0),
                                       v.narrow(0, y0, y1 - y0).narrow(1, x0, x1 - x0), 1.0 / p.s);
            at::Tensor win = s.target.narrow(1, y0, y1 - y0).narrow(2, x0, x1 - x0);
            win.copy_(L.rgb * L.alpha + win * (1 - L.alpha));
            alpha.narrow(0, y0, y1 - y0).narrow(1, x0, x1 - x0).copy_(L.alpha);
        }
        alphas.push_back(alpha);

        ToySubject sub;
        sub.identity = p.id;
        sub.flipped = p.flip;
        sub.centerX = static_cast<float>(p.cx / W);
        const RefFrame rf = referenceFrame(p.id, o.refSize);
        sub.reference = renderReference(p.id, o.refSize);
        // Exact correspondence: target pixel -> canonical (u, v) -> reference pixel.
        const at::Tensor rx = ((u - rf.cx) * rf.k + o.refSize / 2.0) / o.refSize;
        const at::Tensor ry = ((v - rf.cy) * rf.k + o.refSize / 2.0) / o.refSize;
        sub.refCoords = at::stack({rx, ry}, -1);
        const auto a = alpha > (1.0 / 255.0);
        const auto ys = a.any(1).nonzero(), xs = a.any(0).nonzero();
        if (ys.numel() > 0)
            sub.box = {static_cast<float>(xs.min().item<int64_t>()) / W, static_cast<float>(ys.min().item<int64_t>()) / H,
                       static_cast<float>(xs.max().item<int64_t>() - xs.min().item<int64_t>() + 1) / W,
                       static_cast<float>(ys.max().item<int64_t>() - ys.min().item<int64_t>() + 1) / H};
        s.subjects.push_back(std::move(sub));
    }
    // Visibility: a pixel belongs to a subject where its own coverage, times what the subjects in
    // front leave of it, is at least one half.
    for (size_t i = 0; i < s.subjects.size(); ++i) {
        at::Tensor vis = alphas[i].clone();
        for (size_t j = i + 1; j < alphas.size(); ++j)
            vis = vis * (1 - alphas[j]);
        s.subjects[i].mask = vis >= 0.5;
        s.subjects[i].refCoords = at::where(s.subjects[i].mask.unsqueeze(-1), s.subjects[i].refCoords,
                                            at::full_like(s.subjects[i].refCoords, -1.0));
    }
    // Prompt: scene, count, coarse kinds and where they stand; never colours or patterns.
    std::vector<const ToySubject *> byX;
    for (const auto &sub : s.subjects)
        byX.push_back(&sub);
    std::stable_sort(byX.begin(), byX.end(), [](const ToySubject *a, const ToySubject *b) { return a->centerX < b->centerX; });
    std::string list;
    for (size_t i = 0; i < byX.size(); ++i) {
        if (i)
            list += i + 1 == byX.size() ? " and " : ", ";
        const std::string kind = byX[i]->identity.kind();
        list += (kind[0] == 'e' ? "an " : "a ") + kind + " " + positionWord(byX[i]->centerX);
    }
    s.prompt = format("{} toy{} {}: {}", kCounts[n], n == 1 ? "" : "s", kBackgroundPhrases[s.background], list);
    return s;
}

} // namespace mosaic::data
