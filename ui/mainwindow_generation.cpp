// The main window's generation feature: the settings panel, the model, building a request from the
// composition and submitting it to the generation service, and what comes back from it.
#include "mainwindow.h"
#include "modelsdialog.h"

#include <mosaic/layout.h>

#include "annotatepanel.h"
#include "annotation.h"

#include "canvas.h"
#include "collagespinbox.h"
#include "composition.h"
#include "gallery.h"
#include "logdock.h"
#include "project.h"
#include "loghub.h"
#include "subjectspanel.h"
#include "teardown.h"

#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/version.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QCoreApplication>
#include <QSyntaxHighlighter>
#include <QUrl>
#include <QTextCharFormat>
#include <QToolButton>

#include <tuple>

namespace ui {

namespace {

// Subject names in the prompt, in their subjects' colours: the names the model will be given the
// subjects' words for.
class PromptHighlighter : public QSyntaxHighlighter
{
public:
    PromptHighlighter(QTextDocument *doc, const Composition *composition, const GenerationService *service)
        : QSyntaxHighlighter(doc), m_composition(composition), m_service(service)
    {
    }

protected:
    void highlightBlock(const QString &text) override
    {
        // Words the model does not know (read from the prompt as the model gets it, with the subjects'
        // words for their names): underlined, the names' colours drawn over them below.
        const QStringList unknown = m_service->unknownWords(Composition::expandPrompt(text, m_composition->subjects()));
        if (!unknown.isEmpty()) {
            QTextCharFormat f;
            f.setUnderlineStyle(QTextCharFormat::WaveUnderline);
            f.setUnderlineColor(QColor(0xd0, 0x20, 0x20));
            f.setToolTip(QCoreApplication::translate("ui::MainWindow", "%1 does not know this word")
                             .arg(QString::fromStdString(m_service->modelDescription().name)));
            static const QRegularExpression word(QStringLiteral("[A-Za-z0-9]+"));
            for (auto it = word.globalMatch(text); it.hasNext();) {
                const auto m = it.next();
                if (unknown.contains(m.captured().toLower()))
                    setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), f);
            }
        }
        for (const auto &s : m_composition->subjects()) {
            if (s.name.isEmpty())
                continue;
            const QRegularExpression re(QStringLiteral("(?<![\\w])%1(?![\\w])").arg(QRegularExpression::escape(s.name)),
                                        QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
            QTextCharFormat f;
            f.setFontWeight(QFont::Bold);
            f.setForeground(s.color.darker(120));
            if (!s.word.isEmpty())
                f.setToolTip(s.word);
            for (auto it = re.globalMatch(text); it.hasNext();) {
                const auto m = it.next();
                setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()), f);
            }
        }
    }

private:
    const Composition *m_composition;
    const GenerationService *m_service;
};

} // namespace

