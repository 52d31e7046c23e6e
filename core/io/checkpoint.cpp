#include "io/checkpoint.h"

#include "util/error.h"
#include "util/json.h"
#include "util/paths.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace mosaic {

namespace {

std::string readSmallTextFile(const std::string &path, size_t limit)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw Error(fileExists(path) ? StatusCode::IoError : StatusCode::NotFound, path + ": cannot open");
    in.seekg(0, std::ios::end);
    const auto size = static_cast<size_t>(in.tellg());
    if (size > limit)
        throw Error(StatusCode::CorruptFile, path + ": " + humanBytes(size) + " is too large for an index file");
    in.seekg(0);
    std::string s(size, '\0');
    in.read(s.data(), static_cast<std::streamsize>(size));
    return s;
}

} // namespace

Checkpoint Checkpoint::open(const std::string &path)
{
    Checkpoint ck;
    ck.m_path = path;
    if (!endsWith(path, ".json")) {
        auto f = st::File::open(path);
        for (const auto &t : f->tensors())
            ck.m_where[t.name] = 0;
        ck.m_metadata = f->metadata();
        ck.m_files.push_back(std::move(f));
        return ck;
    }

    // Bounded: the metadata's values are dumped below, which recurses as deep as they nest.
    const nlohmann::json index = parseBoundedJson(readSmallTextFile(path, 64u << 20), path, {64u << 20, 16});
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
        throw Error(StatusCode::CorruptFile, path + ": no \"weight_map\" object (not a sharded checkpoint index)");
    const std::string dir = directoryOf(path);
    std::map<std::string, size_t> shardIndex;
    for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
        if (!it.value().is_string())
            throw Error(StatusCode::CorruptFile, path + ": weight_map entry '" + it.key() + "' is not a file name");
        const std::string shard = it.value().get<std::string>();
        // Shards live beside the index; a path that climbs out of the folder is refused.
        if (shard.empty() || shard.find('/') != std::string::npos || shard.find('\\') != std::string::npos ||
            shard == "." || shard == "..")
            throw Error(StatusCode::CorruptFile, path + ": shard name '" + shard + "' for tensor '" + it.key() +
                                                     "' is not a plain file name");
        auto found = shardIndex.find(shard);
        if (found == shardIndex.end()) {
            ck.m_files.push_back(st::File::open((std::filesystem::path(dir) / shard).string()));
            found = shardIndex.emplace(shard, ck.m_files.size() - 1).first;
        }
        if (!ck.m_files[found->second]->contains(it.key()))
            throw Error(StatusCode::CorruptFile, path + ": tensor '" + it.key() + "' is mapped to " + shard +
                                                     ", which does not contain it");
        ck.m_where[it.key()] = found->second;
    }
    if (!ck.m_files.empty())
        ck.m_metadata = ck.m_files.front()->metadata();
    if (index.contains("metadata") && index["metadata"].is_object())
        for (auto it = index["metadata"].begin(); it != index["metadata"].end(); ++it)
            ck.m_metadata[it.key()] = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
    return ck;
}

std::vector<std::string> Checkpoint::names() const
{
    std::vector<std::string> out;
    out.reserve(m_where.size());
    for (const auto &e : m_where)
        out.push_back(e.first);
    return out;
}

const st::TensorInfo &Checkpoint::info(const std::string &name) const
{
    auto it = m_where.find(name);
    if (it == m_where.end())
        throw Error(StatusCode::NotFound, m_path + ": no tensor named '" + name + "'");
    return m_files[it->second]->info(name);
}

at::Tensor Checkpoint::tensor(const std::string &name) const
{
    auto it = m_where.find(name);
    if (it == m_where.end())
        throw Error(StatusCode::NotFound, m_path + ": no tensor named '" + name + "'");
    return m_files[it->second]->tensor(name);
}

at::Tensor Checkpoint::bytes(const std::string &name) const
{
    auto it = m_where.find(name);
    if (it == m_where.end())
        throw Error(StatusCode::NotFound, m_path + ": no tensor named '" + name + "'");
    return m_files[it->second]->bytes(name);
}

const std::string &Checkpoint::fileOf(const std::string &name) const
{
    auto it = m_where.find(name);
    if (it == m_where.end())
        throw Error(StatusCode::NotFound, m_path + ": no tensor named '" + name + "'");
    return m_files[it->second]->path();
}

st::TensorMap Checkpoint::loadAll() const
{
    st::TensorMap out;
    for (const auto &e : m_where)
        out[e.first] = m_files[e.second]->tensor(e.first);
    return out;
}

std::map<std::string, std::vector<int64_t>> Checkpoint::shapes(const std::string &prefix) const
{
    std::map<std::string, std::vector<int64_t>> out;
    for (const auto &[name, file] : m_where)
        if (name.compare(0, prefix.size(), prefix) == 0)
            out[name.substr(prefix.size())] = m_files[file]->info(name).shape;
    return out;
}

uint64_t Checkpoint::totalBytes() const
{
    uint64_t n = 0;
    for (const auto &f : m_files)
        n += f->fileSize();
    return n;
}

} // namespace mosaic
