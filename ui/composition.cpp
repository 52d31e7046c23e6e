#include "composition.h"
#include "lambdacommand.h"

#include "convert.h"

#include <mosaic/image.h>
#include <mosaic/layout.h>

#include <QFileInfo>
#include <QRegularExpression>
#include <QUndoCommand>

#include <algorithm>
#include <functional>

namespace ui {


Composition::Composition(QObject *parent) : QObject(parent) {}

QImage Composition::prepareReference(const QImage &image, int size)
{
    mosaic::RgbaImage prepared;
    if (!mosaic::prepareReference(fromQImage(image), size, &prepared).ok())
        return {};
    return toQImage(prepared);
}

bool Composition::addSubjectFromFile(const QString &path, QString *error)
{
    mosaic::RgbaImage img;
    const mosaic::Status st = mosaic::loadImage(path.toStdString(), &img);
    if (!st.ok()) {
        if (error)
            *error = QString::fromStdString(st.message);
        return false;
    }
    return addSubjectFromImage(toQImage(img), QFileInfo(path).completeBaseName(), error, path);
}

bool Composition::addSubjectFromImage(const QImage &image, const QString &name, QString *error, const QString &sourcePath)
{
    if (m_subjects.size() >= kMaxSubjects) {
        if (error)
            *error = tr("A composition holds at most %1 subjects.").arg(kMaxSubjects);
        return false;
    }
    if (image.isNull() || image.width() < mosaic::kMinSubjectSide || image.height() < mosaic::kMinSubjectSide) {
        if (error)
            *error = sourcePath.isEmpty()
                         ? tr("The image is empty or smaller than %1×%1 pixels.").arg(mosaic::kMinSubjectSide)
                         : tr("%1 is %2×%3 pixels; a subject's image must be at least %4×%4.")
                               .arg(QFileInfo(sourcePath).fileName())
                               .arg(image.width())
                               .arg(image.height())
                               .arg(mosaic::kMinSubjectSide);
        return false;
    }
    SubjectItem item;
    item.name = name.isEmpty() ? tr("Subject %1").arg(m_subjects.size() + 1) : name;
    // A colour no other subject uses.
    for (int c = 0; c < 8; ++c) {
        const QColor color = subjectColor(m_subjects.size() + c);
        if (std::none_of(m_subjects.begin(), m_subjects.end(), [&](const SubjectItem &s) { return s.color == color; })) {
            item.color = color;
            break;
        }
    }
    item.image = image;
    item.sourcePath = sourcePath; // part of the undo command, so that redo keeps it
    item.prepared = prepareReference(image);
    const int index = m_subjects.size();
    m_undo.push(new LambdaCommand(
        tr("Add subject %1").arg(item.name), [this, index, item] { insertRaw(index, item); }, [this, index] { removeRaw(index); }));
    return true;
}

void Composition::removeSubject(int index)
{
    if (index < 0 || index >= m_subjects.size())
        return;
    const SubjectItem item = m_subjects.at(index);
    m_undo.push(new LambdaCommand(
        tr("Remove subject %1").arg(item.name), [this, index] { removeRaw(index); }, [this, index, item] { insertRaw(index, item); }));
}

void Composition::renameSubject(int index, const QString &name)
{
    if (index < 0 || index >= m_subjects.size() || m_subjects[index].name == name || name.trimmed().isEmpty())
        return;
    SubjectItem before = m_subjects[index], after = before;
    after.name = name.trimmed();
    m_undo.push(new LambdaCommand(
        tr("Rename %1 to %2").arg(before.name, after.name), [this, index, after] { replaceRaw(index, after); },
        [this, index, before] { replaceRaw(index, before); }));
}

void Composition::setWord(int index, const QString &word)
{
    if (index < 0 || index >= m_subjects.size() || m_subjects[index].word == word.trimmed())
        return;
    SubjectItem before = m_subjects[index], after = before;
    after.word = word.trimmed();
    m_undo.push(new LambdaCommand(
        tr("Set the word for %1 to “%2”").arg(before.name, after.word), [this, index, after] { replaceRaw(index, after); },
        [this, index, before] { replaceRaw(index, before); }));
}

QString Composition::expandPrompt(const QString &prompt, const QVector<SubjectItem> &subjects)
{
    QVector<const SubjectItem *> order;
    for (const auto &s : subjects)
        if (!s.word.isEmpty() && !s.name.isEmpty())
            order << &s;
    std::sort(order.begin(), order.end(), [](const SubjectItem *a, const SubjectItem *b) { return a->name.size() > b->name.size(); });
    QString out = prompt;
    for (const SubjectItem *s : order) {
        const QRegularExpression re(QStringLiteral("(?<![\\w])%1(?![\\w])").arg(QRegularExpression::escape(s->name)),
                                    QRegularExpression::CaseInsensitiveOption | QRegularExpression::UseUnicodePropertiesOption);
        out.replace(re, s->word);
    }
    return out;
}

QString Composition::expandedPrompt() const { return expandPrompt(m_settings.prompt, m_subjects); }

void Composition::recolorSubject(int index, const QColor &color)
{
    if (index < 0 || index >= m_subjects.size() || !color.isValid() || m_subjects[index].color == color)
        return;
    SubjectItem before = m_subjects[index], after = before;
    after.color = color;
    m_undo.push(new LambdaCommand(
        tr("Change the colour of %1").arg(before.name), [this, index, after] { replaceRaw(index, after); },
        [this, index, before] { replaceRaw(index, before); }));
}

void Composition::moveSubject(int from, int to)
{
    if (from == to || from < 0 || to < 0 || from >= m_subjects.size() || to >= m_subjects.size())
        return;
    m_undo.push(new LambdaCommand(
        tr("Move %1").arg(m_subjects[from].name), [this, from, to] { moveRaw(from, to); }, [this, from, to] { moveRaw(to, from); }));
}

void Composition::setBox(int index, const QRectF &box, const QString &actionText)
{
    if (index < 0 || index >= m_subjects.size() || m_subjects[index].box == box)
        return;
    SubjectItem before = m_subjects[index], after = before;
    after.box = box.isNull() ? QRectF() : box.normalized().intersected(QRectF(0, 0, 1, 1));
    const QString text = !actionText.isEmpty() ? actionText
                         : box.isNull()        ? tr("Remove the region of %1").arg(before.name)
                                               : tr("Set the region of %1").arg(before.name);
    m_undo.push(new LambdaCommand(text, [this, index, after] { replaceRaw(index, after); },
                                  [this, index, before] { replaceRaw(index, before); }));
}

void Composition::setMask(int index, const QImage &mask, const QString &actionText)
{
    if (index < 0 || index >= m_subjects.size())
        return;
    SubjectItem before = m_subjects[index], after = before;
    after.mask = mask.isNull() ? QImage()
                               : mask.convertToFormat(QImage::Format_Grayscale8).scaled(kMaskSide, kMaskSide);
    // An empty mask is no mask.
    if (!after.mask.isNull()) {
        bool any = false;
        for (int y = 0; y < kMaskSide && !any; ++y) {
            const uchar *row = after.mask.constScanLine(y);
            any = std::any_of(row, row + kMaskSide, [](uchar v) { return v > 127; });
        }
        if (!any)
            after.mask = QImage();
    }
    if (after.mask == before.mask)
        return;
    const QString text = !actionText.isEmpty() ? actionText
                         : after.mask.isNull() ? tr("Clear the brush region of %1").arg(before.name)
                                               : tr("Paint the region of %1").arg(before.name);
    m_undo.push(new LambdaCommand(text, [this, index, after] { replaceRaw(index, after); },
                                  [this, index, before] { replaceRaw(index, before); }));
}

void Composition::addPoint(int index, const QPointF &reference, const QPointF &target)
{
    if (index < 0 || index >= m_subjects.size())
        return;
    auto clamp01 = [](const QPointF &p) { return QPointF(std::clamp(p.x(), 0.0, 1.0), std::clamp(p.y(), 0.0, 1.0)); };
    SubjectItem before = m_subjects[index], after = before;
    after.points.push_back({clamp01(reference), clamp01(target)});
    m_undo.push(new LambdaCommand(tr("Pin a point of %1").arg(before.name), [this, index, after] { replaceRaw(index, after); },
                                  [this, index, before] { replaceRaw(index, before); }));
}

void Composition::clearPoints(int index)
{
    if (index < 0 || index >= m_subjects.size() || m_subjects[index].points.isEmpty())
        return;
    SubjectItem before = m_subjects[index], after = before;
    after.points.clear();
    m_undo.push(new LambdaCommand(tr("Remove the points of %1").arg(before.name), [this, index, after] { replaceRaw(index, after); },
                                  [this, index, before] { replaceRaw(index, before); }));
}

namespace {

// The subjects as the layout planner sees them (no pixels), and the app's words as extra keys.
mosaic::GenerationRequest layoutRequest(const QString &prompt, const QVector<SubjectItem> &items, bool keepRegions,
                                        std::vector<std::string> *words)
{
    mosaic::GenerationRequest r;
    r.prompt = prompt.toStdString();
    for (const auto &s : items) {
        mosaic::Subject sub = toCoreSubject(s, false);
        if (!keepRegions) {
            sub.box.reset();
            sub.mask = {};
        }
        r.subjects.push_back(std::move(sub));
        words->push_back(s.word.toStdString());
    }
    return r;
}

} // namespace

void Composition::autoLayout()
{
    const int n = m_subjects.size();
    if (n == 0)
        return;
    // Boxes where the prompt puts each subject by its name or word ("Pip on the left"); the subjects it
    // does not place spread over the rest of the (square) canvas (mosaic/layout.h).
    std::vector<std::string> words;
    const auto planned = mosaic::planRequestLayout(layoutRequest(m_settings.prompt, m_subjects, false, &words), 1, 1, words);
    QVector<QRectF> before, after;
    for (int i = 0; i < n; ++i) {
        before.push_back(m_subjects[i].box);
        after.push_back(toRect(planned[static_cast<size_t>(i)].box));
    }
    m_undo.push(new LambdaCommand(tr("Auto layout"), [this, after] { setAllBoxesRaw(after); },
                                  [this, before] { setAllBoxesRaw(before); }));
}

QVector<QRectF> Composition::promptPlaces(QStringList *clauses) const
{
    QVector<QRectF> out(m_subjects.size());
    if (clauses)
        *clauses = QStringList(out.size(), QString());
    // (The canvas asks on every repaint: nothing to plan unless a subject lacks a region.)
    if (std::all_of(m_subjects.begin(), m_subjects.end(), [](const SubjectItem &s) { return !s.box.isNull() || !s.mask.isNull(); }))
        return out;
    std::vector<std::string> words;
    const auto planned = mosaic::planRequestLayout(layoutRequest(m_settings.prompt, m_subjects, true, &words), 1, 1, words);
    for (int i = 0; i < out.size(); ++i) {
        const auto &p = planned[static_cast<size_t>(i)];
        const SubjectItem &s = m_subjects[i];
        if (!s.box.isNull() || !s.mask.isNull() || p.clause.empty())
            continue;
        out[i] = toRect(p.box);
        if (clauses)
            (*clauses)[i] = QString::fromStdString(p.clause);
    }
    return out;
}

mosaic::GenerationRequest Composition::request() const
{
    mosaic::GenerationRequest r;
    m_settings.toRequest(&r);
    r.prompt = expandedPrompt().toStdString(); // subject names become their words
    if (r.prompt != m_settings.prompt.toStdString())
        r.promptAsWritten = m_settings.prompt.toStdString();
    for (const auto &item : m_subjects)
        r.subjects.push_back(toCoreSubject(item));
    return r;
}

mosaic::Subject toCoreSubject(const SubjectItem &item, bool withImage)
{
    mosaic::Subject sub;
    sub.name = item.name.toStdString();
    if (withImage)
        sub.image = fromQImage(item.image);
    sub.mask = toMask(item.mask);
    for (const auto &pt : item.points)
        sub.points.push_back({float(pt.first.x()), float(pt.first.y()), float(pt.second.x()), float(pt.second.y())});
    sub.box = toBox(item.box);
    return sub;
}

void Settings::toRequest(mosaic::GenerationRequest *r) const
{
    r->prompt = prompt.toStdString();
    r->negativePrompt = negativePrompt.toStdString();
    r->seed = seed;
    r->steps = steps;
    r->guidance = static_cast<float>(guidance);
    r->cfgScale = static_cast<float>(cfg);
    r->refCfgScale = static_cast<float>(refCfg);
    r->collage = static_cast<float>(collage);
    r->width = r->height = size;
    r->regionStrength = static_cast<float>(regionStrength);
    r->pointStrength = static_cast<float>(pointStrength);
}

namespace {

// A request's float as the decimal the user gave (0.4f back as 0.4, not 0.4000000059604645): the
// shortest decimal that reads back as the same float.
double decimal(float f)
{
    for (int digits = 6; digits < 9; ++digits) {
        const QString text = QString::number(f, 'g', digits);
        if (text.toFloat() == f)
            return text.toDouble();
    }
    return f;
}

} // namespace

Settings Settings::fromRequest(const mosaic::GenerationRequest &r, bool seedLocked)
{
    Settings s;
    s.prompt = QString::fromStdString(r.promptAsWritten.empty() ? r.prompt : r.promptAsWritten); // with the names
    s.negativePrompt = QString::fromStdString(r.negativePrompt);
    s.seed = r.seed;
    s.seedLocked = seedLocked;
    s.steps = r.steps;
    s.guidance = decimal(r.guidance);
    s.cfg = decimal(r.cfgScale);
    s.refCfg = decimal(r.refCfgScale);
    s.collage = decimal(r.collage);
    s.size = r.width;
    s.regionStrength = decimal(r.regionStrength);
    s.pointStrength = decimal(r.pointStrength);
    return s;
}

void Composition::setSettings(const Settings &settings)
{
    if (settings == m_settings)
        return;
    const Settings before = m_settings;
    // Consecutive edits of the prompt merge into one undo step.
    const int merge = before.prompt != settings.prompt ? 1 : -1;
    m_undo.push(new LambdaCommand(tr("Change settings"), [this, settings] { setSettingsRaw(settings); },
                                  [this, before] { setSettingsRaw(before); }, merge));
}

void Composition::reset(const QVector<SubjectItem> &subjects, const Settings &settings)
{
    m_undo.clear();
    m_subjects = subjects;
    for (auto &s : m_subjects)
        if (s.prepared.isNull())
            s.prepared = prepareReference(s.image);
    m_settings = settings;
    Q_EMIT subjectsChanged();
    Q_EMIT settingsChanged();
}

void Composition::insertRaw(int index, const SubjectItem &item)
{
    m_subjects.insert(index, item);
    Q_EMIT subjectsChanged();
}

void Composition::removeRaw(int index)
{
    m_subjects.removeAt(index);
    Q_EMIT subjectsChanged();
}

void Composition::replaceRaw(int index, const SubjectItem &item)
{
    m_subjects[index] = item;
    Q_EMIT subjectChanged(index);
}

void Composition::moveRaw(int from, int to)
{
    m_subjects.move(from, to);
    Q_EMIT subjectsChanged();
}

void Composition::setSettingsRaw(const Settings &settings)
{
    m_settings = settings;
    Q_EMIT settingsChanged();
}

void Composition::setAllBoxesRaw(const QVector<QRectF> &boxes)
{
    for (int i = 0; i < boxes.size() && i < m_subjects.size(); ++i) {
        m_subjects[i].box = boxes[i];
        Q_EMIT subjectChanged(i);
    }
}

} // namespace ui
