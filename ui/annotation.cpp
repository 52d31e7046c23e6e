#include "annotation.h"

#include "gallery.h"
#include "lambdacommand.h"
#include "generationservice.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QSaveFile>
#include <QSet>
#include <QUndoStack>

#include <algorithm>

namespace ui {

namespace {

// A path from a dataset file that stays inside the folder (validateDataset reports the others).
bool safeRelative(const std::string &rel)
{
    return !rel.empty() && rel.find("..") == std::string::npos && !QDir::isAbsolutePath(QString::fromStdString(rel));
}

QImage readImage(const QString &path)
{
    QImageReader r(path);
    r.setAutoTransform(true);
    if (r.size().isValid() && static_cast<qint64>(r.size().width()) * r.size().height() > 64LL * 1024 * 1024)
        return {}; // larger than any dataset image should be
    return r.read();
}

bool copyTree(const QString &from, const QString &to, const QString &rel, QString *error)
{
    const QString src = QDir(from).filePath(rel), dst = QDir(to).filePath(rel);
    if (!QFileInfo(src).isFile())
        return true; // validateDataset has reported it
    QDir().mkpath(QFileInfo(dst).absolutePath());
    QFile::remove(dst);
    if (!QFile::copy(src, dst)) {
        *error = QObject::tr("Cannot copy %1 to %2").arg(src, dst);
        return false;
    }
    return true;
}

} // namespace

AnnotationSet::AnnotationSet(QObject *parent) : QObject(parent), m_undo(new QUndoStack(this))
{
    connect(m_undo, &QUndoStack::cleanChanged, this, [this](bool clean) { Q_EMIT dirtyChanged(!clean); });
}

bool AnnotationSet::isDirty() const { return !m_undo->isClean(); }

bool AnnotationSet::valid(int i, int subject) const
{
    return i >= 0 && i < m_samples.size() && subject >= 0 && subject < static_cast<int>(m_samples[i].subjects.size());
}

bool AnnotationSet::create(const QString &dir, const QString &name, QString *error)
{
    if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("index.jsonl")))) {
        *error = tr("%1 already holds a dataset; open it instead").arg(dir);
        return false;
    }
    const auto st = mosaic::writeDataset(dir.toStdString(), {}, name.toStdString());
    if (!st.ok()) {
        *error = QString::fromStdString(st.message);
        return false;
    }
    return loadFrom(dir, error);
}

bool AnnotationSet::open(const QString &dir, QString *error) { return loadFrom(dir, error); }

bool AnnotationSet::loadFrom(const QString &dir, QString *error)
{
    std::vector<mosaic::DatasetSample> samples;
    std::vector<mosaic::DatasetProblem> parseProblems, problems;
    std::vector<int> lines;
    const std::string d = dir.toStdString();
    if (auto st = mosaic::readDataset(d, &samples, &parseProblems, &lines); !st.ok()) {
        *error = QString::fromStdString(st.message);
        return false;
    }
    mosaic::validateDataset(d, &problems);
    m_dir = QDir(dir).absolutePath();
    m_name = QString::fromStdString(mosaic::readDatasetName(d));
    if (m_name.isEmpty())
        m_name = QDir(dir).dirName();
    m_samples = QVector<mosaic::DatasetSample>(samples.begin(), samples.end());
    m_problems.clear();
    for (const auto &p : problems) {
        Problem pr{p, -1};
        const auto it = std::find(lines.begin(), lines.end(), p.line);
        if (p.line > 0 && it != lines.end())
            pr.sample = static_cast<int>(it - lines.begin());
        m_problems.push_back(pr);
    }
    m_openedWithProblems = !problems.empty();
    m_backedUp = false;
    m_targets = QVector<QImage>(m_samples.size());
    m_references = QVector<QVector<QImage>>(m_samples.size());
    m_masks = QVector<QVector<QImage>>(m_samples.size());
    m_maskEdited = QVector<QVector<bool>>(m_samples.size());
    m_undo->clear();
    Q_EMIT reset();
    return true;
}

QString AnnotationSet::writeImage(const QImage &image, const QString &relative, QString *error) const
{
    const QString path = QDir(m_dir).filePath(relative);
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || !image.save(&f, "PNG") || !f.commit()) {
        *error = tr("Cannot write %1: %2").arg(path, f.errorString());
        return {};
    }
    return relative;
}

