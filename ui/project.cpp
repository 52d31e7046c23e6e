#include "project.h"

#include <mosaic/image.h>

#include <QBuffer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QtEndian>

#include <cmath>
#include <cstring>

namespace ui {

namespace {

constexpr int kMaxMapSide = 4096;

QString pngBase64(const QImage &img)
{
    QByteArray bytes;
    QBuffer buf(&bytes);
    buf.open(QIODevice::WriteOnly);
    img.save(&buf, "PNG");
    return QString::fromLatin1(bytes.toBase64());
}

bool imageFromBase64(const QJsonValue &v, QImage *out)
{
    const QByteArray bytes = QByteArray::fromBase64(v.toString().toLatin1());
    mosaic::RgbaImage img;
    if (bytes.isEmpty() ||
        !mosaic::decodeImage(std::vector<uint8_t>(bytes.begin(), bytes.end()), "project image", &img).ok())
        return false;
    *out = toQImage(img);
    return true;
}

QJsonObject floatMap(const mosaic::FloatMap &m)
{
    QByteArray raw(static_cast<int>(m.values.size() * 4), Qt::Uninitialized);
    for (size_t i = 0; i < m.values.size(); ++i)
        qToLittleEndian(m.values[i], raw.data() + i * 4);
    return {{QStringLiteral("width"), m.width}, {QStringLiteral("height"), m.height},
            {QStringLiteral("f32"), QString::fromLatin1(raw.toBase64())}};
}

bool readFloatMap(const QJsonObject &o, mosaic::FloatMap *m)
{
    const int w = o.value(QStringLiteral("width")).toInt(-1), h = o.value(QStringLiteral("height")).toInt(-1);
    if (w == 0 && h == 0) {
        *m = {};
        return true;
    }
    if (w < 1 || h < 1 || w > kMaxMapSide || h > kMaxMapSide)
        return false;
    const QByteArray raw = QByteArray::fromBase64(o.value(QStringLiteral("f32")).toString().toLatin1());
    if (raw.size() != qsizetype(w) * h * 4)
        return false;
    m->width = w;
    m->height = h;
    m->values.resize(static_cast<size_t>(w) * h);
    for (size_t i = 0; i < m->values.size(); ++i)
        m->values[i] = qFromLittleEndian<float>(raw.constData() + i * 4);
    return true;
}

QJsonArray rectArray(const QRectF &r)
{
    return {r.x(), r.y(), r.width(), r.height()};
}

QRectF readRect(const QJsonValue &v)
{
    const QJsonArray a = v.toArray();
    if (a.size() != 4)
        return {};
    const QRectF r(a[0].toDouble(), a[1].toDouble(), a[2].toDouble(), a[3].toDouble());
    return r.width() > 0 && r.height() > 0 ? r.intersected(QRectF(0, 0, 1, 1)) : QRectF();
}

// A request in a project: request.h's JSON (one conversion for projects, PNGs and the CLI), with the
// seed as a decimal string (Qt's JSON reads numbers as doubles, which cannot hold every 64-bit seed).
QJsonObject requestObject(const mosaic::GenerationRequest &r)
{
    QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(mosaic::requestToJson(r))).object();
    o.insert(QStringLiteral("seed"), QString::number(r.seed));
    return o;
}

bool readRequest(const QJsonObject &o, mosaic::GenerationRequest *r, QString *why)
{
    const mosaic::Status st =
        mosaic::requestFromJson(QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString(), r);
    if (!st.ok())
        *why = QString::fromStdString(st.message);
    return st.ok();
}

QJsonObject settingsJson(const Settings &s)
{
    mosaic::GenerationRequest r;
    s.toRequest(&r);
    QJsonObject o = requestObject(r);
    o.insert(QStringLiteral("seed_locked"), s.seedLocked);
    return o;
}

bool readSettings(const QJsonObject &o, Settings *s, QString *why)
{
    mosaic::GenerationRequest r;
    Settings().toRequest(&r); // the app's defaults where the file says nothing
    if (!readRequest(o, &r, why))
        return false;
    *s = Settings::fromRequest(r, o.value(QStringLiteral("seed_locked")).toBool());
    return true;
}

} // namespace

