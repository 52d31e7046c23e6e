#include "io/safetensors.h"

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>
#include <torch/version.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <mutex>
#include <set>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace mosaic::st {

namespace {

struct DTypeEntry
{
    DType dtype;
    const char *name;
    int bits;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::BOOL, "BOOL", 8},        {DType::U8, "U8", 8},
    {DType::I8, "I8", 8},            {DType::I16, "I16", 16},
    {DType::U16, "U16", 16},         {DType::I32, "I32", 32},
    {DType::U32, "U32", 32},         {DType::I64, "I64", 64},
    {DType::U64, "U64", 64},         {DType::F16, "F16", 16},
    {DType::BF16, "BF16", 16},       {DType::F32, "F32", 32},
    {DType::F64, "F64", 64},         {DType::F8_E4M3, "F8_E4M3", 8},
    {DType::F8_E5M2, "F8_E5M2", 8},  {DType::F8_E8M0, "F8_E8M0", 8},
    {DType::F8_E4M3FNUZ, "F8_E4M3FNUZ", 8}, {DType::F8_E5M2FNUZ, "F8_E5M2FNUZ", 8},
    {DType::F6_E2M3, "F6_E2M3", 6},  {DType::F6_E3M2, "F6_E3M2", 6},
    {DType::F4, "F4", 4},            {DType::C64, "C64", 64},
};

[[noreturn]] void corrupt(const std::string &path, const std::string &what)
{
    throw Error(StatusCode::CorruptFile, path + ": " + what);
}

DType dtypeOfTorch(at::ScalarType t, const std::string &name)
{
    switch (t) {
    case at::kBool: return DType::BOOL;
    case at::kByte: return DType::U8;
    case at::kChar: return DType::I8;
    case at::kShort: return DType::I16;
    case at::kInt: return DType::I32;
    case at::kLong: return DType::I64;
    case at::kHalf: return DType::F16;
    case at::kBFloat16: return DType::BF16;
    case at::kFloat: return DType::F32;
    case at::kDouble: return DType::F64;
    case at::kComplexFloat: return DType::C64;
    default:
        throw Error(StatusCode::Unsupported,
                    "tensor '" + name + "' has a dtype safetensors cannot store: " + std::string(at::toString(t)));
    }
}

} // namespace

