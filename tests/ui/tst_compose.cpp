// The composer as a user drives it, offscreen: subjects added (a corrupt image gives a message and
// adds nothing), a region drawn on the canvas and undone, a generation on a tiny model whose result
// and maps reach the gallery while the event loop keeps running, a cancelled run, the demo.
#include "testsupport.h"

#include "annotatepanel.h"
#include "annotation.h"
#include "canvas.h"
#include "composition.h"
#include "gallery.h"
#include "logdock.h"
#include "mainwindow.h"
#include "project.h"
#include "resultstore.h"
#include "subjectspanel.h"
#include "uibench.h"

#include <mosaic/image.h>
#include <mosaic/layout.h>
#include <mosaic/pipeline.h>
#include <mosaic/train.h>

#include <QAction>
#include <QApplication>
#include <QProgressBar>
#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStatusBar>
#include <QUndoStack>

#include <cmath>
#include <fstream>

namespace {

QString writeDisc(const std::string &dir, const char *name, uint8_t r, uint8_t g, uint8_t b)
{
    mosaic::RgbaImage img;
    img.width = img.height = 96;
    img.pixels.assign(96 * 96 * 4, 255);
    for (int y = 0; y < 96; ++y)
        for (int x = 0; x < 96; ++x)
            if (std::hypot(x - 48.0, y - 48.0) < 30) {
                uint8_t *p = &img.pixels[(static_cast<size_t>(y) * 96 + x) * 4];
                p[0] = r;
                p[1] = g;
                p[2] = b;
            }
    const std::string path = dir + "/" + name;
    return mosaic::savePng(path, img).ok() ? QString::fromStdString(path) : QString();
}

} // namespace

