#pragma once
// The gallery's results, bounded in memory: the last few used are held whole, every other one is read
// back from a spool file on disk when it is shown (the project format's JSON of one result, written on
// a background thread as soon as the result arrives). A long session holds a thumbnail per result in
// the gallery's list and at most `resident` whole results here. The spool is a folder under the
// temporary directory, removed when the store is destroyed; the folders of sessions that were killed
// are removed by the next store (each holds a lock file while its session runs).

#include "gallery.h"

#include <QJsonArray>
#include <QString>
#include <QThreadPool>

#include <atomic>
#include <memory>
#include <vector>

class QLockFile;
class QTemporaryDir;

namespace ui {

class ResultStore
{
public:
    static constexpr int kDefaultResident = 6;
    explicit ResultStore(int resident = kDefaultResident);
    ~ResultStore();
    ResultStore(const ResultStore &) = delete;
    ResultStore &operator=(const ResultStore &) = delete;

    int count() const { return static_cast<int>(m_slots.size()); }
    void append(const GalleryEntry &entry);
    void removeAt(int index);
    void clear();
    // The whole result, from memory or read back from its spool file; nullptr with *error when that
    // fails (the spool was deleted under the app, or the disk failed).
    std::shared_ptr<const GalleryEntry> at(int index, QString *error = nullptr);
    // Every result as a project holds it (resultToJson), in order, without decoding spooled ones.
    bool resultsJson(QJsonArray *out, QString *error);
    // How many results are held whole now (at most `resident`, more only while their spool files are
    // being written or could not be).
    int residentCount() const;
    QString spoolDirectory() const;
    // Waits until every spool file is written (tests; the destructor).
    void flush();

private:
    struct Spool
    {
        QString path;
        std::atomic<int> state{0}; // 0 being written, 1 written, -1 failed
        QString error;              // with -1
    };
    struct Slot
    {
        std::shared_ptr<const GalleryEntry> full;
        std::shared_ptr<Spool> spool;
        quint64 lastUse = 0;
    };
    void evict();

    int m_resident;
    std::vector<Slot> m_slots;
    quint64 m_clock = 0, m_written = 0;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QLockFile> m_lock; // released before the folder is removed
    QThreadPool m_writer; // one thread: files are written in order
};

} // namespace ui