void MainWindow::createSettingsPanel()
{
    m_promptLabel = new QLabel(this);
    m_promptLabel->setWordWrap(true);
    m_prompt = new QPlainTextEdit(this);
    auto *highlighter = new PromptHighlighter(m_prompt->document(), m_composition, m_service);
    // Re-colouring changes only formats, but QPlainTextEdit reports it as a text change: it must not
    // be taken for an edit of the prompt.
    auto rehighlight = [this, highlighter] {
        const bool was = m_syncing;
        m_syncing = true;
        highlighter->rehighlight();
        m_syncing = was;
    };
    connect(m_composition, &Composition::subjectsChanged, this, rehighlight);
    connect(m_composition, &Composition::subjectChanged, this, rehighlight);
    connect(m_service, &GenerationService::modelLoaded, this, rehighlight);
    m_unknownWords = new QLabel(this);
    m_unknownWords->setObjectName(QStringLiteral("unknownWords"));
    m_unknownWords->setWordWrap(true);
    m_unknownWords->setTextFormat(Qt::PlainText);
    {
        QPalette p; // the application's, with red text in either theme
        p.setColor(QPalette::WindowText, QColor(0xc0, 0x20, 0x20));
        m_unknownWords->setPalette(p);
    }
    m_unknownWords->setVisible(false);
    connect(m_composition, &Composition::settingsChanged, this, &MainWindow::updateUnknownWords);
    connect(m_composition, &Composition::subjectChanged, this, &MainWindow::updateUnknownWords);
    connect(m_service, &GenerationService::modelLoaded, this, &MainWindow::updateUnknownWords);
    m_prompt->setObjectName(QStringLiteral("promptEdit"));
    m_prompt->setMaximumHeight(110);
    m_seedLabel = new QLabel(this);
    m_seed = new QSpinBox(this);
    m_seed->setObjectName(QStringLiteral("seedSpin"));
    m_seed->setRange(0, 2147483647);
    m_seedLock = new QCheckBox(this);
    m_seedLock->setObjectName(QStringLiteral("seedLock"));
    m_dice = new QToolButton(this);
    m_dice->setObjectName(QStringLiteral("diceButton"));
    m_stepsLabel = new QLabel(this);
    m_steps = new QSpinBox(this);
    m_steps->setRange(0, 100);
    m_guidanceLabel = new QLabel(this);
    m_guidance = new QDoubleSpinBox(this);
    m_guidance->setRange(-1, 20);
    m_guidance->setSingleStep(0.5);
    // The CFG scales: 0 shows "model default" (stored as -1); from 1 up, 1 being off.
    m_cfgLabel = new QLabel(this);
    m_cfg = new QDoubleSpinBox(this);
    m_cfg->setObjectName(QStringLiteral("cfgSpin"));
    m_refCfgLabel = new QLabel(this);
    m_refCfg = new QDoubleSpinBox(this);
    m_refCfg->setObjectName(QStringLiteral("refCfgSpin"));
    for (auto *spin : {m_cfg, m_refCfg}) {
        spin->setRange(0, 20);
        spin->setSingleStep(0.5);
        spin->setDecimals(1);
    }
    // The reference collage: "model default" below 0 (stored as -1), "off" at 0, else the redraw strength.
    m_collageLabel = new QLabel(this);
    m_collage = new CollageSpinBox(this);
    m_collage->setObjectName(QStringLiteral("collageSpin"));
    m_sizeLabel = new QLabel(this);
    m_size = new QComboBox(this);
    m_size->setObjectName(QStringLiteral("sizeCombo"));
    m_regionLabel = new QLabel(this);
    m_region = new QDoubleSpinBox(this);
    m_region->setRange(0, 10);
    m_region->setSingleStep(0.5);
    m_busyLabel = new QLabel(this);
    m_busyMode = new QComboBox(this);
    m_busyMode->setObjectName(QStringLiteral("busyMode"));
    m_busyMode->addItems({QString(), QString()});
    m_autoLayout = new QPushButton(this);
    m_autoLayout->setObjectName(QStringLiteral("autoLayoutButton"));
    m_generate = new QPushButton(this);
    m_generate->setObjectName(QStringLiteral("generateButton"));
    m_generate->setDefault(true);
    m_cancel = new QPushButton(this);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_modelTitle = new QLabel(this);
    m_modelInfo = new QLabel(this);
    m_modelInfo->setObjectName(QStringLiteral("modelInfo"));
    m_modelInfo->setWordWrap(true);
    m_modelLimits = new QLabel(this);
    m_modelLimits->setObjectName(QStringLiteral("modelLimits"));
    m_modelLimits->setWordWrap(true);
    m_modelLimits->setOpenExternalLinks(true);
    m_modelLimits->setVisible(false);
    m_loadModel = new QPushButton(this);

    connect(m_prompt, &QPlainTextEdit::textChanged, this, &MainWindow::commitSettings);
    for (auto *spin : {m_seed, m_steps})
        connect(spin, qOverload<int>(&QSpinBox::valueChanged), this, &MainWindow::commitSettings);
    for (auto *spin : {m_guidance, m_cfg, m_refCfg, static_cast<QDoubleSpinBox *>(m_collage), m_region})
        connect(spin, qOverload<double>(&QDoubleSpinBox::valueChanged), this, &MainWindow::commitSettings);
    connect(m_seedLock, &QCheckBox::toggled, this, &MainWindow::commitSettings);
    connect(m_size, qOverload<int>(&QComboBox::currentIndexChanged), this, &MainWindow::commitSettings);
    connect(m_dice, &QToolButton::clicked, this, [this] { m_seed->setValue(QRandomGenerator::global()->bounded(2147483647)); });
    connect(m_busyMode, qOverload<int>(&QComboBox::currentIndexChanged), this,
            [](int i) { QSettings().setValue(QStringLiteral("generation/replaceRunning"), i == 1); });
    connect(m_autoLayout, &QPushButton::clicked, m_composition, &Composition::autoLayout);
    connect(m_generate, &QPushButton::clicked, this, [this] { generate(); });
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancel);
    connect(m_loadModel, &QPushButton::clicked, this, &MainWindow::chooseModel);
}

