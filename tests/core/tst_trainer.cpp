// The training step on a tiny random bundle with in-memory MOSAIC-Toys: the loss falls, every term is
// finite, and a run resumed from a checkpoint repeats the uninterrupted run.
#include "testsupport.h"

#include <mosaic/pipeline.h>

#include "data/toys.h"
#include "pipeline/bundle.h"
#include "train/ae_trainer.h"
#include "train/trainer.h"

#include <mosaic/image.h>
#include <mosaic/train.h>

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <atomic>
#include <cmath>
#include <filesystem>
#include <cstdio>
#include <fstream>

using namespace mosaic;

namespace {

std::unique_ptr<pipeline::Bundle> tinyBundle(const std::string &dir)
{
    RandomBundleOptions o;
    o.hidden = 64;
    o.heads = 2;
    o.doubleBlocks = 1;
    o.singleBlocks = 1;
    o.imageSize = o.refSize = 64;
    const std::string path = dir + "/tiny.safetensors";
    if (!writeRandomBundle(path, o).ok())
        return nullptr;
    return pipeline::loadBundle(path);
}

train::TrainOptions options()
{
    train::TrainOptions o;
    o.batch = 2;
    o.learningRate = 3e-3;
    o.data.size = 128;
    o.data.refSize = 64;
    o.data.minSubjects = 2;
    o.data.maxSubjects = 3;
    return o;
}

} // namespace

