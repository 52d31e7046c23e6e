#pragma once
// The annotator's document: a correspondence dataset folder (docs/dataset-format.md) open for
// editing. Every edit goes through the undo stack (one command per user action); saving writes the
// changed masks and then the index atomically. A dataset that opens with problems keeps its
// original index beside the new one on the first save, so that nothing it held is lost.

#include <mosaic/annotate.h>
#include <mosaic/dataset.h>

#include <QImage>
#include <QObject>
#include <QString>
#include <QVector>

#include <optional>

class QUndoStack;

namespace ui {

struct GalleryEntry;

class AnnotationSet : public QObject
{
    Q_OBJECT

public:
    explicit AnnotationSet(QObject *parent = nullptr);

    bool create(const QString &dir, const QString &name, QString *error);
    bool open(const QString &dir, QString *error);
    bool save(QString *error);
    // A copy of the whole dataset (index and files) in another folder; this one stays open.
    bool exportTo(const QString &dir, QString *error);
    // The samples of another dataset folder, copied into this one (ids made unique). Undoable.
    int importFrom(const QString &dir, QString *error);
    bool isOpen() const { return !m_dir.isEmpty(); }
    QString directory() const { return m_dir; }
    QString name() const { return m_name; }
    bool isDirty() const;
    QUndoStack *undoStack() const { return m_undo; }

    // Problems found when opening (validateDataset), each with the sample it belongs to (-1: none).
    struct Problem
    {
        mosaic::DatasetProblem problem;
        int sample = -1;
    };
    const QVector<Problem> &problems() const { return m_problems; }

    int count() const { return m_samples.size(); }
    const mosaic::DatasetSample &sample(int i) const { return m_samples[i]; }
    QImage target(int i) const;
    QImage reference(int i, int subject) const;
    QImage mask(int i, int subject) const; // Grayscale8 at the target's size; null: none

    // Edits (each one undo command).
    void addPoint(int i, int subject, const mosaic::Correspondence &c);
    void removePoint(int i, int subject, int index);
    void movePoint(int i, int subject, int index, const mosaic::Correspondence &before, const mosaic::Correspondence &after);
    void setStatus(int i, int subject, const QVector<int> &indices, mosaic::ReviewStatus status);
    int reviewAbove(int i, int subject, float threshold, mosaic::ReviewStatus status);
    void replaceSuggestions(int i, int subject, mosaic::PointSource source, const std::vector<mosaic::Correspondence> &found);
    void setDone(int i, bool done);
    void setBox(int i, int subject, const std::optional<mosaic::NormalizedBox> &box);
    void setMask(int i, int subject, const QImage &mask, const QString &text);

    // New samples (their images are written into the folder at once; the sample is an undoable edit).
    int addSample(const QImage &target, const QVector<QImage> &references, const QStringList &names, const QString &prompt,
                  const QVector<std::optional<mosaic::NormalizedBox>> &boxes, QString *error);
    int addSampleFromFiles(const QString &target, const QStringList &references, const QString &prompt, QString *error);
    // A gallery result: its image as the target, its subjects and regions, and suggestions from its
    // attention maps (source "generation").
    int addSampleFromResult(const GalleryEntry &entry, QString *error);

    mosaic::SuggestSubject suggestSubject(int i, int subject) const;

Q_SIGNALS:
    void reset();                      // opened, created, imported
    void samplesChanged();             // added or removed
    void sampleChanged(int sample);    // points, regions, done
    void dirtyChanged(bool dirty);

private:
    bool valid(int i, int subject) const;
    void appendSamples(const QVector<mosaic::DatasetSample> &samples, const QString &text); // one undo step
    void apply(int i, int subject, const std::vector<mosaic::Correspondence> &points);
    void pushPoints(int i, int subject, std::vector<mosaic::Correspondence> after, const QString &text);
    QString writeImage(const QImage &image, const QString &relative, QString *error) const;
    bool loadFrom(const QString &dir, QString *error);

    QString m_dir, m_name;
    QVector<mosaic::DatasetSample> m_samples;
    QVector<Problem> m_problems;
    bool m_openedWithProblems = false, m_backedUp = false;
    QUndoStack *m_undo;
    mutable QVector<QImage> m_targets;
    mutable QVector<QVector<QImage>> m_references, m_masks;
    mutable QVector<QVector<bool>> m_maskEdited; // sized lazily with m_masks by mask()
};

} // namespace ui