QJsonObject resultToJson(const GalleryEntry &e)
{
    const auto &o = e.outcome;
    const auto &r = o.result;
    QJsonArray maps, colors, refs;
    for (const auto &m : r.subjects)
        maps.append(QJsonObject{{QStringLiteral("name"), QString::fromStdString(m.name)},
                                {QStringLiteral("attention"), floatMap(m.attention)},
                                {QStringLiteral("share"), floatMap(m.share)},
                                {QStringLiteral("mass_in_region"), m.massInRegion}});
    for (const auto &col : e.colors)
        colors.append(col.name());
    for (const auto &ref : e.references)
        refs.append(pngBase64(ref));
    QByteArray own(static_cast<int>(r.ownership.values.size() * 2), Qt::Uninitialized);
    for (size_t i = 0; i < r.ownership.values.size(); ++i)
        qToLittleEndian(r.ownership.values[i], own.data() + i * 2);
    QJsonObject request = requestObject(o.request);
    if (o.request.strength < 1.0f && !o.request.initImage.pixels.empty()) // a variation: its start image
        request.insert(QStringLiteral("start"), pngBase64(toQImage(o.request.initImage)));
    return QJsonObject{
        {QStringLiteral("id"), QString::number(o.id)},
        {QStringLiteral("model"), o.modelName},
        {QStringLiteral("image"), pngBase64(o.image)},
        {QStringLiteral("request"), request},
        {QStringLiteral("maps"), maps},
        {QStringLiteral("ownership"), QJsonObject{{QStringLiteral("width"), r.ownership.width},
                                                  {QStringLiteral("height"), r.ownership.height},
                                                  {QStringLiteral("i16"), QString::fromLatin1(own.toBase64())}}},
        {QStringLiteral("colors"), colors},
        {QStringLiteral("references"), refs},
        {QStringLiteral("seconds"), QJsonArray{r.prepareSeconds, r.denoiseSeconds, r.decodeSeconds}},
        {QStringLiteral("parameters_json"), QString::fromStdString(r.parametersJson)},
        {QStringLiteral("parameters_text"), QString::fromStdString(r.parametersText)}};
}

bool saveProject(const QString &path, const ProjectContent &c, QString *error)
{
    QJsonArray results;
    for (const auto &e : c.results)
        results.append(resultToJson(e));
    return saveProjectJson(path, c.subjects, c.settings, results, error);
}