bool AnnotationSet::save(QString *error)
{
    if (!isOpen()) {
        *error = tr("No dataset is open");
        return false;
    }
    // A dataset that opened with problems: its original index is kept once, beside the new one.
    const QString index = QDir(m_dir).filePath(QStringLiteral("index.jsonl"));
    if (m_openedWithProblems && !m_backedUp) {
        const QString backup = index + QStringLiteral(".orig-") + QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
        if (!QFile::copy(index, backup)) {
            *error = tr("Cannot keep the original index as %1; nothing was saved").arg(backup);
            return false;
        }
        m_backedUp = true;
    }
    std::vector<mosaic::DatasetSample> out(m_samples.begin(), m_samples.end());
    for (int i = 0; i < m_samples.size(); ++i)
        for (int k = 0; k < m_maskEdited[i].size(); ++k) {
            if (!m_maskEdited[i][k])
                continue;
            auto &sub = out[static_cast<size_t>(i)].subjects[static_cast<size_t>(k)];
            const QImage &m = m_masks[i][k];
            if (m.isNull()) {
                sub.mask.clear();
                continue;
            }
            const QString rel = writeImage(m, QStringLiteral("masks/%1_mask%2.png").arg(QString::fromStdString(out[static_cast<size_t>(i)].id)).arg(k), error);
            if (rel.isEmpty())
                return false;
            sub.mask = rel.toStdString();
        }
    if (auto st = mosaic::writeDataset(m_dir.toStdString(), out, m_name.toStdString()); !st.ok()) {
        *error = QString::fromStdString(st.message);
        return false;
    }
    for (int i = 0; i < m_samples.size(); ++i) {
        m_samples[i] = out[static_cast<size_t>(i)];
        m_maskEdited[i].fill(false);
    }
    m_undo->setClean();
    return true;
}

bool AnnotationSet::exportTo(const QString &dir, QString *error)
{
    if (!isOpen()) {
        *error = tr("No dataset is open");
        return false;
    }
    if (QDir(dir).absolutePath() == m_dir) {
        *error = tr("Export into another folder than the dataset's own");
        return false;
    }
    if (QFileInfo::exists(QDir(dir).filePath(QStringLiteral("index.jsonl")))) {
        *error = tr("%1 already holds a dataset; export into a new or empty folder (or import into that one)").arg(dir);
        return false;
    }
    if (isDirty() && !save(error))
        return false;
    for (const auto &s : m_samples) {
        QStringList files{QString::fromStdString(s.target)};
        for (const auto &sub : s.subjects)
            for (const auto &f : {sub.image, sub.mask, sub.dense})
                if (!f.empty())
                    files << QString::fromStdString(f);
        for (const auto &f : files)
            if (safeRelative(f.toStdString()) && !copyTree(m_dir, dir, f, error))
                return false;
    }
    std::vector<mosaic::DatasetSample> out(m_samples.begin(), m_samples.end());
    if (auto st = mosaic::writeDataset(dir.toStdString(), out, m_name.toStdString()); !st.ok()) {
        *error = QString::fromStdString(st.message);
        return false;
    }
    return true;
}

int AnnotationSet::importFrom(const QString &dir, QString *error)
{
    if (!isOpen()) {
        *error = tr("No dataset is open");
        return -1;
    }
    std::vector<mosaic::DatasetSample> samples;
    std::vector<mosaic::DatasetProblem> problems;
    if (auto st = mosaic::readDataset(dir.toStdString(), &samples, &problems); !st.ok()) {
        *error = QString::fromStdString(st.message);
        return -1;
    }
    QSet<QString> ids;
    for (const auto &s : m_samples)
        ids.insert(QString::fromStdString(s.id));
    QVector<mosaic::DatasetSample> added;
    for (auto s : samples) {
        QString id = QString::fromStdString(s.id);
        for (int n = 2; ids.contains(id); ++n)
            id = QString::fromStdString(s.id) + QStringLiteral("-%1").arg(n);
        ids.insert(id);
        // Files go under imported/<id>/ so that names from two datasets never collide.
        auto relocate = [&](std::string *rel) {
            if (rel->empty() || !safeRelative(*rel))
                return true;
            const QString dst = QStringLiteral("imported/%1/%2").arg(id, QString::fromStdString(*rel));
            const QString src = QDir(dir).filePath(QString::fromStdString(*rel));
            if (!QFileInfo(src).isFile())
                return true;
            QDir().mkpath(QFileInfo(QDir(m_dir).filePath(dst)).absolutePath());
            QFile::remove(QDir(m_dir).filePath(dst));
            if (!QFile::copy(src, QDir(m_dir).filePath(dst))) {
                *error = tr("Cannot copy %1").arg(src);
                return false;
            }
            *rel = dst.toStdString();
            return true;
        };
        if (!relocate(&s.target))
            return -1;
        for (auto &sub : s.subjects)
            if (!relocate(&sub.image) || !relocate(&sub.mask) || !relocate(&sub.dense))
                return -1;
        s.id = id.toStdString();
        added.push_back(s);
    }
    appendSamples(added, tr("Import %n sample(s)", nullptr, added.size()));
    return added.size();
}

