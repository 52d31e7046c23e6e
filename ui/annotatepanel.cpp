#include "annotatepanel.h"

#include "annotateview.h"
#include "annotation.h"
#include "composition.h"
#include "teardown.h"
#include "generationservice.h"

#include <mosaic/annotate.h>

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <memory>

namespace ui {

namespace {

QString statusText(mosaic::ReviewStatus s)
{
    switch (s) {
    case mosaic::ReviewStatus::Suggested: return AnnotatePanel::tr("suggested");
    case mosaic::ReviewStatus::Accepted: return AnnotatePanel::tr("accepted");
    case mosaic::ReviewStatus::Rejected: return AnnotatePanel::tr("rejected");
    }
    return {};
}

QToolButton *toolButton(QWidget *parent, const char *name, const QKeySequence &key)
{
    auto *b = new QToolButton(parent);
    b->setObjectName(QLatin1String(name));
    b->setCheckable(true);
    b->setShortcut(key);
    b->setToolButtonStyle(Qt::ToolButtonTextOnly);
    // The selected tool in the selection colour, in either theme (Fusion's checked shade alone barely
    // differs from the others on a dark palette).
    QObject::connect(b, &QToolButton::toggled, b, [b](bool on) {
        QPalette p; // the application's (either theme), with the selection colours for the selected tool
        if (on) {
            p.setColor(QPalette::Button, p.color(QPalette::Highlight));
            p.setColor(QPalette::ButtonText, p.color(QPalette::HighlightedText));
        }
        b->setPalette(p);
        QFont f = b->font();
        f.setBold(on);
        b->setFont(f);
    });
    return b;
}

} // namespace

AnnotatePanel::AnnotatePanel(GenerationService *service, QWidget *parent)
    : QWidget(parent), m_set(new AnnotationSet(this)), m_service(service)
{
    setObjectName(QStringLiteral("annotatePanel"));
    m_view = new AnnotateView(m_set, this);

    QWidget *left = createDatasetColumn();
    QWidget *center = createCenter();
    QWidget *right = createReviewColumn();
    auto *split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(center);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({200, 600, 340}); // the review column fits its suggest row in German too
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(split);

    connectSamplesAndTools();
    connectReview();
    connectDatasetButtons();
    retranslateUi();
    refreshSamples();
}

// Left: the dataset and its samples.
QWidget *AnnotatePanel::createDatasetColumn()
{
    auto *left = new QWidget(this);
    auto *ll = new QVBoxLayout(left);
    ll->setContentsMargins(0, 0, 0, 0);
    m_datasetLabel = new QLabel(left);
    m_datasetLabel->setWordWrap(true);
    auto *fileRow = new QHBoxLayout;
    m_new = new QPushButton(left);
    m_new->setObjectName(QStringLiteral("newDataset"));
    m_open = new QPushButton(left);
    m_save = new QPushButton(left);
    m_save->setObjectName(QStringLiteral("saveDataset"));
    fileRow->addWidget(m_new);
    fileRow->addWidget(m_open);
    fileRow->addWidget(m_save);
    auto *ioRow = new QHBoxLayout;
    m_import = new QPushButton(left);
    m_export = new QPushButton(left);
    ioRow->addWidget(m_import);
    ioRow->addWidget(m_export);
    m_samples = new QListWidget(left);
    m_samples->setObjectName(QStringLiteral("sampleList"));
    m_addFiles = new QPushButton(left);
    m_addComposition = new QPushButton(left);
    m_addResult = new QPushButton(left);
    m_problemsLabel = new QLabel(left);
    m_problems = new QListWidget(left);
    m_problems->setObjectName(QStringLiteral("problemList"));
    m_problems->setWordWrap(true);
    ll->addWidget(m_datasetLabel);
    ll->addLayout(fileRow);
    ll->addLayout(ioRow);
    ll->addWidget(m_samples, 3);
    ll->addWidget(m_addFiles);
    ll->addWidget(m_addComposition);
    ll->addWidget(m_addResult);
    ll->addWidget(m_problemsLabel);
    ll->addWidget(m_problems, 1);

    return left;
}

// Centre: subject, tools, done; the dual view.
QWidget *AnnotatePanel::createCenter()
{
    auto *center = new QWidget(this);
    auto *cl = new QVBoxLayout(center);
    cl->setContentsMargins(0, 0, 0, 0);
    auto *toolRow = new QHBoxLayout;
    m_subject = new QComboBox(center);
    m_subject->setObjectName(QStringLiteral("subjectSwitcher"));
    m_subject->setMinimumContentsLength(14);
    m_subject->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_pairTool = toolButton(center, "pairTool", QKeySequence(Qt::Key_1));
    m_boxTool = toolButton(center, "boxTool", QKeySequence(Qt::Key_2));
    m_brushTool = toolButton(center, "brushTool", QKeySequence(Qt::Key_3));
    m_eraserTool = toolButton(center, "eraserTool", QKeySequence(Qt::Key_4));
    m_polygonTool = toolButton(center, "polygonTool", QKeySequence(Qt::Key_5));
    auto *tools = new QButtonGroup(this);
    for (auto *b : {m_pairTool, m_boxTool, m_brushTool, m_eraserTool, m_polygonTool})
        tools->addButton(b);
    m_pairTool->setChecked(true);
    m_grabCut = new QPushButton(center);
    m_grabCut->setObjectName(QStringLiteral("grabCut"));
    m_done = new QCheckBox(center);
    m_done->setObjectName(QStringLiteral("sampleDone"));
    toolRow->addWidget(m_subject, 1);
    for (auto *b : {m_pairTool, m_boxTool, m_brushTool, m_eraserTool, m_polygonTool})
        toolRow->addWidget(b);
    toolRow->addWidget(m_grabCut);
    toolRow->addWidget(m_done);
    cl->addLayout(toolRow);
    cl->addWidget(m_view, 1);

    return center;
}

// Right: suggestions and review.
QWidget *AnnotatePanel::createReviewColumn()
{
    auto *right = new QWidget(this);
    auto *rl = new QVBoxLayout(right);
    rl->setContentsMargins(0, 0, 0, 0);
    auto *suggestRow = new QHBoxLayout;
    m_method = new QComboBox(right);
    m_method->setObjectName(QStringLiteral("suggestMethod"));
    m_method->addItems({QString(), QString(), QString()});
    // As wide as its longest entry in the language in use ("Aus dem Bereich" was cut to "Aus dem Bereic…").
    m_method->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_minConfidence = new QDoubleSpinBox(right);
    m_minConfidence->setRange(0, 1);
    m_minConfidence->setSingleStep(0.05);
    m_suggest = new QPushButton(right);
    m_suggest->setObjectName(QStringLiteral("suggestButton"));
    suggestRow->addWidget(m_method, 1);
    suggestRow->addWidget(m_minConfidence);
    suggestRow->addWidget(m_suggest);
    m_filter = new QComboBox(right);
    m_filter->setObjectName(QStringLiteral("statusFilter"));
    m_filter->addItems({QString(), QString(), QString(), QString()});
    m_counts = new QLabel(right);
    m_counts->setObjectName(QStringLiteral("reviewCounts"));
    m_counts->setWordWrap(true);
    m_table = new QTableWidget(0, 5, right);
    m_table->setObjectName(QStringLiteral("pairTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    // Left-aligned: a centred title of a column wider than the table showed its middle ("eference → t").
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    auto *reviewRow = new QHBoxLayout;
    m_accept = new QPushButton(right);
    m_accept->setObjectName(QStringLiteral("acceptSelected"));
    m_reject = new QPushButton(right);
    m_reject->setObjectName(QStringLiteral("rejectSelected"));
    reviewRow->addWidget(m_accept);
    reviewRow->addWidget(m_reject);
    auto *thresholdRow = new QHBoxLayout;
    m_thresholdLabel = new QLabel(right);
    m_threshold = new QDoubleSpinBox(right);
    m_threshold->setObjectName(QStringLiteral("reviewThreshold"));
    m_threshold->setRange(0, 1);
    m_threshold->setSingleStep(0.05);
    m_threshold->setValue(0.6);
    m_acceptAbove = new QPushButton(right);
    m_acceptAbove->setObjectName(QStringLiteral("acceptAbove"));
    m_rejectBelow = new QPushButton(right);
    m_rejectBelow->setObjectName(QStringLiteral("rejectBelow"));
    thresholdRow->addWidget(m_thresholdLabel);
    thresholdRow->addWidget(m_threshold);
    thresholdRow->addWidget(m_acceptAbove);
    thresholdRow->addWidget(m_rejectBelow);
    rl->addLayout(suggestRow);
    rl->addWidget(m_filter);
    rl->addWidget(m_counts);
    rl->addWidget(m_table, 1);
    rl->addLayout(reviewRow);
    rl->addLayout(thresholdRow);

    return right;
}

// The set's changes to the lists and the view; the sample list, subject box and tools to the set.
void AnnotatePanel::connectSamplesAndTools()
{
    connect(m_set, &AnnotationSet::reset, this, [this] {
        ++m_epoch;
        refreshSamples();
        setCurrentSample(m_set->count() > 0 ? 0 : -1);
    });
    connect(m_set, &AnnotationSet::samplesChanged, this, [this] {
        refreshSamples();
        if (m_set->count() > 0 && currentSample() < 0)
            setCurrentSample(m_set->count() - 1);
    });
    connect(m_set, &AnnotationSet::sampleChanged, this, [this](int s) {
        if (s == currentSample()) {
            refreshReview();
            m_updating = true;
            m_done->setChecked(m_set->sample(s).done);
            m_updating = false;
        }
        if (auto *item = m_samples->item(s)) {
            const auto &smp = m_set->sample(s);
            item->setText(QString::fromStdString(smp.id) + (smp.done ? QStringLiteral("  ✓") : QString()));
        }
    });
    connect(m_set, &AnnotationSet::dirtyChanged, this, [this] { retranslateUi(); });
    connect(m_samples, &QListWidget::currentRowChanged, this, [this](int row) {
        if (m_updating)
            return;
        m_view->setSample(row);
        refreshSubjects();
        refreshReview();
    });
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        const int s = item->data(Qt::UserRole).toInt();
        if (s >= 0)
            setCurrentSample(s);
    });
    connect(m_problems, &QListWidget::itemClicked, m_problems, &QListWidget::itemActivated);
    connect(m_subject, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int k) {
        if (m_updating || k < 0)
            return;
        m_view->setSubject(k);
        refreshReview();
    });
    connect(m_pairTool, &QToolButton::toggled, this, [this](bool on) { if (on) m_view->setTool(AnnotateView::Tool::Pair); });
    connect(m_boxTool, &QToolButton::toggled, this, [this](bool on) { if (on) m_view->setTool(AnnotateView::Tool::Box); });
    connect(m_brushTool, &QToolButton::toggled, this, [this](bool on) { if (on) m_view->setTool(AnnotateView::Tool::Brush); });
    connect(m_eraserTool, &QToolButton::toggled, this, [this](bool on) { if (on) m_view->setTool(AnnotateView::Tool::Eraser); });
    connect(m_polygonTool, &QToolButton::toggled, this, [this](bool on) { if (on) m_view->setTool(AnnotateView::Tool::Polygon); });
    connect(m_done, &QCheckBox::toggled, this, [this](bool on) {
        if (!m_updating && currentSample() >= 0)
            m_set->setDone(currentSample(), on);
    });
    connect(m_grabCut, &QPushButton::clicked, this, [this] {
        QString error;
        if (!grabCut(&error))
            Q_EMIT errorOccurred(error);
    });
    connect(m_suggest, &QPushButton::clicked, this, [this] {
        QString error;
        if (!suggest(m_method->currentIndex(), &error))
            Q_EMIT errorOccurred(error);
    });
}

