// A generation request's one JSON form (mosaic/request.h): every field survives request -> JSON ->
// request, earlier writers' forms still read, and hostile or wrong values are refused with a message
// naming the field, leaving the request as it was. The one mask rule, a mask's extent, the palette.
#include "testsupport.h"

#include <mosaic/request.h>

#include <array>
#include <cmath>
#include <limits>
#include <set>

using namespace mosaic;

namespace {

GenerationRequest everyField()
{
    GenerationRequest r;
    r.prompt = "a block on the left, Zoë on the right";
    r.promptAsWritten = "Pip on the left, Zoë on the right";
    r.negativePrompt = "blurry";
    r.seed = std::numeric_limits<uint64_t>::max(); // no double holds it
    r.steps = 17;
    r.guidance = 2.75f;
    r.cfgScale = 3.5f;
    r.refCfgScale = 1.5f;
    r.collage = 0.3f;
    r.autoLayout = true;
    r.width = 320;
    r.height = 192;
    r.regionStrength = 1.25f;
    r.pointStrength = 6.5f;
    r.loraScale = 0.8f;
    r.strength = 0.6f;
    Subject a;
    a.name = "Pip";
    a.box = NormalizedBox{0.125f, 0.25f, 0.5f, 0.375f};
    a.points = {{0.1f, 0.2f, 0.3f, 0.4f}, {0.9f, 0.8f, 0.7f, 0.6f}};
    Subject b;
    b.name = "Zoë";
    r.subjects = {a, b};
    return r;
}

void compareSettings(const GenerationRequest &a, const GenerationRequest &b)
{
    QCOMPARE(a.prompt, b.prompt);
    QCOMPARE(a.promptAsWritten, b.promptAsWritten);
    QCOMPARE(a.negativePrompt, b.negativePrompt);
    QCOMPARE(a.seed, b.seed);
    QCOMPARE(a.steps, b.steps);
    QCOMPARE(a.guidance, b.guidance);
    QCOMPARE(a.cfgScale, b.cfgScale);
    QCOMPARE(a.refCfgScale, b.refCfgScale);
    QCOMPARE(a.collage, b.collage);
    QCOMPARE(a.autoLayout, b.autoLayout);
    QCOMPARE(a.width, b.width);
    QCOMPARE(a.height, b.height);
    QCOMPARE(a.regionStrength, b.regionStrength);
    QCOMPARE(a.pointStrength, b.pointStrength);
    QCOMPARE(a.loraScale, b.loraScale);
    QCOMPARE(a.strength, b.strength);
    QCOMPARE(a.subjects.size(), b.subjects.size());
    for (size_t i = 0; i < a.subjects.size(); ++i) {
        const Subject &x = a.subjects[i], &y = b.subjects[i];
        QCOMPARE(x.name, y.name);
        QCOMPARE(x.box.has_value(), y.box.has_value());
        if (x.box) {
            QCOMPARE(x.box->x, y.box->x);
            QCOMPARE(x.box->y, y.box->y);
            QCOMPARE(x.box->w, y.box->w);
            QCOMPARE(x.box->h, y.box->h);
        }
        QCOMPARE(x.points.size(), y.points.size());
        for (size_t k = 0; k < x.points.size(); ++k) {
            QCOMPARE(x.points[k].refX, y.points[k].refX);
            QCOMPARE(x.points[k].refY, y.points[k].refY);
            QCOMPARE(x.points[k].tgtX, y.points[k].tgtX);
            QCOMPARE(x.points[k].tgtY, y.points[k].tgtY);
        }
    }
}

RgbaImage pixels(std::initializer_list<std::array<uint8_t, 4>> list)
{
    RgbaImage img;
    img.width = static_cast<int>(list.size());
    img.height = 1;
    for (const auto &p : list)
        img.pixels.insert(img.pixels.end(), p.begin(), p.end());
    return img;
}

} // namespace

