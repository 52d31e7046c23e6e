#include "pipeline/collage.h"

#include "image/convert.h"
#include "pipeline/denoise.h"
#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/log.h"

#include <algorithm>
#include <cmath>

namespace mosaic::pipeline {

at::Tensor referenceSubjectMask(const RgbaImage &ref, int tolerance)
{
    const int w = ref.width, h = ref.height;
    if (ref.isNull() || ref.pixels.size() != static_cast<size_t>(w) * static_cast<size_t>(h) * 4)
        throw Error(StatusCode::InvalidArgument, "the reference's pixels do not fill its size");
    const int limit = 255 - std::clamp(tolerance, 0, 255);
    auto whiteish = [&](size_t i) {
        const uint8_t *p = &ref.pixels[i * 4];
        const int a = p[3];
        for (int c = 0; c < 3; ++c)
            if ((p[c] * a + 255 * (255 - a) + 127) / 255 < limit) // over white, as prepareReference
                return false;
        return true;
    };
    const size_t n = static_cast<size_t>(w) * static_cast<size_t>(h);
    std::vector<uint8_t> ground(n, 0); // reached from the border through white
    std::vector<size_t> stack;
    auto seed = [&](int x, int y) {
        const size_t i = static_cast<size_t>(y) * w + x;
        if (!ground[i] && whiteish(i)) {
            ground[i] = 1;
            stack.push_back(i);
        }
    };
    for (int x = 0; x < w; ++x) {
        seed(x, 0);
        seed(x, h - 1);
    }
    for (int y = 0; y < h; ++y) {
        seed(0, y);
        seed(w - 1, y);
    }
    while (!stack.empty()) {
        const size_t i = stack.back();
        stack.pop_back();
        const int x = static_cast<int>(i % w), y = static_cast<int>(i / w);
        if (x > 0)
            seed(x - 1, y);
        if (x + 1 < w)
            seed(x + 1, y);
        if (y > 0)
            seed(x, y - 1);
        if (y + 1 < h)
            seed(x, y + 1);
    }
    at::Tensor mask = at::empty({h, w}, at::kFloat);
    float *m = mask.data_ptr<float>();
    for (size_t i = 0; i < n; ++i)
        m[i] = ground[i] ? 0.0f : 1.0f;
    return mask;
}

PixelBox maskBox(const at::Tensor &mask)
{
    const at::Tensor rows = (mask > 0).any(1), cols = (mask > 0).any(0);
    const at::Tensor ys = rows.nonzero(), xs = cols.nonzero();
    if (ys.numel() == 0 || xs.numel() == 0)
        return {};
    const int y0 = static_cast<int>(ys.min().item<int64_t>()), y1 = static_cast<int>(ys.max().item<int64_t>());
    const int x0 = static_cast<int>(xs.min().item<int64_t>()), x1 = static_cast<int>(xs.max().item<int64_t>());
    return {x0, y0, x1 - x0 + 1, y1 - y0 + 1};
}

namespace {

// [C, H, W] -> [C, h, w]: area average where it shrinks, bilinear where it grows.
at::Tensor resized(const at::Tensor &t, int64_t h, int64_t w)
{
    at::Tensor x = t.unsqueeze(0);
    if (x.size(2) > h || x.size(3) > w)
        x = at::adaptive_avg_pool2d(x, {std::min(x.size(2), h), std::min(x.size(3), w)});
    if (x.size(2) != h || x.size(3) != w)
        x = at::upsample_bilinear2d(x, {h, w}, false);
    return x[0];
}

} // namespace

void pasteSubject(at::Tensor &canvas, const RgbaImage &reference, const at::Tensor &mask, const PixelBox &box)
{
    const PixelBox src = maskBox(mask);
    if (src.empty() || box.empty())
        return;
    const int64_t H = canvas.size(2), W = canvas.size(3);
    const double factor = std::min(static_cast<double>(box.w) / src.w, static_cast<double>(box.h) / src.h);
    const int64_t w = std::max<int64_t>(1, std::lround(src.w * factor));
    const int64_t h = std::max<int64_t>(1, std::lround(src.h * factor));
    const int64_t x0 = box.x + (box.w - w) / 2, y0 = box.y + (box.h - h) / 2;
    const at::Tensor colour = image::toTensor(reference)[0].slice(1, src.y, src.y + src.h).slice(2, src.x, src.x + src.w);
    const at::Tensor m = mask.slice(0, src.y, src.y + src.h).slice(1, src.x, src.x + src.w).unsqueeze(0);
    // Premultiplied, so that the white around the subject does not bleed into its scaled edge.
    const at::Tensor alpha = resized(m, h, w);
    const at::Tensor premul = resized(colour * m, h, w);
    const at::Tensor rgb = premul / alpha.clamp_min(1e-6);
    // The part of the pasted rectangle that lies on the canvas.
    const int64_t cx0 = std::max<int64_t>(0, x0), cy0 = std::max<int64_t>(0, y0);
    const int64_t cx1 = std::min<int64_t>(W, x0 + w), cy1 = std::min<int64_t>(H, y0 + h);
    if (cx1 <= cx0 || cy1 <= cy0)
        return;
    at::Tensor dst = canvas[0].slice(1, cy0, cy1).slice(2, cx0, cx1);
    const at::Tensor a = alpha.slice(1, cy0 - y0, cy1 - y0).slice(2, cx0 - x0, cx1 - x0);
    const at::Tensor c = rgb.slice(1, cy0 - y0, cy1 - y0).slice(2, cx0 - x0, cx1 - x0);
    dst.copy_(dst * (1.0 - a) + c * a);
}

std::optional<PixelBox> subjectPlace(const Subject &s, int index, int width, int height, const IndexMap *ownership,
                                     int tokenSide)
{
    auto scaled = [&](double x0, double y0, double x1, double y1) {
        PixelBox b;
        b.x = static_cast<int>(std::lround(x0 * width));
        b.y = static_cast<int>(std::lround(y0 * height));
        b.w = std::max(1, static_cast<int>(std::lround(x1 * width)) - b.x);
        b.h = std::max(1, static_cast<int>(std::lround(y1 * height)) - b.y);
        return b;
    };
    if (s.box)
        return scaled(s.box->x, s.box->y, s.box->x + s.box->w, s.box->y + s.box->h);
    if (s.mask.width > 0 && s.mask.height > 0 &&
        s.mask.values.size() == static_cast<size_t>(s.mask.width) * static_cast<size_t>(s.mask.height)) {
        const at::Tensor m = at::from_blob(const_cast<float *>(s.mask.values.data()), {s.mask.height, s.mask.width},
                                           at::kFloat) > 0.5f;
        const PixelBox mb = maskBox(m.to(at::kFloat));
        if (mb.empty())
            return std::nullopt;
        return scaled(static_cast<double>(mb.x) / s.mask.width, static_cast<double>(mb.y) / s.mask.height,
                      static_cast<double>(mb.x + mb.w) / s.mask.width, static_cast<double>(mb.y + mb.h) / s.mask.height);
    }
    if (!ownership || ownership->width <= 0 || tokenSide <= 0 ||
        ownership->values.size() != static_cast<size_t>(ownership->width) * static_cast<size_t>(ownership->height))
        return std::nullopt;
    // The largest 4-connected group of the subject's tokens (sampled at each token's first pixel).
    const int gw = ownership->width / tokenSide, gh = ownership->height / tokenSide;
    std::vector<int> label(static_cast<size_t>(gw) * static_cast<size_t>(gh), 0);
    auto owned = [&](int x, int y) {
        return ownership->values[static_cast<size_t>(y) * tokenSide * ownership->width +
                                 static_cast<size_t>(x) * tokenSide] == index;
    };
    PixelBox best;
    int bestCount = 0, next = 0;
    std::vector<std::pair<int, int>> stack;
    for (int y = 0; y < gh; ++y)
        for (int x = 0; x < gw; ++x) {
            if (label[static_cast<size_t>(y) * gw + x] || !owned(x, y))
                continue;
            ++next;
            int count = 0, bx0 = x, by0 = y, bx1 = x, by1 = y;
            stack.assign(1, {x, y});
            label[static_cast<size_t>(y) * gw + x] = next;
            while (!stack.empty()) {
                const auto [cx, cy] = stack.back();
                stack.pop_back();
                ++count;
                bx0 = std::min(bx0, cx);
                by0 = std::min(by0, cy);
                bx1 = std::max(bx1, cx);
                by1 = std::max(by1, cy);
                const int nx[4] = {cx - 1, cx + 1, cx, cx}, ny[4] = {cy, cy, cy - 1, cy + 1};
                for (int k = 0; k < 4; ++k)
                    if (nx[k] >= 0 && nx[k] < gw && ny[k] >= 0 && ny[k] < gh &&
                        !label[static_cast<size_t>(ny[k]) * gw + nx[k]] && owned(nx[k], ny[k])) {
                        label[static_cast<size_t>(ny[k]) * gw + nx[k]] = next;
                        stack.push_back({nx[k], ny[k]});
                    }
            }
            if (count > bestCount) {
                bestCount = count;
                best = {bx0 * tokenSide, by0 * tokenSide, (bx1 - bx0 + 1) * tokenSide, (by1 - by0 + 1) * tokenSide};
            }
        }
    if (bestCount == 0)
        return std::nullopt;
    // The map may be of a smaller first image: its box scaled to the canvas.
    return scaled(static_cast<double>(best.x) / ownership->width, static_cast<double>(best.y) / ownership->height,
                  static_cast<double>(best.x + best.w) / ownership->width,
                  static_cast<double>(best.y + best.h) / ownership->height);
}

// The reference collage (collage.h): a first full pass (without the references when every subject has
// a box or a mask), each subject's reference pasted into its place there, and a second pass that
// redraws the collage from the step at or below `v.collage`.
void runCollage(Bundle &b, const GenerationRequest &request, const Resolved &v, GenerationResult *result,
                const GenerationCallbacks &callbacks)
{
    GenerationRequest first = request;
    first.collage = 0.0f;
    // Subjects without a box or a mask are placed where their attention landed in the first image.
    const bool placeByAttention = std::any_of(request.subjects.begin(), request.subjects.end(),
                                              [](const Subject &s) { return !s.box && s.mask.width <= 0; });
    if (placeByAttention)
        first.capture.enabled = true;
    // Where every subject has its place, the first image is the scene alone: drawn with the references,
    // the model paints a patch of each subject's colours around its region, which the redraw keeps as a
    // speckled halo round the pasted subject (docs/experiments/journal.md, "A first image without the references").
    if (!placeByAttention)
        first.subjects.clear();
    // For a model asked for more than the size it was trained at, the first image is drawn at that size
    // and scaled up: it draws its backgrounds best there (at twice it, with its positions scaled, the toy
    // model doubles the street's dashes and the beach's shore line), its attention places subjects
    // there (at twice it, scattered), and the redraw adds the detail. Not from a starting image, whose
    // detail the round trip through the smaller size would lose.
    Resolved firstSize = v;
    const bool atNative = v.positionScale < 1.0 && (request.initImage.isNull() || request.strength >= 1.0f);
    if (atNative) {
        firstSize.width = std::max(16, static_cast<int>(std::lround(v.width * v.positionScale / 16.0)) * 16);
        firstSize.height = std::max(16, static_cast<int>(std::lround(v.height * v.positionScale / 16.0)) * 16);
        firstSize.positionScale = 1.0;
    }
    const int64_t tokens = (v.height / 16) * (v.width / 16);
    const int secondSteps = v.steps - firstStepAt(getSchedule(v.steps, tokens), v.steps, v.collage);
    const int total = v.steps -
                      (request.initImage.isNull() || request.strength >= 1.0f
                           ? 0
                           : firstStepAt(getSchedule(v.steps, tokens), v.steps, request.strength)) +
                      secondSteps;
    // Progress counts the steps of both passes, and the time since the first began.
    const auto t0 = Clock::now();
    auto offsetProgress = [&](int offset, int pass) {
        GenerationCallbacks c = callbacks;
        if (callbacks.progress)
            c.progress = [&callbacks, offset, total, t0, pass](const ProgressInfo &p) {
                ProgressInfo q = p;
                q.step = p.step + offset;
                q.steps = total;
                q.pass = pass;
                q.passes = 2;
                q.elapsedSeconds = secondsSince(t0);
                callbacks.progress(q);
            };
        return c;
    };
    GenerationResult pass1;
    runPass(b, first, firstSize, &pass1, offsetProgress(0, 1));

    at::Tensor canvas = fitImage(pass1.image, v.width, v.height); // scaled up from the native size
    for (size_t i = 0; i < request.subjects.size(); ++i) {
        const Subject &s = request.subjects[i];
        const auto place = subjectPlace(s, static_cast<int>(i), v.width, v.height,
                                                  placeByAttention ? &pass1.ownership : nullptr, 16);
        if (!place) {
            log::info("core.pipeline",
                      "reference collage: subject {} has no place in the first image; not pasted", i + 1);
            continue;
        }
        const RgbaImage prepared = prepareSubject(s, i, v.refSize);
        pasteSubject(canvas, prepared, referenceSubjectMask(prepared), *place);
    }
    GenerationRequest second = request;
    second.collage = 0.0f;
    second.initImage = image::fromTensor(canvas);
    second.strength = v.collage;
    GenerationResult out;
    runPass(b, second, v, &out, offsetProgress(static_cast<int>(pass1.stepSeconds.size()), 2), false);
    out.prepareSeconds += pass1.prepareSeconds;
    out.denoiseSeconds += pass1.denoiseSeconds;
    out.decodeSeconds += pass1.decodeSeconds;
    out.stepSeconds.insert(out.stepSeconds.begin(), pass1.stepSeconds.begin(), pass1.stepSeconds.end());
    *result = std::move(out);
}

} // namespace mosaic::pipeline