bool saveProjectJson(const QString &path, const QVector<SubjectItem> &subjectItems, const Settings &settings,
                     const QJsonArray &results, QString *error)
{
    QJsonArray subjects;
    for (const auto &s : subjectItems) {
        QJsonObject o{{QStringLiteral("name"), s.name},
                      {QStringLiteral("color"), s.color.name()},
                      {QStringLiteral("source"), s.sourcePath},
                      {QStringLiteral("image"), pngBase64(s.image)}};
        if (!s.word.isEmpty())
            o.insert(QStringLiteral("word"), s.word);
        if (!s.box.isNull())
            o.insert(QStringLiteral("box"), rectArray(s.box));
        if (!s.mask.isNull())
            o.insert(QStringLiteral("mask"), pngBase64(s.mask));
        if (!s.points.isEmpty()) {
            QJsonArray pts;
            for (const auto &pt : s.points)
                pts.append(QJsonArray{pt.first.x(), pt.first.y(), pt.second.x(), pt.second.y()});
            o.insert(QStringLiteral("points"), pts);
        }
        subjects.append(o);
    }
    const QJsonObject root{{QStringLiteral("format"), QStringLiteral("mosaic-project")},
                           {QStringLiteral("version"), kProjectVersion},
                           {QStringLiteral("settings"), settingsJson(settings)},
                           {QStringLiteral("subjects"), subjects},
                           {QStringLiteral("results"), results}};
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        *error = QObject::tr("Cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    const QByteArray bytes = QJsonDocument(root).toJson(QJsonDocument::Compact);
    if (f.write(bytes) != bytes.size() || !f.commit()) {
        *error = QObject::tr("Cannot write %1: %2 (the previous file, if any, is unchanged)").arg(path, f.errorString());
        f.cancelWriting();
        return false;
    }
    return true;
}

bool resultFromJson(const QJsonObject &o, GalleryEntry *e, qint64 *pixels, QString *why)
{
    auto bad = [&](const QString &what) {
        *why = what;
        return false;
    };
    auto within = [pixels](const QImage &img) {
        const qint64 n = qint64(img.width()) * img.height();
        *pixels += n;
        return n <= kMaxProjectImagePixels && *pixels <= kMaxProjectTotalPixels;
    };
    auto &out = e->outcome;
    out.id = o.value(QStringLiteral("id")).toString().toULongLong();
    out.modelName = o.value(QStringLiteral("model")).toString();
    if (!imageFromBase64(o.value(QStringLiteral("image")), &out.image))
        return bad(QStringLiteral("image"));
    if (!within(out.image))
        return bad(QObject::tr("its images are larger than a project may hold: %1 megapixels each, %2 in all")
                       .arg(kMaxProjectImagePixels >> 20)
                       .arg(kMaxProjectTotalPixels >> 20));
    out.result.image = fromQImage(out.image);
    const QJsonObject req = o.value(QStringLiteral("request")).toObject();
    if (QString reason; !readRequest(req, &out.request, &reason))
        return bad(reason);
    if (req.contains(QStringLiteral("start"))) { // a variation of another image
        QImage start;
        if (!(out.request.strength > 0.0f && out.request.strength < 1.0f))
            return bad(QStringLiteral("variation strength"));
        if (!imageFromBase64(req.value(QStringLiteral("start")), &start))
            return bad(QStringLiteral("start image"));
        out.request.initImage = fromQImage(start);
    }
    for (const auto &v : o.value(QStringLiteral("maps")).toArray()) {
        const QJsonObject m = v.toObject();
        mosaic::SubjectMaps sm;
        sm.name = m.value(QStringLiteral("name")).toString().toStdString();
        sm.massInRegion = m.value(QStringLiteral("mass_in_region")).toDouble(-1);
        if (!readFloatMap(m.value(QStringLiteral("attention")).toObject(), &sm.attention) ||
            !readFloatMap(m.value(QStringLiteral("share")).toObject(), &sm.share))
            return bad(QStringLiteral("maps"));
        out.result.subjects.push_back(sm);
    }
    if (out.result.subjects.size() > size_t(Composition::kMaxSubjects))
        return bad(QStringLiteral("too many maps"));
    const QJsonObject own = o.value(QStringLiteral("ownership")).toObject();
    const int ow = own.value(QStringLiteral("width")).toInt(-1), oh = own.value(QStringLiteral("height")).toInt(-1);
    const QByteArray raw = QByteArray::fromBase64(own.value(QStringLiteral("i16")).toString().toLatin1());
    if (ow < 0 || oh < 0 || ow > kMaxMapSide || oh > kMaxMapSide || raw.size() != qsizetype(ow) * oh * 2)
        return bad(QStringLiteral("ownership map"));
    out.result.ownership.width = ow;
    out.result.ownership.height = oh;
    out.result.ownership.values.resize(static_cast<size_t>(ow) * oh);
    for (size_t i = 0; i < out.result.ownership.values.size(); ++i)
        out.result.ownership.values[i] = qFromLittleEndian<int16_t>(raw.constData() + i * 2);
    for (const auto &v : o.value(QStringLiteral("colors")).toArray())
        e->colors.push_back(QColor(v.toString()));
    for (const auto &v : o.value(QStringLiteral("references")).toArray()) {
        QImage ref;
        if (!imageFromBase64(v, &ref))
            return bad(QStringLiteral("reference"));
        if (!within(ref))
            return bad(QObject::tr("its images are larger than a project may hold"));
        e->references.push_back(ref);
    }
    const QJsonArray secs = o.value(QStringLiteral("seconds")).toArray();
    if (secs.size() == 3) {
        out.result.prepareSeconds = secs[0].toDouble();
        out.result.denoiseSeconds = secs[1].toDouble();
        out.result.decodeSeconds = secs[2].toDouble();
    }
    out.result.parametersJson = o.value(QStringLiteral("parameters_json")).toString().toStdString();
    out.result.parametersText = o.value(QStringLiteral("parameters_text")).toString().toStdString();
    return true;
}

bool loadProject(const QString &path, ProjectContent *out, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("Cannot open %1: %2").arg(path, f.errorString());
        return false;
    }
    if (f.size() > kMaxProjectBytes) {
        *error = QObject::tr("%1 is larger than %2 MB; not a project this version writes").arg(path).arg(kMaxProjectBytes >> 20);
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QObject::tr("%1 is not a MOSAIC Studio project (JSON error at byte %2: %3)").arg(path).arg(pe.offset).arg(pe.errorString());
        return false;
    }
    const QJsonObject root = doc.object();
    const int version = root.value(QStringLiteral("version")).toInt();
    if (root.value(QStringLiteral("format")).toString() != QLatin1String("mosaic-project") || version < 1 ||
        version > kProjectVersion) {
        *error = QObject::tr("%1 is not a MOSAIC Studio project of version 1 to %2").arg(path).arg(kProjectVersion);
        return false;
    }
    ProjectContent c;
    QString why;
    if (!readSettings(root.value(QStringLiteral("settings")).toObject(), &c.settings, &why)) {
        *error = QObject::tr("%1: its settings are damaged (%2)").arg(path, why);
        return false;
    }
    const QJsonArray subjects = root.value(QStringLiteral("subjects")).toArray();
    if (subjects.size() > Composition::kMaxSubjects) {
        *error = QObject::tr("%1 has %2 subjects; at most %3 are supported").arg(path).arg(subjects.size()).arg(Composition::kMaxSubjects);
        return false;
    }
    for (int i = 0; i < subjects.size(); ++i) {
        const QJsonObject o = subjects[i].toObject();
        SubjectItem s;
        s.name = o.value(QStringLiteral("name")).toString();
        s.word = o.value(QStringLiteral("word")).toString();
        s.color = QColor(o.value(QStringLiteral("color")).toString());
        s.sourcePath = o.value(QStringLiteral("source")).toString();
        s.box = readRect(o.value(QStringLiteral("box")));
        if (!imageFromBase64(o.value(QStringLiteral("image")), &s.image) || s.name.isEmpty() || !s.color.isValid()) {
            *error = QObject::tr("%1: subject %2 is damaged (name, colour or image)").arg(path).arg(i + 1);
            return false;
        }
        if (o.contains(QStringLiteral("mask"))) {
            QImage mask;
            if (!imageFromBase64(o.value(QStringLiteral("mask")), &mask)) {
                *error = QObject::tr("%1: the brush region of subject %2 is damaged").arg(path).arg(i + 1);
                return false;
            }
            s.mask = mask.convertToFormat(QImage::Format_Grayscale8).scaled(Composition::kMaskSide, Composition::kMaskSide);
        }
        const QJsonArray pts = o.value(QStringLiteral("points")).toArray();
        if (pts.size() > 256) {
            *error = QObject::tr("%1: subject %2 has more than 256 points").arg(path).arg(i + 1);
            return false;
        }
        for (const auto &v : pts) {
            const QJsonArray a = v.toArray();
            if (a.size() != 4) {
                *error = QObject::tr("%1: a point of subject %2 is damaged").arg(path).arg(i + 1);
                return false;
            }
            auto c01 = [](double x) { return std::clamp(x, 0.0, 1.0); };
            s.points.push_back({QPointF(c01(a[0].toDouble()), c01(a[1].toDouble())), QPointF(c01(a[2].toDouble()), c01(a[3].toDouble()))});
        }
        s.prepared = Composition::prepareReference(s.image);
        c.subjects.push_back(s);
    }
    const QJsonArray results = root.value(QStringLiteral("results")).toArray();
    if (results.size() > kMaxProjectResults) {
        *error = QObject::tr("%1 holds %2 results; a project holds at most %3").arg(path).arg(results.size()).arg(kMaxProjectResults);
        return false;
    }
    qint64 pixels = 0; // decoded so far, every image of the project
    for (int k = 0; k < results.size(); ++k) {
        GalleryEntry e;
        if (!resultFromJson(results[k].toObject(), &e, &pixels, &why)) {
            *error = QObject::tr("%1: result %2 is damaged (%3)").arg(path).arg(k + 1).arg(why);
            return false;
        }
        c.results.push_back(e);
    }
    *out = std::move(c);
    return true;
}

bool settingsFromPng(const QString &path, Settings *settings, QVector<QRectF> *boxes, QString *error)
{
    std::map<std::string, std::string> text;
    const mosaic::Status st = mosaic::readPngText(path.toStdString(), &text);
    if (!st.ok()) {
        *error = QString::fromStdString(st.message);
        return false;
    }
    const auto it = text.find("mosaic");
    if (it == text.end()) {
        *error = QObject::tr("%1 carries no MOSAIC Studio parameters").arg(path);
        return false;
    }
    mosaic::GenerationRequest r;
    settings->toRequest(&r);
    if (const mosaic::Status rs = mosaic::requestFromJson(it->second, &r); !rs.ok()) {
        *error = QObject::tr("%1: its MOSAIC Studio parameters are damaged (%2)").arg(path, QString::fromStdString(rs.message));
        return false;
    }
    *settings = Settings::fromRequest(r, true);
    boxes->clear();
    for (const auto &sub : r.subjects)
        boxes->push_back(toRect(sub.box));
    return true;
}

} // namespace ui
