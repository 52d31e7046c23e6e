// The generation pipeline end to end on a random bundle written by the test: reproducible seeds,
// cancellation that leaves the bundle usable, region guidance that moves attention into the regions,
// maps that are distributions, and a clear error for each bad request.
#include "testsupport.h"

#include "image/convert.h"
#include "pipeline/collage.h"

#include <mosaic/layout.h>
#include <mosaic/log.h>
#include <mosaic/pipeline.h>
#include <mosaic/train.h>
#include <mosaic/tools.h>

#include <atomic>
#include <fstream>
#include <cmath>
#include <numeric>
#include <stdlib.h>

using namespace mosaic;

namespace {

RgbaImage disc(int size, uint8_t r, uint8_t g, uint8_t b)
{
    RgbaImage img;
    img.width = img.height = size;
    img.pixels.assign(static_cast<size_t>(size) * size * 4, 255);
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            if (std::hypot(x - size / 2.0, y - size / 2.0) < size * 0.35) {
                uint8_t *p = &img.pixels[(static_cast<size_t>(y) * size + x) * 4];
                p[0] = r;
                p[1] = g;
                p[2] = b;
            }
    return img;
}

Subject subject(const char *name, uint8_t r, uint8_t g, uint8_t b)
{
    Subject s;
    s.name = name;
    s.image = disc(64, r, g, b);
    s.prepared = true; // already 64x64 on white: no OpenCV needed
    return s;
}

// The reference collage done by hand: `scene` scaled (bilinear) to the request's size, each subject's
// reference pasted into its box, and the request redrawn from that at `strength`. Empty on failure.
RgbaImage collageByHand(ModelBundle &bundle, const GenerationRequest &r, const RgbaImage &scene, int size,
                        float strength)
{
    at::Tensor canvas = image::toTensor(scene);
    if (scene.width != size)
        canvas = at::upsample_bilinear2d(canvas, {size, size}, false);
    for (size_t i = 0; i < r.subjects.size(); ++i) {
        const auto place = pipeline::subjectPlace(r.subjects[i], static_cast<int>(i), size, size, nullptr, 16);
        if (!place)
            return {};
        pipeline::pasteSubject(canvas, r.subjects[i].image, pipeline::referenceSubjectMask(r.subjects[i].image), *place);
    }
    GenerationRequest redraw = r;
    redraw.collage = 0.0f;
    redraw.initImage = image::fromTensor(canvas);
    redraw.strength = strength;
    GenerationResult out;
    if (!generate(bundle, redraw, &out).ok())
        return {};
    return out.image;
}

} // namespace

class TstPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        const std::string path = testsupport::scratchDir("pipeline") + "/bundle.safetensors";
        RandomBundleOptions o;
        o.imageSize = 64;
        o.refSize = 64;
        o.steps = 3;
        QVERIFY(writeRandomBundle(path, o).ok());
        Status st;
        m_bundle = ModelBundle::load(path, &st);
        QVERIFY2(m_bundle, st.message.c_str());
        QCOMPARE(m_bundle->description().defaultSize, 64);
        m_bundlePath = path;
    }

    // The load estimates the memory a model needs (weights, then the larger of the file read whole and
    // one run at its default size) and refuses one above what the machine has, before building
    // anything: here a machine of 4 MB (MOSAIC_MEMORY_LIMIT), then one of 1 GB, which the same file fits.
    void modelAboveTheMachinesMemoryIsRefused()
    {
        const std::string &path = m_bundlePath;
        ::setenv("MOSAIC_MEMORY_LIMIT", "4M", 1);
        Status st;
        auto refused = ModelBundle::load(path, &st);
        ::setenv("MOSAIC_MEMORY_LIMIT", "1G", 1);
        Status fits;
        auto loaded = ModelBundle::load(path, &fits);
        ::unsetenv("MOSAIC_MEMORY_LIMIT");
        QVERIFY(!refused);
        QCOMPARE(st.code, StatusCode::OutOfMemory);
        QVERIFY2(st.message.find("needs about") != std::string::npos && st.message.find("this machine has 4.00 MiB (MOSAIC_MEMORY_LIMIT)") != std::string::npos,
                 st.message.c_str());
        QVERIFY2(loaded, fits.message.c_str());
    }

    void sameSeedSameImage()
    {
        GenerationRequest r;
        r.prompt = "a cat and a dog on the grass";
        r.subjects = {subject("cat", 200, 40, 40), subject("dog", 40, 40, 200)};
        r.seed = 42;
        GenerationResult a, b, c;
        QVERIFY(generate(*m_bundle, r, &a).ok());
        QVERIFY(generate(*m_bundle, r, &b).ok());
        QCOMPARE(a.image.width, 64);
        QVERIFY(a.image.pixels == b.image.pixels);
        r.seed = 43;
        QVERIFY(generate(*m_bundle, r, &c).ok());
        QVERIFY(a.image.pixels != c.image.pixels);
        QCOMPARE(static_cast<int>(a.stepSeconds.size()), 3);
        QVERIFY(a.parametersJson.find("\"seed\":42") != std::string::npos);
        QVERIFY(a.parametersText.find("Seed: 42") != std::string::npos);
    }

    void zeroToEightSubjects_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("0") << 0;
        QTest::newRow("1") << 1;
        QTest::newRow("4") << 4;
        QTest::newRow("8") << 8;
    }

    void zeroToEightSubjects()
    {
        QFETCH(int, count);
        GenerationRequest r;
        r.prompt = "three cats";
        r.capture.enabled = true;
        for (int i = 0; i < count; ++i)
            r.subjects.push_back(subject("s", static_cast<uint8_t>(30 * i), 100, static_cast<uint8_t>(250 - 30 * i)));
        GenerationResult res;
        const Status st = generate(*m_bundle, r, &res);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(static_cast<int>(res.subjects.size()), count);
        if (count == 0)
            return;
        // Each subject's map is a density over the target's pixels; shares are fractions.
        std::vector<float> total(64 * 64, 0.f);
        for (const auto &m : res.subjects) {
            QCOMPARE(m.attention.width, 64);
            const double sum = std::accumulate(m.attention.values.begin(), m.attention.values.end(), 0.0);
            QVERIFY2(std::abs(sum - 1.0) < 1e-4, std::to_string(sum).c_str());
            for (size_t p = 0; p < total.size(); ++p) {
                QVERIFY(m.share.values[p] >= 0.f);
                total[p] += m.share.values[p];
            }
        }
        for (float t : total)
            QVERIFY(t <= 1.0f + 1e-5f);
        // The ownership map names, where set, the subject with the largest share.
        QCOMPARE(res.ownership.width, 64);
        int agree = 0, set = 0;
        for (size_t p = 0; p < total.size(); ++p) {
            const int o = res.ownership.values[p];
            if (o < 0)
                continue;
            ++set;
            int best = 0;
            for (int i = 1; i < count; ++i)
                if (res.subjects[i].share.values[p] > res.subjects[best].share.values[p])
                    best = i;
            agree += best == o || res.subjects[best].share.values[p] == res.subjects[o].share.values[p];
        }
        QCOMPARE(agree, set);
    }

    void regionGuidanceMovesAttention()
    {
        GenerationRequest r;
        r.prompt = "a cat and a dog";
        r.subjects = {subject("cat", 200, 40, 40), subject("dog", 40, 40, 200)};
        r.subjects[0].box = NormalizedBox{0.0f, 0.0f, 0.5f, 1.0f};
        r.subjects[1].box = NormalizedBox{0.5f, 0.0f, 0.5f, 1.0f};
        r.capture.enabled = true;
        r.seed = 5;
        GenerationResult off, on;
        r.regionStrength = 0.0f;
        QVERIFY(generate(*m_bundle, r, &off).ok());
        r.regionStrength = 3.0f;
        QVERIFY(generate(*m_bundle, r, &on).ok());
        for (int i = 0; i < 2; ++i) {
            const double a = off.subjects[i].massInRegion, b = on.subjects[i].massInRegion;
            QVERIFY2(b > a + 0.2, (std::to_string(a) + " -> " + std::to_string(b)).c_str());
            QVERIFY(b > 0.8);
        }
    }

    void cancelReturnsAndBundleStaysUsable()
    {
        GenerationRequest r;
        r.prompt = "a cat";
        r.subjects = {subject("cat", 200, 40, 40)};
        r.steps = 50;
        std::atomic<bool> cancel{false};
        int calls = 0;
        GenerationCallbacks cb;
        cb.cancel = &cancel;
        cb.progress = [&](const ProgressInfo &) {
            ++calls;
            cancel = true; // stop after the first step
        };
        GenerationResult res;
        const Status st = generate(*m_bundle, r, &res, cb);
        QCOMPARE(st.code, StatusCode::Cancelled);
        QCOMPARE(calls, 1);
        r.steps = 2;
        QVERIFY(generate(*m_bundle, r, &res).ok()); // the bundle still works
        QCOMPARE(res.image.width, 64);
    }

    // A cancel that arrives after the last step, while the autoencoder decodes, stops the run there
    // (the decode checks the flag between its blocks) instead of finishing it.
    void cancelDuringDecodeStopsTheRun()
    {
        GenerationRequest r;
        r.prompt = "a cat";
        r.subjects = {subject("cat", 200, 40, 40)};
        r.steps = 3;
        std::atomic<bool> cancel{false};
        GenerationCallbacks cb;
        cb.cancel = &cancel;
        cb.progress = [&](const ProgressInfo &p) {
            if (p.step == p.steps)
                cancel = true; // the last step is done: what runs now is the decode
        };
        GenerationResult res;
        QCOMPARE(generate(*m_bundle, r, &res, cb).code, StatusCode::Cancelled);
        QVERIFY(res.image.pixels.empty());
        cancel = false;
        QVERIFY(generate(*m_bundle, r, &res, cb).code == StatusCode::Cancelled); // set again at the last step
        cb.progress = {};
        cancel = false;
        QVERIFY(generate(*m_bundle, r, &res, cb).ok());
        QCOMPARE(res.image.width, 64);
    }

    void previewsArriveWithProgress()
    {
        GenerationRequest r;
        r.prompt = "a dog";
        r.previewEvery = 1;
        int previews = 0;
        GenerationCallbacks cb;
        cb.progress = [&](const ProgressInfo &p) {
            if (p.preview && p.preview->width == 64)
                ++previews;
        };
        GenerationResult res;
        QVERIFY(generate(*m_bundle, r, &res, cb).ok());
        QCOMPARE(previews, 3);
    }

    void classifierFreeGuidance()
    {
        // A model without guidance embedding takes true CFG with a negative prompt: two passes per
        // step, and a result that depends on the negative prompt.
        const std::string path = testsupport::scratchDir("cfg") + "/schnell.safetensors";
        RandomBundleOptions o;
        o.imageSize = o.refSize = 64;
        o.steps = 2;
        o.guidanceEmbed = false;
        QVERIFY(writeRandomBundle(path, o).ok());
        Status st;
        auto bundle = ModelBundle::load(path, &st);
        QVERIFY2(bundle, st.message.c_str());
        QVERIFY(!bundle->description().guidanceDistilled);
        GenerationRequest r;
        r.prompt = "a cat on the grass";
        r.subjects = {subject("cat", 200, 40, 40)};
        GenerationResult plain, cfgA, cfgB;
        QVERIFY(generate(*bundle, r, &plain).ok());
        r.cfgScale = 4.0f;
        r.negativePrompt = "snow";
        QVERIFY(generate(*bundle, r, &cfgA).ok());
        r.negativePrompt = "beach";
        QVERIFY(generate(*bundle, r, &cfgB).ok());
        QVERIFY(cfgA.image.pixels != plain.image.pixels);
        QVERIFY(cfgA.image.pixels != cfgB.image.pixels);
        QVERIFY(cfgA.parametersText.find("Negative prompt: snow") != std::string::npos);
        r.cfgScale = 0.5f;
        QCOMPARE(generate(*bundle, r, &cfgB).code, StatusCode::InvalidArgument);
    }

    void referenceGuidance()
    {
        // Guidance on the references (one more pass with zeroed reference latents): scale 1 is the
        // plain image, above 1 another image, recorded in the parameters; without references there
        // is nothing to guide; below 1 or not finite is refused.
        GenerationRequest r;
        r.prompt = "a cat on the grass";
        r.seed = 5;
        r.subjects = {subject("cat", 200, 40, 40), subject("dog", 30, 60, 220)};
        GenerationResult plain, one, guided;
        QVERIFY(generate(*m_bundle, r, &plain).ok());
        r.refCfgScale = 1.0f;
        QVERIFY(generate(*m_bundle, r, &one).ok());
        QVERIFY(one.image.pixels == plain.image.pixels);
        r.refCfgScale = 3.0f;
        QVERIFY(generate(*m_bundle, r, &guided).ok());
        QVERIFY(guided.image.pixels != plain.image.pixels);
        QVERIFY2(guided.parametersText.find("Reference CFG scale: 3") != std::string::npos, guided.parametersText.c_str());
        QVERIFY(guided.parametersJson.find("\"ref_cfg_scale\":3.0") != std::string::npos);
        QVERIFY(plain.parametersText.find("Reference CFG") == std::string::npos);

        GenerationRequest bare = r;
        bare.subjects.clear();
        GenerationResult a, b;
        QVERIFY(generate(*m_bundle, bare, &a).ok());
        bare.refCfgScale = 1.0f;
        QVERIFY(generate(*m_bundle, bare, &b).ok());
        QVERIFY(a.image.pixels == b.image.pixels);

        for (float bad : {0.5f, std::nanf("")}) {
            r.refCfgScale = bad;
            const Status st = generate(*m_bundle, r, &guided);
            QCOMPARE(st.code, StatusCode::InvalidArgument);
            QVERIFY2(st.message.find("CFG scales") != std::string::npos, st.message.c_str());
        }
    }

    // A bundle may carry default guidance scales ("cfg", "ref_cfg" in its defaults): a request that
    // leaves them unset (negative) gets them, and records the values it ran with; a request may still
    // turn them off with 1. Defaults below 1 make the bundle refuse to load, saying which.
    void modelDefaultGuidance()
    {
        const std::string dir = testsupport::scratchDir("default-guidance");
        RandomBundleOptions o;
        o.imageSize = o.refSize = 64;
        o.steps = 2;
        QVERIFY(writeRandomBundle(dir + "/plain.safetensors", o).ok());
        o.cfg = 2.0f;
        o.refCfg = 3.0f;
        QVERIFY(writeRandomBundle(dir + "/guided.safetensors", o).ok());
        Status st;
        auto plain = ModelBundle::load(dir + "/plain.safetensors", &st);
        QVERIFY2(plain, st.message.c_str());
        auto guided = ModelBundle::load(dir + "/guided.safetensors", &st);
        QVERIFY2(guided, st.message.c_str());
        QCOMPARE(plain->description().defaultCfg, 1.0f);
        QCOMPARE(plain->description().defaultRefCfg, 1.0f);
        QCOMPARE(guided->description().defaultCfg, 2.0f);
        QCOMPARE(guided->description().defaultRefCfg, 3.0f);
        QVERIFY(guided->description().configJson.find("\"ref_cfg\":3.0") != std::string::npos);

        GenerationRequest r;
        r.prompt = "a cat on the grass";
        r.seed = 9;
        r.subjects = {subject("cat", 200, 40, 40), subject("dog", 30, 60, 220)};
        GenerationResult byDefault, explicitScales, off, plainDefault, plainOff;
        QVERIFY(generate(*guided, r, &byDefault).ok());
        QVERIFY2(byDefault.parametersJson.find("\"ref_cfg_scale\":3.0") != std::string::npos, byDefault.parametersJson.c_str());
        QVERIFY(byDefault.parametersJson.find("\"cfg_scale\":2.0") != std::string::npos);
        QVERIFY(byDefault.parametersText.find("CFG scale: 2") != std::string::npos);
        QVERIFY(byDefault.parametersText.find("Reference CFG scale: 3") != std::string::npos);
        GenerationRequest e = r;
        e.cfgScale = 2.0f;
        e.refCfgScale = 3.0f;
        QVERIFY(generate(*guided, e, &explicitScales).ok());
        QVERIFY(explicitScales.image.pixels == byDefault.image.pixels);
        e.cfgScale = e.refCfgScale = 1.0f;
        QVERIFY(generate(*guided, e, &off).ok());
        QVERIFY(off.image.pixels != byDefault.image.pixels);
        QVERIFY(off.parametersText.find("Reference CFG") == std::string::npos);
        // The same weights without default scales: unset means off there.
        QVERIFY(generate(*plain, r, &plainDefault).ok());
        QVERIFY(plainDefault.image.pixels == off.image.pixels);
        QVERIFY(generate(*plain, e, &plainOff).ok());
        QVERIFY(plainOff.image.pixels == off.image.pixels);

        o.refCfg = 0.5f;
        QVERIFY(writeRandomBundle(dir + "/bad.safetensors", o).ok());
        QVERIFY(!ModelBundle::load(dir + "/bad.safetensors", &st));
        QCOMPARE(st.code, StatusCode::CorruptFile);
        QVERIFY2(st.message.find("ref_cfg 0.5") != std::string::npos, st.message.c_str());
    }

    // Image to image: strength 1 ignores the starting image; lower runs only the end of the schedule
    // from the image's noised latent, so the image shapes the result (on the bundled model, whose
    // autoencoder is trained, a low strength gives back nearly the starting image).
    void imageToImage()
    {
        GenerationRequest r;
        r.prompt = "a cat";
        r.subjects = {subject("cat", 200, 40, 40)};
        r.seed = 5;
        GenerationResult plain, full, a, b;
        QVERIFY(generate(*m_bundle, r, &plain).ok());
        r.initImage = disc(64, 20, 200, 20);
        r.strength = 1.0f;
        QVERIFY(generate(*m_bundle, r, &full).ok());
        QVERIFY(full.image.pixels == plain.image.pixels);
        QVERIFY(full.parametersText.find("Denoising strength") == std::string::npos);
        r.strength = 0.5f;
        int calls = 0, reported = 0;
        GenerationCallbacks cb;
        cb.progress = [&](const ProgressInfo &p) {
            ++calls;
            reported = p.steps;
        };
        QVERIFY(generate(*m_bundle, r, &a, cb).ok());
        QVERIFY(a.stepSeconds.size() < 3 && !a.stepSeconds.empty()); // only the end of the 3-step schedule
        QCOMPARE(calls, static_cast<int>(a.stepSeconds.size()));
        QCOMPARE(reported, calls);
        QVERIFY(a.parametersText.find("Denoising strength: 0.5") != std::string::npos);
        QVERIFY(a.parametersJson.find("\"strength\":0.5") != std::string::npos);
        QVERIFY(a.image.pixels != plain.image.pixels);
        r.initImage = disc(96, 20, 20, 200); // another image, another size (stretched to the canvas)
        QVERIFY(generate(*m_bundle, r, &b).ok());
        QCOMPARE(b.image.width, 64);
        QVERIFY(a.image.pixels != b.image.pixels);

        // The bundled model: at strength 0.15 the result stays near the starting image (mean absolute
        // difference per channel), from noise it does not. Without guidance (the model's default CFG of
        // 3 pulls a start that does not fit the prompt further towards it: 31 / 255 at 0.15).
        const std::string bundled = std::string(MOSAIC_SOURCE_DIR) + "/resources/models/mosaic-toys.safetensors";
        Status st;
        auto toys = ModelBundle::load(bundled, &st);
        QVERIFY2(toys, st.message.c_str());
        GenerationRequest t;
        t.prompt = "a red ball on the beach";
        t.seed = 3;
        t.initImage = disc(128, 220, 30, 30);
        t.width = t.height = 128; // compared pixel by pixel with the starting image
        t.cfgScale = t.refCfgScale = 1.0f;
        t.collage = 0.0f; // no subjects anyway; the check is about strength
        auto meanDiff = [&](const RgbaImage &img) {
            double sum = 0;
            for (size_t i = 0; i < img.pixels.size(); ++i)
                if (i % 4 != 3)
                    sum += std::abs(int(img.pixels[i]) - int(t.initImage.pixels[i]));
            return sum / (img.pixels.size() / 4 * 3);
        };
        GenerationResult near, far;
        t.strength = 0.15f;
        QVERIFY(generate(*toys, t, &near).ok());
        t.strength = 1.0f;
        QVERIFY(generate(*toys, t, &far).ok());
        const double dNear = meanDiff(near.image), dFar = meanDiff(far.image);
        std::printf("bundled model, mean difference from the starting image: strength 0.15 %.1f / 255, 1.0 %.1f / 255\n",
                    dNear, dFar);
        QVERIFY2(dNear < 30.0 && dFar > 2.5 * dNear, (std::to_string(dNear) + " vs " + std::to_string(dFar)).c_str());
    }

    // The collage's parts: the subject cut from its white ground (white inside it kept), pasted with
    // its aspect kept into the middle of its box and nowhere else, and the places a subject can have.
    void collageParts()
    {
        // A red ring with a white middle on white; a blue dot in a corner that touches nothing.
        RgbaImage ref = disc(64, 200, 30, 30);
        for (int y = 0; y < 64; ++y)
            for (int x = 0; x < 64; ++x) {
                uint8_t *p = &ref.pixels[(static_cast<size_t>(y) * 64 + x) * 4];
                if (std::hypot(x - 32.0, y - 32.0) < 8.0)
                    p[0] = p[1] = p[2] = 255;
            }
        const at::Tensor mask = pipeline::referenceSubjectMask(ref);
        QCOMPARE(mask.size(0), int64_t{64});
        QCOMPARE(mask[32][32].item<float>(), 1.0f); // the white middle is enclosed: part of the subject
        QCOMPARE(mask[32][12].item<float>(), 1.0f); // the ring
        QCOMPARE(mask[2][2].item<float>(), 0.0f);   // the ground
        const pipeline::PixelBox mb = pipeline::maskBox(mask);
        QVERIFY(mb.x >= 9 && mb.x <= 11 && mb.w >= 42 && mb.w <= 46 && std::abs(mb.w - mb.h) <= 1);
        QVERIFY(pipeline::maskBox(at::zeros({8, 8})).empty());

        // A transparent reference counts as white ground (alpha over white).
        RgbaImage clear = ref;
        for (size_t i = 3; i < clear.pixels.size(); i += 4)
            clear.pixels[i] = 0;
        QCOMPARE(pipeline::referenceSubjectMask(clear).sum().item<float>(), 0.0f);

        // Pasted into a 40x20 box: a 20x20 disc in its middle, the canvas unchanged elsewhere.
        at::Tensor canvas = at::full({1, 3, 64, 64}, -0.5f);
        const at::Tensor before = canvas.clone();
        pipeline::pasteSubject(canvas, ref, mask, {10, 30, 40, 20});
        const at::Tensor changed = (canvas - before).abs().sum(1)[0] > 1e-4;
        const pipeline::PixelBox cb = pipeline::maskBox(changed.to(at::kFloat));
        QVERIFY2(cb.x >= 19 && cb.x + cb.w <= 41 && cb.y >= 30 && cb.y + cb.h <= 50 && cb.w >= 18 && cb.h >= 18,
                 (std::to_string(cb.x) + "," + std::to_string(cb.y) + " " + std::to_string(cb.w) + "x" + std::to_string(cb.h)).c_str());
        // The ring's red at its left edge, the enclosed white in its middle: no white fringe from the ground.
        QVERIFY(std::abs(canvas[0][0][40][21].item<float>() - (200 / 127.5f - 1)) < 0.15f);
        QVERIFY(canvas[0][1][40][30].item<float>() > 0.8f);
        // A box that runs off the canvas is clipped, not an error.
        pipeline::pasteSubject(canvas, ref, mask, {50, 50, 30, 30});
        QVERIFY((canvas[0].slice(1, 50, 64).slice(2, 50, 64) - before[0].slice(1, 50, 64).slice(2, 50, 64)).abs().max().item<float>() > 0.5f);

        // Places: a box, a mask's box, the largest group of owned tokens, or none.
        Subject s = subject("cat", 1, 2, 3);
        QVERIFY(!pipeline::subjectPlace(s, 0, 64, 64, nullptr, 16));
        IndexMap owner;
        owner.width = owner.height = 64;
        owner.values.assign(64 * 64, -1);
        auto own = [&](int tx, int ty, int16_t who) {
            for (int y = ty * 16; y < ty * 16 + 16; ++y)
                for (int x = tx * 16; x < tx * 16 + 16; ++x)
                    owner.values[static_cast<size_t>(y) * 64 + x] = who;
        };
        own(0, 0, 0);             // a lone token
        own(2, 1, 0), own(3, 1, 0), own(3, 2, 0); // a group of three
        own(1, 3, 1);
        auto p = pipeline::subjectPlace(s, 0, 64, 64, &owner, 16);
        QVERIFY(p && p->x == 32 && p->y == 16 && p->w == 32 && p->h == 32);
        QVERIFY(!pipeline::subjectPlace(s, 2, 64, 64, &owner, 16));
        // A map of a first image half the canvas's size (drawn at a model's native size): scaled up.
        p = pipeline::subjectPlace(s, 0, 128, 96, &owner, 16);
        QVERIFY(p && p->x == 64 && p->y == 24 && p->w == 64 && p->h == 48);
        s.mask.width = s.mask.height = 8;
        s.mask.values.assign(64, 0.0f);
        s.mask.values[2 * 8 + 4] = s.mask.values[3 * 8 + 5] = 1.0f;
        p = pipeline::subjectPlace(s, 0, 64, 64, &owner, 16);
        QVERIFY(p && p->x == 32 && p->y == 16 && p->w == 16 && p->h == 16);
        s.box = NormalizedBox{0.25f, 0.5f, 0.5f, 0.25f};
        p = pipeline::subjectPlace(s, 0, 64, 64, &owner, 16);
        QVERIFY(p && p->x == 16 && p->y == 32 && p->w == 32 && p->h == 16);
    }

    // The collage end to end: off by default on a bundle without one (bit for bit the plain run), on
    // it runs both passes (the progress counts them all), records itself, follows a bundle's default,
    // places a subject without a region by its attention, and can be cancelled in its second pass.
    void referenceCollage()
    {
        GenerationRequest r;
        r.prompt = "a cat on the grass";
        r.seed = 4;
        r.subjects = {subject("cat", 200, 40, 40), subject("dog", 30, 60, 220)};
        r.subjects[0].box = NormalizedBox{0.0f, 0.0f, 0.5f, 0.5f};
        r.subjects[1].box = NormalizedBox{0.5f, 0.5f, 0.5f, 0.5f};
        GenerationResult byDefault, off, on, again;
        QVERIFY(generate(*m_bundle, r, &byDefault).ok());
        QCOMPARE(m_bundle->description().defaultCollage, 0.0f);
        r.collage = 0.0f;
        QVERIFY(generate(*m_bundle, r, &off).ok());
        QVERIFY(off.image.pixels == byDefault.image.pixels);
        QVERIFY(off.parametersText.find("collage") == std::string::npos);
        QCOMPARE(off.stepSeconds.size(), size_t{3});

        r.collage = 0.6f;
        {
            // The prompt's unknown words are logged once per generation, not once per pass.
            int said = 0;
            LogOptions quiet;
            quiet.console = quiet.file = false; // info records reach the sinks, nothing else
            QVERIFY(initLogging(quiet).ok());
            const int sink = addLogSink([&](const LogRecord &rec) {
                if (rec.message.find("does not know") != std::string::npos && rec.message.find("zqxv") != std::string::npos)
                    ++said;
            });
            GenerationRequest unknown = r;
            unknown.prompt = "a cat on the zqxv grass";
            GenerationResult ignored;
            QVERIFY(generate(*m_bundle, unknown, &ignored).ok());
            removeLogSink(sink);
            QCOMPARE(said, 1);
        }
        std::vector<int> steps, totals;
        GenerationCallbacks cb;
        cb.progress = [&](const ProgressInfo &p) {
            steps.push_back(p.step);
            totals.push_back(p.steps);
        };
        QVERIFY(generate(*m_bundle, r, &on, cb).ok());
        QVERIFY(on.image.pixels != off.image.pixels);
        QVERIFY(on.stepSeconds.size() > 3 && on.stepSeconds.size() < 6); // 3 steps, then the end of the schedule
        QCOMPARE(steps.size(), on.stepSeconds.size());
        for (size_t i = 0; i < steps.size(); ++i) {
            QCOMPARE(steps[i], static_cast<int>(i) + 1);
            QCOMPARE(totals[i], static_cast<int>(on.stepSeconds.size()));
        }
        QVERIFY2(on.parametersText.find("Reference collage: 0.6") != std::string::npos, on.parametersText.c_str());
        QVERIFY(on.parametersJson.find("\"collage\":0.6") != std::string::npos);
        QVERIFY(on.parametersJson.find("init_image_hash") == std::string::npos); // the user gave no starting image
        QVERIFY(generate(*m_bundle, r, &again).ok());
        QVERIFY(again.image.pixels == on.image.pixels);
        // With every subject placed, the first image is the scene alone: the same as the prompt generated
        // without subjects, the references pasted into it, and that redrawn with them at the strength.
        {
            GenerationRequest scene = r;
            scene.subjects.clear();
            scene.collage = 0.0f;
            GenerationResult alone;
            QVERIFY(generate(*m_bundle, scene, &alone).ok());
            const RgbaImage byHand = collageByHand(*m_bundle, r, alone.image, 64, 0.6f);
            QCOMPARE(byHand.width, 64);
            QVERIFY(byHand.pixels == on.image.pixels);
        }
        // The paste is what changes the result: references whose subjects are all white (nothing to cut
        // out, so nothing pasted) leave the first pass's image to be redrawn, a different image.
        GenerationRequest blank = r;
        for (auto &s : blank.subjects)
            s.image = disc(64, 255, 255, 255);
        GenerationResult blankOn, blankOff;
        QVERIFY(generate(*m_bundle, blank, &blankOn).ok());
        blank.collage = 0.0f;
        QVERIFY(generate(*m_bundle, blank, &blankOff).ok());
        QVERIFY(blankOn.image.pixels != on.image.pixels);

        // Without regions the subjects go where their attention landed; the first pass captures it
        // even when the request does not ask for maps.
        GenerationRequest free = r;
        for (auto &s : free.subjects)
            s.box.reset();
        GenerationResult f1, f2;
        QVERIFY(generate(*m_bundle, free, &f1).ok());
        QVERIFY(generate(*m_bundle, free, &f2).ok());
        QVERIFY(f1.image.pixels == f2.image.pixels);
        QVERIFY(f1.subjects[0].attention.values.empty()); // no maps were asked for

        // A bundle's default collage applies when the request gives none; 0 turns it off.
        const std::string dir = testsupport::scratchDir("collage");
        RandomBundleOptions o;
        o.imageSize = o.refSize = 64;
        o.steps = 3;
        o.collage = 0.6f;
        QVERIFY(writeRandomBundle(dir + "/collage.safetensors", o).ok());
        Status st;
        auto withDefault = ModelBundle::load(dir + "/collage.safetensors", &st);
        QVERIFY2(withDefault, st.message.c_str());
        QCOMPARE(withDefault->description().defaultCollage, 0.6f);
        GenerationRequest d = r;
        d.collage = -1.0f;
        GenerationResult dOn, dOff;
        QVERIFY(generate(*withDefault, d, &dOn).ok());
        QVERIFY(dOn.image.pixels == on.image.pixels); // the same weights (same seed) as m_bundle
        d.collage = 0.0f;
        QVERIFY(generate(*withDefault, d, &dOff).ok());
        QVERIFY(dOff.image.pixels == off.image.pixels);
        o.collage = 1.5f;
        QVERIFY(writeRandomBundle(dir + "/bad.safetensors", o).ok());
        QVERIFY(!ModelBundle::load(dir + "/bad.safetensors", &st));
        QCOMPARE(st.code, StatusCode::CorruptFile);
        QVERIFY2(st.message.find("collage (1.5)") != std::string::npos, st.message.c_str());

        // Cancelled at the first pass's last step: the second pass does not run; Cancelled, and the
        // bundle still works.
        std::atomic<bool> cancel{false};
        GenerationCallbacks cc;
        cc.cancel = &cancel;
        int calls = 0;
        cc.progress = [&](const ProgressInfo &) {
            if (++calls == 3)
                cancel = true;
        };
        GenerationResult cancelled;
        QCOMPARE(generate(*m_bundle, r, &cancelled, cc).code, StatusCode::Cancelled);
        QCOMPARE(calls, 3);
        QVERIFY(generate(*m_bundle, r, &again).ok());
        QVERIFY(again.image.pixels == on.image.pixels);
    }

    // A bundle whose default size was raised above the size it was trained at (its native size)
    // scales the target's positions into the native grid there, and only there.
    void positionsAboveTheNativeSize()
    {
        const std::string dir = testsupport::scratchDir("native");
        RandomBundleOptions o;
        o.imageSize = o.refSize = 64;
        o.steps = 2;
        QVERIFY(writeRandomBundle(dir + "/plain.safetensors", o).ok());
        BundleDefaultsEdit edit;
        edit.size = 128;
        QVERIFY(setBundleDefaults(dir + "/plain.safetensors", dir + "/raised.safetensors", edit).ok());
        Status st;
        auto plain = ModelBundle::load(dir + "/plain.safetensors", &st), raised = ModelBundle::load(dir + "/raised.safetensors", &st);
        QVERIFY2(plain && raised, st.message.c_str());
        QCOMPARE(raised->description().defaultSize, 128);
        GenerationRequest r;
        r.prompt = "a cat";
        r.seed = 2;
        r.subjects = {subject("cat", 200, 40, 40)};
        GenerationResult a, b;
        QVERIFY(generate(*raised, r, &a).ok()); // its default: 128 px, twice its native 64
        QCOMPARE(a.image.width, 128);
        QVERIFY2(a.parametersJson.find("\"position_scale\":0.5") != std::string::npos, a.parametersJson.c_str());
        r.width = r.height = 128;
        QVERIFY(generate(*plain, r, &b).ok()); // no native size recorded: positions as they are
        QVERIFY(b.parametersJson.find("position_scale") == std::string::npos);
        QVERIFY(a.image.pixels != b.image.pixels);
        // At or below the native size nothing changes.
        r.width = r.height = 64;
        QVERIFY(generate(*raised, r, &a).ok());
        QVERIFY(generate(*plain, r, &b).ok());
        QVERIFY(a.image.pixels == b.image.pixels);
        QVERIFY(a.parametersJson.find("position_scale") == std::string::npos);

        // The collage's first image, the scene alone (every subject in a box), is drawn at the native size
        // and scaled up: the result equals that scene generated at 64 px, scaled to 128, pasted into and
        // redrawn at 128.
        r.width = r.height = 0;
        r.subjects[0].box = NormalizedBox{0.25f, 0.25f, 0.5f, 0.5f};
        r.collage = 0.5f;
        GenerationResult collaged, scene, sceneFull;
        QVERIFY(generate(*raised, r, &collaged).ok());
        QCOMPARE(collaged.image.width, 128);
        GenerationRequest alone = r;
        alone.subjects.clear();
        alone.collage = 0.0f;
        alone.width = alone.height = 64;
        QVERIFY(generate(*raised, alone, &scene).ok());
        const RgbaImage byHand = collageByHand(*raised, r, scene.image, 128, 0.5f);
        QCOMPARE(byHand.width, 128);
        QVERIFY(byHand.pixels == collaged.image.pixels);
        // The same built from the scene drawn at 128 (positions scaled) is another image.
        alone.width = alone.height = 128;
        QVERIFY(generate(*raised, alone, &sceneFull).ok());
        const RgbaImage fromFull = collageByHand(*raised, r, sceneFull.image, 128, 0.5f);
        QCOMPARE(fromFull.width, 128);
        QVERIFY(fromFull.pixels != collaged.image.pixels);
        // From a starting image the first image stays at the full size (the round trip through 64 px
        // would lose the starting image's detail): the scene from that image at 128, pasted, redrawn.
        GenerationRequest started = r;
        started.initImage = disc(128, 30, 200, 30);
        started.strength = 0.7f;
        GenerationResult fromStart, startedScene;
        QVERIFY(generate(*raised, started, &fromStart).ok());
        GenerationRequest startedAlone = started;
        startedAlone.subjects.clear();
        startedAlone.collage = 0.0f;
        QVERIFY(generate(*raised, startedAlone, &startedScene).ok());
        QCOMPARE(startedScene.image.width, 128);
        const RgbaImage startedByHand = collageByHand(*raised, started, startedScene.image, 128, 0.5f);
        QCOMPARE(startedByHand.width, 128);
        QVERIFY(startedByHand.pixels == fromStart.image.pixels);
    }

    // The layout read from the prompt (mosaic/layout.h): names and position words to boxes.
    void layoutFromPrompt()
    {
        QCOMPARE(layoutKeys("Pip"), std::vector<std::string>{"pip"});
        QCOMPARE(layoutKeys("blob 121685"), std::vector<std::string>{"blob"}); // digits alone name nothing
        QCOMPARE(layoutKeys("The Red Cat, the cat"), (std::vector<std::string>{"red", "cat"}));
        QCOMPARE(layoutKeys("Zoë"), std::vector<std::string>{"zoë"});
        QVERIFY(layoutKeys("on the left").empty());

        auto centre = [](const PlannedBox &p) { return std::pair<double, double>{p.box.x + p.box.w / 2, p.box.y + p.box.h / 2}; };
        auto named = [](std::initializer_list<const char *> names) {
            std::vector<LayoutSubject> out;
            for (const char *n : names)
                out.push_back({layoutKeys(n), std::nullopt});
            return out;
        };
        // Boxes on the canvas, square in pixels, none overlapping another.
        auto checkBoxes = [](const std::vector<PlannedBox> &boxes, int w, int h) {
            for (size_t i = 0; i < boxes.size(); ++i) {
                const NormalizedBox &a = boxes[i].box;
                if (!(a.x >= -1e-6 && a.y >= -1e-6 && a.x + a.w <= 1 + 1e-6 && a.y + a.h <= 1 + 1e-6 && a.w > 0.05))
                    return "box " + std::to_string(i) + " is off the canvas or empty: " + std::to_string(a.x) + " " +
                           std::to_string(a.y) + " " + std::to_string(a.w) + " " + std::to_string(a.h);
                if (std::abs(a.w * w - a.h * h) > 1e-3 * w)
                    return "box " + std::to_string(i) + " is not square: " + std::to_string(a.w * w) + " x " +
                           std::to_string(a.h * h) + " px";
                for (size_t j = i + 1; j < boxes.size(); ++j) {
                    const NormalizedBox &b = boxes[j].box;
                    const double ox = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
                    const double oy = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
                    if (ox > 1e-4 && oy > 1e-4)
                        return "boxes " + std::to_string(i) + " and " + std::to_string(j) + " overlap";
                }
            }
            return std::string();
        };

        // The demo's prompt, written with names: each subject in the third its clause names, subjects
        // sharing a third in the order the prompt mentions them.
        const std::string demo = "four toys on a room floor: Moss in the middle, Juno in the middle, Pip on the right and Tock on the left";
        auto p = planLayout(demo, named({"Pip", "Moss", "Juno", "Tock"}), 256, 256);
        QCOMPARE(p.size(), size_t{4});
        QCOMPARE(p[0].clause, std::string("Pip on the right"));
        QCOMPARE(p[1].clause, std::string("Moss in the middle"));
        QCOMPARE(p[3].clause, std::string("Tock on the left"));
        QVERIFY(centre(p[0]).first > 2.0 / 3 && centre(p[3]).first < 1.0 / 3);
        for (int i : {1, 2})
            QVERIFY(centre(p[i]).first > 1.0 / 3 && centre(p[i]).first < 2.0 / 3);
        QVERIFY(centre(p[1]).first < centre(p[2]).first);
        QVERIFY2(checkBoxes(p, 256, 256).empty(), checkBoxes(p, 256, 256).c_str());

        // Vertical words, case, possessives; a canvas that is not square.
        p = planLayout("PIP'S HAT at the top left; tock at the bottom", named({"tock", "Pip"}), 256, 128);
        QVERIFY(centre(p[1]).first < 1.0 / 3 && centre(p[1]).second < 0.5);
        QVERIFY(centre(p[0]).second > 0.5);
        QVERIFY2(checkBoxes(p, 256, 128).empty(), checkBoxes(p, 256, 128).c_str());

        // Two of a kind: each clause takes the first subject it names that is still free.
        p = planLayout("a blob on the left and a blob on the right", named({"blob 1", "blob 2"}));
        QVERIFY(centre(p[0]).first < 1.0 / 3 && centre(p[1]).first > 2.0 / 3);

        // A box the user drew stays exactly as drawn, and the others keep off it.
        auto withFixed = named({"cat", "dog", "owl"});
        withFixed[1].fixed = NormalizedBox{0.05f, 0.5f, 0.4f, 0.4f};
        p = planLayout("a cat on the left, a dog on the right", withFixed, 256, 256);
        QCOMPARE(p[1].box.x, 0.05f);
        QCOMPARE(p[1].box.w, 0.4f);
        QVERIFY(p[1].clause.empty()); // the dog was not placed by the prompt
        QCOMPARE(p[0].clause, std::string("a cat on the left"));
        QVERIFY2(checkBoxes(p, 256, 256).empty(), checkBoxes(p, 256, 256).c_str());

        // Nothing placed by the prompt: spread across in the order of mention, then the rest.
        p = planLayout("a dog and a cat", named({"cat", "dog", "owl"}));
        QVERIFY(p[0].clause.empty() && p[1].clause.empty() && p[2].clause.empty());
        QVERIFY(centre(p[1]).first < centre(p[0]).first && centre(p[0]).first < centre(p[2]).first);
        QVERIFY2(checkBoxes(p, 1, 1).empty(), checkBoxes(p, 1, 1).c_str());

        // Eight subjects all "on the left" cannot share a third: they are pushed apart, not stacked.
        std::vector<LayoutSubject> eight;
        std::string crowd;
        for (int i = 0; i < 8; ++i) {
            eight.push_back({{"toy" + std::to_string(i)}, std::nullopt});
            crowd += "toy" + std::to_string(i) + " on the left, ";
        }
        p = planLayout(crowd, eight, 256, 256);
        QVERIFY2(checkBoxes(p, 256, 256).empty(), checkBoxes(p, 256, 256).c_str());

        // Degenerate input.
        QVERIFY(planLayout("anything", {}).empty());
        p = planLayout("", named({"", "cat"}), 0, -5);
        QCOMPARE(p.size(), size_t{2});
        QVERIFY2(checkBoxes(p, 1, 1).empty(), checkBoxes(p, 1, 1).c_str());
    }

    // GenerationRequest::autoLayout: the planned boxes act as drawn ones (region guidance, the
    // parameters), and only for subjects without a box or mask.
    void autoLayoutRequest()
    {
        GenerationRequest r;
        r.prompt = "a cat on the left and a dog on the right";
        r.seed = 6;
        r.subjects = {subject("cat", 200, 40, 40), subject("dog", 30, 60, 220)};
        r.capture.enabled = true;
        GenerationResult plain, planned, drawn;
        QVERIFY(generate(*m_bundle, r, &plain).ok());
        QCOMPARE(plain.subjects[0].massInRegion, -1.0); // no region
        r.autoLayout = true;
        QVERIFY(generate(*m_bundle, r, &planned).ok());
        QVERIFY(planned.subjects[0].massInRegion >= 0 && planned.subjects[1].massInRegion >= 0);
        QVERIFY(planned.parametersJson.find("\"auto_layout\":true") != std::string::npos);
        QVERIFY2(planned.parametersJson.find("\"box\"") != std::string::npos, planned.parametersJson.c_str());
        // The same image as the plan's boxes drawn by hand.
        const auto plan = planLayout(r.prompt, {{layoutKeys("cat"), std::nullopt}, {layoutKeys("dog"), std::nullopt}}, 64, 64);
        QVERIFY(plan[0].box.x + plan[0].box.w / 2 < 1.0 / 3 && plan[1].box.x + plan[1].box.w / 2 > 2.0 / 3);
        GenerationRequest byHand = r;
        byHand.autoLayout = false;
        byHand.subjects[0].box = plan[0].box;
        byHand.subjects[1].box = plan[1].box;
        QVERIFY(generate(*m_bundle, byHand, &drawn).ok());
        QVERIFY(drawn.image.pixels == planned.image.pixels);
        QVERIFY(planned.image.pixels != plain.image.pixels);
        // A drawn box is kept: the dog's, here, with the cat planned around it.
        GenerationRequest mixed = r;
        mixed.subjects[1].box = NormalizedBox{0.0f, 0.0f, 0.3f, 0.3f};
        GenerationResult m1, m2;
        QVERIFY(generate(*m_bundle, mixed, &m1).ok());
        const auto plan2 = planLayout(r.prompt, {{layoutKeys("cat"), std::nullopt}, {layoutKeys("dog"), mixed.subjects[1].box}}, 64, 64);
        mixed.autoLayout = false;
        mixed.subjects[0].box = plan2[0].box;
        QVERIFY(generate(*m_bundle, mixed, &m2).ok());
        QVERIFY(m1.image.pixels == m2.image.pixels);
        // A mask counts as drawn: its extent (the dog's, the left half) is kept clear of, even by the
        // cat that the prompt puts on the left.
        GenerationRequest masked = r;
        masked.subjects[1].mask.width = masked.subjects[1].mask.height = 8;
        masked.subjects[1].mask.values.assign(64, 0.0f);
        for (int y = 0; y < 8; ++y)
            for (int x = 0; x < 4; ++x)
                masked.subjects[1].mask.values[static_cast<size_t>(y * 8 + x)] = 1.0f;
        const auto plan3 = planRequestLayout(masked, 64, 64);
        QCOMPARE(plan3[1].box.x, 0.0f);
        QCOMPARE(plan3[1].box.w, 0.5f);
        QCOMPARE(plan3[1].box.h, 1.0f);
        QVERIFY(plan3[1].clause.empty());
        QVERIFY2(plan3[0].box.x >= 0.5f - 1e-4f, std::to_string(plan3[0].box.x).c_str());
        // The app's words are keys too: "a block on the right" places a subject named Pip whose word is "a block".
        GenerationRequest worded = r;
        worded.prompt = "a block on the right";
        const auto plan4 = planRequestLayout(worded, 64, 64, {"a block", ""});
        QCOMPARE(plan4[0].clause, std::string("a block on the right"));
        QVERIFY(plan4[1].clause.empty());
    }

    void badRequests_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<std::string>("expected");
        QTest::newRow("box outside the canvas") << 0 << std::string("is not inside the canvas");
        QTest::newRow("too many subjects") << 1 << std::string("more than the 8 this model supports");
        QTest::newRow("size not a multiple of 16") << 2 << std::string("must be a multiple of 16");
        QTest::newRow("point outside") << 3 << std::string("a point lies outside its image");
        QTest::newRow("empty image") << 4 << std::string("has no image");
        QTest::newRow("prepared at the wrong size") << 5 << std::string("a prepared reference must be 64x64");
        QTest::newRow("capture block missing") << 6 << std::string("capture block 9 does not exist");
        QTest::newRow("strength 0") << 7 << std::string("the strength 0 must be above 0");
        QTest::newRow("strength above 1") << 8 << std::string("must be above 0 and at most 1");
        QTest::newRow("starting image short of pixels") << 9 << std::string("do not fill its 64x64 size");
        QTest::newRow("collage 1") << 10 << std::string("collage's strength 1 must be at least 0");
        QTest::newRow("collage not a number") << 11 << std::string("collage's strength nan");
        QTest::newRow("2x2 reference") << 12 << std::string("its image is 2x2 pixels, smaller than the 8x8");
    }

    void badRequests()
    {
        QFETCH(int, kind);
        QFETCH(std::string, expected);
        GenerationRequest r;
        r.subjects = {subject("cat", 200, 40, 40)};
        switch (kind) {
        case 0: r.subjects[0].box = NormalizedBox{0.8f, 0.1f, 0.5f, 0.2f}; break;
        case 1: r.subjects.assign(9, subject("cat", 1, 2, 3)); break;
        case 2: r.width = 70; break;
        case 3: r.subjects[0].points.push_back({0.5f, 0.5f, 1.5f, 0.5f}); break;
        case 4: r.subjects[0].image = RgbaImage{}; break;
        case 5: r.subjects[0].image = disc(32, 1, 2, 3); break;
        case 6: r.capture.enabled = true; r.capture.doubleBlocks = {9}; break;
        case 7: r.initImage = disc(64, 1, 2, 3); r.strength = 0.0f; break;
        case 8: r.strength = 1.5f; break;
        case 9: r.initImage = disc(64, 1, 2, 3); r.initImage.pixels.resize(100); break;
        case 10: r.collage = 1.0f; break;
        case 11: r.collage = std::nanf(""); break;
        case 12: r.subjects[0].image = disc(2, 1, 2, 3); r.subjects[0].prepared = false; break;
        }
        GenerationResult res;
        const Status st = generate(*m_bundle, r, &res);
        QCOMPARE(st.code, StatusCode::InvalidArgument);
        QVERIFY2(st.message.find(expected) != std::string::npos, st.message.c_str());
    }

    // A bundle with a 4x autoencoder (three levels): 16-px tokens of 4x4 latent pixels, the same token
    // grid and maps as with FLUX's 8x; other level counts are refused.
    void fourTimesAutoencoder()
    {
        const std::string path = testsupport::scratchDir("pipeline") + "/bundle4x.safetensors";
        RandomBundleOptions o;
        o.imageSize = 64;
        o.refSize = 64;
        o.steps = 2;
        o.aeMultipliers = {1, 1, 1};
        o.latentChannels = 4;
        const Status written = writeRandomBundle(path, o);
        QVERIFY2(written.ok(), written.message.c_str());
        Status st;
        auto bundle = ModelBundle::load(path, &st);
        QVERIFY2(bundle, st.message.c_str());
        GenerationRequest r;
        r.prompt = "a cat and a dog on the grass";
        r.subjects = {subject("cat", 200, 40, 40), subject("dog", 40, 40, 200)};
        r.subjects[0].box = NormalizedBox{0.0f, 0.0f, 0.5f, 1.0f};
        r.subjects[1].box = NormalizedBox{0.5f, 0.0f, 0.5f, 1.0f};
        r.capture.enabled = true;
        r.regionStrength = 3.0f;
        r.seed = 5;
        GenerationResult res;
        st = generate(*bundle, r, &res);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(res.image.width, 64);
        QCOMPARE(res.image.height, 64);
        QCOMPARE(static_cast<int>(res.subjects.size()), 2);
        for (const auto &m : res.subjects) {
            QCOMPARE(m.attention.width, 64);
            const double sum = std::accumulate(m.attention.values.begin(), m.attention.values.end(), 0.0);
            QVERIFY2(std::abs(sum - 1.0) < 1e-4, std::to_string(sum).c_str()); // a distribution over the image
            QVERIFY2(m.massInRegion > 0.8, std::to_string(m.massInRegion).c_str()); // regions on the right tokens
        }
        for (std::vector<int> levels : {std::vector<int>{1, 1}, std::vector<int>{1, 1, 1, 1, 1}}) {
            o.aeMultipliers = levels;
            const Status bad = writeRandomBundle(path + ".bad", o);
            QCOMPARE(bad.code, StatusCode::InvalidArgument);
            QVERIFY2(bad.message.find("levels") != std::string::npos, bad.message.c_str());
        }
    }

    void badBundleFiles()
    {
        Status st;
        QVERIFY(!ModelBundle::load("/nonexistent/model.safetensors", &st));
        QCOMPARE(st.code, StatusCode::NotFound);
        // A plain FLUX checkpoint is not a bundle: it is taken as a model set, which lacks its text encoders.
        const std::string g = testsupport::goldenDir() + "/flux_tiny.weights.safetensors";
        if (std::ifstream(g)) {
            QVERIFY(!ModelBundle::load(g, &st));
            QVERIFY2(st.message.find("the model set is incomplete") != std::string::npos &&
                         st.message.find("no CLIP text model found") != std::string::npos,
                     st.message.c_str());
        }
        // A file that is neither a bundle nor a transformer still says it is not a bundle.
        const std::string ae = testsupport::goldenDir() + "/ae_tiny.weights.safetensors";
        if (std::ifstream(ae)) {
            QVERIFY(!ModelBundle::load(ae, &st));
            QVERIFY2(st.message.find("not a MOSAIC Studio model bundle") != std::string::npos, st.message.c_str());
        }
    }

private:
    std::shared_ptr<ModelBundle> m_bundle;
    std::string m_bundlePath;
};

MOSAIC_TEST_MAIN(TstPipeline, MT_FN(initTestCase) MT_FN(sameSeedSameImage) MT_DATA(zeroToEightSubjects)
                                  MT_FN(regionGuidanceMovesAttention) MT_FN(modelAboveTheMachinesMemoryIsRefused) MT_FN(cancelReturnsAndBundleStaysUsable) MT_FN(cancelDuringDecodeStopsTheRun)
                                      MT_FN(previewsArriveWithProgress) MT_FN(classifierFreeGuidance) MT_FN(referenceGuidance) MT_FN(modelDefaultGuidance) MT_FN(imageToImage) MT_FN(collageParts) MT_FN(referenceCollage) MT_FN(positionsAboveTheNativeSize) MT_FN(layoutFromPrompt) MT_FN(autoLayoutRequest) MT_DATA(badRequests) MT_FN(fourTimesAutoencoder) MT_FN(badBundleFiles))

#include "tst_pipeline.moc"