void AnnotationSet::appendSamples(const QVector<mosaic::DatasetSample> &samples, const QString &text)
{
    const int first = m_samples.size();
    auto resize = [this](int n) {
        m_samples.resize(n);
        m_targets.resize(n);
        m_references.resize(n);
        m_masks.resize(n);
        m_maskEdited.resize(n);
    };
    m_undo->push(new LambdaCommand(
        text,
        [this, samples, first, resize] {
            resize(first);
            m_samples.append(samples);
            resize(m_samples.size());
            Q_EMIT samplesChanged();
        },
        [this, first, resize] {
            resize(first);
            Q_EMIT samplesChanged();
        }));
}

QImage AnnotationSet::target(int i) const
{
    if (i < 0 || i >= m_samples.size())
        return {};
    if (m_targets[i].isNull() && safeRelative(m_samples[i].target))
        m_targets[i] = readImage(QDir(m_dir).filePath(QString::fromStdString(m_samples[i].target))).convertToFormat(QImage::Format_RGBA8888);
    return m_targets[i];
}

QImage AnnotationSet::reference(int i, int subject) const
{
    if (i < 0 || i >= m_samples.size() || subject < 0 || subject >= static_cast<int>(m_samples[i].subjects.size()))
        return {};
    auto &refs = m_references[i];
    if (refs.size() != static_cast<int>(m_samples[i].subjects.size()))
        refs.resize(static_cast<int>(m_samples[i].subjects.size()));
    const auto &rel = m_samples[i].subjects[static_cast<size_t>(subject)].image;
    if (refs[subject].isNull() && safeRelative(rel))
        refs[subject] = readImage(QDir(m_dir).filePath(QString::fromStdString(rel))).convertToFormat(QImage::Format_RGBA8888);
    return refs[subject];
}

QImage AnnotationSet::mask(int i, int subject) const
{
    if (i < 0 || i >= m_samples.size() || subject < 0 || subject >= static_cast<int>(m_samples[i].subjects.size()))
        return {};
    auto &masks = m_masks[i];
    const int n = static_cast<int>(m_samples[i].subjects.size());
    if (masks.size() != n) {
        masks.resize(n);
        m_maskEdited[i].resize(n);
    }
    const auto &rel = m_samples[i].subjects[static_cast<size_t>(subject)].mask;
    if (masks[subject].isNull() && !m_maskEdited[i][subject] && safeRelative(rel)) {
        const QImage t = target(i);
        QImage m = readImage(QDir(m_dir).filePath(QString::fromStdString(rel))).convertToFormat(QImage::Format_Grayscale8);
        if (!m.isNull() && !t.isNull() && m.size() != t.size())
            m = m.scaled(t.size(), Qt::IgnoreAspectRatio, Qt::FastTransformation);
        masks[subject] = m;
    }
    return masks[subject];
}

void AnnotationSet::apply(int i, int subject, const std::vector<mosaic::Correspondence> &points)
{
    m_samples[i].subjects[static_cast<size_t>(subject)].points = points;
    Q_EMIT sampleChanged(i);
}

void AnnotationSet::pushPoints(int i, int subject, std::vector<mosaic::Correspondence> after, const QString &text)
{
    const auto before = m_samples[i].subjects[static_cast<size_t>(subject)].points;
    m_undo->push(new LambdaCommand(
        text, [this, i, subject, after] { apply(i, subject, after); }, [this, i, subject, before] { apply(i, subject, before); }));
}

void AnnotationSet::addPoint(int i, int subject, const mosaic::Correspondence &c)
{
    if (!valid(i, subject))
        return;
    auto pts = m_samples[i].subjects[static_cast<size_t>(subject)].points;
    pts.push_back(c);
    pushPoints(i, subject, pts, tr("Add pair %1").arg(pts.size()));
}