namespace {

// Every live mapping's address range, so that page hints are only ever given for mapped files.
std::mutex g_mappingsMutex;
std::map<uintptr_t, size_t> g_mappings; // begin -> size

bool insideMapping(uintptr_t begin, size_t size)
{
    std::lock_guard<std::mutex> lock(g_mappingsMutex);
    auto it = g_mappings.upper_bound(begin);
    if (it == g_mappings.begin())
        return false;
    --it;
    return begin >= it->first && begin + size <= it->first + it->second;
}

size_t pageSize()
{
    static const size_t size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

} // namespace

// The mapping of a whole file. MAP_PRIVATE + PROT_WRITE: a tensor that is modified in place
// gets private copy-on-write pages and never touches the file.
class Mapping
{
public:
    Mapping(void *base, size_t size) : m_base(base), m_size(size)
    {
        std::lock_guard<std::mutex> lock(g_mappingsMutex);
        g_mappings[reinterpret_cast<uintptr_t>(base)] = size;
    }
    ~Mapping()
    {
        if (m_base) {
            {
                std::lock_guard<std::mutex> lock(g_mappingsMutex);
                g_mappings.erase(reinterpret_cast<uintptr_t>(m_base));
            }
            ::munmap(m_base, m_size);
        }
    }
    const char *data() const { return static_cast<const char *>(m_base); }
    char *mutableData() const { return static_cast<char *>(m_base); }
    size_t size() const { return m_size; }

private:
    void *m_base;
    size_t m_size;
};

uint64_t releaseMappedPages(const void *data, size_t bytes)
{
    const auto begin = reinterpret_cast<uintptr_t>(data);
    if (bytes == 0 || !insideMapping(begin, bytes))
        return 0;
    // Only the pages wholly inside the range: a neighbour's data stays where it is.
    const size_t page = pageSize();
    const uintptr_t first = (begin + page - 1) / page * page, last = (begin + bytes) / page * page;
    if (last <= first)
        return 0;
    return ::madvise(reinterpret_cast<void *>(first), last - first, MADV_DONTNEED) == 0 ? last - first : 0;
}

void touchPages(const void *data, size_t bytes)
{
    const auto *p = static_cast<const volatile char *>(data);
    const size_t page = pageSize();
    char sink = 0;
    for (size_t i = 0; i < bytes; i += page)
        sink ^= p[i];
    if (bytes)
        sink ^= p[bytes - 1];
    (void)sink;
}

const char *dtypeName(DType d)
{
    for (const auto &e : kDTypes)
        if (e.dtype == d)
            return e.name;
    return "?";
}

bool parseDType(const std::string &name, DType *out)
{
    for (const auto &e : kDTypes)
        if (name == e.name) {
            *out = e.dtype;
            return true;
        }
    return false;
}

int dtypeBits(DType d)
{
    for (const auto &e : kDTypes)
        if (e.dtype == d)
            return e.bits;
    return 0;
}

bool torchTypeFor(DType d, at::ScalarType *out)
{
    switch (d) {
    case DType::BOOL: *out = at::kBool; return true;
    case DType::U8: *out = at::kByte; return true;
    case DType::I8: *out = at::kChar; return true;
    case DType::I16: *out = at::kShort; return true;
    case DType::U16: *out = at::kInt; return true;  // widened
    case DType::I32: *out = at::kInt; return true;
    case DType::U32: *out = at::kLong; return true; // widened
    case DType::I64: *out = at::kLong; return true;
    case DType::F16: *out = at::kHalf; return true;
    case DType::BF16: *out = at::kBFloat16; return true;
    case DType::F32: *out = at::kFloat; return true;
    case DType::F64: *out = at::kDouble; return true;
    case DType::C64: *out = at::kComplexFloat; return true;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
    case DType::F8_E4M3: *out = at::kFloat8_e4m3fn; return true;
    case DType::F8_E5M2: *out = at::kFloat8_e5m2; return true;
#endif
    default: return false;
    }
}

int64_t TensorInfo::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

void parseHeader(const std::string &path, const char *text, size_t length, uint64_t bufferSize,
                 std::vector<TensorInfo> *tensors, std::map<std::string, std::string> *metadata)
{
    using nlohmann::json;
    if (length == 0 || text[0] != '{')
        corrupt(path, "the header does not start with '{' (not a safetensors file?)");

    // nlohmann keeps the last of duplicate keys silently; the format forbids duplicates, so the
    // parse callback tracks the keys of every open object. It also caps the nesting depth.
    std::vector<std::set<std::string>> openObjects;
    std::string duplicate;
    auto callback = [&](int depth, json::parse_event_t event, json &parsed) {
        if (depth > 8)
            corrupt(path, "the header nests deeper than any valid safetensors header");
        switch (event) {
        case json::parse_event_t::object_start: openObjects.emplace_back(); break;
        case json::parse_event_t::object_end:
            if (!openObjects.empty())
                openObjects.pop_back();
            break;
        case json::parse_event_t::key:
            if (!openObjects.empty() && !openObjects.back().insert(parsed.get<std::string>()).second &&
                duplicate.empty())
                duplicate = parsed.get<std::string>();
            break;
        default: break;
        }
        return true;
    };

    json header;
    try {
        header = json::parse(text, text + length, callback, true);
    } catch (const json::exception &e) {
        corrupt(path, std::string("the header is not valid JSON: ") + e.what());
    }
    if (!duplicate.empty())
        corrupt(path, "the header names '" + duplicate + "' more than once");
    if (!header.is_object())
        corrupt(path, "the header is not a JSON object");

    tensors->clear();
    metadata->clear();
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string &name = it.key();
        const json &v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object())
                corrupt(path, "__metadata__ is not an object");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    corrupt(path, "__metadata__ entry '" + m.key() + "' is not a string");
                (*metadata)[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor '" + name + "': ";
        if (!v.is_object())
            corrupt(path, where + "its entry is not an object");
        TensorInfo info;
        info.name = name;

        auto dt = v.find("dtype");
        if (dt == v.end() || !dt->is_string())
            corrupt(path, where + "missing or non-string \"dtype\"");
        if (!parseDType(dt->get<std::string>(), &info.dtype))
            corrupt(path, where + "unknown dtype \"" + dt->get<std::string>() + "\"");

        auto sh = v.find("shape");
        if (sh == v.end() || !sh->is_array())
            corrupt(path, where + "missing or non-array \"shape\"");
        if (sh->size() > 16)
            corrupt(path, where + "rank " + std::to_string(sh->size()) + " is beyond any real tensor");
        // Overflow-checked so that a hostile shape cannot wrap the size check around.
        uint64_t numel = 1;
        for (const auto &d : *sh) {
            if (!d.is_number_unsigned())
                corrupt(path, where + "the shape holds a value that is not a non-negative integer");
            const uint64_t dim = d.get<uint64_t>();
            if (dim > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
                corrupt(path, where + "a dimension is too large");
            info.shape.push_back(static_cast<int64_t>(dim));
            if (__builtin_mul_overflow(numel, dim, &numel) || numel > (uint64_t{1} << 56))
                corrupt(path, where + "the shape " + shapeString(info.shape) + " is absurdly large");
        }

        auto off = v.find("data_offsets");
        if (off == v.end() || !off->is_array() || off->size() != 2 || !(*off)[0].is_number_unsigned() ||
            !(*off)[1].is_number_unsigned())
            corrupt(path, where + "\"data_offsets\" is not a pair of non-negative integers");
        info.begin = (*off)[0].get<uint64_t>();
        info.end = (*off)[1].get<uint64_t>();
        if (info.begin > info.end)
            corrupt(path, where + "data_offsets begin " + std::to_string(info.begin) + " is after end " +
                              std::to_string(info.end));
        if (info.end > bufferSize)
            corrupt(path, where + "data_offsets end " + std::to_string(info.end) +
                              " is past the data buffer (" + std::to_string(bufferSize) +
                              " bytes; the file is truncated or the header lies)");
        const uint64_t bits = numel * static_cast<uint64_t>(dtypeBits(info.dtype)); // numel < 2^56: no overflow
        if (bits % 8 != 0)
            corrupt(path, where + "the shape does not fill whole bytes for dtype " + dtypeName(info.dtype));
        const uint64_t bytes = bits / 8;
        if (bytes != info.end - info.begin)
            corrupt(path, where + "shape " + shapeString(info.shape) + " of " + dtypeName(info.dtype) + " needs " +
                              std::to_string(bytes) + " bytes but data_offsets span " +
                              std::to_string(info.end - info.begin));
        tensors->push_back(std::move(info));
    }

    // The buffer must be covered exactly: no overlaps, no holes, nothing trailing.
    std::vector<const TensorInfo *> order;
    for (const auto &t : *tensors)
        order.push_back(&t);
    std::stable_sort(order.begin(), order.end(), [](const TensorInfo *a, const TensorInfo *b) {
        return a->begin != b->begin ? a->begin < b->begin : a->end < b->end;
    });
    uint64_t expected = 0;
    const TensorInfo *previous = nullptr;
    for (const TensorInfo *t : order) {
        if (t->begin < expected)
            corrupt(path, "tensor '" + t->name + "' overlaps tensor '" + previous->name + "'");
        if (t->begin > expected)
            corrupt(path, "a hole of " + std::to_string(t->begin - expected) + " bytes lies before tensor '" +
                              t->name + "'");
        expected = t->end;
        previous = t;
    }
    if (expected != bufferSize)
        corrupt(path, std::to_string(bufferSize - expected) + " bytes at the end of the data buffer belong to no tensor");
}

std::shared_ptr<File> File::open(const std::string &path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        throw Error(err == ENOENT ? StatusCode::NotFound : StatusCode::IoError,
                    path + ": cannot open: " + std::strerror(err));
    }
    struct stat sb {};
    if (::fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        ::close(fd);
        throw Error(StatusCode::IoError, path + ": not a regular file");
    }
    const uint64_t size = static_cast<uint64_t>(sb.st_size);
    if (size < 8) {
        ::close(fd);
        corrupt(path, "the file is " + std::to_string(size) + " bytes long, shorter than the 8-byte header length");
    }
    void *base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    const int mapErr = errno;
    ::close(fd);
    if (base == MAP_FAILED)
        throw Error(StatusCode::IoError, path + ": cannot map the file: " + std::strerror(mapErr));

