#pragma once
// The gallery: the history of results as thumbnails, and the selected result large with overlays of
// each subject's attention (toggle per subject, opacity, the subject's colour), the ownership map,
// and the result beside its references. Copy, save as PNG (with the parameters), delete, reuse.
// Whole results live in a ResultStore (resultstore.h): a few in memory, the rest on disk.

#include "generationservice.h"

#include <QColor>
#include <QJsonArray>
#include <QVector>
#include <QWidget>

#include <memory>

class QCheckBox;
class QLabel;
class QListWidget;
class QPushButton;
class QDoubleSpinBox;
class QSlider;
class QVBoxLayout;

namespace ui {

class ResultStore;

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
    int count() const;
    int currentIndex() const;
    void setCurrentIndex(int index);
    const GalleryEntry *current() const { return m_current.get(); }
    // Result `index` whole (read back from disk when it is not in memory); nullptr when it cannot be.
    std::shared_ptr<const GalleryEntry> entry(int index, QString *error = nullptr) const;
    // The image shown large (with the overlays that are on); for tests and screenshots.
    QImage composedImage() const { return m_composed; }
    void setSubjectOverlay(int subject, bool on);
    void setOverlayOpacity(double opacity); // 0..1
    void setOwnershipShown(bool on);
    void setReferencesShown(bool on);
    bool savePng(int index, const QString &path, QString *error) const;
    void removeAt(int index);
    void setEntries(const QVector<GalleryEntry> &entries);
    // Every result as a project file holds it (project.h's resultToJson), for saving.
    bool resultsJson(QJsonArray *out, QString *error) const;
    ResultStore &store() const { return *m_store; }

public:
    // Writes the shown result's PNG to `path` and says so (saved, or errorOccurred).
    bool saveCurrentTo(const QString &path);

Q_SIGNALS:
    void reuseRequested(const mosaic::GenerationRequest &request);
    // Generate again starting from this image noised to `strength` (image to image).
    void varyRequested(const QImage &image, double strength);
    void errorOccurred(const QString &message);
    void saved(const QString &path); // an image written at the user's asking
    void countChanged(int count);

protected:
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void compose();
    void rebuildToggles();
    void retranslateUi();
    void saveCurrent();

    std::unique_ptr<ResultStore> m_store;
    std::shared_ptr<const GalleryEntry> m_current; // the selected result, held while it is shown
    void selectionChanged();
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
