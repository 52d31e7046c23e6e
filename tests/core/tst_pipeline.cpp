// The generation pipeline end to end on a random bundle written by the test: reproducible seeds,
// cancellation that leaves the bundle usable, region guidance that moves attention into the regions,
// maps that are distributions, and a clear error for each bad request.
#include "testsupport.h"

#include <mosaic/pipeline.h>

#include <atomic>
#include <fstream>
#include <cmath>
#include <numeric>

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
        t.cfgScale = t.refCfgScale = 1.0f;
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
        // A plain FLUX checkpoint is not a bundle.
        const std::string g = testsupport::goldenDir() + "/flux_tiny.weights.safetensors";
        if (std::ifstream(g)) {
            QVERIFY(!ModelBundle::load(g, &st));
            QVERIFY2(st.message.find("not a MOSAIC Studio model bundle") != std::string::npos, st.message.c_str());
        }
    }

private:
    std::shared_ptr<ModelBundle> m_bundle;
};

MOSAIC_TEST_MAIN(TstPipeline, MT_FN(initTestCase) MT_FN(sameSeedSameImage) MT_DATA(zeroToEightSubjects)
                                  MT_FN(regionGuidanceMovesAttention) MT_FN(cancelReturnsAndBundleStaysUsable)
                                      MT_FN(previewsArriveWithProgress) MT_FN(classifierFreeGuidance) MT_FN(referenceGuidance) MT_FN(imageToImage) MT_DATA(badRequests) MT_FN(fourTimesAutoencoder) MT_FN(badBundleFiles))

#include "tst_pipeline.moc"