    std::shared_ptr<File> file(new File);
    file->m_path = path;
    file->m_map = std::make_shared<Mapping>(base, size);

    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i)
        headerLen = (headerLen << 8) | static_cast<unsigned char>(file->m_map->data()[i]);
    if (headerLen > kMaxHeaderSize)
        corrupt(path, "the header length " + std::to_string(headerLen) + " exceeds the 100 MB limit");
    if (headerLen > size - 8)
        corrupt(path, "the header length " + std::to_string(headerLen) + " is larger than the rest of the file (" +
                          std::to_string(size - 8) + " bytes)");
    file->m_dataOffset = 8 + headerLen;
    parseHeader(path, file->m_map->data() + 8, headerLen, size - file->m_dataOffset, &file->m_tensors,
                &file->m_metadata);
    for (size_t i = 0; i < file->m_tensors.size(); ++i)
        file->m_index[file->m_tensors[i].name] = i;
    return file;
}

uint64_t File::fileSize() const
{
    return m_map->size();
}

const TensorInfo &File::info(const std::string &name) const
{
    auto it = m_index.find(name);
    if (it == m_index.end())
        throw Error(StatusCode::NotFound, m_path + ": no tensor named '" + name + "'");
    return m_tensors[it->second];
}

bool File::isZeroCopy(const std::string &name) const
{
    const TensorInfo &ti = info(name);
    at::ScalarType st;
    if (!torchTypeFor(ti.dtype, &st) || ti.dtype == DType::BOOL || ti.dtype == DType::U16 || ti.dtype == DType::U32)
        return false;
    const uintptr_t addr = reinterpret_cast<uintptr_t>(m_map->data() + m_dataOffset + ti.begin);
    return ti.numel() > 0 && addr % at::elementSize(st) == 0;
}