// The suggesters, the filter, the table and the review buttons.
void AnnotatePanel::connectReview()
{
    connect(m_filter, qOverload<int>(&QComboBox::currentIndexChanged), this, [this](int f) {
        m_view->setStatusFilter(f <= 0 ? std::nullopt : std::optional<mosaic::ReviewStatus>(static_cast<mosaic::ReviewStatus>(f - 1)));
        refreshReview();
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        if (m_updating)
            return;
        const auto rows = selectedRows();
        m_view->selectPair(rows.size() == 1 ? rows.first() : -1);
    });
    connect(m_view, &AnnotateView::selectionChanged, this, [this](int index) {
        m_updating = true;
        m_table->clearSelection();
        for (int r = 0; r < m_table->rowCount(); ++r)
            if (m_table->item(r, 0)->data(Qt::UserRole).toInt() == index) {
                m_table->selectRow(r);
                m_table->scrollToItem(m_table->item(r, 0));
            }
        m_updating = false;
    });
    connect(m_view, &AnnotateView::message, this, &AnnotatePanel::statusMessage);
    connect(m_accept, &QPushButton::clicked, this, [this] { reviewSelected(true); });
    connect(m_reject, &QPushButton::clicked, this, [this] { reviewSelected(false); });
    m_table->installEventFilter(this);
    connect(m_acceptAbove, &QPushButton::clicked, this, [this] {
        if (currentSample() >= 0)
            m_set->reviewAbove(currentSample(), m_view->subject(), static_cast<float>(m_threshold->value()), mosaic::ReviewStatus::Accepted);
    });
    connect(m_rejectBelow, &QPushButton::clicked, this, [this] {
        const int s = currentSample();
        if (s < 0)
            return;
        QVector<int> below;
        const auto &pts = m_set->sample(s).subjects[static_cast<size_t>(m_view->subject())].points;
        for (int i = 0; i < static_cast<int>(pts.size()); ++i)
            if (pts[static_cast<size_t>(i)].status == mosaic::ReviewStatus::Suggested &&
                pts[static_cast<size_t>(i)].confidence < m_threshold->value())
                below << i;
        if (!below.isEmpty())
            m_set->setStatus(s, m_view->subject(), below, mosaic::ReviewStatus::Rejected);
    });
}