void AnnotationSet::removePoint(int i, int subject, int index)
{
    if (!valid(i, subject))
        return;
    auto pts = m_samples[i].subjects[static_cast<size_t>(subject)].points;
    if (index < 0 || index >= static_cast<int>(pts.size()))
        return;
    pts.erase(pts.begin() + index);
    pushPoints(i, subject, pts, tr("Delete pair %1").arg(index + 1));
}

void AnnotationSet::movePoint(int i, int subject, int index, const mosaic::Correspondence &before, const mosaic::Correspondence &after)
{
    if (!valid(i, subject))
        return;
    auto pts = m_samples[i].subjects[static_cast<size_t>(subject)].points;
    if (index < 0 || index >= static_cast<int>(pts.size()))
        return;
    // The view moves the point live while dragging; the command starts from where it was.
    pts[static_cast<size_t>(index)] = before;
    apply(i, subject, pts);
    pts[static_cast<size_t>(index)] = after;
    pushPoints(i, subject, pts, tr("Move pair %1").arg(index + 1));
}

void AnnotationSet::setStatus(int i, int subject, const QVector<int> &indices, mosaic::ReviewStatus status)
{
    if (!valid(i, subject))
        return;
    auto pts = m_samples[i].subjects[static_cast<size_t>(subject)].points;
    for (int k : indices)
        if (k >= 0 && k < static_cast<int>(pts.size()))
            pts[static_cast<size_t>(k)].status = status;
    const QString verb = status == mosaic::ReviewStatus::Accepted ? tr("Accept") : status == mosaic::ReviewStatus::Rejected ? tr("Reject") : tr("Reopen");
    pushPoints(i, subject, pts, tr("%1 %n pair(s)", nullptr, indices.size()).arg(verb));
}

int AnnotationSet::reviewAbove(int i, int subject, float threshold, mosaic::ReviewStatus status)
{
    if (!valid(i, subject))
        return 0;
    auto pts = m_samples[i].subjects[static_cast<size_t>(subject)].points;
    const int n = mosaic::reviewAbove(&pts, threshold, status);
    if (n > 0)
        pushPoints(i, subject, pts,
                   (status == mosaic::ReviewStatus::Accepted ? tr("Accept %n suggestion(s)", nullptr, n) : tr("Reject %n suggestion(s)", nullptr, n)));
    return n;
}

void AnnotationSet::replaceSuggestions(int i, int subject, mosaic::PointSource source, const std::vector<mosaic::Correspondence> &found)
{
    if (!valid(i, subject))
        return;
    auto pts = m_samples[i].subjects[static_cast<size_t>(subject)].points;
    pts.erase(std::remove_if(pts.begin(), pts.end(),
                             [&](const mosaic::Correspondence &c) { return c.source == source && c.status == mosaic::ReviewStatus::Suggested; }),
              pts.end());
    pts.insert(pts.end(), found.begin(), found.end());
    pushPoints(i, subject, pts, tr("Suggest %n pair(s)", nullptr, static_cast<int>(found.size())));
}

void AnnotationSet::setDone(int i, bool done)
{
    if (i < 0 || i >= m_samples.size())
        return;
    if (m_samples[i].done == done)
        return;
    m_undo->push(new LambdaCommand(
        done ? tr("Mark %1 done").arg(QString::fromStdString(m_samples[i].id)) : tr("Reopen %1").arg(QString::fromStdString(m_samples[i].id)),
        [this, i, done] { m_samples[i].done = done; Q_EMIT sampleChanged(i); },
        [this, i, done] { m_samples[i].done = !done; Q_EMIT sampleChanged(i); }));
}

void AnnotationSet::setBox(int i, int subject, const std::optional<mosaic::NormalizedBox> &box)
{
    if (!valid(i, subject))
        return;
    const auto before = m_samples[i].subjects[static_cast<size_t>(subject)].box;
    auto set = [this, i, subject](const std::optional<mosaic::NormalizedBox> &b) {
        m_samples[i].subjects[static_cast<size_t>(subject)].box = b;
        Q_EMIT sampleChanged(i);
    };
    m_undo->push(new LambdaCommand(tr("Set the box of %1").arg(QString::fromStdString(m_samples[i].subjects[static_cast<size_t>(subject)].name)),
                                   [set, box] { set(box); }, [set, before] { set(before); }));
}

