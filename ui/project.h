#pragma once
// The `.mosaic` project file: one JSON document (format "mosaic-project", version kProjectVersion) holding the
// subjects (reference images as PNG, name, colour, region), the prompt and settings, and the results
// with their maps (float32 little-endian and int16 as base64). Written with QSaveFile (atomic);
// read with every size, count and length checked before use. Layout: docs/project-format.md.

#include "composition.h"
#include "gallery.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QVector>

namespace ui {

struct ProjectContent
{
    QVector<SubjectItem> subjects;
    Settings settings;
    QVector<GalleryEntry> results;
};

constexpr qint64 kMaxProjectBytes = 512ll << 20;
// What one project may hold, checked before anything is decoded: results, the pixels of any one image,
// and the pixels of all of them together (a PNG can compress a thousand to one).
constexpr int kMaxProjectResults = 500;
constexpr qint64 kMaxProjectImagePixels = 4096ll * 4096;
constexpr qint64 kMaxProjectTotalPixels = 256ll << 20;
// 2: settings and each result's request in mosaic/request.h's JSON (negative prompt, point strength,
// points, width and height kept). Version 1 files still open.
constexpr int kProjectVersion = 2;

bool saveProject(const QString &path, const ProjectContent &content, QString *error);
bool loadProject(const QString &path, ProjectContent *content, QString *error);

// One result as a project holds it, and back (every size and length checked; `pixels` counts the
// pixels decoded so far against kMaxProjectTotalPixels). The gallery keeps results it does not hold in
// memory in this form on disk (resultstore.h).
QJsonObject resultToJson(const GalleryEntry &entry);
bool resultFromJson(const QJsonObject &object, GalleryEntry *entry, qint64 *pixels, QString *why);
// A project whose results are given in that form (the gallery's, without decoding them).
bool saveProjectJson(const QString &path, const QVector<SubjectItem> &subjects, const Settings &settings,
                     const QJsonArray &results, QString *error);

// Settings (and regions, by subject order) from a PNG written by MOSAIC Studio or the CLI (its
// "mosaic" text chunk). False with *error when the file has none.
bool settingsFromPng(const QString &path, Settings *settings, QVector<QRectF> *boxes, QString *error);

} // namespace ui