// New, open, save, import, export and adding samples.
void AnnotatePanel::connectDatasetButtons()
{
    connect(m_new, &QPushButton::clicked, this, &AnnotatePanel::chooseNew);
    connect(m_open, &QPushButton::clicked, this, &AnnotatePanel::chooseOpen);
    connect(m_save, &QPushButton::clicked, this, [this] {
        QString error;
        if (!m_set->save(&error))
            Q_EMIT errorOccurred(error);
        else
            Q_EMIT statusMessage(tr("Saved %1").arg(m_set->directory()));
    });
    connect(m_export, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the dataset into a folder"));
        QString error;
        if (!dir.isEmpty() && !m_set->exportTo(dir, &error))
            Q_EMIT errorOccurred(error);
    });
    connect(m_import, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Import the samples of another dataset"));
        QString error;
        if (!dir.isEmpty() && m_set->importFrom(dir, &error) < 0)
            Q_EMIT errorOccurred(error);
    });
    connect(m_addFiles, &QPushButton::clicked, this, [this] {
        const QString target = QFileDialog::getOpenFileName(this, tr("The target image"), QString(), tr("Images (*.png *.jpg *.jpeg *.webp *.bmp)"));
        if (target.isEmpty())
            return;
        const QStringList refs = QFileDialog::getOpenFileNames(this, tr("The references (one per subject)"), QFileInfo(target).absolutePath(),
                                                               tr("Images (*.png *.jpg *.jpeg *.webp *.bmp)"));
        if (refs.isEmpty())
            return;
        QString error;
        const int i = m_set->addSampleFromFiles(target, refs, QString(), &error);
        if (i < 0)
            Q_EMIT errorOccurred(error);
        else
            setCurrentSample(i);
    });
    connect(m_addComposition, &QPushButton::clicked, this, &AnnotatePanel::addFromCompositionRequested);
    connect(m_addResult, &QPushButton::clicked, this, &AnnotatePanel::addFromResultRequested);

}