class TstRequest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripKeepsEveryField()
    {
        const GenerationRequest a = everyField();
        const std::string json = requestToJson(a);
        GenerationRequest b;
        const Status st = requestFromJson(json, &b);
        QVERIFY2(st.ok(), st.message.c_str());
        compareSettings(a, b);
        QCOMPARE(requestToJson(b), json); // and writes the same text again
        QVERIFY(json.find("\"version\":1") != std::string::npos);
    }

    // The images travel beside the JSON: a request that already holds them keeps them.
    void imagesStayWithTheRequest()
    {
        GenerationRequest withImages = everyField();
        withImages.subjects[0].image = pixels({{1, 2, 3, 255}});
        withImages.subjects[1].mask = FloatMap{1, 1, {1.0f}};
        GenerationRequest read = withImages;
        read.prompt = "something else";
        QVERIFY(requestFromJson(requestToJson(withImages), &read).ok());
        QCOMPARE(read.prompt, withImages.prompt);
        QCOMPARE(read.subjects[0].image.pixels, withImages.subjects[0].image.pixels);
        QCOMPARE(read.subjects[1].mask.values, withImages.subjects[1].mask.values);
        QVERIFY(requestToJson(withImages).find("\"mask\":{\"height\":1,\"width\":1}") != std::string::npos);
    }

    // What earlier writers wrote: a project's seed as a decimal string, a square "size"; a PNG's
    // parameters with keys the request does not hold (model, hashes, sampler) are read for theirs.
    void olderFormsRead()
    {
        GenerationRequest r;
        QVERIFY(requestFromJson(R"({"prompt": "a", "seed": "18446744073709551615", "size": 128,
                                    "cfg_scale": -1, "subjects": [{"name": "Pip", "box": [0.5, 0.5, 0.75, 0.75]}]})",
                                &r).ok());
        QCOMPARE(r.seed, std::numeric_limits<uint64_t>::max());
        QCOMPARE(r.width, 128);
        QCOMPARE(r.height, 128);
        QCOMPARE(r.cfgScale, -1.0f);
        QVERIFY(r.subjects[0].box.has_value());
        QCOMPARE(r.subjects[0].box->w, 0.5f); // clipped to the canvas, as the app clips what it draws
        QVERIFY(requestFromJson(R"({"generator": "MOSAIC Studio", "model": {"name": "m", "lora": false},
                                    "sampler": "euler", "seed": 42, "width": 64, "height": 32,
                                    "subjects": [{"name": "a", "image_hash": "123"}]})",
                                &r).ok());
        QCOMPARE(r.seed, uint64_t(42));
        QCOMPARE(r.height, 32);
    }

    void badValuesRefused_data()
    {
        QTest::addColumn<std::string>("json");
        QTest::addColumn<std::string>("names");
        QTest::newRow("not json") << std::string("{\"prompt\": ") << std::string("not valid JSON");
        QTest::newRow("not an object") << std::string("[1, 2]") << std::string("not a JSON object");
        QTest::newRow("negative seed") << std::string(R"({"seed": -3})") << std::string("seed");
        QTest::newRow("huge seed") << std::string(R"({"seed": 1e30})") << std::string("seed");
        QTest::newRow("seed text") << std::string(R"({"seed": "12ab"})") << std::string("seed");
        QTest::newRow("seed above 2^64") << std::string(R"({"seed": "18446744073709551616"})") << std::string("seed");
        QTest::newRow("fraction of a step") << std::string(R"({"steps": 2.5})") << std::string("steps");
        QTest::newRow("too many steps") << std::string(R"({"steps": 100000})") << std::string("steps");
        QTest::newRow("huge width") << std::string(R"({"width": 1e12})") << std::string("width");
        QTest::newRow("cfg below 1") << std::string(R"({"cfg_scale": 0.5})") << std::string("cfg_scale");
        QTest::newRow("collage 1") << std::string(R"({"collage": 1})") << std::string("collage");
        QTest::newRow("strength 0") << std::string(R"({"strength": 0})") << std::string("strength");
        QTest::newRow("prompt a number") << std::string(R"({"prompt": 7})") << std::string("prompt");
        QTest::newRow("auto layout a string") << std::string(R"({"auto_layout": "yes"})") << std::string("auto_layout");
        QTest::newRow("a box of three") << std::string(R"({"subjects": [{"box": [0, 0, 1]}]})") << std::string("subjects[0].box");
        QTest::newRow("an empty box") << std::string(R"({"subjects": [{"box": [0.5, 0.5, 0, 0]}]})") << std::string("subjects[0].box");
        QTest::newRow("a point of two") << std::string(R"({"subjects": [{"points": [[0, 1]]}]})") << std::string("subjects[0].points");
        QTest::newRow("subjects an object") << std::string(R"({"subjects": {}})") << std::string("subjects");
        QTest::newRow("newer version") << std::string(R"({"version": 7})") << std::string("newer");
        std::string deep;
        for (int i = 0; i < 100000; ++i)
            deep += "{\"a\":";
        deep += "1" + std::string(100000, '}');
        QTest::newRow("deep nesting") << deep << std::string("JSON");
    }
    void badValuesRefused()
    {
        QFETCH(std::string, json);
        QFETCH(std::string, names);
        GenerationRequest r = everyField();
        const std::string before = requestToJson(r);
        const Status st = requestFromJson(json, &r);
        QVERIFY(!st.ok());
        QVERIFY2(st.message.find(names) != std::string::npos, st.message.c_str());
        QCOMPARE(requestToJson(r), before); // unchanged
    }

    void tooLargeRefused()
    {
        GenerationRequest r;
        const std::string big = "{\"prompt\": \"" + std::string(kMaxRequestJsonBytes, 'a') + "\"}";
        const Status st = requestFromJson(big, &r);
        QVERIFY(!st.ok());
        QVERIFY2(st.message.find("bytes") != std::string::npos, st.message.c_str());
    }

    // The one mask rule: mean of R, G, B times alpha above half; transparent is outside.
    void maskRule()
    {
        const FloatMap m = maskFromImage(pixels({{255, 255, 255, 255},
                                                 {128, 128, 128, 255},
                                                 {127, 127, 127, 255},
                                                 {255, 255, 255, 0},
                                                 {255, 255, 255, 128},
                                                 {255, 0, 0, 255},
                                                 {255, 255, 0, 255}}));
        QCOMPARE(m.width, 7);
        QCOMPARE(m.height, 1);
        const std::vector<float> expected{1, 1, 0, 0, 1, 0, 1};
        QCOMPARE(m.values, expected);
        QVERIFY(maskFromImage(RgbaImage{}).values.empty());
    }

    void maskExtent()
    {
        FloatMap m{4, 2, {0, 0, 0, 0, 0, 0.6f, 1, 0}};
        const auto box = mosaic::maskExtent(m);
        QVERIFY(box.has_value());
        QCOMPARE(box->x, 0.25f);
        QCOMPARE(box->y, 0.5f);
        QCOMPARE(box->w, 0.5f);
        QCOMPARE(box->h, 0.5f);
        const auto none = mosaic::maskExtent(FloatMap{2, 1, {0, 0.5f}});
        QVERIFY(none.has_value() && none->w == 0 && none->h == 0);
        QVERIFY(!mosaic::maskExtent(FloatMap{2, 2, {1}}).has_value()); // the buffer does not fill its size
    }

    void paletteHasEightColours()
    {
        std::set<uint32_t> colours;
        for (int i = 0; i < 8; ++i)
            colours.insert(subjectColor(i));
        QCOMPARE(colours.size(), size_t(8));
        QCOMPARE(subjectColor(8), subjectColor(0));
        QVERIFY(subjectColor(0) <= 0xffffffu && subjectColor(0) > 0xffffu);
    }
};

MOSAIC_TEST_MAIN(TstRequest, MT_FN(roundTripKeepsEveryField) MT_FN(imagesStayWithTheRequest) MT_FN(olderFormsRead)
                                 MT_DATA(badValuesRefused) MT_FN(tooLargeRefused) MT_FN(maskRule) MT_FN(maskExtent)
                                     MT_FN(paletteHasEightColours))

#include "tst_request.moc"