class TstCompose : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        // A window's slot reached while the window is being destroyed runs on destroyed members
        // (it corrupted the heap after a generation, one run in three); MainWindow reports it.
        QTest::failOnWarning(QRegularExpression(QStringLiteral("during teardown")));
    }

    void initTestCase()
    {
        QFile::remove(ui::MainWindow::autosavePath());
        m_dir = testsupport::scratchDir("compose");
        m_red = writeDisc(m_dir, "red.png", 220, 40, 40);
        m_blue = writeDisc(m_dir, "blue.png", 40, 40, 220);
        QVERIFY(!m_red.isEmpty() && !m_blue.isEmpty());
        mosaic::RandomBundleOptions o;
        o.name = "tiny-test";
        o.imageSize = 64;
        o.refSize = 64;
        o.steps = 3;
        m_model = QString::fromStdString(m_dir + "/tiny.safetensors");
        QVERIFY(mosaic::writeRandomBundle(m_model.toStdString(), o).ok());
        o.steps = 40; // slow enough to cancel
        o.imageSize = 128;
        m_slowModel = QString::fromStdString(m_dir + "/slow.safetensors");
        QVERIFY(mosaic::writeRandomBundle(m_slowModel.toStdString(), o).ok());
    }

    void addSubjects()
    {
        ui::MainWindow w;
        auto *panel = w.subjectsPanel();
        QSignalSpy errors(panel, &ui::SubjectsPanel::errorOccurred);
        QCOMPARE(panel->addFiles({m_red, m_blue}), 2);
        QCOMPARE(w.composition()->count(), 2);
        QCOMPARE(panel->list()->count(), 2);
        QCOMPARE(w.composition()->subject(0).name, QStringLiteral("red"));
        QVERIFY(w.composition()->subject(0).prepared.width() == 256); // prepared as the pipeline does
        QVERIFY(w.composition()->subject(0).color != w.composition()->subject(1).color);

        // A corrupt file and a missing one: a message naming them, nothing added.
        const std::string corrupt = m_dir + "/corrupt.png";
        std::ofstream(corrupt) << "\x89PNG\r\n\x1a\n garbage";
        QCOMPARE(panel->addFiles({QString::fromStdString(corrupt), QStringLiteral("/nonexistent/cat.png")}), 0);
        QCOMPARE(w.composition()->count(), 2);
        QCOMPARE(errors.count(), 1);
        const QString message = errors.first().first().toString();
        QVERIFY2(message.contains(QStringLiteral("corrupt.png")) && message.contains(QStringLiteral("cat.png")), qPrintable(message));

        // Rename, recolour, reorder: each one undo step.
        w.composition()->renameSubject(0, QStringLiteral("Ruby"));
        w.composition()->moveSubject(0, 1);
        QCOMPARE(w.composition()->subject(1).name, QStringLiteral("Ruby"));
        QCOMPARE(panel->list()->item(1)->text(), QStringLiteral("Ruby"));
        w.composition()->undoStack()->undo();
        w.composition()->undoStack()->undo();
        QCOMPARE(w.composition()->subject(0).name, QStringLiteral("red"));
        // Undoing and redoing an add keeps where the image came from.
        w.composition()->undoStack()->undo();
        w.composition()->undoStack()->undo();
        w.composition()->undoStack()->redo();
        w.composition()->undoStack()->redo();
        QCOMPARE(w.composition()->subject(0).sourcePath, m_red);

        // At most eight.
        for (int i = 0; i < 6; ++i)
            QCOMPARE(panel->addFiles({m_red}), 1);
        QCOMPARE(panel->addFiles({m_red}), 0);
        QCOMPARE(w.composition()->count(), 8);
        w.composition()->undoStack()->undo();
        QCOMPARE(w.composition()->count(), 7);
    }

    void drawRegionAndUndo()
    {
        ui::MainWindow w;
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(w.subjectsPanel()->addFiles({m_red, m_blue}), 2);
        w.subjectsPanel()->setCurrentIndex(1);
        ui::Canvas *c = w.canvas();
        QCOMPARE(c->currentSubject(), 1);
        const QPoint a = c->mapFromScene(QPointF(0.25, 0.25) * ui::Canvas::kSide);
        const QPoint b = c->mapFromScene(QPointF(0.75, 0.5) * ui::Canvas::kSide);
        QTest::mousePress(c->viewport(), Qt::LeftButton, {}, a);
        QTest::mouseMove(c->viewport(), (a + b) / 2);
        QTest::mouseMove(c->viewport(), b);
        QTest::mouseRelease(c->viewport(), Qt::LeftButton, {}, b);
        const QRectF box = w.composition()->subject(1).box;
        QVERIFY2(std::abs(box.x() - 0.25) < 0.01 && std::abs(box.width() - 0.5) < 0.01 && std::abs(box.height() - 0.25) < 0.01,
                 qPrintable(QStringLiteral("%1 %2 %3 %4").arg(box.x()).arg(box.y()).arg(box.width()).arg(box.height())));
        QVERIFY(w.composition()->subject(0).box.isNull());
        // Move it by dragging its inside: one more undo step.
        const QPoint inside = c->mapFromScene(QPointF(0.5, 0.4) * ui::Canvas::kSide);
        const QPoint moved = inside + (c->mapFromScene(QPointF(0.6, 0.4) * ui::Canvas::kSide) - inside);
        QTest::mousePress(c->viewport(), Qt::LeftButton, {}, inside);
        QTest::mouseMove(c->viewport(), moved);
        QTest::mouseRelease(c->viewport(), Qt::LeftButton, {}, moved);
        QVERIFY(std::abs(w.composition()->subject(1).box.x() - 0.35) < 0.01);
        QCOMPARE(w.composition()->undoStack()->count(), 4); // two adds, draw, move
        w.findChild<QAction *>(QStringLiteral("undoAction"))->trigger();
        QVERIFY(std::abs(w.composition()->subject(1).box.x() - 0.25) < 0.01);
        w.findChild<QAction *>(QStringLiteral("undoAction"))->trigger();
        QVERIFY(w.composition()->subject(1).box.isNull());
        w.findChild<QAction *>(QStringLiteral("redoAction"))->trigger();
        QVERIFY(!w.composition()->subject(1).box.isNull());
        // Delete removes the region; auto layout gives every subject a box, none overlapping.
        c->setFocus();
        QTest::keyClick(c, Qt::Key_Delete);
        QVERIFY(w.composition()->subject(1).box.isNull());
        w.composition()->autoLayout();
        const QRectF r0 = w.composition()->subject(0).box, r1 = w.composition()->subject(1).box;
        QVERIFY(!r0.isNull() && !r1.isNull() && !r0.intersects(r1));

        // The brush paints a mask for the current subject (one undo step per stroke); the eraser
        // takes it away again.
        w.findChild<QAction *>(QStringLiteral("brushTool"))->trigger();
        QCOMPARE(c->tool(), ui::Canvas::Tool::Brush);
        const QPoint s0 = c->mapFromScene(QPointF(0.2, 0.8) * ui::Canvas::kSide);
        const QPoint s1 = c->mapFromScene(QPointF(0.6, 0.8) * ui::Canvas::kSide);
        const int before = w.composition()->undoStack()->count();
        QTest::mousePress(c->viewport(), Qt::LeftButton, {}, s0);
        QTest::mouseMove(c->viewport(), s1);
        QTest::mouseRelease(c->viewport(), Qt::LeftButton, {}, s1);
        const QImage mask = w.composition()->subject(1).mask;
        QVERIFY(!mask.isNull());
        const int side = ui::Composition::kMaskSide;
        QVERIFY(qGray(mask.pixel(int(0.4 * side), int(0.8 * side))) > 127); // on the stroke
        QVERIFY(qGray(mask.pixel(int(0.4 * side), int(0.3 * side))) < 128); // far from it
        QCOMPARE(w.composition()->undoStack()->count(), before + 1);
        w.findChild<QAction *>(QStringLiteral("eraserTool"))->trigger();
        QTest::mousePress(c->viewport(), Qt::LeftButton, {}, s0);
        QTest::mouseMove(c->viewport(), s1);
        QTest::mouseRelease(c->viewport(), Qt::LeftButton, {}, s1);
        QVERIFY(w.composition()->subject(1).mask.isNull()); // all erased: no mask
        w.composition()->undoStack()->undo();
        QVERIFY(!w.composition()->subject(1).mask.isNull());
        w.composition()->undoStack()->undo();
        QVERIFY(w.composition()->subject(1).mask.isNull());

        // The point tool pins the picked reference point (default: its centre) where the user clicks.
        w.findChild<QAction *>(QStringLiteral("pointTool"))->trigger();
        c->setReferencePoint(QPointF(0.25, 0.75));
        const QPoint pin = c->mapFromScene(QPointF(0.7, 0.3) * ui::Canvas::kSide);
        QTest::mouseClick(c->viewport(), Qt::LeftButton, {}, pin);
        QCOMPARE(w.composition()->subject(1).points.size(), 1);
        const auto pt = w.composition()->subject(1).points[0];
        QCOMPARE(pt.first, QPointF(0.25, 0.75));
        QVERIFY(std::abs(pt.second.x() - 0.7) < 0.01 && std::abs(pt.second.y() - 0.3) < 0.01);
        w.composition()->undoStack()->undo();
        QVERIFY(w.composition()->subject(1).points.isEmpty());
    }

    // Closing a window with edits on its undo stack: the stack clears itself as the composition goes,
    // after the window's own members are destroyed; that must not reach the window's slots.
    void teardownRunsNoSlots()
    {
        auto *w = new ui::MainWindow;
        QCOMPARE(w->subjectsPanel()->addFiles({m_red, m_blue}), 2);
        w->composition()->setBox(0, QRectF(0, 0, 0.5, 1));
        QVERIFY(w->composition()->undoStack()->index() > 0);
        QVERIFY(w->isDirty());
        delete w; // a "during teardown" warning fails this test (init)
    }

    void generateShowsResultAndMaps()
    {
        ui::MainWindow w;
        w.show(); // with the log dock showing earlier tests' warnings (see teardownRunsNoSlots)
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        QVERIFY(w.service()->modelReady());
        QCOMPARE(w.subjectsPanel()->addFiles({m_red, m_blue}), 2);
        w.composition()->setBox(0, QRectF(0, 0, 0.5, 1));
        w.composition()->setBox(1, QRectF(0.5, 0, 0.5, 1));
        ui::Settings s = w.composition()->settings();
        s.prompt = QStringLiteral("two toys on the grass");
        s.seed = 9;
        s.seedLocked = true;
        w.composition()->setSettings(s);

        // One generation through the --bench-ui path, which also times the event loop's longest stall.
        QSignalSpy progress(w.service(), &ui::GenerationService::progress);
        QVector<ui::UiBenchRun> runs;
        QString benchError;
        QVERIFY2(ui::runUiBenchmark(w, 1, &runs, &benchError), qPrintable(benchError));
        QCOMPARE(w.gallery()->count(), 1);
        qInfo("longest event-loop stall during the generation: %lld ms (%d progress signals)", runs[0].longestStallMs,
              runs[0].progressUpdates);
        QCOMPARE(runs[0].progressUpdates, static_cast<int>(progress.count()));
        QVERIFY(progress.count() >= 3); // one per step, with previews
        QVERIFY(!progress.last().at(2).value<QImage>().isNull());

        const ui::GalleryEntry *e = w.gallery()->current();
        QVERIFY(e);
        QCOMPARE(e->outcome.image.width(), 64);
        QCOMPARE(static_cast<int>(e->outcome.result.subjects.size()), 2);
        QVERIFY(e->outcome.result.subjects[0].attention.width > 0);
        QCOMPARE(e->outcome.request.seed, quint64{9});
        // Overlays change what is shown; off again gives the plain result back.
        const QImage plain = w.gallery()->composedImage();
        w.gallery()->setSubjectOverlay(0, true);
        QVERIFY(w.gallery()->composedImage() != plain);
        w.gallery()->setSubjectOverlay(0, false);
        w.gallery()->setOwnershipShown(true);
        QVERIFY(w.gallery()->composedImage() != plain);
        w.gallery()->setOwnershipShown(false);
        QCOMPARE(w.gallery()->composedImage(), plain.convertToFormat(QImage::Format_ARGB32));
        w.gallery()->setReferencesShown(true);
        QVERIFY(w.gallery()->composedImage().width() > plain.width());
        w.gallery()->setReferencesShown(false);

        const QImage first = e->outcome.image; // (e points into the gallery, which grows below)
        // Save as PNG carries the parameters; the same seed regenerates the same image.
        const QString png = QString::fromStdString(m_dir + "/saved.png");
        QString error;
        QVERIFY2(w.gallery()->savePng(0, png, &error), qPrintable(error));
        std::map<std::string, std::string> text;
        QVERIFY(mosaic::readPngText(png.toStdString(), &text).ok());
        QVERIFY(text["parameters"].find("two toys on the grass") != std::string::npos);
        QVERIFY(w.generate() != 0);
        QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 2, 60000);
        QCOMPARE(w.gallery()->current()->outcome.image, first);
        w.gallery()->removeAt(1);
        QCOMPARE(w.gallery()->count(), 1);

        // "Vary": the shown image as the start of a new generation at the chosen strength.
        auto *vary = w.gallery()->findChild<QPushButton *>(QStringLiteral("varyButton"));
        auto *strength = w.gallery()->findChild<QDoubleSpinBox *>(QStringLiteral("varyStrength"));
        QVERIFY(vary && strength && vary->isEnabled());
        strength->setValue(0.5);
        QTest::mouseClick(vary, Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 2, 60000);
        const auto &varied = w.gallery()->current()->outcome;
        QCOMPARE(varied.request.strength, 0.5f);
        QCOMPARE(varied.request.initImage.width, first.width());
        QVERIFY(varied.result.stepSeconds.size() < w.gallery()->entry(0)->outcome.result.stepSeconds.size());
        QVERIFY(varied.result.parametersText.find("Denoising strength: 0.5") != std::string::npos);
        QVERIFY(varied.image != first);
    }

    // Generate with subjects that have no region: those the prompt places by name get that place in
    // the request (not in the composition), the others are left to the model, drawn boxes are kept.
    void generatePlacesFromThePrompt()
    {
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(w.subjectsPanel()->addFiles({m_red, m_blue, m_red}), 3);
        w.composition()->renameSubject(0, QStringLiteral("Rex"));
        w.composition()->renameSubject(1, QStringLiteral("Blu"));
        w.composition()->renameSubject(2, QStringLiteral("Moss"));
        ui::Settings s = w.composition()->settings();
        s.prompt = QStringLiteral("Blu on the left, Rex on the right and Moss somewhere");
        s.seed = 3;
        s.seedLocked = true;
        w.composition()->setSettings(s);
        // What Generate will use, and what the canvas outlines: Rex and Blu, not Moss.
        QStringList clauses;
        const QVector<QRectF> places = w.composition()->promptPlaces(&clauses);
        QVERIFY(!places[0].isNull() && !places[1].isNull() && places[2].isNull());
        QCOMPARE(clauses[0], QStringLiteral("Rex on the right"));
        w.resize(1200, 800);
        w.show();
        ui::Canvas *canvas = w.canvas();
        QVERIFY(canvas);
        const QImage outlined = canvas->viewport()->grab().toImage();
        ui::Settings plainPrompt = s;
        plainPrompt.prompt = QStringLiteral("three toys");
        w.composition()->setSettings(plainPrompt);
        QVERIFY(w.composition()->promptPlaces()[0].isNull());
        QVERIFY(canvas->viewport()->grab().toImage() != outlined); // the outlines follow the prompt
        w.composition()->setSettings(s);
        QCOMPARE(canvas->viewport()->grab().toImage(), outlined);
        QVERIFY(w.generate() != 0);
        QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 1, 60000);
        const auto &req = w.gallery()->current()->outcome.request;
        QVERIFY(req.subjects[0].box && req.subjects[1].box);
        QVERIFY(req.subjects[0].box->x + req.subjects[0].box->w / 2 > 2.0 / 3); // Rex on the right
        QVERIFY(req.subjects[1].box->x + req.subjects[1].box->w / 2 < 1.0 / 3); // Blu on the left
        QVERIFY(!req.subjects[2].box); // Moss: the prompt does not say where
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("Rex (“Rex on the right”)")));
        QVERIFY(!w.statusBar()->currentMessage().contains(QStringLiteral("Moss")));
        for (int i = 0; i < 3; ++i)
            QVERIFY(w.composition()->subject(i).box.isNull()); // the composition is as the user left it
        // A drawn box wins over the prompt.
        w.composition()->setBox(0, QRectF(0.0, 0.0, 0.3, 0.3));
        QVERIFY(w.generate() != 0);
        QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 2, 60000);
        const auto &again = w.gallery()->current()->outcome.request;
        QCOMPARE(again.subjects[0].box->x, 0.0f);
        QCOMPARE(again.subjects[0].box->w, 0.3f);
        QVERIFY(again.subjects[1].box);
    }

    void cancelKeepsTheModelUsable()
    {
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_slowModel);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(w.subjectsPanel()->addFiles({m_red}), 1);
        QSignalSpy progress(w.service(), &ui::GenerationService::progress);
        QSignalSpy cancelled(w.service(), &ui::GenerationService::cancelled);
        QVERIFY(w.generate() != 0);
        QVERIFY(progress.wait(30000));
        w.findChild<QAction *>(QStringLiteral("cancelAction"))->trigger();
        QVERIFY(cancelled.wait(30000));
        QVERIFY(progress.count() < 40);
        QCOMPARE(w.gallery()->count(), 0);
        QTRY_VERIFY(!w.service()->busy());
        // Still usable: a short run completes.
        ui::Settings s = w.composition()->settings();
        s.steps = 2;
        w.composition()->setSettings(s);
        QVERIFY(w.generate() != 0);
        QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 1, 60000);
    }

    // The --bench-ui benchmark: runs, counts progress, reports; says why when the model fails or a run is cancelled.
    void uiBenchmark()
    {
        {
            ui::MainWindow w;
            w.setAutosaveEnabled(false);
            w.loadModel(m_model);
            QCOMPARE(w.subjectsPanel()->addFiles({m_red, m_blue}), 2);
            QVector<ui::UiBenchRun> runs, suggestions;
            QString error;
            QVERIFY2(ui::runUiBenchmark(w, 2, &runs, &error, &suggestions), qPrintable(error));
            QCOMPARE(runs.size(), 2);
            QCOMPARE(suggestions.size(), 2); // the model suggester on the same thread, timed the same way
            for (const auto &r : suggestions)
                QVERIFY(r.generationSeconds > 0 && r.longestStallMs >= 0);
            QVERIFY(ui::uiBenchReport(runs, suggestions).contains(QStringLiteral("longest stall while suggesting: median")));
            for (const auto &r : runs) {
                QVERIFY(r.progressUpdates >= 1);
                QVERIFY(r.generationSeconds > 0);
                QVERIFY(r.longestStallMs >= 0);
                QVERIFY(r.residentBytes > (16 << 20)); // a LibTorch process holds more than 16 MB
            }
            QCOMPARE(w.gallery()->count(), 2);
            const QString report = ui::uiBenchReport(runs);
            QVERIFY(report.contains(QStringLiteral("run 2: generation")));
            QVERIFY2(report.contains(QRegularExpression(QStringLiteral("resident memory: after run 1: [0-9.]+ MB, after run 2: "))),
                     qPrintable(report));
            QVERIFY(report.contains(QStringLiteral("longest stall: median")));
        }
        {
            ui::MainWindow w;
            const std::string bad = m_dir + "/bench-bad.safetensors";
            std::ofstream(bad) << "not a model";
            w.loadModel(QString::fromStdString(bad));
            QVector<ui::UiBenchRun> runs;
            QString error;
            QVERIFY(!ui::runUiBenchmark(w, 1, &runs, &error));
            QVERIFY(error.contains(QStringLiteral("could not be loaded")));
            QVERIFY(runs.isEmpty());
        }
        {
            ui::MainWindow w; // a run cancelled from the window ends the benchmark instead of hanging it
            w.loadModel(m_slowModel);
            QCOMPARE(w.subjectsPanel()->addFiles({m_red}), 1);
            connect(w.service(), &ui::GenerationService::progress, &w, [&w] { w.service()->cancel(); });
            QVector<ui::UiBenchRun> runs;
            QString error;
            QVERIFY(!ui::runUiBenchmark(w, 1, &runs, &error));
            QVERIFY2(error.contains(QStringLiteral("cancelled")), qPrintable(error));
            QVERIFY(runs.isEmpty());
        }
    }

    // A file that is not a model, given to Load model… while a model works: the banner says it is not a
    // model file and which model is still in use; the panel shows that model again, and it generates.
    void failedLoadKeepsTheModel()
    {
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        const QString name = w.service()->modelName();
        QSignalSpy failed(w.service(), &ui::GenerationService::modelFailed);
        const std::string bad = m_dir + "/notamodel.safetensors";
        std::ofstream(bad) << std::string(64, '\xff');
        w.loadModel(QString::fromStdString(bad));
        QVERIFY(failed.wait(30000));
        QVERIFY(w.service()->modelReady());
        QCOMPARE(w.service()->modelName(), name);
        QVERIFY2(w.bannerText().contains(QStringLiteral("is not a model file")) &&
                     w.bannerText().contains(QStringLiteral("still using")),
                 qPrintable(w.bannerText()));
        QVERIFY(w.subjectsPanel()->addFiles({m_red}) == 1);
        QSignalSpy finished(w.service(), &ui::GenerationService::finished);
        ui::Settings s = w.composition()->settings();
        s.steps = 1;
        s.size = 64;
        w.composition()->setSettings(s);
        QVERIFY(w.generate() != 0);
        QVERIFY(finished.wait(60000));
    }

    // A banner goes when its problem does: the too-small image's once a good image is added (and the
    // message names the file), the model's once a model loads, the annotator's once a dataset exists;
    // a click dismisses one; and showing one never makes the window taller.
    void bannersGoWhenTheProblemDoes()
    {
        ui::MainWindow w;
        w.resize(1000, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const int height = w.height();
        mosaic::RgbaImage tiny;
        tiny.width = tiny.height = 1;
        tiny.pixels = {200, 10, 10, 255};
        const std::string tinyPath = m_dir + "/tiny-1x1.png";
        QVERIFY(mosaic::savePng(tinyPath, tiny).ok());
        QCOMPARE(w.subjectsPanel()->addFiles({QString::fromStdString(tinyPath)}), 0);
        QVERIFY2(w.bannerText().contains(QStringLiteral("tiny-1x1.png")) && w.bannerText().contains(QStringLiteral("1×1")),
                 qPrintable(w.bannerText()));
        QCOMPARE(w.subjectsPanel()->addFiles({m_red}), 1);
        QVERIFY2(w.bannerText().isEmpty(), qPrintable(w.bannerText()));

        // Many lines at once: the strip shows its first lines, the window keeps its height.
        QStringList many;
        for (int i = 0; i < 12; ++i)
            many << QString::fromStdString(m_dir + "/missing-" + std::to_string(i) + ".png");
        QCOMPARE(w.subjectsPanel()->addFiles(many), 0);
        QVERIFY(!w.bannerText().isEmpty());
        QApplication::processEvents();
        QCOMPARE(w.height(), height);
        // A click dismisses it.
        auto *banner = w.findChild<QWidget *>(QStringLiteral("banner"));
        QVERIFY(banner && banner->isVisible());
        QTest::mouseClick(banner, Qt::LeftButton, {}, QPoint(20, 10));
        QVERIFY(w.bannerText().isEmpty());

        QSignalSpy failed(w.service(), &ui::GenerationService::modelFailed);
        const std::string bad = m_dir + "/banner-notamodel.safetensors";
        std::ofstream(bad) << std::string(64, '\xff');
        w.loadModel(QString::fromStdString(bad));
        QVERIFY(failed.wait(30000));
        QVERIFY(!w.bannerText().isEmpty());
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        QVERIFY2(w.bannerText().isEmpty(), qPrintable(w.bannerText()));

        // The annotator without a dataset, then with one.
        auto *annotate = w.findChild<ui::AnnotatePanel *>();
        QVERIFY(annotate);
        Q_EMIT annotate->addFromResultRequested();
        QVERIFY(!w.bannerText().isEmpty());
        QString error;
        QVERIFY2(annotate->set()->create(QString::fromStdString(m_dir + "/banner-dataset"), QStringLiteral("banner"), &error),
                 qPrintable(error));
        QVERIFY2(w.bannerText().isEmpty(), qPrintable(w.bannerText()));
        QApplication::processEvents();
        QCOMPARE(w.height(), height);
    }

    // The bar counts the panel's steps ("step 1/3" for 3 steps), the reference collage's second pass is
    // named as such, and a new run does not start on the last run's final text.
    void progressCountsThePanelsSteps()
    {
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(w.subjectsPanel()->addFiles({m_red}), 1);
        ui::Settings s = w.composition()->settings();
        s.steps = 3;
        s.size = 64;
        s.collage = 0.6;
        w.composition()->setSettings(s);
        auto *bar = w.findChild<QProgressBar *>(QStringLiteral("generationProgress"));
        QVERIFY(bar);
        QStringList texts;
        connect(w.service(), &ui::GenerationService::progress, &w, [&] { texts << bar->format(); });
        QSignalSpy finished(w.service(), &ui::GenerationService::finished);
        QVERIFY(w.generate() != 0);
        QVERIFY(finished.wait(60000));
        QVERIFY2(texts.size() > 3, qPrintable(texts.join(QStringLiteral(" | ")))); // 3 steps, then the refining pass
        for (int i = 0; i < 3; ++i)
            QVERIFY2(texts[i].startsWith(QStringLiteral("step %1/3 ").arg(i + 1)), qPrintable(texts[i]));
        QVERIFY2(texts.last().startsWith(QStringLiteral("refining the references")) && texts.last().contains(QStringLiteral("/3")),
                 qPrintable(texts.last()));
        const QString last = bar->format();
        QSignalSpy started(w.service(), &ui::GenerationService::started);
        QVERIFY(w.generate() != 0);
        QVERIFY(started.wait(30000));
        QVERIFY2(bar->format() != last, qPrintable(bar->format()));
        QVERIFY(finished.wait(60000));
    }

    // Reusing a result's settings, and a dropped PNG of it, give back the prompt as the person wrote it
    // (subject names), not as the model read it (their words); the banner says the subjects took the
    // image's regions.
    void reuseGivesBackThePromptAsWritten()
    {
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(w.subjectsPanel()->addFiles({m_red}), 1);
        w.composition()->renameSubject(0, QStringLiteral("Moss"));
        w.composition()->setWord(0, QStringLiteral("a block"));
        w.composition()->setBox(0, QRectF(0.1, 0.2, 0.4, 0.5));
        ui::Settings s = w.composition()->settings();
        s.prompt = QStringLiteral("Moss in the middle");
        s.steps = 1;
        s.size = 64;
        w.composition()->setSettings(s);
        QSignalSpy finished(w.service(), &ui::GenerationService::finished);
        QVERIFY(w.generate() != 0);
        QVERIFY(finished.wait(60000));
        const ui::GalleryEntry *e = w.gallery()->current();
        QVERIFY(e);
        QCOMPARE(QString::fromStdString(e->outcome.request.prompt), QStringLiteral("a block in the middle")); // the model's
        const QString png = QString::fromStdString(m_dir + "/as-written.png");
        QVERIFY(w.gallery()->saveCurrentTo(png));

        s.prompt = QStringLiteral("something else");
        w.composition()->setSettings(s);
        Q_EMIT w.gallery()->reuseRequested(e->outcome.request);
        QCOMPARE(w.composition()->settings().prompt, QStringLiteral("Moss in the middle"));

        w.composition()->setSettings(s);
        w.composition()->setBox(0, QRectF(0.5, 0.5, 0.2, 0.2));
        QString error;
        QVERIFY2(w.openProject(png, &error), qPrintable(error));
        QCOMPARE(w.composition()->settings().prompt, QStringLiteral("Moss in the middle"));
        const QRectF box = w.composition()->subject(0).box;
        QVERIFY2(std::abs(box.x() - 0.1) < 1e-3 && std::abs(box.width() - 0.4) < 1e-3, qPrintable(QStringLiteral("%1 %2").arg(box.x()).arg(box.width())));
        QVERIFY2(w.bannerText().contains(QStringLiteral("took the image's regions")), qPrintable(w.bannerText()));
    }

    // What the toy model knows is said where people look: a line in the Model panel, the prompt's unknown
    // words named under it, the Word field marked, its placeholder one of the model's own words.
    void modelSaysWhatItKnows()
    {
        const QString bundled = QString::fromStdString(mosaic::findDefaultModel());
        if (bundled.isEmpty())
            QSKIP("the bundled model is not beside this build");
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(bundled);
        QVERIFY(loaded.wait(30000));
        auto *limits = w.findChild<QLabel *>(QStringLiteral("modelLimits"));
        QVERIFY(limits && !limits->isHidden());
        QVERIFY2(limits->text().contains(QStringLiteral("toy")) && limits->text().contains(QStringLiteral("block")) &&
                     limits->text().contains(QStringLiteral("README.md")), // the model card
                 qPrintable(limits->text()));
        ui::Settings s = w.composition()->settings();
        s.prompt = QStringLiteral("a cat on the beach");
        w.composition()->setSettings(s);
        auto *unknown = w.findChild<QLabel *>(QStringLiteral("unknownWords"));
        QVERIFY(unknown && !unknown->isHidden());
        QVERIFY2(unknown->text().contains(QStringLiteral("cat")) && !unknown->text().contains(QStringLiteral("beach")),
                 qPrintable(unknown->text()));
        s.prompt = QStringLiteral("a blob on the beach");
        w.composition()->setSettings(s);
        QVERIFY(unknown->isHidden());

        QCOMPARE(w.subjectsPanel()->addFiles({m_red}), 1);
        auto *word = w.findChild<QLineEdit *>(QStringLiteral("subjectWord"));
        QVERIFY(word);
        QVERIFY2(word->placeholderText().startsWith(QStringLiteral("e.g. a ")) &&
                     !word->placeholderText().contains(QStringLiteral("cat")),
                 qPrintable(word->placeholderText()));
        word->setText(QStringLiteral("a cat"));
        QVERIFY2(w.subjectsPanel()->wordProblem().contains(QStringLiteral("cat")), qPrintable(w.subjectsPanel()->wordProblem()));
        word->setText(QStringLiteral("a star"));
        QVERIFY(w.subjectsPanel()->wordProblem().isEmpty());
        // Both lines follow a change of language.
        s.prompt = QStringLiteral("a cat on the beach");
        w.composition()->setSettings(s);
        w.findChild<QAction *>(QStringLiteral("language_de"))->trigger();
        QTRY_VERIFY2(limits->text().contains(QStringLiteral("Spielzeug")), qPrintable(limits->text()));
        QVERIFY2(unknown->text().contains(QStringLiteral("kennt nicht: cat")), qPrintable(unknown->text()));
        w.findChild<QAction *>(QStringLiteral("language_en"))->trigger();
        QTRY_VERIFY(limits->text().contains(QStringLiteral("toy scenes")));
        QSettings().remove(QStringLiteral("ui/language"));
    }

    // An empty prompt with a subject that has no region: said before the run, as the CLI says it.
    void emptyPromptIsSaidBeforeTheRun()
    {
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        QVERIFY(w.subjectsPanel()->addFiles({m_red}) == 1);
        ui::Settings s = w.composition()->settings();
        s.prompt.clear();
        s.steps = 1;
        s.size = 64;
        w.composition()->setSettings(s);
        QSignalSpy finished(w.service(), &ui::GenerationService::finished);
        QVERIFY(w.generate() != 0);
        QVERIFY2(w.bannerText().contains(QStringLiteral("the prompt is empty")), qPrintable(w.bannerText()));
        QVERIFY(finished.wait(60000));
    }

    // Results keep counting after a project is reopened: the next one is not "#1" again.
    void numberingContinuesAfterReopening()
    {
        const QString project = QString::fromStdString(m_dir + "/numbered.mosaic");
        quint64 last = 0;
        {
            ui::MainWindow w;
            QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
            w.loadModel(m_model);
            QVERIFY(loaded.wait(30000));
            QVERIFY(w.subjectsPanel()->addFiles({m_red}) == 1);
            ui::Settings s = w.composition()->settings();
            s.steps = 1;
            s.size = 64;
            w.composition()->setSettings(s);
            QSignalSpy finished(w.service(), &ui::GenerationService::finished);
            for (int i = 0; i < 2; ++i) {
                last = w.generate();
                QVERIFY(last != 0);
                QVERIFY(finished.wait(60000));
            }
            QString error;
            QVERIFY2(w.saveProjectAs(project, &error), qPrintable(error));
            // Saving says so: the project, and an image from the gallery.
            QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("Saved")) &&
                         w.statusBar()->currentMessage().contains(QStringLiteral("numbered.mosaic")),
                     qPrintable(w.statusBar()->currentMessage()));
            const QString png = QString::fromStdString(m_dir + "/numbered.png");
            QVERIFY(w.gallery()->saveCurrentTo(png));
            QVERIFY(QFileInfo::exists(png));
            QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("numbered.png")),
                     qPrintable(w.statusBar()->currentMessage()));
        }
        ui::MainWindow w;
        QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
        w.loadModel(m_model);
        QVERIFY(loaded.wait(30000));
        QString error;
        QVERIFY2(w.openProject(project, &error), qPrintable(error));
        QCOMPARE(w.gallery()->count(), 2);
        QSignalSpy finished(w.service(), &ui::GenerationService::finished);
        const quint64 next = w.generate();
        QVERIFY2(next > last, qPrintable(QStringLiteral("%1 after %2").arg(next).arg(last)));
        QVERIFY(finished.wait(60000));
    }

    void failedGenerationShowsBanner()
    {
        ui::MainWindow w;
        QVERIFY(w.generate() == 0); // no model yet
        QVERIFY(w.bannerText().contains(QStringLiteral("No model")));
        QSignalSpy failed(w.service(), &ui::GenerationService::modelFailed);
        const std::string bad = m_dir + "/bad.safetensors";
        std::ofstream(bad) << "not a model";
        w.loadModel(QString::fromStdString(bad));
        QVERIFY(failed.wait(30000));
        QVERIFY(w.bannerText().contains(QStringLiteral("bad.safetensors")));
    }

    // Every setting of a request (negative prompt, point strength, width and height included) comes
    // back from the PNG it made and from a project, through the one request <-> JSON conversion.
    void settingsSurvivePngAndProject()
    {
        const QString project = QString::fromStdString(m_dir + "/every-field.mosaic");
        const QString png = QString::fromStdString(m_dir + "/every-field.png");
        ui::Settings s;
        s.prompt = QStringLiteral("two toys by the sea");
        s.negativePrompt = QStringLiteral("dull colours");
        s.seed = 98765;
        s.seedLocked = true;
        s.steps = 2;
        s.guidance = 2.5;
        s.cfg = 1.5;
        s.refCfg = 2;
        s.collage = 0.25;
        s.size = 64;
        s.regionStrength = 1.5;
        s.pointStrength = 5.5;
        {
            ui::MainWindow w;
            QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
            w.loadModel(m_model);
            QVERIFY(loaded.wait(30000));
            QCOMPARE(w.subjectsPanel()->addFiles({m_red, m_blue}), 2);
            w.composition()->setBox(0, QRectF(0, 0, 0.5, 0.5));
            w.composition()->setBox(1, QRectF(0.5, 0.5, 0.5, 0.5));
            w.composition()->addPoint(1, QPointF(0.25, 0.5), QPointF(0.75, 0.75));
            w.composition()->setSettings(s);
            QVERIFY(w.generate() != 0);
            QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 1, 60000);
            const auto &request = w.gallery()->entry(0)->outcome.request;
            QCOMPARE(request.negativePrompt, std::string("dull colours"));
            QCOMPARE(request.pointStrength, 5.5f);
            QString error;
            QVERIFY2(w.gallery()->savePng(0, png, &error), qPrintable(error));
            QVERIFY2(w.saveProjectAs(project, &error), qPrintable(error));
        }
        {
            ui::MainWindow w;
            QString error;
            QVERIFY2(w.openProject(project, &error), qPrintable(error));
            QVERIFY(w.composition()->settings() == s);
            const auto &request = w.gallery()->entry(0)->outcome.request;
            QCOMPARE(request.negativePrompt, std::string("dull colours"));
            QCOMPARE(request.pointStrength, 5.5f);
            QCOMPARE(request.seed, quint64{98765});
            QCOMPARE(request.subjects.size(), size_t(2));
            QCOMPARE(request.subjects[1].points.size(), size_t(1));
            QCOMPARE(request.subjects[1].points[0].tgtX, 0.75f);

            w.composition()->setSettings(ui::Settings());
            QVERIFY2(w.restoreFromPng(png, &error), qPrintable(error));
            QVERIFY(w.composition()->settings() == s);
            QCOMPARE(w.composition()->subject(1).box, QRectF(0.5, 0.5, 0.5, 0.5));
            // File › Open takes the PNG too: its settings come back, the project stays the project.
            w.composition()->setSettings(ui::Settings());
            QVERIFY2(w.openProject(png, &error), qPrintable(error));
            QVERIFY(w.composition()->settings() == s);
            QCOMPARE(w.projectPath(), project);
        }
    }

    // A project written by the previous format (version 1: seeds as strings, a square "size", no
    // negative prompt or point strength) still opens, with the app's defaults where it says nothing.
    void previousProjectVersionOpens()
    {
        QImage red(m_red);
        QByteArray pngBytes;
        {
            QBuffer buf(&pngBytes);
            buf.open(QIODevice::WriteOnly);
            red.save(&buf, "PNG");
        }
        const QString image = QString::fromLatin1(pngBytes.toBase64());
        const QJsonObject settings{{QStringLiteral("prompt"), QStringLiteral("a red toy")},
                                   {QStringLiteral("seed"), QStringLiteral("4242")},
                                   {QStringLiteral("seed_locked"), true},
                                   {QStringLiteral("steps"), 3},
                                   {QStringLiteral("guidance"), -1},
                                   {QStringLiteral("cfg_scale"), -1},
                                   {QStringLiteral("ref_cfg_scale"), 2.5},
                                   {QStringLiteral("collage"), -1},
                                   {QStringLiteral("size"), 64},
                                   {QStringLiteral("region_strength"), 3}};
        const QJsonObject subject{{QStringLiteral("name"), QStringLiteral("Red")},
                                  {QStringLiteral("color"), QStringLiteral("#e64b35")},
                                  {QStringLiteral("source"), m_red},
                                  {QStringLiteral("image"), image},
                                  {QStringLiteral("box"), QJsonArray{0.25, 0.25, 0.5, 0.5}}};
        const QJsonObject request{{QStringLiteral("prompt"), QStringLiteral("a red toy")},
                                  {QStringLiteral("seed"), QStringLiteral("4242")},
                                  {QStringLiteral("steps"), 3},
                                  {QStringLiteral("guidance"), 3.5},
                                  {QStringLiteral("cfg_scale"), -1},
                                  {QStringLiteral("ref_cfg_scale"), 2.5},
                                  {QStringLiteral("collage"), -1},
                                  {QStringLiteral("size"), 64},
                                  {QStringLiteral("region_strength"), 3},
                                  {QStringLiteral("subjects"),
                                   QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("Red")},
                                                          {QStringLiteral("box"), QJsonArray{0.25, 0.25, 0.5, 0.5}}}}}};
        const QJsonObject result{{QStringLiteral("id"), QStringLiteral("7")},
                                 {QStringLiteral("model"), QStringLiteral("tiny-test")},
                                 {QStringLiteral("image"), image},
                                 {QStringLiteral("request"), request},
                                 {QStringLiteral("maps"), QJsonArray{}},
                                 {QStringLiteral("ownership"), QJsonObject{{QStringLiteral("width"), 0},
                                                                          {QStringLiteral("height"), 0},
                                                                          {QStringLiteral("i16"), QString()}}},
                                 {QStringLiteral("colors"), QJsonArray{QStringLiteral("#e64b35")}},
                                 {QStringLiteral("references"), QJsonArray{image}},
                                 {QStringLiteral("seconds"), QJsonArray{0.1, 0.2, 0.3}},
                                 {QStringLiteral("parameters_json"), QStringLiteral("{}")},
                                 {QStringLiteral("parameters_text"), QStringLiteral("a red toy")}};
        const QJsonObject root{{QStringLiteral("format"), QStringLiteral("mosaic-project")},
                               {QStringLiteral("version"), 1},
                               {QStringLiteral("settings"), settings},
                               {QStringLiteral("subjects"), QJsonArray{subject}},
                               {QStringLiteral("results"), QJsonArray{result}}};
        const QString path = QString::fromStdString(m_dir + "/version1.mosaic");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(root).toJson());
        f.close();

        ui::ProjectContent c;
        QString error;
        QVERIFY2(ui::loadProject(path, &c, &error), qPrintable(error));
        QCOMPARE(c.settings.prompt, QStringLiteral("a red toy"));
        QCOMPARE(c.settings.seed, quint64{4242});
        QVERIFY(c.settings.seedLocked);
        QCOMPARE(c.settings.steps, 3);
        QCOMPARE(c.settings.refCfg, 2.5);
        QCOMPARE(c.settings.size, 64);
        QCOMPARE(c.settings.regionStrength, 3.0);
        QCOMPARE(c.settings.negativePrompt, QString());
        QCOMPARE(c.settings.pointStrength, ui::Settings().pointStrength);
        QCOMPARE(c.subjects.size(), 1);
        QCOMPARE(c.subjects[0].box, QRectF(0.25, 0.25, 0.5, 0.5));
        QCOMPARE(c.results.size(), 1);
        const auto &r = c.results[0].outcome.request;
        QCOMPARE(r.seed, uint64_t(4242));
        QCOMPARE(r.width, 64);
        QCOMPARE(r.height, 64);
        QCOMPARE(r.guidance, 3.5f);
        QVERIFY(r.subjects[0].box.has_value());
        QCOMPARE(r.subjects[0].box->w, 0.5f);
        // Saved again, it is a current project and opens the same.
        QVERIFY2(ui::saveProject(path, c, &error), qPrintable(error));
        ui::ProjectContent again;
        QVERIFY2(ui::loadProject(path, &again, &error), qPrintable(error));
        QVERIFY(again.settings == c.settings);
        QCOMPARE(QJsonDocument::fromJson([&] {
                     QFile g(path);
                     g.open(QIODevice::ReadOnly);
                     return g.readAll();
                 }()).object().value(QStringLiteral("version")).toInt(),
                 ui::kProjectVersion);
    }

    // A project is refused, with its reason, before it decodes more than it may: too many results
    // (nothing decoded), or images beyond the pixels a project may hold.
    void oversizedProjectRefused()
    {
        QImage tiny(8, 8, QImage::Format_RGBA8888);
        tiny.fill(Qt::red);
        auto png = [](const QImage &img) {
            QByteArray bytes;
            QBuffer buf(&bytes);
            buf.open(QIODevice::WriteOnly);
            img.save(&buf, "PNG");
            return QString::fromLatin1(bytes.toBase64());
        };
        auto project = [&](int results, const QImage &image) {
            QJsonArray list;
            const QJsonObject result{{QStringLiteral("id"), QStringLiteral("1")},
                                     {QStringLiteral("image"), png(image)},
                                     {QStringLiteral("request"), QJsonObject{{QStringLiteral("prompt"), QStringLiteral("a")}}},
                                     {QStringLiteral("ownership"), QJsonObject{{QStringLiteral("width"), 0},
                                                                              {QStringLiteral("height"), 0},
                                                                              {QStringLiteral("i16"), QString()}}}};
            for (int i = 0; i < results; ++i)
                list.append(result);
            const QJsonObject root{{QStringLiteral("format"), QStringLiteral("mosaic-project")},
                                   {QStringLiteral("version"), 2},
                                   {QStringLiteral("settings"), QJsonObject{}},
                                   {QStringLiteral("subjects"), QJsonArray{}},
                                   {QStringLiteral("results"), list}};
            const QString path = QString::fromStdString(m_dir + "/oversized.mosaic");
            QFile f(path);
            f.open(QIODevice::WriteOnly);
            f.write(QJsonDocument(root).toJson(QJsonDocument::Compact));
            return path;
        };
        ui::ProjectContent c;
        QString error;
        QVERIFY2(ui::loadProject(project(3, tiny), &c, &error), qPrintable(error));
        QCOMPARE(c.results.size(), 3);
        QVERIFY(!ui::loadProject(project(ui::kMaxProjectResults + 1, tiny), &c, &error));
        QVERIFY2(error.contains(QStringLiteral("at most %1").arg(ui::kMaxProjectResults)), qPrintable(error));
        QImage big(4200, 4200, QImage::Format_RGBA8888); // compresses to a few kB
        big.fill(Qt::white);
        QVERIFY(!ui::loadProject(project(1, big), &c, &error));
        QVERIFY2(error.contains(QStringLiteral("larger than a project may hold")), qPrintable(error));
        QCOMPARE(c.results.size(), 3); // what was loaded before is untouched
    }

    // The gallery holds a few whole results in memory and the rest on disk: after 30 results at most
    // ResultStore::kDefaultResident are whole in memory; each reads back identical (image, maps,
    // ownership, request); a project saved from the gallery holds all 30; deleting one removes its
    // file; the spool folder goes with the gallery, and a killed session's folder goes with the next.
    void galleryKeepsFewResultsInMemory()
    {
        auto makeEntry = [](int k) {
            ui::GalleryEntry e;
            e.outcome.id = static_cast<quint64>(k + 1);
            e.outcome.image = QImage(64, 48, QImage::Format_RGBA8888);
            e.outcome.image.fill(QColor(k * 8, 255 - k * 8, 40));
            e.outcome.request.prompt = "result " + std::to_string(k);
            e.outcome.request.seed = 1000 + static_cast<uint64_t>(k);
            mosaic::SubjectMaps m;
            m.name = "pip";
            m.attention.width = 4;
            m.attention.height = 3;
            for (int i = 0; i < 12; ++i)
                m.attention.values.push_back(0.01f * static_cast<float>(i + k));
            m.massInRegion = 0.5 + 0.01 * k;
            e.outcome.result.subjects.push_back(m);
            e.outcome.result.ownership.width = 2;
            e.outcome.result.ownership.height = 2;
            e.outcome.result.ownership.values = {0, -1, 0, static_cast<int16_t>(k % 2)};
            e.colors = {QColor(Qt::red)};
            return e;
        };
        const QString stale = QDir::tempPath() + QStringLiteral("/mosaic-studio-results-staleTEST");
        QDir().mkpath(stale);
        QFile(stale + QStringLiteral("/result-1.json")).open(QIODevice::WriteOnly);
        QString spool;
        {
            ui::Gallery g;
            QVERIFY(!QFileInfo::exists(stale)); // no live process holds its lock
            for (int k = 0; k < 30; ++k)
                g.add(makeEntry(k));
            g.store().flush();
            g.setCurrentIndex(0); // reads result 1 back, and drops the oldest whole ones
            QCOMPARE(g.count(), 30);
            QVERIFY2(g.store().residentCount() <= ui::ResultStore::kDefaultResident,
                     qPrintable(QString::number(g.store().residentCount())));
            spool = g.store().spoolDirectory();
            QCOMPARE(QDir(spool).entryList({QStringLiteral("result-*.json")}, QDir::Files).size(), 30);
            for (int k : {0, 7, 29}) {
                const auto e = g.entry(k);
                QVERIFY(e);
                const ui::GalleryEntry want = makeEntry(k);
                QCOMPARE(e->outcome.id, want.outcome.id);
                QCOMPARE(e->outcome.image.convertToFormat(QImage::Format_RGBA8888), want.outcome.image);
                QCOMPARE(e->outcome.request.prompt, want.outcome.request.prompt);
                QCOMPARE(e->outcome.request.seed, want.outcome.request.seed);
                QVERIFY(e->outcome.result.subjects[0].attention.values == want.outcome.result.subjects[0].attention.values);
                QVERIFY(e->outcome.result.ownership.values == want.outcome.result.ownership.values);
            }
            QCOMPARE(g.current()->outcome.id, quint64(1));
            QJsonArray results;
            QString error;
            QVERIFY2(g.resultsJson(&results, &error), qPrintable(error));
            const QString path = QString::fromStdString(m_dir + "/many.mosaic");
            QVERIFY2(ui::saveProjectJson(path, {}, ui::Settings(), results, &error), qPrintable(error));
            ui::ProjectContent c;
            QVERIFY2(ui::loadProject(path, &c, &error), qPrintable(error));
            QCOMPARE(c.results.size(), 30);
            QCOMPARE(c.results[12].outcome.request.prompt, std::string("result 12"));
            g.removeAt(5);
            QCOMPARE(g.count(), 29);
            QCOMPARE(g.entry(5)->outcome.id, quint64(7));
            QCOMPARE(QDir(spool).entryList({QStringLiteral("result-*.json")}, QDir::Files).size(), 29);
        }
        QVERIFY(!spool.isEmpty());
        QVERIFY(!QFileInfo::exists(spool));
    }

    // Save and reopen: identical subjects, settings, results and maps. A crash (no normal close)
    // leaves an autosave that a new window recovers. A PNG's parameters restore the settings.
    void projectsAutosaveAndPngRestore()
    {
        const QString project = QString::fromStdString(m_dir + "/p.mosaic");
        ui::ProjectContent saved;
        QString png = QString::fromStdString(m_dir + "/result.png");
        {
            ui::MainWindow w;
            QSignalSpy loaded(w.service(), &ui::GenerationService::modelLoaded);
            w.loadModel(m_model);
            QVERIFY(loaded.wait(30000));
            QCOMPARE(w.subjectsPanel()->addFiles({m_red, m_blue}), 2);
            w.composition()->setBox(1, QRectF(0.5, 0.25, 0.5, 0.5));
            QImage mask(ui::Composition::kMaskSide, ui::Composition::kMaskSide, QImage::Format_Grayscale8);
            mask.fill(0);
            for (int y = 10; y < 60; ++y)
                for (int x = 5; x < 50; ++x)
                    mask.setPixel(x, y, qRgb(255, 255, 255));
            w.composition()->setMask(0, mask);
            w.composition()->addPoint(1, QPointF(0.5, 0.5), QPointF(0.75, 0.5));
            ui::Settings s = w.composition()->settings();
            s.prompt = QStringLiteral("two toys by the ocean");
            s.seed = 1234;
            s.seedLocked = true;
            s.steps = 2;
            s.refCfg = 2.5; // the prompt's CFG left at the model's default
            s.collage = 0.4;
            w.composition()->setSettings(s);
            QVERIFY(w.generate() != 0);
            QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 1, 60000);
            // A variation of it (Vary: image to image from the first result): its start image and strength
            // are part of the project too.
            const QImage first = w.gallery()->entry(0)->outcome.image;
            QVERIFY(w.generate(first, 0.6) != 0);
            QTRY_COMPARE_WITH_TIMEOUT(w.gallery()->count(), 2, 60000);
            QVERIFY(w.isDirty());
            QString error;
            QVERIFY2(w.saveProjectAs(project, &error), qPrintable(error));
            QVERIFY(!w.isDirty());
            QVERIFY(w.gallery()->savePng(0, png, &error));
            saved = {w.composition()->subjects(), w.composition()->settings(), {*w.gallery()->entry(0), *w.gallery()->entry(1)}};
        }
        {
            ui::MainWindow w;
            QString error;
            QVERIFY2(w.openProject(project, &error), qPrintable(error));
            QCOMPARE(w.composition()->count(), 2);
            for (int i = 0; i < 2; ++i) {
                const auto &a = saved.subjects[i], &b = w.composition()->subject(i);
                QCOMPARE(b.name, a.name);
                QCOMPARE(b.color, a.color);
                QCOMPARE(b.box, a.box);
                QCOMPARE(b.mask, a.mask);
                QCOMPARE(b.points, a.points);
                QCOMPARE(b.image.convertToFormat(QImage::Format_RGBA8888), a.image.convertToFormat(QImage::Format_RGBA8888));
            }
            QVERIFY(w.composition()->settings() == saved.settings);
            QCOMPARE(w.gallery()->count(), 2);
            const auto &v0 = saved.results[1].outcome.request, &v1 = w.gallery()->entry(1)->outcome.request;
            QCOMPARE(v0.strength, 0.6f);
            QCOMPARE(v1.strength, v0.strength);
            QVERIFY(!v0.initImage.isNull());
            QCOMPARE(v1.initImage.width, v0.initImage.width);
            QVERIFY(v1.initImage.pixels == v0.initImage.pixels);
            QCOMPARE(w.gallery()->entry(0)->outcome.request.strength, 1.0f); // the first: from noise
            QVERIFY(w.gallery()->entry(0)->outcome.request.initImage.isNull());
            const auto &r0 = saved.results[0].outcome, &r1 = w.gallery()->entry(0)->outcome;
            QCOMPARE(r1.image.convertToFormat(QImage::Format_RGBA8888), r0.image.convertToFormat(QImage::Format_RGBA8888));
            QCOMPARE(r1.request.seed, r0.request.seed);
            QCOMPARE(r0.request.refCfgScale, 2.5f);
            QCOMPARE(r1.request.refCfgScale, 2.5f);
            QCOMPARE(r1.request.cfgScale, -1.0f);
            QCOMPARE(r0.request.collage, 0.4f);
            QCOMPARE(r1.request.collage, 0.4f);
            QVERIFY2(r0.result.parametersJson.find("\"collage\":0.4") != std::string::npos, r0.result.parametersJson.c_str());
            QVERIFY2(r0.result.parametersJson.find("\"ref_cfg_scale\":2.5") != std::string::npos, r0.result.parametersJson.c_str());
            QCOMPARE(r1.result.subjects.size(), r0.result.subjects.size());
            QVERIFY(r1.result.subjects[1].attention.values == r0.result.subjects[1].attention.values);
            QVERIFY(r1.result.ownership.values == r0.result.ownership.values);
            QCOMPARE(r1.result.parametersJson, r0.result.parametersJson);
            QVERIFY(!w.composition()->subject(0).mask.isNull());
            QVERIFY(r0.result.subjects[0].massInRegion >= 0); // the painted region reached the pipeline

            // Unsaved work, then a "crash": the window goes away without a normal close.
            w.composition()->renameSubject(0, QStringLiteral("Scarlet"));
            QVERIFY(w.autosaveNow());
        }
        QVERIFY(ui::MainWindow::hasRecovery());
        {
            ui::MainWindow w;
            QString error;
            QVERIFY2(w.recover(&error), qPrintable(error));
            QCOMPARE(w.composition()->subject(0).name, QStringLiteral("Scarlet"));
            QCOMPARE(w.gallery()->count(), 2);
            QVERIFY(w.isDirty());
            w.close(); // a normal close removes the autosave
            QVERIFY(!ui::MainWindow::hasRecovery());

            // The PNG's parameters: prompt, seed, steps, regions back after other edits.
            ui::Settings s = w.composition()->settings();
            s.prompt = QStringLiteral("something else");
            s.seed = 5;
            w.composition()->setSettings(s);
            w.composition()->setBox(1, QRectF());
            QStringList errors;
            w.openFiles({png}, &errors);
            QVERIFY(errors.isEmpty());
            QCOMPARE(w.composition()->settings().prompt, QStringLiteral("two toys by the ocean"));
            QCOMPARE(w.composition()->settings().seed, quint64{1234});
            QCOMPARE(w.composition()->settings().steps, 2);
            QCOMPARE(w.composition()->settings().refCfg, 2.5);
            QCOMPARE(w.composition()->settings().cfg, 1.0); // what the image ran with: the test model's default, off
            QVERIFY(std::abs(w.composition()->settings().collage - 0.4) < 1e-6);
            QVERIFY(std::abs(w.composition()->subject(1).box.x() - 0.5) < 1e-6);
            // One undo step takes the restore back.
            w.composition()->undoStack()->undo();
            QCOMPARE(w.composition()->settings().prompt, QStringLiteral("something else"));
            // A PNG without parameters is a subject, not settings.
            w.openFiles({m_red}, &errors);
            QVERIFY(errors.isEmpty());
            QCOMPARE(w.composition()->count(), 3);
        }
        // Damaged projects: a message, nothing replaced.
        ui::MainWindow w;
        QCOMPARE(w.subjectsPanel()->addFiles({m_red}), 1);
        const std::string broken = m_dir + "/broken.mosaic";
        for (const std::string &text : {std::string("{not json"), std::string("{\"format\": \"mosaic-project\", \"version\": 9}"),
                                        std::string("{\"format\": \"mosaic-project\", \"version\": 1, \"subjects\": [{\"name\": \"x\", \"color\": \"#ff0000\", \"image\": \"AAAA\"}]}")}) {
            std::ofstream(broken) << text;
            QString error;
            QVERIFY(!w.openProject(QString::fromStdString(broken), &error));
            QVERIFY2(error.contains(QStringLiteral("broken.mosaic")), qPrintable(error));
            QCOMPARE(w.composition()->count(), 1);
        }
        // The saved project with its variation damaged: a start image that is not an image, a strength
        // outside (0, 1).
        QFile good(project);
        QVERIFY(good.open(QIODevice::ReadOnly));
        const QJsonObject root = QJsonDocument::fromJson(good.readAll()).object();
        const std::pair<const char *, QJsonValue> damages[] = {{"start", QStringLiteral("AAAA")}, {"strength", 1.5}};
        for (const auto &[key, value] : damages) {
            QJsonObject r = root;
            QJsonArray results = r.value(QStringLiteral("results")).toArray();
            QCOMPARE(results.size(), 2);
            QJsonObject variation = results[1].toObject();
            QJsonObject request = variation.value(QStringLiteral("request")).toObject();
            QVERIFY(request.contains(QLatin1String(key)));
            request.insert(QLatin1String(key), value);
            variation.insert(QStringLiteral("request"), request);
            results[1] = variation;
            r.insert(QStringLiteral("results"), results);
            std::ofstream(broken) << QJsonDocument(r).toJson().toStdString();
            QString error;
            QVERIFY(!w.openProject(QString::fromStdString(broken), &error));
            QVERIFY2(error.contains(QStringLiteral("result 2")) &&
                         error.contains(key == std::string("start") ? QStringLiteral("start image") : QStringLiteral("strength")),
                     qPrintable(error));
            QCOMPARE(w.composition()->count(), 1);
        }
        // A save into a folder that does not exist fails cleanly and keeps the state dirty.
        QString error;
        QVERIFY(!w.saveProjectAs(QStringLiteral("/nonexistent/dir/x.mosaic"), &error));
        QVERIFY(!error.isEmpty());
    }

    // The two CFG spin boxes: 0 shows and stores the model's default (-1), a value below 1 becomes 1
    // (off), others are kept; the settings reach the request.
    void guidanceControls()
    {
        ui::MainWindow w;
        auto *cfg = w.findChild<QDoubleSpinBox *>(QStringLiteral("cfgSpin"));
        auto *refCfg = w.findChild<QDoubleSpinBox *>(QStringLiteral("refCfgSpin"));
        QVERIFY(cfg && refCfg);
        QCOMPARE(w.composition()->settings().refCfg, -1.0);
        QCOMPARE(refCfg->value(), 0.0);
        QCOMPARE(refCfg->text(), refCfg->specialValueText());
        refCfg->setValue(3.0);
        QCOMPARE(w.composition()->settings().refCfg, 3.0);
        refCfg->setValue(0.5);
        QCOMPARE(w.composition()->settings().refCfg, 1.0);
        QCOMPARE(refCfg->value(), 1.0);
        cfg->setValue(2.0);
        QCOMPARE(w.composition()->settings().cfg, 2.0);
        w.composition()->undoStack()->undo();
        QCOMPARE(w.composition()->settings().cfg, -1.0);
        QCOMPARE(cfg->value(), 0.0);
        refCfg->setValue(0.0);
        QCOMPARE(w.composition()->settings().refCfg, -1.0);

        // The collage: "model default" (-1), "off" (0), or a strength; typed text works too.
        auto *collage = w.findChild<QDoubleSpinBox *>(QStringLiteral("collageSpin"));
        QVERIFY(collage);
        QCOMPARE(w.composition()->settings().collage, -1.0);
        QCOMPARE(collage->text(), QStringLiteral("model default"));
        collage->stepUp();
        QCOMPARE(collage->text(), QStringLiteral("off"));
        QCOMPARE(w.composition()->settings().collage, 0.0);
        collage->stepUp();
        QVERIFY(std::abs(w.composition()->settings().collage - 0.05) < 1e-9);
        collage->findChild<QLineEdit *>()->selectAll();
        QTest::keyClicks(collage, QStringLiteral("0.3"));
        QTest::keyClick(collage, Qt::Key_Return);
        QVERIFY(std::abs(w.composition()->settings().collage - 0.3) < 1e-9);
        collage->findChild<QLineEdit *>()->selectAll();
        QTest::keyClicks(collage, QStringLiteral("off"));
        QTest::keyClick(collage, Qt::Key_Return);
        QCOMPARE(w.composition()->settings().collage, 0.0);
        w.composition()->undoStack()->undo();
        QVERIFY(std::abs(collage->value() - 0.3) < 1e-9);
        ui::Settings s = w.composition()->settings();
        s.collage = -1;
        w.composition()->setSettings(s);
        QCOMPARE(collage->text(), QStringLiteral("model default"));
    }

    void demoOpens()
    {
        ui::MainWindow w;
        QString error;
        QVERIFY2(w.openDemo(ui::MainWindow::findDemo(), &error), qPrintable(error));
        QCOMPARE(w.composition()->count(), 4);
        QVERIFY(!w.composition()->settings().prompt.isEmpty());
        for (const auto &s : w.composition()->subjects())
            QVERIFY(!s.box.isNull() && !s.prepared.isNull());
        // The demo's prompt names its subjects; the model gets their words, which read as the
        // prompt grammar it was trained on.
        QVERIFY(w.composition()->settings().prompt.contains(QStringLiteral("Pip")));
        QCOMPARE(w.composition()->expandedPrompt(),
                 QStringLiteral("four toys on a room floor: a block in the middle, a blob in the middle, a block on the "
                                "right and a star on the right"));
        // Its boxes are where its prompt puts each subject: the same third of the width (the toys'
        // captions: left below 0.36, right above 0.64) as the box the prompt alone would plan.
        std::vector<mosaic::LayoutSubject> subjects;
        for (const auto &sub : w.composition()->subjects())
            subjects.push_back({mosaic::layoutKeys(sub.name.toStdString()), std::nullopt});
        const auto planned = mosaic::planLayout(w.composition()->settings().prompt.toStdString(), subjects);
        auto third = [](double cx) { return cx < 0.36 ? 0 : cx > 0.64 ? 2 : 1; };
        for (int i = 0; i < w.composition()->count(); ++i) {
            const auto &sub = w.composition()->subject(i);
            const auto &p = planned[static_cast<size_t>(i)];
            QVERIFY2(!p.clause.empty(), qPrintable(sub.name));
            QVERIFY2(third(sub.box.center().x()) == third(p.box.x + p.box.w / 2),
                     qPrintable(QStringLiteral("%1 at x %2, but the prompt says '%3'")
                                    .arg(sub.name).arg(sub.box.center().x()).arg(QString::fromStdString(p.clause))));
        }
        QVERIFY(!w.openDemo(QStringLiteral("/nonexistent/demo.json"), &error));
        QVERIFY(error.contains(QStringLiteral("/nonexistent/demo.json")));
    }

    // Auto layout reads the prompt: each subject in the part of the canvas its name's clause names
    // (mosaic/layout.h), one undo step.
    void autoLayoutReadsThePrompt()
    {
        ui::MainWindow w;
        QString error;
        QVERIFY2(w.openDemo(ui::MainWindow::findDemo(), &error), qPrintable(error));
        QVector<QRectF> drawn;
        for (const auto &s : w.composition()->subjects())
            drawn << s.box;
        // "Moss in the middle, Juno in the middle, Pip on the right and Tock on the right", and Tock
        // moved to the top left.
        ui::Settings st = w.composition()->settings();
        st.prompt.replace(QStringLiteral("Tock on the right"), QStringLiteral("Tock at the top left"));
        w.composition()->setSettings(st);
        const int steps = w.composition()->undoStack()->count();
        w.composition()->autoLayout();
        QCOMPARE(w.composition()->undoStack()->count(), steps + 1);
        QMap<QString, QRectF> box;
        for (const auto &s : w.composition()->subjects())
            box[s.name] = s.box;
        QVERIFY(box[QStringLiteral("Pip")].center().x() > 2.0 / 3);
        QVERIFY(box[QStringLiteral("Tock")].center().x() < 1.0 / 3 && box[QStringLiteral("Tock")].center().y() < 0.5);
        for (const char *name : {"Moss", "Juno"}) {
            const double x = box[QString::fromLatin1(name)].center().x();
            QVERIFY2(x > 1.0 / 3 && x < 2.0 / 3, name);
        }
        QVERIFY(box[QStringLiteral("Moss")].center().x() < box[QStringLiteral("Juno")].center().x()); // the order of mention
        const auto names = box.keys();
        for (int i = 0; i < names.size(); ++i)
            for (int j = i + 1; j < names.size(); ++j)
                QVERIFY2(!box[names[i]].intersected(box[names[j]]).isValid() ||
                             box[names[i]].intersected(box[names[j]]).width() * box[names[i]].intersected(box[names[j]]).height() < 1e-6,
                         qPrintable(names[i] + QLatin1Char('/') + names[j]));
        w.composition()->undoStack()->undo();
        for (int i = 0; i < drawn.size(); ++i)
            QCOMPARE(w.composition()->subject(i).box, drawn[i]);
        auto *button = w.findChild<QPushButton *>(QStringLiteral("autoLayoutButton"));
        QVERIFY(button && button->toolTip().contains(QStringLiteral("prompt")));
    }

    // Subject names in the prompt become the subjects' words: whole words, any case, longer names
    // first; names without a word stay; the word is undoable and saved with the project.
    void subjectNamesInThePrompt()
    {
        QVector<ui::SubjectItem> subs(4);
        subs[0].name = QStringLiteral("Pip");
        subs[0].word = QStringLiteral("a block");
        subs[1].name = QStringLiteral("Pipkin");
        subs[1].word = QStringLiteral("a star");
        subs[2].name = QStringLiteral("Mo (2)"); // characters that mean something in a pattern
        subs[2].word = QStringLiteral("a blob");
        subs[3].name = QStringLiteral("Juno"); // no word: left as written
        QCOMPARE(ui::Composition::expandPrompt(QStringLiteral("pip left, Pipkin right, Mo (2) between, Juno, Pippa and Pip."), subs),
                 QStringLiteral("a block left, a star right, a blob between, Juno, Pippa and a block."));

        ui::MainWindow w;
        QString error;
        w.composition()->addSubjectFromImage(QImage(m_red), QStringLiteral("Rex"), &error);
        ui::Settings st = w.composition()->settings();
        st.prompt = QStringLiteral("Rex on a beach");
        w.composition()->setSettings(st);
        QCOMPARE(w.composition()->expandedPrompt(), QStringLiteral("Rex on a beach"));
        auto *word = w.findChild<QLineEdit *>(QStringLiteral("subjectWord"));
        QVERIFY(word);
        word->setText(QStringLiteral("a dog"));
        Q_EMIT word->editingFinished();
        QCOMPARE(w.composition()->subject(0).word, QStringLiteral("a dog"));
        QCOMPARE(w.composition()->expandedPrompt(), QStringLiteral("a dog on a beach"));
        w.composition()->undoStack()->undo();
        QCOMPARE(w.composition()->subject(0).word, QString());
        QCOMPARE(word->text(), QString());
        w.composition()->undoStack()->redo();
        const QString path = QString::fromStdString(m_dir) + QStringLiteral("/word.mosaic");
        QVERIFY2(w.saveProjectAs(path, &error), qPrintable(error));
        ui::MainWindow other;
        QVERIFY2(other.openProject(path, &error), qPrintable(error));
        QCOMPARE(other.composition()->subject(0).word, QStringLiteral("a dog"));
    }

private:
    std::string m_dir;
    QString m_red, m_blue, m_model, m_slowModel;
};

QTEST_MAIN(TstCompose)
#include "tst_compose.moc"