at::Tensor File::bytes(const std::string &name) const
{
    const TensorInfo &ti = info(name);
    if (dtypeBits(ti.dtype) != 8)
        throw Error(StatusCode::InvalidArgument, m_path + ": tensor '" + name + "' has dtype " + dtypeName(ti.dtype) +
                                                     ", not one byte per value");
    auto keep = m_map;
    if (ti.numel() == 0)
        return at::empty(ti.shape, at::kByte);
    return at::from_blob(const_cast<char *>(m_map->data() + m_dataOffset + ti.begin), ti.shape, [keep](void *) {},
                         at::TensorOptions().dtype(at::kByte));
}

at::Tensor File::tensor(const std::string &name) const
{
    const TensorInfo &ti = info(name);
    at::ScalarType st;
    if (!torchTypeFor(ti.dtype, &st))
        throw Error(StatusCode::Unsupported, m_path + ": tensor '" + name + "' has dtype " + dtypeName(ti.dtype) +
                                                 ", which this LibTorch " + TORCH_VERSION + " cannot represent");
    const char *src = m_map->data() + m_dataOffset + ti.begin;
    const auto options = at::TensorOptions().dtype(st);
    if (isZeroCopy(name)) {
        auto keep = m_map;
        return at::from_blob(const_cast<char *>(src), ti.shape, [keep](void *) {}, options);
    }
    at::Tensor out = at::empty(ti.shape, options);
    const int64_t n = ti.numel();
    if (n == 0)
        return out;
    switch (ti.dtype) {
    case DType::BOOL: {
        // Bytes other than 0/1 are undefined behaviour in a bool tensor: normalise them.
        auto *dst = out.data_ptr<bool>();
        for (int64_t i = 0; i < n; ++i)
            dst[i] = src[i] != 0;
        break;
    }
    case DType::U16: {
        auto *dst = out.data_ptr<int32_t>();
        for (int64_t i = 0; i < n; ++i) {
            uint16_t v;
            std::memcpy(&v, src + 2 * i, 2);
            dst[i] = v;
        }
        break;
    }
    case DType::U32: {
        auto *dst = out.data_ptr<int64_t>();
        for (int64_t i = 0; i < n; ++i) {
            uint32_t v;
            std::memcpy(&v, src + 4 * i, 4);
            dst[i] = v;
        }
        break;
    }
    default: std::memcpy(out.data_ptr(), src, ti.end - ti.begin); // unaligned source
    }
    return out;
}

void write(const std::string &path, const TensorMap &tensors, const std::map<std::string, std::string> &metadata)
{
    write(path, tensors, metadata, {});
}

void write(const std::string &path, const TensorMap &tensors, const std::map<std::string, std::string> &metadata,
           const std::map<std::string, DType> &storedAs)
{
    struct Entry
    {
        std::string name;
        at::Tensor data;
        DType dtype;
        size_t align;
    };
    std::vector<Entry> entries;
    for (const auto &[name, t] : tensors) {
        if (name == "__metadata__")
            throw Error(StatusCode::InvalidArgument, "a tensor cannot be named __metadata__");
        at::Tensor c = t.detach().to(at::kCPU).contiguous();
        DType dtype = dtypeOfTorch(c.scalar_type(), name);
        if (auto it = storedAs.find(name); it != storedAs.end()) {
            if (c.element_size() * 8 != dtypeBits(it->second))
                throw Error(StatusCode::InvalidArgument, "tensor '" + name + "' cannot be stored as " + dtypeName(it->second));
            dtype = it->second;
        }
        entries.push_back({name, c, dtype, static_cast<size_t>(c.element_size())});
    }
    // Descending alignment, then name: every tensor starts naturally aligned.
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry &a, const Entry &b) { return a.align > b.align; });

    nlohmann::json header = nlohmann::json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    uint64_t offset = 0;
    for (const auto &e : entries) {
        const uint64_t bytes = static_cast<uint64_t>(e.data.numel()) * e.data.element_size();
        header[e.name] = {{"dtype", dtypeName(e.dtype)},
                          {"shape", e.data.sizes().vec()},
                          {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' ');
    unsigned char len[8];
    uint64_t n = json.size();
    for (int i = 0; i < 8; ++i)
        len[i] = static_cast<unsigned char>((n >> (8 * i)) & 0xff);

    AtomicFileWriter out(path);
    out.write(len, 8);
    out.write(json);
    for (const auto &e : entries)
        if (e.data.numel() > 0)
            out.write(e.data.data_ptr(), static_cast<size_t>(e.data.numel()) * e.data.element_size());
    out.commit();
}

} // namespace mosaic::st
