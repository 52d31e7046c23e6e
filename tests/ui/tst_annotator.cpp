// Annotate mode, driven through its real widgets offscreen: pairs made by clicking both views,
// moved by dragging, deleted, walked with the keyboard, undone; suggestions accepted and rejected
// one by one and by threshold; regions drawn; a dataset exported and imported back identically; a
// malformed dataset opened with its problems listed and nothing lost.
#include "testsupport.h"

#include "annotatepanel.h"
#include "annotateview.h"
#include "annotation.h"
#include "composition.h"
#include "gallery.h"
#include "generationservice.h"
#include "mainwindow.h"

#include <mosaic/dataset.h>

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QToolButton>
#include <QSignalSpy>
#include <QUndoStack>

using ui::AnnotateView;

namespace {

QImage picture(int w, int h, QColor a, QColor b)
{
    QImage img(w, h, QImage::Format_RGB32);
    img.fill(Qt::white);
    QPainter p(&img);
    p.fillRect(QRect(w / 5, h / 5, w * 3 / 5, h * 3 / 5), a);
    p.fillRect(QRect(w / 3, h / 3, w / 6, h / 6), b);
    return img;
}

QPoint at(AnnotateView *v, AnnotateView::Side side, double x, double y)
{
    return v->toWidget(side, QPointF(x, y)).toPoint();
}

} // namespace

