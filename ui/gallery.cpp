#include "gallery.h"

#include "resultstore.h"
#include "teardown.h"

#include <mosaic/image.h>

#include <QApplication>
#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QClipboard>
#include <QEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

#include <algorithm>

namespace ui {

namespace {

// A map as an alpha mask in one colour (values scaled by their peak), at the given size.
QImage tinted(const mosaic::FloatMap &map, const QColor &color, const QSize &size)
{
    if (map.width <= 0 || map.height <= 0 || map.values.size() != static_cast<size_t>(map.width) * map.height)
        return {};
    const float peak = *std::max_element(map.values.begin(), map.values.end());
    QImage small(map.width, map.height, QImage::Format_ARGB32);
    for (int y = 0; y < map.height; ++y)
        for (int x = 0; x < map.width; ++x) {
            const float v = peak > 0 ? map.values[static_cast<size_t>(y) * map.width + x] / peak : 0.f;
            QColor c = color;
            c.setAlphaF(std::clamp(v, 0.f, 1.f));
            small.setPixelColor(x, y, c);
        }
    return small.scaled(size, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
}

} // namespace

Gallery::Gallery(QWidget *parent) : QWidget(parent), m_store(std::make_unique<ResultStore>())
{
    setObjectName(QStringLiteral("gallery"));
    m_history = new QListWidget(this);
    m_history->setObjectName(QStringLiteral("galleryHistory"));
    m_history->setViewMode(QListView::IconMode);
    m_history->setIconSize(QSize(96, 96));
    m_history->setFlow(QListView::LeftToRight);
    m_history->setWrapping(false);
    m_history->setFixedHeight(132);
    m_history->setMovement(QListView::Static);
    m_view = new QLabel(this);
    m_view->setObjectName(QStringLiteral("galleryView"));
    m_view->setAlignment(Qt::AlignCenter);
    m_view->setMinimumSize(256, 256);
    m_view->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_info = new QLabel(this);
    m_info->setWordWrap(true);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_overlayLabel = new QLabel(this);
    m_opacitySlider = new QSlider(Qt::Horizontal, this);
    m_opacitySlider->setRange(0, 100);
    m_opacitySlider->setValue(60);
    m_ownershipBox = new QCheckBox(this);
    m_ownershipBox->setObjectName(QStringLiteral("ownershipToggle"));
    m_referencesBox = new QCheckBox(this);
    m_save = new QPushButton(this);
    m_copy = new QPushButton(this);
    m_delete = new QPushButton(this);
    m_reuse = new QPushButton(this);
    m_vary = new QPushButton(this);
    m_vary->setObjectName(QStringLiteral("varyButton"));
    m_varyStrength = new QDoubleSpinBox(this);
    m_varyStrength->setObjectName(QStringLiteral("varyStrength"));
    m_varyStrength->setRange(0.05, 1.0);
    m_varyStrength->setSingleStep(0.05);
    m_varyStrength->setDecimals(2);
    m_varyStrength->setValue(0.6);

    auto *side = new QVBoxLayout;
    side->addWidget(m_overlayLabel);
    m_toggleBox = new QVBoxLayout;
    side->addLayout(m_toggleBox);
    side->addWidget(m_opacitySlider);
    side->addWidget(m_ownershipBox);
    side->addWidget(m_referencesBox);
    side->addSpacing(12);
    side->addWidget(m_save);
    side->addWidget(m_copy);
    side->addWidget(m_reuse);
    auto *vary = new QHBoxLayout;
    vary->addWidget(m_vary, 1);
    vary->addWidget(m_varyStrength);
    side->addLayout(vary);
    side->addWidget(m_delete);
    side->addStretch(1);
    side->addWidget(m_info);
    auto *sideWidget = new QWidget(this);
    sideWidget->setLayout(side);
    // The column scrolls: with eight subjects the overlay boxes keep their height and every subject's
    // line of text can be read (they were squashed and cut off after the third).
    auto *sideScroll = new QScrollArea(this);
    sideScroll->setObjectName(QStringLiteral("gallerySide"));
    sideScroll->setWidget(sideWidget);
    sideScroll->setWidgetResizable(true);
    sideScroll->setFrameShape(QFrame::NoFrame);
    sideScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    sideScroll->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    sideScroll->setFixedWidth(230 + sideScroll->verticalScrollBar()->sizeHint().width());
    auto *top = new QHBoxLayout;
    top->addWidget(m_view, 1);
    top->addWidget(sideScroll);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top, 1);
    layout->addWidget(m_history);

    connect(m_history, &QListWidget::currentRowChanged, this, &Gallery::selectionChanged);
    connect(m_opacitySlider, &QSlider::valueChanged, this, [this](int v) { setOverlayOpacity(v / 100.0); });
    connect(m_ownershipBox, &QCheckBox::toggled, this, &Gallery::setOwnershipShown);
    connect(m_referencesBox, &QCheckBox::toggled, this, &Gallery::setReferencesShown);
    connect(m_save, &QPushButton::clicked, this, &Gallery::saveCurrent);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        if (const auto *e = current())
            QApplication::clipboard()->setImage(e->outcome.image);
    });
    connect(m_delete, &QPushButton::clicked, this, [this] { removeAt(currentIndex()); });
    connect(m_reuse, &QPushButton::clicked, this, [this] {
        if (const auto *e = current())
            Q_EMIT reuseRequested(e->outcome.request);
    });
    connect(m_vary, &QPushButton::clicked, this, [this] {
        if (const auto *e = current())
            Q_EMIT varyRequested(e->outcome.image, m_varyStrength->value());
    });
    retranslateUi();
    rebuildToggles();
    compose();
}