void MainWindow::loadModel(const QString &path)
{
    QString p = path;
    if (p.isEmpty()) {
        p = QString::fromStdString(mosaic::findDefaultModel());
        if (p.isEmpty()) {
            QStringList where;
            for (const auto &c : mosaic::defaultModelCandidates())
                where << QString::fromStdString(c);
            showBanner(tr("The bundled model was not found (looked in %1). Load a model with File › Load model….")
                           .arg(where.join(QStringLiteral(", "))),
                       true, Banner::Topic::Model);
            return;
        }
    }
    m_modelInfo->setText(tr("Loading %1…").arg(QFileInfo(p).fileName()));
    m_service->loadModel(p);
}

void MainWindow::chooseModel()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Load a model bundle"), QString(),
                                                      tr("MOSAIC Studio bundles (*.safetensors)"));
    if (!path.isEmpty())
        loadModel(path);
}

void MainWindow::chooseModelSet()
{
    ModelsDialog dialog(this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const ModelSetEntry e = dialog.selected();
    m_modelInfo->setText(tr("Loading %1…").arg(e.title()));
    m_service->loadModelSet(e.toJson());
}

quint64 MainWindow::generate(const QImage &start, double strength)
{
    if (!m_service->modelReady()) {
        showBanner(tr("No model is loaded yet."), true, Banner::Topic::Model);
        return 0;
    }
    const Settings s = m_composition->settings();
    if (!s.seedLocked && m_gallery->count() > 0) // a fresh seed per image unless locked
        m_seed->setValue(QRandomGenerator::global()->bounded(2147483647));
    mosaic::GenerationRequest req = m_composition->request();
    if (!start.isNull() && strength < 1.0) {
        req.initImage = fromQImage(start);
        req.strength = static_cast<float>(strength);
    }
    req.capture.enabled = true;
    req.previewEvery = 1;
    placeFromPrompt(&req);
    m_banner->dismiss(); // whatever it said was about before this run
    // What the CLI says before a run, said here too (the run goes ahead).
    const int side = req.width > 0 ? req.width : 256;
    QStringList notes;
    for (const auto &n : mosaic::placementNotes(req, std::max(req.collage, 0.0f), side, req.height > 0 ? req.height : side))
        notes << QString::fromStdString(n);
    if (!notes.isEmpty())
        showBanner(notes.join(QStringLiteral("\n"))); // (logged there too)
    return m_service->submit(req, m_busyMode->currentIndex() == 1);
}

void MainWindow::placeFromPrompt(mosaic::GenerationRequest *req)
{
    // A subject with no region that the prompt places by its name or word ("Pip on the left") goes
    // there, as the canvas outlines it; the composition is not changed, and subjects the prompt does
    // not place are left to the model.
    QStringList clauses;
    const QVector<QRectF> places = m_composition->promptPlaces(&clauses);
    QStringList placed;
    for (int i = 0; i < places.size() && i < static_cast<int>(req->subjects.size()); ++i)
        if (!places[i].isNull()) {
            req->subjects[static_cast<size_t>(i)].box = toBox(places[i]);
            placed << tr("%1 (“%2”)").arg(m_composition->subject(i).name, clauses[i]);
        }
    if (placed.isEmpty())
        return;
    const QString text = tr("Placed by the prompt, as they have no region: %1").arg(placed.join(QStringLiteral(", ")));
    statusBar()->showMessage(text, 8000);
    mosaic::logMessage(mosaic::LogLevel::Info, "ui", text.toStdString());
}

void MainWindow::cancel()
{
    m_service->cancel();
}

void MainWindow::setReplaceRunning(bool replace)
{
    m_busyMode->setCurrentIndex(replace ? 1 : 0);
}

void MainWindow::syncSettingsFromComposition()
{
    m_syncing = true;
    const Settings &s = m_composition->settings();
    if (m_prompt->toPlainText() != s.prompt)
        m_prompt->setPlainText(s.prompt);
    m_seed->setValue(static_cast<int>(s.seed & 0x7fffffff));
    m_seedLock->setChecked(s.seedLocked);
    m_steps->setValue(s.steps);
    m_guidance->setValue(s.guidance);
    m_cfg->setValue(s.cfg < 0 ? 0.0 : s.cfg);
    m_refCfg->setValue(s.refCfg < 0 ? 0.0 : s.refCfg);
    m_collage->setValue(s.collage < 0 ? m_collage->minimum() : std::min(s.collage, m_collage->maximum()));
    const int sizeIndex = m_size->findData(s.size);
    m_size->setCurrentIndex(sizeIndex < 0 ? 0 : sizeIndex);
    m_region->setValue(s.regionStrength);
    m_syncing = false;
}

void MainWindow::commitSettings()
{
    if (m_syncing)
        return;
    Settings s = m_composition->settings();
    s.prompt = m_prompt->toPlainText();
    s.seed = static_cast<quint64>(m_seed->value());
    s.seedLocked = m_seedLock->isChecked();
    s.steps = m_steps->value();
    s.guidance = m_guidance->value();
    // 0 is the model's default; a value between 0 and 1, which no scale can be, becomes 1 (off).
    s.cfg = m_cfg->value() <= 0.0 ? -1.0 : std::max(1.0, m_cfg->value());
    s.refCfg = m_refCfg->value() <= 0.0 ? -1.0 : std::max(1.0, m_refCfg->value());
    s.collage = m_collage->value() < 0.0 ? -1.0 : m_collage->value();
    s.size = m_size->currentData().toInt();
    s.regionStrength = m_region->value();
    m_composition->setSettings(s);
}

// What the generation service reports: the model's state, progress with previews, results into the
// gallery, failures and cancels.
void MainWindow::connectService()
{
    connect(m_service, &GenerationService::modelLoaded, this, [this](const QString &path, const QString &, const QString &summary) {
        m_banner->clear(Banner::Topic::Model);
        m_modelInfo->setText(summary);
        m_modelInfo->setToolTip(path);
        updateModelLimits();
        const auto &d = m_service->modelDescription();
        m_subjects->setModelWords([this](const QString &text) { return m_service->unknownWords(text); },
                                  d.subjectWords.empty() ? QString() : QString::fromStdString(d.subjectWords.front()));
        updateStatus();
        QSettings().setValue(QStringLiteral("model/path"), path);
        mosaic::logMessage(mosaic::LogLevel::Info, "ui", "model ready: " + summary.toStdString() + " (from " + path.toStdString() + ")");
    });
    connect(m_service, &GenerationService::modelFailed, this, [this](const QString &path, const QString &message) {
        // The model that was loaded stays loaded, and the panel says so again.
        showBanner(m_service->modelReady()
                       ? tr("%1 could not be loaded: %2 — still using %3.").arg(QFileInfo(path).fileName(), message,
                                                                             m_service->modelName())
                       : tr("%1 could not be loaded: %2").arg(QFileInfo(path).fileName(), message),
                   true, Banner::Topic::Model);
        m_modelInfo->setText(m_service->modelReady() ? m_service->modelSummary() : tr("No model loaded"));
        updateStatus();
    });
    connect(m_service, &GenerationService::started, this, [this](quint64) {
        // Not the last run's "step 12/12" while this one prepares.
        m_progress->setRange(0, 1);
        m_progress->setValue(0);
        m_progress->setFormat(tr("preparing…"));
    });
    connect(m_service, &GenerationService::busyChanged, this, [this](bool busy) {
        m_cancel->setEnabled(busy);
        m_cancelAction->setEnabled(busy);
        m_progress->setVisible(busy);
        if (!busy)
            m_canvas->setBackdrop(QImage());
    });
    connect(m_service, &GenerationService::progress, this,
            [this](quint64, const StepProgress &p, const QImage &preview) {
                m_progress->setRange(0, p.steps);
                m_progress->setValue(p.step);
                m_progress->setFormat(p.pass < 2 ? tr("step %1/%2 · %3 s").arg(p.passStep).arg(p.passSteps).arg(p.seconds, 0, 'f', 1)
                                                 : tr("refining the references %1/%2 · %3 s")
                                                       .arg(p.passStep)
                                                       .arg(p.passSteps)
                                                       .arg(p.seconds, 0, 'f', 1));
                if (!preview.isNull())
                    m_canvas->setBackdrop(preview);
            });
    connect(m_service, &GenerationService::finished, this, [this](const GenerationOutcome &o) {
        GalleryEntry e;
        e.outcome = o;
        for (const auto &s : m_composition->subjects()) {
            e.colors.push_back(s.color);
            e.references.push_back(s.prepared);
        }
        m_gallery->add(e);
        m_banner->clear(Banner::Topic::Generation);
        m_tabs->setCurrentWidget(m_gallery);
        const auto &r = o.result;
        m_lastTiming = tr("last image: %1 s (denoise %2 s)")
                           .arg(r.prepareSeconds + r.denoiseSeconds + r.decodeSeconds, 0, 'f', 1)
                           .arg(r.denoiseSeconds, 0, 'f', 1);
        updateStatus();
    });
    connect(m_service, &GenerationService::failed, this, [this](quint64, const QString &message) {
        showBanner(tr("The generation failed: %1").arg(message), true, Banner::Topic::Generation);
    });
    connect(m_service, &GenerationService::cancelled, this, [this](quint64) {
        statusBar()->showMessage(tr("Generation cancelled."), 4000);
    });

}

// The prompt's words the model does not know, named under it (the highlighter underlines them).
void MainWindow::updateUnknownWords()
{
    const QStringList unknown = m_service->unknownWords(m_composition->expandedPrompt());
    m_unknownWords->setText(unknown.isEmpty() ? QString()
                                              : tr("%1 does not know: %2")
                                                    .arg(QString::fromStdString(m_service->modelDescription().name),
                                                         unknown.join(QStringLiteral(", "))));
    m_unknownWords->setVisible(!unknown.isEmpty());
}

// What the loaded model can and cannot do, in one line where people look, with its card.
void MainWindow::updateModelLimits()
{
    const auto &d = m_service->modelDescription();
    if (!m_service->modelReady() || d.vocabulary.empty()) {
        m_modelLimits->setVisible(false);
        return;
    }
    QStringList kinds;
    for (const auto &w : d.subjectWords)
        kinds << QString::fromStdString(w);
    QString text = kinds.isEmpty() ? tr("A word-level model: it knows only the %1 words of its prompts.").arg(d.vocabulary.size())
                                   : tr("A small model trained on toy scenes: it draws toys (%1), not photographs, and "
                                        "knows only the %2 words of its prompts.")
                                         .arg(kinds.join(QStringLiteral(", ")))
                                         .arg(d.vocabulary.size());
    if (!d.modelCard.empty())
        text += QLatin1Char(' ') + tr("<a href=\"%1\">Model card</a>")
                                       .arg(QUrl::fromLocalFile(QString::fromStdString(d.modelCard)).toString());
    m_modelLimits->setText(text);
    m_modelLimits->setVisible(true);
}

} // namespace ui
