#include "resultstore.h"

#include "project.h"

#include <mosaic/log.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLockFile>
#include <QSaveFile>
#include <QTemporaryDir>

namespace ui {

namespace {

const QString kSpoolPrefix = QStringLiteral("mosaic-studio-results-");

// Removes the spool folders of sessions that ended without removing theirs (killed, crashed): a folder
// whose lock file no live process holds.
void removeStaleSpools()
{
    const QDir temp(QDir::tempPath());
    for (const QString &name : temp.entryList({kSpoolPrefix + QLatin1Char('*')}, QDir::Dirs | QDir::NoDotAndDotDot)) {
        QDir dir(temp.filePath(name));
        QLockFile lock(dir.filePath(QStringLiteral("lock")));
        lock.setStaleLockTime(0);
        if (!lock.tryLock(0))
            continue; // a running session's
        lock.unlock();
        dir.removeRecursively();
    }
}

bool readSpool(const QString &path, GalleryEntry *entry, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QObject::tr("Cannot read the result kept in %1: %2").arg(path, f.errorString());
        return false;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll());
    qint64 pixels = 0;
    QString why;
    if (!doc.isObject() || !resultFromJson(doc.object(), entry, &pixels, &why)) {
        *error = QObject::tr("The result kept in %1 is damaged (%2)").arg(path, why);
        return false;
    }
    return true;
}

} // namespace

ResultStore::ResultStore(int resident) : m_resident(std::max(1, resident))
{
    m_writer.setMaxThreadCount(1);
    removeStaleSpools();
}

ResultStore::~ResultStore()
{
    flush();
}

void ResultStore::flush()
{
    m_writer.waitForDone();
}

QString ResultStore::spoolDirectory() const
{
    return m_dir ? m_dir->path() : QString();
}

void ResultStore::append(const GalleryEntry &entry)
{
    Slot slot;
    slot.full = std::make_shared<const GalleryEntry>(entry);
    slot.lastUse = ++m_clock;
    slot.spool = std::make_shared<Spool>();
    if (!m_dir) {
        m_dir = std::make_unique<QTemporaryDir>(QDir::tempPath() + QLatin1Char('/') + kSpoolPrefix + QStringLiteral("XXXXXX"));
        if (m_dir->isValid()) { // held for the session: the next session leaves the folder alone
            m_lock = std::make_unique<QLockFile>(m_dir->filePath(QStringLiteral("lock")));
            if (!m_lock->tryLock(0))
                mosaic::logMessage(mosaic::LogLevel::Warn, "ui", "cannot lock the results spool " + m_dir->path().toStdString());
        }
    }
    if (m_dir->isValid()) {
        slot.spool->path = m_dir->filePath(QStringLiteral("result-%1.json").arg(++m_written));
        std::shared_ptr<const GalleryEntry> full = slot.full;
        std::shared_ptr<Spool> spool = slot.spool;
        m_writer.start([full, spool] {
            QSaveFile f(spool->path);
            const QByteArray bytes = QJsonDocument(resultToJson(*full)).toJson(QJsonDocument::Compact);
            if (f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size() && f.commit()) {
                spool->state = 1;
            } else {
                spool->error = f.errorString();
                spool->state = -1;
                mosaic::logMessage(mosaic::LogLevel::Warn, "ui",
                                   "cannot keep a result on disk (it stays in memory): " + spool->error.toStdString());
            }
        });
    } else {
        slot.spool->state = -1;
        slot.spool->error = m_dir->errorString();
    }
    m_slots.push_back(std::move(slot));
    evict();
}

void ResultStore::removeAt(int index)
{
    if (index < 0 || index >= count())
        return;
    if (m_slots[index].spool->state == 1)
        QFile::remove(m_slots[index].spool->path);
    m_slots.erase(m_slots.begin() + index);
}

void ResultStore::clear()
{
    flush();
    while (count() > 0)
        removeAt(count() - 1);
}

std::shared_ptr<const GalleryEntry> ResultStore::at(int index, QString *error)
{
    if (index < 0 || index >= count())
        return nullptr;
    Slot &slot = m_slots[index];
    slot.lastUse = ++m_clock;
    if (slot.full)
        return slot.full;
    auto entry = std::make_shared<GalleryEntry>();
    QString why;
    if (!readSpool(slot.spool->path, entry.get(), &why)) {
        mosaic::logMessage(mosaic::LogLevel::Error, "ui", why.toStdString());
        if (error)
            *error = why;
        return nullptr;
    }
    slot.full = std::move(entry);
    std::shared_ptr<const GalleryEntry> out = slot.full;
    evict();
    return out;
}

int ResultStore::residentCount() const
{
    int n = 0;
    for (const auto &s : m_slots)
        n += s.full != nullptr;
    return n;
}

void ResultStore::evict()
{
    // Drop the least recently used whole results whose spool file is written, down to `resident`.
    while (residentCount() > m_resident) {
        Slot *oldest = nullptr;
        for (auto &s : m_slots)
            if (s.full && s.spool->state == 1 && (!oldest || s.lastUse < oldest->lastUse))
                oldest = &s;
        if (!oldest)
            return; // the rest are still being written (or could not be): held until they are
        oldest->full.reset();
    }
}

bool ResultStore::resultsJson(QJsonArray *out, QString *error)
{
    QJsonArray results;
    for (const Slot &slot : m_slots) {
        if (slot.spool->state != 1) { // being written, or could not be: from memory
            results.append(resultToJson(*slot.full));
            continue;
        }
        QFile f(slot.spool->path);
        QJsonParseError pe;
        const QJsonDocument doc = f.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(f.readAll(), &pe) : QJsonDocument();
        if (!doc.isObject()) {
            *error = QObject::tr("Cannot read the result kept in %1: %2")
                         .arg(slot.spool->path, f.error() != QFile::NoError ? f.errorString() : pe.errorString());
            return false;
        }
        results.append(doc.object());
    }
    *out = std::move(results);
    return true;
}

} // namespace ui
