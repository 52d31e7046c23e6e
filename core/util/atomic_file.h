#pragma once
// Write-then-rename for every file core saves: the data goes to a temporary file in the target's
// folder, is flushed with fsync, and replaces the target with rename(2). A failure at any point
// (full disk, permissions) removes the temporary, leaves the old file untouched and throws
// mosaic::Error(IoError) with the system's reason.

#include <cstddef>
#include <functional>
#include <string>

namespace mosaic {

class AtomicFileWriter
{
public:
    explicit AtomicFileWriter(const std::string &path);
    ~AtomicFileWriter(); // discards the temporary unless commit() succeeded
    AtomicFileWriter(const AtomicFileWriter &) = delete;
    AtomicFileWriter &operator=(const AtomicFileWriter &) = delete;

    void write(const void *data, size_t size);
    void write(const std::string &s) { write(s.data(), s.size()); }
    // Flushes the temporary to the disk and closes it (no more writes); commit() does this first. Files
    // that belong together are synced each, then committed one after the other, so that a process
    // killed among them leaves them out of step only between two rename(2) calls.
    void sync();
    void commit();

private:
    void fail(const std::string &what);
    std::string m_path;
    std::string m_tempPath;
    int m_fd = -1;
    bool m_committed = false;
    bool m_synced = false;
};

// A temporary of AtomicFileWriter is named ".NAME.tmp-PID-XXXXXX" in the target's folder. True when
// `fileName` is one and the process that wrote it no longer runs on this machine (it was killed
// during the write): what cleaners may remove at once.
bool temporaryWriterGone(const std::string &fileName);

// Convenience: writes the whole content atomically.
void writeFileAtomically(const std::string &path, const std::string &content);

} // namespace mosaic