void AnnotatePanel::chooseNew()
{
    // A name typed here need not exist yet (a folder picker would refuse it): the folder is made.
    QFileDialog dialog(this, tr("New dataset: type the new folder's name"));
    dialog.setObjectName(QStringLiteral("newDatasetDialog"));
    dialog.setFileMode(QFileDialog::AnyFile);
    dialog.setAcceptMode(QFileDialog::AcceptSave);
    dialog.setLabelText(QFileDialog::Accept, tr("Create"));
    dialog.setLabelText(QFileDialog::FileName, tr("Folder"));
    if (dialog.exec() != QDialog::Accepted || dialog.selectedFiles().isEmpty())
        return;
    QString error;
    if (!createDataset(dialog.selectedFiles().first(), &error))
        Q_EMIT errorOccurred(error);
}

bool AnnotatePanel::createDataset(const QString &dir, QString *error)
{
    const QFileInfo info(dir);
    if (info.exists() && !info.isDir()) {
        *error = tr("%1 is a file, not a folder").arg(dir);
        return false;
    }
    if (info.isDir() && !QDir(dir).isEmpty() && !QFileInfo::exists(QDir(dir).filePath(QStringLiteral("index.jsonl")))) {
        *error = tr("%1 is not empty: choose a new or empty folder for a dataset").arg(dir);
        return false;
    }
    if (!QDir().mkpath(dir)) {
        *error = tr("Cannot make the folder %1").arg(dir);
        return false;
    }
    return m_set->create(dir, QFileInfo(dir).fileName(), error);
}

