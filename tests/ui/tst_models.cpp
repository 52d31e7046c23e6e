// Models…: a model set written tiny in BFL files with ComfyUI-named encoders (../shared/golden/text's T5
// and CLIP) is added, described (complete, its time per image here), given a LoRA with a strength and a
// memory budget, remembered across dialogs, loaded by the generation service and used for an image whose
// record names the set and the LoRA; a path that is not a model says why and adds nothing.
#include "testsupport.h"

#include "generationservice.h"
#include "modelsdialog.h"

#include <mosaic/tools.h>
#include <mosaic/runtime.h>

#include <QApplication>
#include <QFile>
#include <QSettings>
#include <QSignalSpy>

#include <filesystem>

namespace fs = std::filesystem;

class TstModels : public QObject
{
    Q_OBJECT

    QString m_set, m_lora;

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("mosaic-studio-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_models"));
        QSettings().clear();
        qputenv("MOSAIC_PROMPT_CACHE", "");
        const fs::path text = fs::path(testsupport::goldenDir()).parent_path() / "text";
        if (!fs::exists(text / "t5_tiny" / "model.safetensors"))
            QSKIP("golden text encoders not found (set MOSAIC_GOLDEN_DIR)");
        const std::string dir = testsupport::scratchDir("models") + "/my-flux";
        fs::create_directories(dir);
        mosaic::SynthModelOptions o;
        o.precision = "bf16";
        QVERIFY(mosaic::synthModelFile(dir + "/flux1-dev.safetensors", o).ok());
        o.what = "autoencoder";
        o.precision = "f32";
        QVERIFY(mosaic::synthModelFile(dir + "/ae.safetensors", o).ok());
        o.what = "lora";
        o.layout = "peft";
        QVERIFY(mosaic::synthModelFile(dir + "/../subject.safetensors", o).ok());
        fs::copy_file(text / "clip_tiny" / "model.safetensors", dir + "/clip_l.safetensors");
        fs::copy_file(text / "t5_tiny" / "model.safetensors", dir + "/t5xxl_fp16.safetensors");
        m_set = QString::fromStdString(dir);
        m_lora = QString::fromStdString(fs::path(dir + "/../subject.safetensors").lexically_normal().string());
    }

    void addsDescribesAndRemembers()
    {
        ui::ModelsDialog d;
        QVERIFY(d.selected().bundled());
        QVERIFY(!d.addPath(QStringLiteral("/nonexistent/flux")));
        QVERIFY2(d.details().contains(QStringLiteral("cannot be used")), qPrintable(d.details()));
        QVERIFY(d.addPath(m_set));
        QCOMPARE(d.selected().path, m_set);
        for (const char *needle : {"status:      complete", "bfl layout, bf16", "t5xxl_fp16.safetensors", "time:        about"})
            QVERIFY2(d.details().contains(QLatin1String(needle)), qPrintable(d.details()));
        QVERIFY(d.addLora(m_lora, 0.5));
        d.setMemoryBudgetMiB(1);
        // The device: offered as LibTorch sees it, kept with the set and handed to the loader.
        QVERIFY(!d.setDevice(QStringLiteral("tpu")));
        QCOMPARE(d.setDevice(QStringLiteral("cuda")), mosaic::cudaAvailable());
        QVERIFY(d.setDevice(QStringLiteral("cpu")));
        QCOMPARE(d.selected().spec().device, std::string("cpu"));
        QVERIFY2(d.selected().title().endsWith(QStringLiteral(" · CPU")), qPrintable(d.selected().title()));
        QVERIFY2(d.selected().title().contains(QStringLiteral("subject.safetensors ×0.5")), qPrintable(d.selected().title()));
        QVERIFY2(d.details().contains(QStringLiteral("strength 0.5")), qPrintable(d.details()));
        // A second dialog (another session) shows the set as it was left.
        ui::ModelsDialog again;
        const auto sets = ui::rememberedModelSets();
        QCOMPARE(sets.size(), 1);
        QCOMPARE(sets[0].path, m_set);
        QCOMPARE(sets[0].loras.size(), 1);
        QCOMPARE(sets[0].loras[0].second, 0.5);
        QCOMPARE(sets[0].maxMemoryMiB, 1);
        QCOMPARE(sets[0].device, QStringLiteral("cpu"));
        // Remembered on a GPU machine: here it loads on what there is, as the dialog shows it.
        ui::ModelSetEntry fromGpu = sets[0];
        fromGpu.device = QStringLiteral("cuda");
        fromGpu = ui::ModelSetEntry::fromJson(fromGpu.toJson());
        QCOMPARE(fromGpu.device, QStringLiteral("cuda"));
        QCOMPARE(fromGpu.spec().device, std::string(mosaic::cudaAvailable() ? "cuda" : "auto"));
    }

    void serviceLoadsTheSetAndRecordsIt()
    {
        const auto sets = ui::rememberedModelSets();
        QVERIFY(!sets.isEmpty());
        ui::GenerationService service;
        QSignalSpy loaded(&service, &ui::GenerationService::modelLoaded);
        QSignalSpy failed(&service, &ui::GenerationService::modelFailed);
        service.loadModelSet(sets[0].toJson());
        QVERIFY(loaded.wait(60000) || !failed.isEmpty());
        QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed[0][1].toString()));
        QVERIFY2(service.modelName().contains(QStringLiteral("subject.safetensors x0.5")), qPrintable(service.modelName()));
        mosaic::GenerationRequest req;
        req.prompt = "a cat";
        req.width = req.height = 64;
        req.steps = 2;
        mosaic::Subject s;
        s.name = "cat";
        s.image.width = s.image.height = 16;
        s.image.pixels.assign(16 * 16 * 4, 200);
        req.subjects.push_back(s);
        QSignalSpy done(&service, &ui::GenerationService::finished);
        QSignalSpy bad(&service, &ui::GenerationService::failed);
        service.submit(req);
        QVERIFY(done.wait(120000) || !bad.isEmpty());
        QVERIFY2(bad.isEmpty(), bad.isEmpty() ? "" : qPrintable(bad[0][1].toString()));
        const auto outcome = done[0][0].value<ui::GenerationOutcome>();
        QVERIFY2(outcome.modelName.contains(QStringLiteral("flux1-dev (folder, bf16) + subject.safetensors x0.5")),
                 qPrintable(outcome.modelName));
        QCOMPARE(outcome.image.width(), 64);

        // A file that is not a model: said plainly, and the set stays loaded and generating.
        const QString junk = QString::fromStdString(testsupport::scratchDir("models-junk") + "/notamodel.safetensors");
        {
            QFile f(junk);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(4096, 'x'));
        }
        QSignalSpy loadFailed(&service, &ui::GenerationService::modelFailed);
        service.loadModel(junk);
        QVERIFY(service.modelLoading());
        QVERIFY(loadFailed.wait(30000));
        QVERIFY2(loadFailed[0][1].toString().contains(QStringLiteral("is not a model file")),
                 qPrintable(loadFailed[0][1].toString()));
        QVERIFY(!service.modelLoading());
        QVERIFY(service.modelReady());
        QVERIFY(service.modelName().contains(QStringLiteral("flux1-dev")));
        service.submit(req);
        QVERIFY(done.wait(120000) || bad.size() > 0);
        QCOMPARE(done.size(), 2);
    }
};

QTEST_MAIN(TstModels)
#include "tst_models.moc"
