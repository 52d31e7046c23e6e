#pragma once
// safetensors reader and writer (format: huggingface/safetensors README, "Format").
//
// Layout: u64 little-endian header length N | N bytes of JSON | byte buffer. Offsets in the JSON
// are relative to the start of the byte buffer. The reader validates the whole header before it
// hands out a single tensor, so a hostile file yields a mosaic::Error naming the file and the
// tensor instead of a read outside the mapping.

#include <ATen/ATen.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mosaic::st {

enum class DType {
    BOOL, U8, I8, I16, U16, I32, U32, I64, U64, F16, BF16, F32, F64,
    F8_E4M3, F8_E5M2, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, F6_E2M3, F6_E3M2, F4, C64
};

const char *dtypeName(DType d);
bool parseDType(const std::string &name, DType *out);
// Size in bits (F4 and F6 are sub-byte; the tensor's total must still be whole bytes).
int dtypeBits(DType d);
// The LibTorch scalar type a tensor of this dtype is handed out as (U16/U32 widen to I32/I64).
bool torchTypeFor(DType d, at::ScalarType *out);

constexpr uint64_t kMaxHeaderSize = 100000000; // the reference implementation's MAX_HEADER_SIZE

struct TensorInfo
{
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    uint64_t begin = 0; // relative to the byte buffer
    uint64_t end = 0;   // one past
    int64_t numel() const;
};

class Mapping; // a read-only memory map kept alive by every tensor that views it

class File
{
public:
    // Throws mosaic::Error (CorruptFile, NotFound, IoError) on any violation.
    static std::shared_ptr<File> open(const std::string &path);

    const std::string &path() const { return m_path; }
    const std::vector<TensorInfo> &tensors() const { return m_tensors; }
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    bool contains(const std::string &name) const { return m_index.count(name) != 0; }
    const TensorInfo &info(const std::string &name) const;
    uint64_t fileSize() const;

    // Zero-copy where dtype and alignment allow (the tensor keeps the mapping alive; writes to it
    // stay private to the process). Otherwise a converted or aligned copy.
    at::Tensor tensor(const std::string &name) const;
    // The stored bytes of a tensor whose dtype is one byte wide (fp8 included, which LibTorch before 2.1
    // cannot represent), as a uint8 view of the mapping with the tensor's shape.
    at::Tensor bytes(const std::string &name) const;
    // True when tensor(name) would view the mapping without copying.
    bool isZeroCopy(const std::string &name) const;

private:
    File() = default;
    std::string m_path;
    std::shared_ptr<Mapping> m_map;
    uint64_t m_dataOffset = 0;
    std::vector<TensorInfo> m_tensors;
    std::map<std::string, size_t> m_index;
    std::map<std::string, std::string> m_metadata;
};

using TensorMap = std::map<std::string, at::Tensor>;

// Hands the pages wholly inside [data, data + bytes) back to the kernel when the range lies in a file
// mapped by File::open (read again from the file when touched); returns the bytes released, 0 for any
// other memory, which is never touched.
uint64_t releaseMappedPages(const void *data, size_t bytes);
// Reads one byte of every page of the range.
void touchPages(const void *data, size_t bytes);

// Writes the tensors (any device; moved to CPU, made contiguous) with the header padded by spaces
// to a multiple of 8. Atomic: a temporary file in the same folder, fsync, then rename; a failed
// write (full disk) removes the temporary and throws IoError, leaving any old file untouched.
void write(const std::string &path, const TensorMap &tensors,
           const std::map<std::string, std::string> &metadata = {});
// The same, with one-byte tensors recorded under another dtype where `storedAs` names one (uint8 bytes
// written as F8_E4M3 or F8_E5M2).
void write(const std::string &path, const TensorMap &tensors, const std::map<std::string, std::string> &metadata,
           const std::map<std::string, DType> &storedAs);

// Parses header bytes (after the 8-byte length) against a buffer of bufferSize bytes.
// Exposed for the tests and the fuzzer; open() calls it.
void parseHeader(const std::string &path, const char *json, size_t length, uint64_t bufferSize,
                 std::vector<TensorInfo> *tensors, std::map<std::string, std::string> *metadata);

} // namespace mosaic::st
