#pragma once
// A checkpoint: one .safetensors file, or a sharded set described by *.safetensors.index.json
// ({"metadata": {...}, "weight_map": {tensor: shard file}}), seen as one name -> tensor map.

#include "io/safetensors.h"

namespace mosaic {

class Checkpoint
{
public:
    // Throws mosaic::Error. For an index, every shard is opened and validated, and every name in
    // the weight map must exist in the shard it points to.
    static Checkpoint open(const std::string &path);

    const std::string &path() const { return m_path; }
    std::vector<std::string> names() const;
    bool contains(const std::string &name) const { return m_where.count(name) != 0; }
    const st::TensorInfo &info(const std::string &name) const;
    at::Tensor tensor(const std::string &name) const;
    st::TensorMap loadAll() const;
    // A one-byte-per-value tensor's stored bytes (fp8 on any LibTorch), a uint8 view of the mapping.
    at::Tensor bytes(const std::string &name) const;
    // The file (shard) that holds the tensor.
    const std::string &fileOf(const std::string &name) const;
    // The first shard's __metadata__ merged with the index's "metadata" (strings only).
    const std::map<std::string, std::string> &metadata() const { return m_metadata; }
    uint64_t totalBytes() const;
    // Every tensor's shape by name (from the headers, nothing read); with `prefix`, only the names that
    // start with it, the prefix removed.
    std::map<std::string, std::vector<int64_t>> shapes(const std::string &prefix = {}) const;
    size_t shardCount() const { return m_files.size(); }

private:
    std::string m_path;
    std::vector<std::shared_ptr<st::File>> m_files;
    std::map<std::string, size_t> m_where; // name -> index into m_files
    std::map<std::string, std::string> m_metadata;
};

} // namespace mosaic
