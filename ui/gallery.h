#pragma once
// The gallery: the history of results as thumbnails, and the selected result large with overlays of
// each subject's attention (toggle per subject, opacity, the subject's colour), the ownership map,
// and the result beside its references. Copy, save as PNG (with the parameters), delete, reuse.

#include "generationservice.h"

#include <QColor>
#include <QVector>
#include <QWidget>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QDoubleSpinBox;
class QSlider;
class QVBoxLayout;

namespace ui {

struct GalleryEntry
{
    GenerationOutcome outcome;
    QVector<QColor> colors;   // per subject, as in the panel when it ran
    QVector<QImage> references; // prepared references
};

class Gallery : public QWidget
{
    Q_OBJECT

public:
    explicit Gallery(QWidget *parent = nullptr);
    ~Gallery() override;
    void add(const GalleryEntry &entry);
    int count() const { return m_entries.size(); }
    int currentIndex() const;
    void setCurrentIndex(int index);
    const GalleryEntry *current() const;
    // The image shown large (with the overlays that are on); for tests and screenshots.
    QImage composedImage() const { return m_composed; }
    void setSubjectOverlay(int subject, bool on);
    void setOverlayOpacity(double opacity); // 0..1
    void setOwnershipShown(bool on);
    void setReferencesShown(bool on);
    bool savePng(int index, const QString &path, QString *error) const;
    void removeAt(int index);
    const QVector<GalleryEntry> &entries() const { return m_entries; }
    void setEntries(const QVector<GalleryEntry> &entries);

Q_SIGNALS:
    void reuseRequested(const mosaic::GenerationRequest &request);
    // Generate again starting from this image noised to `strength` (image to image).
    void varyRequested(const QImage &image, double strength);
    void errorOccurred(const QString &message);
    void countChanged(int count);

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void compose();
    void rebuildToggles();
    void retranslateUi();
    void saveCurrent();

    QVector<GalleryEntry> m_entries;
    QVector<bool> m_overlay;
    double m_opacity = 0.6;
    bool m_ownership = false, m_references = false;
    QImage m_composed;
    QListWidget *m_history;
    QLabel *m_view, *m_info, *m_overlayLabel;
    QVBoxLayout *m_toggleBox;
    QVector<QCheckBox *> m_toggles;
    QSlider *m_opacitySlider;
    QCheckBox *m_ownershipBox, *m_referencesBox;
    QPushButton *m_save, *m_copy, *m_delete, *m_reuse, *m_vary;
    QDoubleSpinBox *m_varyStrength;
};

} // namespace ui