void AnnotationSet::setMask(int i, int subject, const QImage &maskImage, const QString &text)
{
    if (!valid(i, subject))
        return;
    const QImage before = mask(i, subject); // loads it, sizes the per-sample vectors
    auto set = [this, i, subject](const QImage &m) {
        m_masks[i][subject] = m;
        m_maskEdited[i][subject] = true;
        Q_EMIT sampleChanged(i);
    };
    m_undo->push(new LambdaCommand(text, [set, maskImage] { set(maskImage); }, [set, before] { set(before); }));
}

int AnnotationSet::addSample(const QImage &targetImage, const QVector<QImage> &references, const QStringList &names,
                             const QString &prompt, const QVector<std::optional<mosaic::NormalizedBox>> &boxes, QString *error)
{
    if (!isOpen()) {
        *error = tr("Create or open a dataset first");
        return -1;
    }
    if (targetImage.isNull() || references.isEmpty()) {
        *error = tr("A sample needs a target image and at least one reference");
        return -1;
    }
    QSet<QString> ids;
    for (const auto &s : m_samples)
        ids.insert(QString::fromStdString(s.id));
    QString id;
    for (int n = m_samples.size() + 1; id.isEmpty() || ids.contains(id); ++n)
        id = QStringLiteral("sample-%1").arg(n, 4, 10, QLatin1Char('0'));
    mosaic::DatasetSample s;
    s.id = id.toStdString();
    s.prompt = prompt.toStdString();
    s.width = targetImage.width();
    s.height = targetImage.height();
    const QString t = writeImage(targetImage, QStringLiteral("images/%1.png").arg(id), error);
    if (t.isEmpty())
        return -1;
    s.target = t.toStdString();
    for (int k = 0; k < references.size(); ++k) {
        mosaic::DatasetSubject sub;
        sub.name = (k < names.size() && !names[k].isEmpty() ? names[k] : tr("subject %1").arg(k + 1)).toStdString();
        const QString r = writeImage(references[k], QStringLiteral("images/%1_ref%2.png").arg(id).arg(k), error);
        if (r.isEmpty())
            return -1;
        sub.image = r.toStdString();
        if (k < boxes.size())
            sub.box = boxes[k];
        s.subjects.push_back(std::move(sub));
    }
    const int index = m_samples.size();
    appendSamples({s}, tr("Add sample %1").arg(id));
    return index;
}

int AnnotationSet::addSampleFromFiles(const QString &targetPath, const QStringList &references, const QString &prompt, QString *error)
{
    const QImage t = readImage(targetPath);
    if (t.isNull()) {
        *error = tr("Cannot read the target image %1").arg(targetPath);
        return -1;
    }
    QVector<QImage> refs;
    QStringList names;
    for (const auto &r : references) {
        const QImage img = readImage(r);
        if (img.isNull()) {
            *error = tr("Cannot read the reference image %1").arg(r);
            return -1;
        }
        refs << img;
        names << QFileInfo(r).completeBaseName();
    }
    return addSample(t, refs, names, prompt, {}, error);
}

int AnnotationSet::addSampleFromResult(const GalleryEntry &entry, QString *error)
{
    const auto &req = entry.outcome.request;
    QVector<QImage> refs;
    QStringList names;
    QVector<std::optional<mosaic::NormalizedBox>> boxes;
    for (size_t k = 0; k < req.subjects.size(); ++k) {
        refs << toQImage(req.subjects[k].image);
        names << QString::fromStdString(req.subjects[k].name);
        boxes << req.subjects[k].box;
    }
    m_undo->beginMacro(tr("Add a sample from result #%1").arg(entry.outcome.id));
    const int index = addSample(entry.outcome.image, refs, names, QString::fromStdString(req.prompt), boxes, error);
    if (index >= 0) {
        const auto &maps = entry.outcome.result.subjects;
        for (int k = 0; k < refs.size() && k < static_cast<int>(maps.size()); ++k) {
            std::vector<mosaic::Correspondence> found;
            if (mosaic::suggestFromAttention(suggestSubject(index, k), maps[static_cast<size_t>(k)].attention, {}, &found).ok())
                replaceSuggestions(index, k, mosaic::PointSource::Generation, found);
        }
    }
    m_undo->endMacro();
    return index;
}

mosaic::SuggestSubject AnnotationSet::suggestSubject(int i, int subject) const
{
    mosaic::SuggestSubject s;
    s.reference = fromQImage(reference(i, subject));
    s.box = m_samples[i].subjects[static_cast<size_t>(subject)].box;
    s.mask = toMask(mask(i, subject));
    return s;
}

} // namespace ui