void AnnotatePanel::reviewSelected(bool accept)
{
    const auto rows = selectedRows();
    if (currentSample() >= 0 && !rows.isEmpty())
        m_set->setStatus(currentSample(), m_view->subject(), rows,
                         accept ? mosaic::ReviewStatus::Accepted : mosaic::ReviewStatus::Rejected);
}

bool AnnotatePanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && (event->type() == QEvent::ShortcutOverride || event->type() == QEvent::KeyPress)) {
        const auto *k = static_cast<QKeyEvent *>(event);
        const bool plain = !(k->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier));
        const int key = k->key();
        if (plain && (key == Qt::Key_A || key == Qt::Key_X)) {
            if (event->type() == QEvent::ShortcutOverride) { // the table's keys, not the window's
                event->accept();
                return true;
            }
            reviewSelected(key == Qt::Key_A);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void AnnotatePanel::chooseOpen()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a dataset folder"));
    if (dir.isEmpty())
        return;
    QString error;
    if (!m_set->open(dir, &error))
        Q_EMIT errorOccurred(error);
}

int AnnotatePanel::currentSample() const { return m_samples->currentRow(); }

void AnnotatePanel::setCurrentSample(int index)
{
    m_samples->setCurrentRow(index);
    if (index < 0) {
        m_view->setSample(-1);
        refreshSubjects();
        refreshReview();
    }
}

QVector<int> AnnotatePanel::selectedRows() const
{
    QVector<int> out;
    for (const auto &r : m_table->selectionModel()->selectedRows())
        out << m_table->item(r.row(), 0)->data(Qt::UserRole).toInt();
    std::sort(out.begin(), out.end());
    return out;
}

void AnnotatePanel::refreshSamples()
{
    m_updating = true;
    const int keep = m_samples->currentRow();
    m_samples->clear();
    for (int i = 0; i < m_set->count(); ++i) {
        const auto &s = m_set->sample(i);
        auto *item = new QListWidgetItem(QString::fromStdString(s.id) + (s.done ? QStringLiteral("  ✓") : QString()), m_samples);
        item->setToolTip(QString::fromStdString(s.prompt));
    }
    m_problems->clear();
    for (const auto &p : m_set->problems()) {
        auto *item = new QListWidgetItem(QString::fromStdString(p.problem.text()), m_problems);
        item->setData(Qt::UserRole, p.sample);
        if (p.sample >= 0)
            if (auto *s = m_samples->item(p.sample))
                s->setText(s->text() + QStringLiteral("  ⚠"));
    }
    if (keep >= 0 && keep < m_samples->count())
        m_samples->setCurrentRow(keep);
    m_updating = false;
    retranslateUi();
}

void AnnotatePanel::refreshSubjects()
{
    m_updating = true;
    m_subject->clear();
    const int s = currentSample();
    if (s >= 0) {
        const auto &subs = m_set->sample(s).subjects;
        for (int k = 0; k < static_cast<int>(subs.size()); ++k) {
            QPixmap swatch(12, 12);
            swatch.fill(subjectColor(k));
            m_subject->addItem(QIcon(swatch), QStringLiteral("%1. %2").arg(k + 1).arg(QString::fromStdString(subs[static_cast<size_t>(k)].name)));
        }
        m_done->setChecked(m_set->sample(s).done);
    }
    m_subject->setCurrentIndex(s >= 0 && m_subject->count() > 0 ? 0 : -1);
    m_updating = false;
}

QString AnnotatePanel::countsText() const { return m_counts->text(); }