void Gallery::selectionChanged()
{
    QString error;
    const int row = m_history->currentRow();
    m_current = row >= 0 ? m_store->at(row, &error) : nullptr;
    if (row >= 0 && !m_current)
        Q_EMIT errorOccurred(error);
    rebuildToggles();
    compose();
}

int Gallery::count() const
{
    return m_store->count();
}

std::shared_ptr<const GalleryEntry> Gallery::entry(int index, QString *error) const
{
    return m_store->at(index, error);
}

bool Gallery::resultsJson(QJsonArray *out, QString *error) const
{
    return m_store->resultsJson(out, error);
}

void Gallery::add(const GalleryEntry &entry)
{
    m_store->append(entry);
    auto *item = new QListWidgetItem(QIcon(QPixmap::fromImage(entry.outcome.image.scaled(96, 96, Qt::KeepAspectRatio,
                                                                                          Qt::SmoothTransformation))),
                                     tr("#%1").arg(entry.outcome.id), m_history);
    item->setToolTip(QString::fromStdString(entry.outcome.request.prompt));
    m_history->setCurrentRow(m_history->count() - 1);
    Q_EMIT countChanged(count());
}

void Gallery::setEntries(const QVector<GalleryEntry> &entries)
{
    m_history->clear();
    m_store->clear();
    m_current.reset();
    for (const auto &e : entries)
        add(e);
    if (entries.isEmpty()) {
        rebuildToggles();
        compose();
        Q_EMIT countChanged(0);
    }
}

int Gallery::currentIndex() const
{
    return m_history->currentRow();
}

void Gallery::setCurrentIndex(int index)
{
    m_history->setCurrentRow(index);
}

void Gallery::setSubjectOverlay(int subject, bool on)
{
    if (subject < 0 || subject >= m_overlay.size())
        return;
    m_overlay[subject] = on;
    if (subject < m_toggles.size() && m_toggles[subject]->isChecked() != on)
        m_toggles[subject]->setChecked(on);
    compose();
}

void Gallery::setOverlayOpacity(double opacity)
{
    m_opacity = std::clamp(opacity, 0.0, 1.0);
    compose();
}

void Gallery::setOwnershipShown(bool on)
{
    m_ownership = on;
    if (m_ownershipBox->isChecked() != on)
        m_ownershipBox->setChecked(on);
    compose();
}

void Gallery::setReferencesShown(bool on)
{
    m_references = on;
    if (m_referencesBox->isChecked() != on)
        m_referencesBox->setChecked(on);
    compose();
}

void Gallery::rebuildToggles()
{
    for (auto *t : m_toggles)
        delete t;
    m_toggles.clear();
    const auto *e = current();
    const int n = e ? static_cast<int>(e->outcome.result.subjects.size()) : 0;
    m_overlay.resize(n);
    for (int i = 0; i < n; ++i) {
        auto *box = new QCheckBox(QString::fromStdString(e->outcome.result.subjects[static_cast<size_t>(i)].name), this);
        box->setObjectName(QStringLiteral("overlayToggle%1").arg(i));
        const QColor c = i < e->colors.size() ? e->colors[i] : QColor(Qt::red);
        QPixmap swatch(12, 12);
        swatch.fill(c);
        box->setIcon(QIcon(swatch));
        box->setChecked(m_overlay[i]);
        connect(box, &QCheckBox::toggled, this, [this, i](bool on) { setSubjectOverlay(i, on); });
        m_toggleBox->addWidget(box);
        m_toggles.push_back(box);
    }
    const bool any = e != nullptr;
    for (QWidget *w : {static_cast<QWidget *>(m_save), static_cast<QWidget *>(m_copy), static_cast<QWidget *>(m_delete),
                       static_cast<QWidget *>(m_reuse), static_cast<QWidget *>(m_vary),
                       static_cast<QWidget *>(m_varyStrength), static_cast<QWidget *>(m_opacitySlider),
                       static_cast<QWidget *>(m_ownershipBox), static_cast<QWidget *>(m_referencesBox)})
        w->setEnabled(any);
}