class TstTrainer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lossFalls()
    {
        at::set_num_threads(1); // bit-reproducible reductions
        const std::string dir = testsupport::scratchDir("trainer");
        auto bundle = tinyBundle(dir);
        QVERIFY(bundle);
        train::Trainer trainer(*bundle, options());
        std::vector<double> losses;
        int withPairs = 0;
        for (int i = 0; i < 40; ++i) {
            const auto l = trainer.step();
            QVERIFY(std::isfinite(l.total) && std::isfinite(l.flow) && std::isfinite(l.sca) && std::isfinite(l.md));
            QVERIFY(l.md <= 0.0 && l.md >= -std::log(2.0) - 1e-6);
            withPairs += l.sca > 0.0;
            losses.push_back(l.total);
        }
        QVERIFY(withPairs > 30); // the correspondence loss is active
        double first = 0, last = 0;
        for (int i = 0; i < 8; ++i) {
            first += losses[static_cast<size_t>(i)] / 8;
            last += losses[losses.size() - 1 - static_cast<size_t>(i)] / 8;
        }
        std::printf("smoke training: mean loss of steps 1-8 %.4f, of steps 33-40 %.4f\n", first, last);
        QVERIFY2(last < 0.8 * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
    }

    void resumeRepeatsTheRun()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("resume");
        std::vector<double> straight, resumed;
        {
            auto b = tinyBundle(dir);
            QVERIFY(b);
            train::Trainer t(*b, options());
            for (int i = 0; i < 4; ++i)
                straight.push_back(t.step().total);
        }
        {
            auto b = tinyBundle(dir);
            train::Trainer t(*b, options());
            t.step();
            t.step();
            t.saveCheckpoint(dir + "/ck.pt");
        }
        {
            auto b = tinyBundle(dir); // fresh weights: everything must come from the checkpoint
            train::Trainer t(*b, options());
            t.loadCheckpoint(dir + "/ck.pt");
            QCOMPARE(t.stepCount(), int64_t{2});
            resumed.push_back(t.step().total);
            resumed.push_back(t.step().total);
        }
        for (int i = 0; i < 2; ++i) {
            const double a = straight[static_cast<size_t>(2 + i)], b = resumed[static_cast<size_t>(i)];
            QVERIFY2(std::abs(a - b) <= 1e-6 * std::abs(a), (std::to_string(a) + " vs " + std::to_string(b)).c_str());
        }
    }

    void recipeRunStopAndResume()
    {
        const std::string out = testsupport::scratchDir("recipe_run");
        TrainRunOptions o;
        o.recipePath = std::string(MOSAIC_SOURCE_DIR) + "/resources/recipes/smoke.json";
        o.outDir = out;
        o.steps = 6;
        std::atomic<bool> stop{false};
        TrainRunReport first;
        QVERIFY(runTraining(o, &first, [&](const TrainProgress &p) { stop = p.step >= 3; }, &stop).ok());
        QVERIFY(first.interrupted); // "Ctrl-C" after step 3: a checkpoint, no model yet
        QCOMPARE(first.lastStep, int64_t{3});
        QVERIFY(std::filesystem::exists(first.checkpoint));
        QVERIFY(!std::filesystem::exists(first.model));
        o.resume = true;
        TrainRunReport second;
        QVERIFY(runTraining(o, &second).ok());
        QVERIFY(!second.interrupted);
        QCOMPARE(second.firstStep, int64_t{3});
        QCOMPARE(second.lastStep, int64_t{6});
        // Every step once in the metrics, and a bundle that loads.
        std::ifstream in(second.metrics);
        std::string line;
        std::vector<int> steps;
        std::getline(in, line);
        QCOMPARE(line, std::string("step,total,flow,sca,md,lr,grad_norm,seconds"));
        while (std::getline(in, line))
            steps.push_back(std::stoi(line.substr(0, line.find(','))));
        QVERIFY((steps == std::vector<int>{0, 1, 2, 3, 4, 5}));
        Status st;
        auto bundle = ModelBundle::load(second.model, &st);
        QVERIFY2(bundle, st.message.c_str());
        // Up to step 12: the recipe's sample grid appears (where PNGs can be written).
        o.steps = 12;
        TrainRunReport third;
        QVERIFY(runTraining(o, &third).ok());
        RgbaImage probe;
        probe.width = probe.height = 1;
        probe.pixels.assign(4, 255);
        if (savePng(out + "/probe.png", probe).ok())
            QVERIFY(std::filesystem::exists(out + "/samples/step_12.png"));
    }

    void autoencoderRecipe()
    {
        const std::string out = testsupport::scratchDir("recipe_ae");
        TrainRunOptions o;
        o.recipePath = std::string(MOSAIC_SOURCE_DIR) + "/resources/recipes/smoke-ae.json";
        o.outDir = out;
        o.steps = 4;
        TrainRunReport rep;
        const Status st = runTraining(o, &rep);
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(rep.lastStep, int64_t{4});
        std::ifstream in(rep.metrics);
        std::string header;
        std::getline(in, header);
        QCOMPARE(header, std::string("step,total,reconstruction,kl,seconds"));
        auto bundle = pipeline::loadBundle(rep.model);
        QVERIFY(bundle->ae->config.scale_factor != 0.3611); // calibrated
    }

    void badRecipes()
    {
        const std::string dir = testsupport::scratchDir("bad_recipes");
        TrainRunOptions o;
        o.outDir = dir + "/out";
        TrainRunReport r;
        o.recipePath = dir + "/missing.json";
        QCOMPARE(runTraining(o, &r).code, StatusCode::NotFound);
        std::ofstream(dir + "/broken.json") << "{\"init\": ";
        o.recipePath = dir + "/broken.json";
        const Status broken = runTraining(o, &r);
        QCOMPARE(broken.code, StatusCode::CorruptFile);
        QVERIFY(broken.message.find("not valid JSON") != std::string::npos);
        std::ofstream(dir + "/folder.json") << R"({"init": {"random": {"hidden": 64, "heads": 2, "double": 1, "single": 1,)"
                                            << R"( "image_size": 64, "ref_size": 64}}, "data": {"source": "dataset"}})";
        o.recipePath = dir + "/folder.json";
        const Status folder = runTraining(o, &r);
        QCOMPARE(folder.code, StatusCode::Unsupported);
    }

    void autoencoderLearnsAndCalibrates()
    {
        at::set_num_threads(1);
        const std::string dir = testsupport::scratchDir("ae_train");
        auto b = tinyBundle(dir);
        QVERIFY(b);
        train::AutoEncoderTrainOptions o;
        o.batch = 4;
        o.learningRate = 5e-3;
        o.data.size = o.data.refSize = 64;
        o.data.minSubjects = 1;
        o.data.maxSubjects = 2;
        train::AutoEncoderTrainer t(*b, o);
        std::vector<double> losses;
        for (int i = 0; i < 30; ++i)
            losses.push_back(t.step().reconstruction);
        double first = 0, last = 0;
        for (int i = 0; i < 5; ++i) {
            first += losses[static_cast<size_t>(i)] / 5;
            last += losses[losses.size() - 1 - static_cast<size_t>(i)] / 5;
        }
        std::printf("autoencoder: reconstruction MSE %.4f (steps 1-5) -> %.4f (steps 26-30)\n", first, last);
        QVERIFY2(last < 0.8 * first, (std::to_string(first) + " -> " + std::to_string(last)).c_str());
        // After calibration the encoded latents have about zero mean and unit variance.
        t.calibrate(8);
        torch::NoGradGuard noGrad;
        ToysOptions other = o.data;
        other.seed = 99;
        std::vector<at::Tensor> imgs;
        for (int i = 0; i < 6; ++i)
            imgs.push_back(data::renderToySample(other, i).target * 2.0 - 1.0);
        const at::Tensor z = b->ae->encode(at::stack(imgs, 0));
        QVERIFY2(std::abs(z.mean().item<double>()) < 0.3, std::to_string(z.mean().item<double>()).c_str());
        QVERIFY2(std::abs(z.std().item<double>() - 1.0) < 0.3, std::to_string(z.std().item<double>()).c_str());
    }

    void badCheckpointIsAnError()
    {
        const std::string dir = testsupport::scratchDir("badck");
        auto b = tinyBundle(dir);
        QVERIFY(b);
        train::Trainer t(*b, options());
        std::ofstream(dir + "/junk.pt") << "not a checkpoint";
        bool threw = false;
        try {
            t.loadCheckpoint(dir + "/junk.pt");
        } catch (const std::exception &e) {
            threw = std::string(e.what()).find("not a training checkpoint") != std::string::npos;
        }
        QVERIFY(threw);
    }
};

MOSAIC_TEST_MAIN(TstTrainer, MT_FN(lossFalls) MT_FN(resumeRepeatsTheRun) MT_FN(recipeRunStopAndResume) MT_FN(autoencoderRecipe) MT_FN(badRecipes) MT_FN(autoencoderLearnsAndCalibrates) MT_FN(badCheckpointIsAnError))

#include "tst_trainer.moc"