void AnnotatePanel::refreshReview()
{
    m_updating = true;
    m_table->setRowCount(0);
    const int s = currentSample();
    QStringList lines;
    if (s >= 0) {
        const auto &subs = m_set->sample(s).subjects;
        for (int k = 0; k < static_cast<int>(subs.size()); ++k) {
            int n[3] = {0, 0, 0};
            for (const auto &p : subs[static_cast<size_t>(k)].points)
                ++n[static_cast<int>(p.status)];
            lines << tr("%1: %2 accepted · %3 suggested · %4 rejected")
                         .arg(QString::fromStdString(subs[static_cast<size_t>(k)].name))
                         .arg(n[1])
                         .arg(n[0])
                         .arg(n[2]);
        }
        const int k = m_view->subject();
        if (k < static_cast<int>(subs.size())) {
            const auto &pts = subs[static_cast<size_t>(k)].points;
            for (int i = 0; i < static_cast<int>(pts.size()); ++i) {
                if (!m_view->visible(i))
                    continue;
                const auto &p = pts[static_cast<size_t>(i)];
                const int row = m_table->rowCount();
                m_table->insertRow(row);
                auto *num = new QTableWidgetItem(QString::number(i + 1));
                num->setData(Qt::UserRole, i);
                m_table->setItem(row, 0, num);
                m_table->setItem(row, 1, new QTableWidgetItem(statusText(p.status)));
                m_table->setItem(row, 2, new QTableWidgetItem(QString::fromLatin1(mosaic::pointSourceName(p.source))));
                m_table->setItem(row, 3, new QTableWidgetItem(QString::number(p.confidence, 'f', 2)));
                m_table->setItem(row, 4, new QTableWidgetItem(QStringLiteral("(%1, %2) → (%3, %4)")
                                                                  .arg(p.refX, 0, 'f', 2)
                                                                  .arg(p.refY, 0, 'f', 2)
                                                                  .arg(p.tgtX, 0, 'f', 2)
                                                                  .arg(p.tgtY, 0, 'f', 2)));
                if (i == m_view->selectedPair())
                    m_table->selectRow(row);
            }
        }
    }
    m_counts->setText(lines.join(QLatin1Char('\n')));
    m_updating = false;
}

void AnnotatePanel::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void AnnotatePanel::retranslateUi()
{
    m_datasetLabel->setText(m_set->isOpen() ? tr("<b>%1</b>%2<br>%3 samples")
                                                  .arg(m_set->name().toHtmlEscaped(), m_set->isDirty() ? tr(" (unsaved)") : QString())
                                                  .arg(m_set->count())
                                            : tr("No dataset open"));
    m_datasetLabel->setToolTip(m_set->directory());
    m_new->setText(tr("New…"));
    m_open->setText(tr("Open…"));
    m_save->setText(tr("Save"));
    m_import->setText(tr("Import…"));
    m_export->setText(tr("Export…"));
    m_addFiles->setText(tr("Add a sample from files…"));
    m_addComposition->setText(tr("Add the current composition"));
    m_addResult->setText(tr("Add the selected result"));
    m_problemsLabel->setText(m_set->problems().isEmpty() ? tr("No problems") : tr("Problems (%1): click one to go to its sample").arg(m_set->problems().size()));
    m_pairTool->setText(tr("Pairs"));
    m_pairTool->setToolTip(tr("Click a reference point, then its target point (1)"));
    m_boxTool->setText(tr("Box"));
    m_boxTool->setToolTip(tr("Drag the subject's box in the target (2)"));
    m_brushTool->setText(tr("Brush"));
    m_brushTool->setToolTip(tr("Paint the subject's mask in the target (3)"));
    m_eraserTool->setText(tr("Eraser"));
    m_eraserTool->setToolTip(tr("Erase from the subject's mask (4)"));
    m_polygonTool->setText(tr("Polygon"));
    m_polygonTool->setToolTip(tr("Click the corners of the subject's outline; double-click or Enter closes it (5)"));
    m_grabCut->setText(tr("GrabCut"));
    m_grabCut->setToolTip(tr("Fill the subject's mask from its box (OpenCV GrabCut)"));
    m_done->setText(tr("Done"));
    m_method->setItemText(0, tr("From the region"));
    m_method->setItemText(1, tr("Feature matching (photos)"));
    m_method->setItemText(2, tr("The model's attention"));
    m_minConfidence->setPrefix(tr("min "));
    m_suggest->setText(isBusy() ? tr("Working…") : tr("Suggest"));
    m_filter->setItemText(0, tr("All pairs"));
    m_filter->setItemText(1, tr("Suggested"));
    m_filter->setItemText(2, tr("Accepted"));
    m_filter->setItemText(3, tr("Rejected"));
    m_table->setHorizontalHeaderLabels({tr("#"), tr("Status"), tr("Source"), tr("Conf."), tr("Reference → target")});
    m_accept->setText(tr("Accept (A)"));
    m_reject->setText(tr("Reject (X)"));
    m_thresholdLabel->setText(tr("Threshold"));
    m_acceptAbove->setText(tr("Accept ≥"));
    m_rejectBelow->setText(tr("Reject <"));
}

AnnotatePanel::~AnnotatePanel()
{
    disconnectIncoming(this);
    // A job still running reads nothing of the panel's; its result is dropped (the service holds
    // `this` as a guarded context) and it is asked to stop.
    cancelJob();
}

} // namespace ui