void Gallery::compose()
{
    const auto *e = current();
    if (!e) {
        m_composed = QImage();
        m_view->setPixmap(QPixmap());
        m_view->setText(tr("Results appear here. Press Ctrl+Enter to generate."));
        m_info->clear();
        return;
    }
    const auto &res = e->outcome.result;
    QImage img = e->outcome.image.convertToFormat(QImage::Format_ARGB32);
    {
        QPainter p(&img);
        for (int i = 0; i < m_overlay.size() && i < static_cast<int>(res.subjects.size()); ++i) {
            if (!m_overlay[i])
                continue;
            const QColor c = i < e->colors.size() ? e->colors[i] : QColor(Qt::red);
            p.setOpacity(m_opacity);
            p.drawImage(img.rect(), tinted(res.subjects[static_cast<size_t>(i)].attention, c, img.size()));
        }
        if (m_ownership && res.ownership.width > 0 &&
            res.ownership.values.size() == static_cast<size_t>(res.ownership.width) * res.ownership.height) {
            QImage own(res.ownership.width, res.ownership.height, QImage::Format_ARGB32);
            for (int y = 0; y < own.height(); ++y)
                for (int x = 0; x < own.width(); ++x) {
                    const int k = res.ownership.values[static_cast<size_t>(y) * own.width() + x];
                    own.setPixelColor(x, y, k < 0 || k >= e->colors.size() ? QColor(0, 0, 0, 0) : e->colors[k]);
                }
            p.setOpacity(m_opacity);
            p.drawImage(img.rect(), own.scaled(img.size(), Qt::IgnoreAspectRatio, Qt::FastTransformation));
        }
    }
    if (m_references && !e->references.isEmpty()) {
        // The result beside its references, each framed in its subject's colour.
        const int h = img.height(), side = h / 2;
        const int cols = (static_cast<int>(e->references.size()) + 1) / 2;
        QImage both(img.width() + cols * side, h, QImage::Format_ARGB32);
        both.fill(Qt::white);
        QPainter p(&both);
        p.drawImage(0, 0, img);
        for (int i = 0; i < e->references.size(); ++i) {
            const QRect r(img.width() + (i / 2) * side, (i % 2) * side, side, side);
            p.drawImage(r.adjusted(3, 3, -3, -3), e->references[i]);
            p.setPen(QPen(i < e->colors.size() ? e->colors[i] : QColor(Qt::red), 3));
            p.drawRect(r.adjusted(1, 1, -2, -2));
        }
        img = both;
    }
    m_composed = img;
    m_view->setPixmap(QPixmap::fromImage(img.scaled(m_view->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
    QStringList lines;
    lines << tr("#%1 · %2 · seed %3").arg(e->outcome.id).arg(e->outcome.modelName).arg(e->outcome.request.seed);
    lines << tr("%1 × %2 px in %3 s").arg(res.image.width).arg(res.image.height).arg(
                 res.prepareSeconds + res.denoiseSeconds + res.decodeSeconds, 0, 'f', 1);
    for (const auto &s : res.subjects)
        if (s.massInRegion >= 0)
            lines << tr("%1: %2 % of its attention in its region").arg(QString::fromStdString(s.name)).arg(100 * s.massInRegion, 0, 'f', 0);
    m_info->setText(lines.join(QLatin1Char('\n')));
}

bool Gallery::savePng(int index, const QString &path, QString *error) const
{
    const auto e = entry(index, error);
    if (!e)
        return false;
    const auto &res = e->outcome.result;
    const mosaic::Status st = mosaic::savePng(path.toStdString(), fromQImage(e->outcome.image),
                                              {{"parameters", res.parametersText}, {"mosaic", res.parametersJson}});
    if (!st.ok() && error)
        *error = QString::fromStdString(st.message);
    return st.ok();
}

void Gallery::saveCurrent()
{
    const int i = currentIndex();
    if (i < 0 || !current())
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Save image"), tr("mosaic-%1.png").arg(current()->outcome.id),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty())
        saveCurrentTo(path);
}

bool Gallery::saveCurrentTo(const QString &path)
{
    QString error;
    if (currentIndex() < 0 || !savePng(currentIndex(), path, &error)) {
        Q_EMIT errorOccurred(error.isEmpty() ? tr("There is no image to save.") : error);
        return false;
    }
    Q_EMIT saved(path);
    return true;
}

void Gallery::removeAt(int index)
{
    if (index < 0 || index >= count())
        return;
    m_store->removeAt(index);
    delete m_history->takeItem(index);
    selectionChanged();
    Q_EMIT countChanged(count());
}

void Gallery::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (!m_composed.isNull())
        m_view->setPixmap(QPixmap::fromImage(m_composed.scaled(m_view->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void Gallery::changeEvent(QEvent *event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void Gallery::retranslateUi()
{
    m_overlayLabel->setText(tr("<b>Attention overlays</b>"));
    m_opacitySlider->setToolTip(tr("Overlay opacity"));
    m_ownershipBox->setText(tr("Ownership map"));
    m_referencesBox->setText(tr("Beside the references"));
    m_save->setText(tr("Save as PNG…"));
    m_copy->setText(tr("Copy"));
    m_delete->setText(tr("Delete"));
    m_reuse->setText(tr("Reuse these settings"));
    m_vary->setText(tr("Vary"));
    m_vary->setToolTip(tr("Generate again starting from this image, with the current subjects and prompt"));
    m_varyStrength->setToolTip(tr("How much the variation may change: 1 starts from noise, lower keeps more of the image"));
    compose();
}

Gallery::~Gallery()
{
    disconnectIncoming(this);
}

} // namespace ui
