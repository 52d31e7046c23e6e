#include "util/memory.h"

#include <cstdlib>
#include <fstream>
#include <string>

#include "util/error.h"
#include "util/strings.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <unistd.h>

namespace mosaic {

namespace {

// "123", "512M", "2G"; 0 for anything else.
uint64_t parseSize(const char *text)
{
    if (!text || !*text)
        return 0;
    char *end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (errno == ERANGE || end == text)
        return 0;
    uint64_t unit = 1;
    if (*end == 'K' || *end == 'k')
        unit = 1ull << 10;
    else if (*end == 'M' || *end == 'm')
        unit = 1ull << 20;
    else if (*end == 'G' || *end == 'g')
        unit = 1ull << 30;
    else if (*end != '\0')
        return 0;
    if (unit > 1 && end[1] != '\0')
        return 0;
    if (v > UINT64_MAX / unit)
        return 0;
    return v * unit;
}

} // namespace

uint64_t memoryLimitBytes()
{
    if (const uint64_t cap = parseSize(std::getenv("MOSAIC_MEMORY_LIMIT")); cap > 0)
        return cap;
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
}

void checkMemoryEstimate(uint64_t estimateBytes, const std::string &what)
{
    const uint64_t limit = memoryLimitBytes();
    if (limit == 0 || estimateBytes <= limit)
        return;
    throw Error(StatusCode::OutOfMemory,
                format("{} needs about {} of memory to load and run; this machine has {}{}", what,
                       humanBytes(estimateBytes), humanBytes(limit),
                       std::getenv("MOSAIC_MEMORY_LIMIT") ? " (MOSAIC_MEMORY_LIMIT)" : ""));
}

namespace {

uint64_t statusField(const char *field)
{
    std::ifstream in("/proc/self/status");
    std::string line;
    const std::string key = std::string(field) + ":";
    while (std::getline(in, line))
        if (line.rfind(key, 0) == 0)
            return std::strtoull(line.c_str() + key.size(), nullptr, 10) * 1024; // kB
    return 0;
}

} // namespace

uint64_t residentBytes()
{
    return statusField("VmRSS");
}

uint64_t peakResidentBytes()
{
    return statusField("VmHWM");
}

bool resetPeakResident()
{
    std::ofstream out("/proc/self/clear_refs");
    out << "5";
    out.flush();
    return static_cast<bool>(out);
}

} // namespace mosaic