class TstAnnotator : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    QString m_target, m_ref1, m_ref2;
    ui::GenerationService m_service; // the panels' jobs run on its generation thread, as in the app

    // A panel with a new dataset holding one sample (a 200 x 160 target, two references).
    void makePanel(ui::AnnotatePanel &panel, const QString &name)
    {
        QString error;
        QVERIFY2(panel.set()->create(m_tmp.filePath(name), name, &error), qPrintable(error));
        const int i = panel.set()->addSampleFromFiles(m_target, {m_ref1, m_ref2}, QStringLiteral("two toys"), &error);
        QVERIFY2(i == 0, qPrintable(error));
        panel.setCurrentSample(0);
        panel.resize(1200, 700);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
    }

    // Starts a suggester and waits for its background job; true when its result was applied.
    bool runSuggest(ui::AnnotatePanel &panel, int method)
    {
        QSignalSpy finished(&panel, &ui::AnnotatePanel::suggestionsFinished);
        QString error;
        if (!panel.suggest(method, &error)) {
            qWarning("suggest: %s", qPrintable(error));
            return false;
        }
        return finished.wait(30000) && finished.first().at(0).toBool();
    }

    const std::vector<mosaic::Correspondence> &pointsOf(ui::AnnotatePanel &panel, int subject = 0)
    {
        return panel.set()->sample(0).subjects[static_cast<size_t>(subject)].points;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        m_target = m_tmp.filePath(QStringLiteral("target.png"));
        m_ref1 = m_tmp.filePath(QStringLiteral("red.png"));
        m_ref2 = m_tmp.filePath(QStringLiteral("green.png"));
        QVERIFY(picture(200, 160, QColor(40, 80, 200), Qt::yellow).save(m_target));
        QVERIFY(picture(100, 100, Qt::red, Qt::black).save(m_ref1));
        QVERIFY(picture(80, 120, Qt::green, Qt::black).save(m_ref2));
    }

    void makeMoveDeleteAndUndoPairs()
    {
        ui::AnnotatePanel panel(&m_service);
        makePanel(panel, QStringLiteral("pairs"));
        AnnotateView *v = panel.view();
        auto *undo = panel.set()->undoStack();
        // Click a reference point, then its target point: one accepted manual pair.
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Reference, 0.30, 0.40));
        QVERIFY(v->hasPendingReference());
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.60, 0.50));
        QCOMPARE(pointsOf(panel).size(), size_t{1});
        const auto c = pointsOf(panel)[0];
        const double refTol = 1.5 / v->imageRect(AnnotateView::Side::Reference).width();
        const double tgtTol = 1.5 / v->imageRect(AnnotateView::Side::Target).width();
        QVERIFY(std::abs(c.refX - 0.30) < refTol && std::abs(c.refY - 0.40) < refTol);
        QVERIFY(std::abs(c.tgtX - 0.60) < tgtTol && std::abs(c.tgtY - 0.50) < 2 * tgtTol);
        QCOMPARE(c.source, mosaic::PointSource::Manual);
        QCOMPARE(c.status, mosaic::ReviewStatus::Accepted);
        QCOMPARE(v->selectedPair(), 0);
        QCOMPARE(panel.pairTable()->rowCount(), 1);
        // A target click without a reference point first makes nothing.
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.2, 0.2));
        QCOMPARE(pointsOf(panel).size(), size_t{1});

        // Hovering one end highlights the pair (both ends are drawn highlighted).
        QTest::mouseMove(v, at(v, AnnotateView::Side::Reference, 0.30, 0.40));
        QCOMPARE(v->hoveredPair(), 0);

        // Drag the target end: one undo step, and undo puts it back.
        const int before = undo->count();
        QTest::mousePress(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.60, 0.50));
        QTest::mouseMove(v, at(v, AnnotateView::Side::Target, 0.70, 0.55));
        QTest::mouseMove(v, at(v, AnnotateView::Side::Target, 0.80, 0.60));
        QTest::mouseRelease(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.80, 0.60));
        QCOMPARE(undo->count(), before + 1);
        QVERIFY(std::abs(pointsOf(panel)[0].tgtX - 0.80) < tgtTol);
        QVERIFY2(std::abs(pointsOf(panel)[0].refX - 0.30) < refTol, qPrintable(QString::number(pointsOf(panel)[0].refX))); // the other end stays
        undo->undo();
        QVERIFY(std::abs(pointsOf(panel)[0].tgtX - 0.60) < tgtTol);
        undo->redo();
        QVERIFY(std::abs(pointsOf(panel)[0].tgtX - 0.80) < tgtTol);

        // Two more pairs; Tab and Shift+Tab walk them.
        for (double x : {0.5, 0.7}) {
            QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Reference, x, 0.7));
            QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, x, 0.3));
        }
        QCOMPARE(pointsOf(panel).size(), size_t{3});
        v->setFocus();
        v->selectPair(0);
        QTest::keyClick(v, Qt::Key_Tab);
        QCOMPARE(v->selectedPair(), 1);
        QTest::keyClick(v, Qt::Key_Tab);
        QCOMPARE(v->selectedPair(), 2);
        QTest::keyClick(v, Qt::Key_Tab);
        QCOMPARE(v->selectedPair(), 0);
        QTest::keyClick(v, Qt::Key_Backtab);
        QCOMPARE(v->selectedPair(), 2);
        // X rejects the selected pair, Delete removes it; undo brings it back.
        QTest::keyClick(v, Qt::Key_X);
        QCOMPARE(pointsOf(panel)[2].status, mosaic::ReviewStatus::Rejected);
        v->selectPair(1);
        QTest::keyClick(v, Qt::Key_Delete);
        QCOMPARE(pointsOf(panel).size(), size_t{2});
        QVERIFY(std::abs(pointsOf(panel)[1].refX - 0.7) < refTol); // the third became the second
        undo->undo();
        QCOMPARE(pointsOf(panel).size(), size_t{3});
        QVERIFY(std::abs(pointsOf(panel)[1].refX - 0.5) < refTol);

        // Zoom and pan apply to both views at once.
        const QRectF r0 = v->imageRect(AnnotateView::Side::Reference), t0 = v->imageRect(AnnotateView::Side::Target);
        v->setZoom(2.0);
        QVERIFY(std::abs(v->imageRect(AnnotateView::Side::Reference).width() / r0.width() - 2.0) < 1e-6);
        QVERIFY(std::abs(v->imageRect(AnnotateView::Side::Target).width() / t0.width() - 2.0) < 1e-6);
        v->setCenter(QPointF(0.25, 0.25));
        const QPointF rc = v->toImage(AnnotateView::Side::Reference, v->rect().center() - QPoint(v->width() / 4, 0));
        QVERIFY(std::abs(rc.x() - 0.25) < 0.02);
        // Under zoom and pan, clicks still land on the image points they show.
        v->setCenter(QPointF(0.4, 0.45));
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Reference, 0.42, 0.47));
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.38, 0.44));
        QCOMPARE(pointsOf(panel).size(), size_t{4});
        QVERIFY(std::abs(pointsOf(panel)[3].refX - 0.42) < refTol / 2 && std::abs(pointsOf(panel)[3].tgtY - 0.44) < tgtTol);
        panel.set()->undoStack()->undo();
        v->setZoom(1.0);
        v->setCenter(QPointF(0.5, 0.5));

        // The subject switcher shows the second subject's (empty) pairs.
        auto *switcher = panel.findChild<QComboBox *>(QStringLiteral("subjectSwitcher"));
        switcher->setCurrentIndex(1);
        QCOMPARE(v->subject(), 1);
        QCOMPARE(panel.pairTable()->rowCount(), 0);
        QVERIFY(panel.countsText().contains(QStringLiteral("red: 2 accepted · 0 suggested · 1 rejected")));
    }

    void suggestAndReview()
    {
        ui::AnnotatePanel panel(&m_service);
        makePanel(panel, QStringLiteral("review"));
        AnnotateView *v = panel.view();
        // No region yet: the region suggester skips the subject; draw a box with the box tool.
        panel.findChild<QToolButton *>(QStringLiteral("boxTool"))->click();
        QCOMPARE(v->tool(), AnnotateView::Tool::Box);
        QTest::mousePress(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.20, 0.20));
        QTest::mouseMove(v, at(v, AnnotateView::Side::Target, 0.50, 0.40));
        QTest::mouseRelease(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.60, 0.80));
        const auto box = panel.set()->sample(0).subjects[0].box;
        QVERIFY(box.has_value());
        QVERIFY(std::abs(box->x - 0.2) < 0.02 && std::abs(box->w - 0.4) < 0.02 && std::abs(box->h - 0.6) < 0.02);
        QVERIFY(runSuggest(panel, 0));
        const auto &pts = pointsOf(panel);
        QVERIFY(pts.size() >= 4);
        for (const auto &p : pts) {
            QCOMPARE(p.source, mosaic::PointSource::Region);
            QCOMPARE(p.status, mosaic::ReviewStatus::Suggested);
        }
        const int n = static_cast<int>(pts.size());
        QCOMPARE(panel.pairTable()->rowCount(), n);
        // One by one: select rows in the table, accept; another, reject.
        panel.pairTable()->selectRow(0);
        panel.findChild<QPushButton *>(QStringLiteral("acceptSelected"))->click();
        QCOMPARE(pointsOf(panel)[0].status, mosaic::ReviewStatus::Accepted);
        panel.pairTable()->selectRow(1);
        panel.findChild<QPushButton *>(QStringLiteral("rejectSelected"))->click();
        QCOMPARE(pointsOf(panel)[1].status, mosaic::ReviewStatus::Rejected);
        // By threshold: accept the suggestions at or above it, reject those below.
        auto *threshold = panel.findChild<QDoubleSpinBox *>(QStringLiteral("reviewThreshold"));
        threshold->setValue(0.5);
        int above = 0, below = 0;
        for (int i = 2; i < n; ++i)
            (pointsOf(panel)[static_cast<size_t>(i)].confidence >= 0.5f ? above : below) += 1;
        panel.findChild<QPushButton *>(QStringLiteral("acceptAbove"))->click();
        panel.findChild<QPushButton *>(QStringLiteral("rejectBelow"))->click();
        int accepted = 0, rejected = 0, suggested = 0;
        for (const auto &p : pointsOf(panel))
            (p.status == mosaic::ReviewStatus::Accepted ? accepted : p.status == mosaic::ReviewStatus::Rejected ? rejected : suggested) += 1;
        QCOMPARE(accepted, 1 + above);
        QCOMPARE(rejected, 1 + below);
        QCOMPARE(suggested, 0);
        // The filter shows only the accepted ones.
        panel.findChild<QComboBox *>(QStringLiteral("statusFilter"))->setCurrentIndex(2);
        QCOMPARE(panel.pairTable()->rowCount(), accepted);
        // Done is per sample and undoable.
        auto *done = panel.findChild<QCheckBox *>(QStringLiteral("sampleDone"));
        done->setChecked(true);
        QVERIFY(panel.set()->sample(0).done);
        panel.set()->undoStack()->undo();
        QVERIFY(!panel.set()->sample(0).done);
        QVERIFY(!done->isChecked());
        // Re-suggesting replaces only the undecided suggestions.
        QVERIFY(runSuggest(panel, 0));
        int kept = 0;
        for (const auto &p : pointsOf(panel))
            kept += p.status != mosaic::ReviewStatus::Suggested;
        QCOMPARE(kept, accepted + rejected);
    }

    // A and X review the pairs selected in the table while the table has the focus (the table's type-to-
    // search took them); the F1 sheet lists the annotator's keys; New… makes a folder that does not
    // exist yet and refuses one that holds other files. (The dialog itself, a QFileDialog in AnyFile
    // mode, is not driven here: offscreen it would not take a name typed into it from a test.)
    void tableKeysSheetAndNewFolder()
    {
        ui::AnnotatePanel panel(&m_service);
        makePanel(panel, QStringLiteral("keys"));
        AnnotateView *v = panel.view();
        for (double x : {0.3, 0.5}) {
            QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Reference, x, 0.40));
            QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, x, 0.50));
        }
        QCOMPARE(pointsOf(panel).size(), size_t{2});
        QTableWidget *table = panel.pairTable();
        panel.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&panel));
        table->setFocus();
        QCOMPARE(QApplication::focusWidget(), table);
        table->selectRow(0);
        QTest::keyClick(table, Qt::Key_X);
        QCOMPARE(pointsOf(panel)[0].status, mosaic::ReviewStatus::Rejected);
        QCOMPARE(pointsOf(panel)[1].status, mosaic::ReviewStatus::Accepted); // manual pairs start accepted
        table->selectRow(1);
        QTest::keyClick(table, Qt::Key_X);
        table->selectRow(0);
        QTest::keyClick(table, Qt::Key_A);
        QCOMPARE(pointsOf(panel)[0].status, mosaic::ReviewStatus::Accepted);
        QCOMPARE(pointsOf(panel)[1].status, mosaic::ReviewStatus::Rejected);

        ui::MainWindow w;
        const QString sheet = w.shortcutsText();
        for (const char *want : {"Annotate", "A / X", "1 / 2 / 3 / 4 / 5", "Next / previous pair"})
            QVERIFY2(sheet.contains(QLatin1String(want)), want);

        // New…: a folder that does not exist yet (the dialog takes a typed name) is made.
        const QString fresh = m_tmp.filePath(QStringLiteral("not/yet/there"));
        QString made;
        QVERIFY2(panel.createDataset(fresh, &made), qPrintable(made));
        QCOMPARE(panel.set()->directory(), QDir(fresh).absolutePath());
        QVERIFY(QFileInfo::exists(QDir(fresh).filePath(QStringLiteral("index.jsonl"))));
        QString error;
        QVERIFY(!panel.createDataset(m_tmp.path(), &error)); // holds other files
        QVERIFY2(error.contains(QStringLiteral("not empty")), qPrintable(error));
    }

    // Suggestions and GrabCut run off the GUI thread: while one runs the buttons are off and a second
    // request is refused with a reason; a result whose sample went away (another dataset opened) is
    // discarded, not written into the wrong sample; a panel closed mid-job waits for it and emits nothing.
    void backgroundJobs()
    {
        QString error;
        {
            ui::AnnotatePanel panel(&m_service);
            makePanel(panel, QStringLiteral("jobs"));
            panel.set()->setBox(0, 0, mosaic::NormalizedBox{0.2f, 0.2f, 0.4f, 0.6f});
            auto *button = panel.findChild<QPushButton *>(QStringLiteral("suggestButton"));
            QSignalSpy finished(&panel, &ui::AnnotatePanel::suggestionsFinished);
            QSignalSpy status(&panel, &ui::AnnotatePanel::statusMessage);
            QVERIFY2(panel.suggest(0, &error), qPrintable(error));
            QVERIFY(panel.isBusy());
            QVERIFY(!button->isEnabled());
            QVERIFY(!panel.suggest(0, &error));
            QVERIFY2(error.contains(QStringLiteral("Wait for")), qPrintable(error));
            QVERIFY(!panel.grabCut(&error));
            QVERIFY(finished.wait(30000));
            QVERIFY(finished.first().at(0).toBool());
            QVERIFY(button->isEnabled() && !panel.isBusy());
            QVERIFY(!pointsOf(panel).empty());
            QVERIFY(status.last().at(0).toString().contains(QStringLiteral("suggested")));

            // Another dataset opened before the job's result arrives (results come back through the
            // event loop, so this happens deterministically first): the result is dropped.
            finished.clear();
            QVERIFY2(panel.suggest(0, &error), qPrintable(error));
            QVERIFY2(panel.set()->create(m_tmp.filePath(QStringLiteral("jobs2")), QStringLiteral("jobs2"), &error), qPrintable(error));
            QCOMPARE(panel.set()->addSampleFromFiles(m_target, {m_ref1, m_ref2}, QStringLiteral("two toys"), &error), 0);
            QVERIFY(finished.wait(30000));
            QVERIFY(!finished.first().at(0).toBool());
            QVERIFY(status.last().at(0).toString().contains(QStringLiteral("discarded")));
            QVERIFY(pointsOf(panel).empty()); // the new dataset's sample 0 (same id) got nothing
            QVERIFY(!panel.isBusy());
        }
        {
            // Closed while a job runs: the destructor waits; nothing is delivered afterwards.
            auto *panel = new ui::AnnotatePanel(&m_service);
            makePanel(*panel, QStringLiteral("jobs3"));
            panel->set()->setBox(0, 0, mosaic::NormalizedBox{0.2f, 0.2f, 0.4f, 0.6f});
            QVERIFY(panel->suggest(1, &error));
            QVERIFY(panel->isBusy());
            delete panel;
            QTest::qWait(50);
        }
    }

    // The model suggester runs on the generation service's thread with the model the app has loaded:
    // none loaded, it says so; once one is, it suggests model pairs (no second copy of a model, no
    // model loaded on its own).
    void modelSuggesterUsesTheLoadedModel()
    {
        ui::GenerationService service;
        ui::AnnotatePanel panel(&service);
        makePanel(panel, QStringLiteral("model"));
        panel.set()->setBox(0, 0, mosaic::NormalizedBox{0.2f, 0.2f, 0.4f, 0.6f});
        panel.set()->setBox(0, 1, mosaic::NormalizedBox{0.6f, 0.2f, 0.3f, 0.6f});
        QSignalSpy errors(&panel, &ui::AnnotatePanel::errorOccurred);
        QVERIFY(!runSuggest(panel, 2));
        QVERIFY(!errors.isEmpty());
        QVERIFY2(errors.last().at(0).toString().contains(QStringLiteral("No model is loaded")),
                 qPrintable(errors.last().at(0).toString()));
        QVERIFY(pointsOf(panel).empty());

        QSignalSpy loaded(&service, &ui::GenerationService::modelLoaded);
        service.loadModel(QString::fromStdString(mosaic::findDefaultModel()));
        QVERIFY(loaded.wait(60000));
        QVERIFY(runSuggest(panel, 2));
        QVERIFY(!pointsOf(panel).empty());
        for (const auto &p : pointsOf(panel))
            QCOMPARE(p.source, mosaic::PointSource::Model);
        // A generation and a suggestion asked for together both finish, one after the other, on the
        // one thread.
        mosaic::GenerationRequest req;
        req.prompt = "a block";
        req.steps = 1;
        QSignalSpy finished(&service, &ui::GenerationService::finished);
        service.submit(req);
        QVERIFY(runSuggest(panel, 2));
        QVERIFY(finished.count() == 1 || finished.wait(60000));
    }

    void drawRegions()
    {
        ui::AnnotatePanel panel(&m_service);
        makePanel(panel, QStringLiteral("regions"));
        AnnotateView *v = panel.view();
        auto *undo = panel.set()->undoStack();
        // A brush stroke paints the mask of the current subject (target size).
        panel.findChild<QToolButton *>(QStringLiteral("brushTool"))->click();
        QTest::mousePress(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.30, 0.50));
        QTest::mouseMove(v, at(v, AnnotateView::Side::Target, 0.50, 0.50));
        QTest::mouseRelease(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.70, 0.50));
        QImage m = panel.set()->mask(0, 0);
        QCOMPARE(m.size(), QSize(200, 160));
        QVERIFY(qGray(m.pixel(100, 80)) > 127);
        QVERIFY(qGray(m.pixel(100, 10)) < 127);
        // The eraser takes part of it away; undo restores it.
        panel.findChild<QToolButton *>(QStringLiteral("eraserTool"))->click();
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.50, 0.50));
        QVERIFY(qGray(panel.set()->mask(0, 0).pixel(100, 80)) < 127);
        undo->undo();
        QVERIFY(qGray(panel.set()->mask(0, 0).pixel(100, 80)) > 127);
        // A polygon on the second subject: three corners and a double-click.
        panel.findChild<QComboBox *>(QStringLiteral("subjectSwitcher"))->setCurrentIndex(1);
        panel.findChild<QToolButton *>(QStringLiteral("polygonTool"))->click();
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.10, 0.10));
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.40, 0.10));
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.10, 0.40));
        QTest::mouseDClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.10, 0.40));
        const QImage poly = panel.set()->mask(0, 1);
        QVERIFY(!poly.isNull());
        QVERIFY(qGray(poly.pixel(30, 25)) > 127);  // inside the triangle
        QVERIFY(qGray(poly.pixel(70, 55)) < 127);  // beyond its long edge
        // GrabCut needs a box first, then fills the mask from it.
        auto *grab = panel.findChild<QPushButton *>(QStringLiteral("grabCut"));
        QSignalSpy errors(&panel, &ui::AnnotatePanel::errorOccurred);
        panel.findChild<QComboBox *>(QStringLiteral("subjectSwitcher"))->setCurrentIndex(0);
        grab->click();
        QCOMPARE(errors.count(), 1);
        panel.set()->setBox(0, 0, mosaic::NormalizedBox{0.1f, 0.1f, 0.8f, 0.8f});
        QSignalSpy finished(&panel, &ui::AnnotatePanel::suggestionsFinished);
        grab->click();
        QVERIFY(panel.isBusy() && !grab->isEnabled()); // GrabCut runs on a pool thread
        QVERIFY(finished.wait(30000));
        QVERIFY(finished.first().at(0).toBool());
        QVERIFY(!panel.isBusy() && grab->isEnabled());
        const QImage cut = panel.set()->mask(0, 0);
        QVERIFY(qGray(cut.pixel(100, 80)) > 127); // the blue block (40..160 x 32..128) is foreground
        QVERIFY(qGray(cut.pixel(25, 20)) < 127);  // white margin inside the box is background
        // Saved masks are files of the dataset, read back as they were.
        QString error;
        QVERIFY2(panel.set()->save(&error), qPrintable(error));
        ui::AnnotationSet again;
        QVERIFY(again.open(panel.set()->directory(), &error));
        QCOMPARE(again.mask(0, 0).convertToFormat(QImage::Format_Grayscale8), cut.convertToFormat(QImage::Format_Grayscale8));
        QCOMPARE(again.mask(0, 1), poly);
    }

    void exportAndImportBackIdentically()
    {
        ui::AnnotatePanel panel(&m_service);
        makePanel(panel, QStringLiteral("source"));
        AnnotateView *v = panel.view();
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Reference, 0.4, 0.4));
        QTest::mouseClick(v, Qt::LeftButton, {}, at(v, AnnotateView::Side::Target, 0.5, 0.5));
        panel.set()->setBox(0, 1, mosaic::NormalizedBox{0.5f, 0.1f, 0.3f, 0.4f});
        panel.set()->setDone(0, true);
        QString error;
        QVERIFY2(panel.set()->exportTo(m_tmp.filePath(QStringLiteral("exported")), &error), qPrintable(error));
        QVERIFY(!panel.set()->isDirty()); // export saved first
        // The export opens as the same dataset.
        ui::AnnotationSet exported;
        QVERIFY2(exported.open(m_tmp.filePath(QStringLiteral("exported")), &error), qPrintable(error));
        QVERIFY(exported.problems().isEmpty());
        // Imported into a new dataset: the same samples, points, regions and images.
        ui::AnnotationSet fresh;
        QVERIFY(fresh.create(m_tmp.filePath(QStringLiteral("fresh")), QStringLiteral("fresh"), &error));
        QCOMPARE(fresh.importFrom(m_tmp.filePath(QStringLiteral("exported")), &error), 1);
        QVERIFY(fresh.save(&error));
        ui::AnnotationSet reread;
        QVERIFY(reread.open(m_tmp.filePath(QStringLiteral("fresh")), &error));
        QVERIFY(reread.problems().isEmpty());
        for (const ui::AnnotationSet *other : {&exported, &reread}) {
            QCOMPARE(other->count(), 1);
            const auto &a = panel.set()->sample(0), &b = other->sample(0);
            QCOMPARE(b.id, a.id);
            QCOMPARE(b.prompt, a.prompt);
            QCOMPARE(b.done, a.done);
            QCOMPARE(b.subjects.size(), a.subjects.size());
            for (size_t k = 0; k < a.subjects.size(); ++k) {
                QCOMPARE(b.subjects[k].name, a.subjects[k].name);
                QCOMPARE(b.subjects[k].box.has_value(), a.subjects[k].box.has_value());
                QCOMPARE(b.subjects[k].points.size(), a.subjects[k].points.size());
                for (size_t j = 0; j < a.subjects[k].points.size(); ++j) {
                    QVERIFY(std::abs(b.subjects[k].points[j].refX - a.subjects[k].points[j].refX) < 1e-5);
                    QVERIFY(std::abs(b.subjects[k].points[j].tgtY - a.subjects[k].points[j].tgtY) < 1e-5);
                    QCOMPARE(b.subjects[k].points[j].status, a.subjects[k].points[j].status);
                }
                QCOMPARE(other->reference(0, static_cast<int>(k)), panel.set()->reference(0, static_cast<int>(k)));
            }
            QCOMPARE(other->target(0), panel.set()->target(0));
        }
        // Importing the same samples again makes their ids unique instead of clashing.
        QCOMPARE(fresh.importFrom(m_tmp.filePath(QStringLiteral("exported")), &error), 1);
        QCOMPARE(fresh.count(), 2);
        QVERIFY(fresh.sample(1).id != fresh.sample(0).id);
        QVERIFY(fresh.save(&error));
        // Exporting onto itself is refused, and so is exporting over another dataset (its index stays).
        QVERIFY(!panel.set()->exportTo(panel.set()->directory(), &error));
        QFile index(m_tmp.filePath(QStringLiteral("fresh/index.jsonl")));
        QVERIFY(index.open(QIODevice::ReadOnly));
        const QByteArray before = index.readAll();
        index.close();
        QVERIFY(!panel.set()->exportTo(m_tmp.filePath(QStringLiteral("fresh")), &error));
        QVERIFY2(error.contains(QStringLiteral("already holds a dataset")), qPrintable(error));
        QVERIFY(index.open(QIODevice::ReadOnly));
        QCOMPARE(index.readAll(), before);
    }

    void malformedDatasetListsProblemsAndLosesNothing()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("broken"));
        QDir().mkpath(dir + QStringLiteral("/images"));
        QFile::copy(m_target, dir + QStringLiteral("/images/t.png"));
        QFile::copy(m_ref1, dir + QStringLiteral("/images/r.png"));
        QFile meta(dir + QStringLiteral("/dataset.json"));
        QVERIFY(meta.open(QIODevice::WriteOnly));
        meta.write(R"({"format": "mosaic-dataset", "version": 1, "name": "broken"})");
        meta.close();
        const QByteArray index =
            R"({"id": "good", "prompt": "p", "target": "images/t.png", "subjects": [{"name": "r", "image": "images/r.png", "points": [{"ref": [0.5, 0.5], "tgt": [0.2, 0.3], "source": "manual", "status": "accepted"}]}]})"
            "\n"
            R"({"id": "bad-point", "prompt": "p", "target": "images/t.png", "subjects": [{"name": "r", "image": "images/missing.png", "points": [{"ref": [1.5, 0.5], "tgt": [0.2, 0.3], "source": "manual"}]}]})"
            "\n"
            "{\"id\": \"cut\", \"prompt\": \"p\", \"tar\n";
        QFile f(dir + QStringLiteral("/index.jsonl"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(index);
        f.close();

        ui::AnnotatePanel panel(&m_service);
        panel.resize(1100, 650);
        panel.show();
        QString error;
        QVERIFY2(panel.set()->open(dir, &error), qPrintable(error));
        QCOMPARE(panel.set()->count(), 2); // the cut-off line cannot be read
        QListWidget *problems = panel.problemList();
        QVERIFY2(problems->count() >= 3, qPrintable(QString::number(problems->count())));
        QStringList texts;
        for (int i = 0; i < problems->count(); ++i)
            texts << problems->item(i)->text();
        const QString all = texts.join(QLatin1Char('\n'));
        QVERIFY2(all.contains(QStringLiteral("line 2")) && all.contains(QStringLiteral("outside [0, 1]")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("file not found: images/missing.png")), qPrintable(all));
        QVERIFY2(all.contains(QStringLiteral("line 3")), qPrintable(all));
        // A problem goes to its sample.
        for (int i = 0; i < problems->count(); ++i)
            if (problems->item(i)->text().contains(QStringLiteral("missing.png"))) {
                Q_EMIT problems->itemActivated(problems->item(i));
                break;
            }
        QCOMPARE(panel.currentSample(), 1);
        // Saving keeps the original index beside the new one, byte for byte.
        panel.set()->setDone(0, true);
        QVERIFY2(panel.set()->save(&error), qPrintable(error));
        const QStringList backups = QDir(dir).entryList({QStringLiteral("index.jsonl.orig-*")});
        QCOMPARE(backups.size(), 1);
        QFile b(dir + QLatin1Char('/') + backups.first());
        QVERIFY(b.open(QIODevice::ReadOnly));
        QCOMPARE(b.readAll(), index);
        // Opening a folder that is not a dataset is an error, and the open one stays.
        QVERIFY(!panel.set()->open(m_tmp.filePath(QStringLiteral("nothing-here")), &error));
        QVERIFY2(error.contains(QStringLiteral("nothing-here")), qPrintable(error));
        QCOMPARE(panel.set()->count(), 2);
    }

    // A gallery result becomes a sample: its image, subjects, regions, and pairs suggested from its
    // attention maps (source "generation") inside where each map is strong.
    void resultBecomesASample()
    {
        ui::AnnotationSet set;
        QString error;
        QVERIFY(set.create(m_tmp.filePath(QStringLiteral("from-result")), QStringLiteral("r"), &error));
        ui::GalleryEntry e;
        e.outcome.id = 7;
        e.outcome.image = picture(128, 128, Qt::blue, Qt::white);
        e.outcome.request.prompt = "two toys";
        for (int k = 0; k < 2; ++k) {
            mosaic::Subject s;
            s.name = k ? "green" : "red";
            s.image = ui::fromQImage(QImage(k ? m_ref2 : m_ref1).convertToFormat(QImage::Format_RGBA8888));
            s.box = mosaic::NormalizedBox{k ? 0.5f : 0.05f, 0.1f, 0.4f, 0.5f};
            e.outcome.request.subjects.push_back(s);
            mosaic::SubjectMaps maps;
            maps.attention.width = maps.attention.height = 8; // strong over the left or the right half
            for (int y = 0; y < 8; ++y)
                for (int x = 0; x < 8; ++x)
                    maps.attention.values.push_back(((x < 4) == (k == 0)) ? 0.03f : 0.001f);
            e.outcome.result.subjects.push_back(maps);
        }
        const int i = set.addSampleFromResult(e, &error);
        QVERIFY2(i == 0, qPrintable(error));
        const auto &smp = set.sample(0);
        QCOMPARE(smp.prompt, std::string("two toys"));
        QCOMPARE(smp.subjects.size(), size_t{2});
        QCOMPARE(set.target(0).size(), QSize(128, 128));
        for (int k = 0; k < 2; ++k) {
            const auto &pts = smp.subjects[static_cast<size_t>(k)].points;
            QVERIFY(pts.size() >= 4);
            for (const auto &p : pts) {
                QCOMPARE(p.source, mosaic::PointSource::Generation);
                QVERIFY(k == 0 ? p.tgtX < 0.5f : p.tgtX > 0.5f);
            }
            QVERIFY(smp.subjects[static_cast<size_t>(k)].box.has_value());
        }
        // One undo step takes the whole sample back.
        set.undoStack()->undo();
        QCOMPARE(set.count(), 0);
    }

    // The current composition (subjects, regions, prompt as the model reads it) with a chosen target
    // image becomes a sample; without a result or a target it is a clear error.
    void compositionBecomesASample()
    {
        ui::MainWindow w;
        QString error;
        QVERIFY(w.annotatePanel()->set()->create(m_tmp.filePath(QStringLiteral("from-composition")), QStringLiteral("c"), &error));
        QVERIFY(w.composition()->addSubjectFromImage(QImage(m_ref1), QStringLiteral("Rex"), &error));
        QVERIFY(w.composition()->addSubjectFromImage(QImage(m_ref2), QStringLiteral("Gus"), &error));
        w.composition()->setBox(0, QRectF(0.1, 0.2, 0.3, 0.4));
        w.composition()->setWord(0, QStringLiteral("a red block"));
        ui::Settings st = w.composition()->settings();
        st.prompt = QStringLiteral("Rex beside Gus");
        w.composition()->setSettings(st);
        QVERIFY(!w.addCompositionToDataset(QString(), &error)); // no result selected, no target given
        QVERIFY(!error.isEmpty());
        QVERIFY2(w.addCompositionToDataset(m_target, &error), qPrintable(error));
        const auto &smp = w.annotatePanel()->set()->sample(0);
        QCOMPARE(smp.prompt, std::string("a red block beside Gus"));
        QCOMPARE(smp.subjects.size(), size_t{2});
        QCOMPARE(smp.subjects[0].name, std::string("Rex"));
        QVERIFY(smp.subjects[0].box && std::abs(smp.subjects[0].box->x - 0.1f) < 1e-6f && std::abs(smp.subjects[0].box->h - 0.4f) < 1e-6f);
        QVERIFY(!smp.subjects[1].box);
        QCOMPARE(w.annotatePanel()->set()->target(0).size(), QSize(200, 160));
        QCOMPARE(w.annotatePanel()->currentSample(), 0);
    }

    // In the main window, Edit › Undo follows the mode: in Annotate it undoes annotations only.
    void undoFollowsTheMode()
    {
        ui::MainWindow w;
        w.resize(1300, 800);
        w.show();
        QString error;
        QVERIFY(w.annotatePanel()->set()->create(m_tmp.filePath(QStringLiteral("modes")), QStringLiteral("modes"), &error));
        QVERIFY(w.annotatePanel()->set()->addSampleFromFiles(m_target, {m_ref1}, QString(), &error) == 0);
        QVERIFY(w.annotatePanel()->set()->save(&error));
        QVERIFY(w.openDataset(m_tmp.filePath(QStringLiteral("modes")), &error));
        auto *undo = w.findChild<QAction *>(QStringLiteral("undoAction"));
        w.annotatePanel()->set()->setDone(0, true);
        QVERIFY(undo->isEnabled());
        undo->trigger();
        QVERIFY(!w.annotatePanel()->set()->sample(0).done);
        // The composition's side panels step aside in Annotate mode.
        QVERIFY(!w.findChild<QWidget *>(QStringLiteral("subjectsPanel")) ||
                !w.findChild<QWidget *>(QStringLiteral("subjectsPanel"))->isVisible());
    }
};

QTEST_MAIN(TstAnnotator)
#include "tst_annotator.moc"
