#include "util/atomic_file.h"

#include "util/error.h"
#include "util/paths.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mosaic {

AtomicFileWriter::AtomicFileWriter(const std::string &path) : m_path(path)
{
    const std::string dir = directoryOf(path);
    std::string tmpl = dir + "/." + fileNameOf(path) + ".tmp-" + std::to_string(::getpid()) + "-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    m_fd = ::mkstemp(buf.data());
    if (m_fd < 0)
        throw Error(StatusCode::IoError, "cannot create a temporary file in " + dir + ": " + std::strerror(errno));
    m_tempPath = buf.data();
    ::fchmod(m_fd, 0644);
}

AtomicFileWriter::~AtomicFileWriter()
{
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_committed && !m_tempPath.empty())
        ::unlink(m_tempPath.c_str());
}

void AtomicFileWriter::fail(const std::string &what)
{
    const std::string reason = std::strerror(errno);
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    ::unlink(m_tempPath.c_str());
    m_tempPath.clear();
    throw Error(StatusCode::IoError, "cannot write " + m_path + " (" + what + "): " + reason);
}

void AtomicFileWriter::write(const void *data, size_t size)
{
    if (m_fd < 0 || m_synced)
        throw Error(StatusCode::IoError, "cannot write " + m_path + ": the writer is closed");
    const char *p = static_cast<const char *>(data);
    while (size > 0) {
        const ssize_t n = ::write(m_fd, p, size);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("write");
        }
        p += n;
        size -= static_cast<size_t>(n);
    }
}

void AtomicFileWriter::sync()
{
    if (m_synced)
        return;
    if (m_fd < 0)
        throw Error(StatusCode::IoError, "cannot write " + m_path + ": the writer is closed");
    if (::fsync(m_fd) != 0)
        fail("fsync");
    if (::close(m_fd) != 0) {
        m_fd = -1;
        fail("close");
    }
    m_fd = -1;
    m_synced = true;
}

void AtomicFileWriter::commit()
{
    sync();
    if (m_tempPath.empty())
        throw Error(StatusCode::IoError, "cannot write " + m_path + ": the writer is closed");
    if (::rename(m_tempPath.c_str(), m_path.c_str()) != 0)
        fail("rename");
    m_committed = true;
}

bool temporaryWriterGone(const std::string &fileName)
{
    const size_t at = fileName.rfind(".tmp-");
    if (fileName.empty() || fileName[0] != '.' || at == std::string::npos)
        return false;
    const char *digits = fileName.c_str() + at + 5;
    char *end = nullptr;
    errno = 0;
    const long pid = std::strtol(digits, &end, 10);
    if (end == digits || *end != '-' || errno == ERANGE || pid <= 1 || pid > 1 << 30)
        return false;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

void writeFileAtomically(const std::string &path, const std::string &content)
{
    AtomicFileWriter w(path);
    w.write(content);
    w.commit();
}

} // namespace mosaic
