#pragma once
// The composition being edited: the subjects (reference image, name, colour, region) and the prompt
// and settings. Every user edit goes through an undo command on the composition's QUndoStack (one
// command per user action); views listen to the change signals.

#include <mosaic/request.h>

#include <QColor>
#include <QImage>
#include <QObject>
#include <QPair>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QUndoStack>
#include <QVector>

namespace ui {

struct SubjectItem
{
    QString name;
    QString word;       // what the model calls it ("a block", "a cat"): its name in the prompt becomes this
    QColor color;
    QString sourcePath; // where the reference came from (empty: pasted)
    QImage image;       // as loaded
    QImage prepared;    // as the pipeline prepares it (white, cropped, scaled, centred)
    QRectF box;         // region in [0, 1] of the canvas; null: none
    QImage mask;        // brush region (Grayscale8, kMaskSide square, > 127 inside); null: none. Wins over the box.
    // Point guidance: (point in the prepared reference, point on the canvas), both in [0, 1].
    QVector<QPair<QPointF, QPointF>> points;
    bool operator==(const SubjectItem &o) const
    {
        return name == o.name && word == o.word && color == o.color && sourcePath == o.sourcePath && image == o.image && box == o.box &&
               mask == o.mask && points == o.points;
    }
};

// The generation settings the user edits (and a project saves). toRequest/fromRequest below are the one
// mapping between them and a request's fields.
struct Settings
{
    QString prompt;
    QString negativePrompt; // for classifier-free guidance (cfg > 1)
    quint64 seed = 1;
    bool seedLocked = false;
    int steps = 0;          // 0: the model's default
    double guidance = -1;   // < 0: the model's default
    double cfg = -1;        // classifier-free guidance on the prompt; < 0: the model's default, 1: off
    double refCfg = -1;     // guidance on the references; < 0: the model's default, 1: off
    double collage = -1;    // the reference collage's redraw strength; < 0: the model's default, 0: off
    int size = 0;           // 0: the model's default
    double regionStrength = 2.0;
    double pointStrength = 4.0;
    bool operator==(const Settings &o) const
    {
        return prompt == o.prompt && negativePrompt == o.negativePrompt && seed == o.seed && seedLocked == o.seedLocked &&
               steps == o.steps && guidance == o.guidance && cfg == o.cfg && refCfg == o.refCfg && collage == o.collage &&
               size == o.size && regionStrength == o.regionStrength && pointStrength == o.pointStrength;
    }
    // The request's settings fields (prompt as written; subjects untouched).
    void toRequest(mosaic::GenerationRequest *request) const;
    // Settings from a request's fields; seedLocked as given (a request has no such thing).
    static Settings fromRequest(const mosaic::GenerationRequest &request, bool seedLocked);
};

// A subject as core sees it: name, box, mask (core's rule), points, and its image unless `withImage`
// is false (layout planning needs no pixels).
mosaic::Subject toCoreSubject(const SubjectItem &item, bool withImage = true);

class Composition : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxSubjects = 8;
    static constexpr int kMaskSide = 128;
    explicit Composition(QObject *parent = nullptr);

    QUndoStack *undoStack() { return &m_undo; }
    const QVector<SubjectItem> &subjects() const { return m_subjects; }
    int count() const { return m_subjects.size(); }
    const SubjectItem &subject(int i) const { return m_subjects.at(i); }
    const Settings &settings() const { return m_settings; }

    // Loads an image file as a new subject (undoable). Returns false with *error set for files that
    // are missing, corrupt, too large, or when the composition is full; nothing is added then.
    bool addSubjectFromFile(const QString &path, QString *error);
    bool addSubjectFromImage(const QImage &image, const QString &name, QString *error, const QString &sourcePath = {});
    void removeSubject(int index);
    void renameSubject(int index, const QString &name);
    void setWord(int index, const QString &word);
    // The prompt as the model gets it: each subject's name (a whole word, any case) replaced by the
    // subject's word where it has one. Longer names first, so "Pip" does not eat "Pipkin".
    QString expandedPrompt() const;
    static QString expandPrompt(const QString &prompt, const QVector<SubjectItem> &subjects);
    void recolorSubject(int index, const QColor &color);
    void moveSubject(int from, int to);
    void setBox(int index, const QRectF &box, const QString &actionText = {});
    void setMask(int index, const QImage &mask, const QString &actionText = {});
    void addPoint(int index, const QPointF &reference, const QPointF &target);
    void clearPoints(int index);
    // Non-overlapping boxes for every subject where the prompt puts it by its name or word, the
    // others where there is room (mosaic/layout.h; undoable as one action).
    void autoLayout();
    // Where the prompt places each subject that has no region ("Pip on the left"): what Generate uses
    // for it and the canvas outlines; a null rect for subjects with a region or that the prompt does
    // not place. `clauses`, when given, receives the part of the prompt that placed each one.
    QVector<QRectF> promptPlaces(QStringList *clauses = nullptr) const;
    // The composition as a generation request: the settings, the prompt with the subjects' names as
    // their words (expandedPrompt), every subject with its image, region and points.
    mosaic::GenerationRequest request() const;
    void setSettings(const Settings &settings);
    // Replaces everything without undo history (loading a project, --demo).
    void reset(const QVector<SubjectItem> &subjects, const Settings &settings);

    static QImage prepareReference(const QImage &image, int size = 256);

    // Raw mutators used by the undo commands.
    void insertRaw(int index, const SubjectItem &item);
    void removeRaw(int index);
    void replaceRaw(int index, const SubjectItem &item);
    void moveRaw(int from, int to);
    void setSettingsRaw(const Settings &settings);
    void setAllBoxesRaw(const QVector<QRectF> &boxes);

Q_SIGNALS:
    void subjectsChanged();        // structure (added, removed, moved)
    void subjectChanged(int index); // name, colour or box
    void settingsChanged();

private:
    QVector<SubjectItem> m_subjects;
    Settings m_settings;
    QUndoStack m_undo;
};

} // namespace ui
