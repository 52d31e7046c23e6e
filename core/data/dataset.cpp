// Reading, writing and validating the dataset folder (docs/dataset-format.md).
#include <mosaic/dataset.h>

#include "util/atomic_file.h"
#include "data/dataset_edit.h"
#include "util/error.h"
#include "util/json.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace mosaic {

namespace {

// Limits on a dataset from outside, checked before reading: the index file, one line of it.
constexpr uint64_t kMaxIndexBytes = 1ull << 30;
constexpr size_t kMaxIndexLineBytes = 4u << 20;

// Temporaries of an atomic write that a killed process left behind (".index.jsonl.tmp-XXXXXX"): removed
// before the next write of the same folder. A write that is running holds its own, newer one; only
// those older than a minute go.
void removeLeftoverTemporaries(const std::string &dir)
{
    std::error_code ec;
    const auto now = fs::file_time_type::clock::now();
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (!(startsWith(name, ".index.jsonl.tmp-") || startsWith(name, ".dataset.json.tmp-")))
            continue;
        // Whose it is: the writer's process id is in the name (AtomicFileWriter); one that no longer
        // runs left it now, any other one a minute old was left long ago.
        std::error_code e;
        const auto age = now - fs::last_write_time(it->path(), e);
        const bool writerGone = temporaryWriterGone(name);
        if (!e && (writerGone || age > std::chrono::minutes(1)) && fs::remove(it->path(), e))
            log::info("core.data", "removed {}, left by an interrupted write", it->path().string());
    }
}

const char *kSources[] = {"manual", "synthetic", "feature-match", "model", "region", "generation"};
const char *kStatuses[] = {"suggested", "accepted", "rejected"};

struct Reader
{
    int line;
    std::vector<DatasetProblem> *problems;
    void problem(const std::string &field, const std::string &message) { problems->push_back({line, field, message}); }

    std::string string(const json &o, const char *key, const std::string &field, bool required)
    {
        auto it = o.find(key);
        if (it == o.end()) {
            if (required)
                problem(field, "missing");
            return {};
        }
        if (!it->is_string()) {
            problem(field, "must be a string");
            return {};
        }
        return it->get<std::string>();
    }

    bool unit(const json &v, const std::string &field, float *out)
    {
        if (!v.is_number()) {
            problem(field, "must be a number");
            return false;
        }
        const double d = v.get<double>();
        if (!(d >= 0.0 && d <= 1.0)) {
            problem(field, format("{} is outside [0, 1]", d));
            return false;
        }
        *out = static_cast<float>(d);
        return true;
    }

    bool pair(const json &o, const char *key, const std::string &field, float *x, float *y)
    {
        auto it = o.find(key);
        if (it == o.end() || !it->is_array() || it->size() != 2) {
            problem(field, "must be a pair [x, y]");
            return false;
        }
        bool ok = unit((*it)[0], field + "[0]", x);
        return unit((*it)[1], field + "[1]", y) && ok;
    }
};

DatasetSample parseSample(const json &j, Reader &r)
{
    DatasetSample s;
    if (!j.is_object()) {
        r.problem("", "the line is not a JSON object");
        return s;
    }
    s.id = r.string(j, "id", "id", true);
    if (j.contains("id") && s.id.empty())
        r.problem("id", "must not be empty");
    s.prompt = r.string(j, "prompt", "prompt", true);
    s.target = r.string(j, "target", "target", true);
    s.split = r.string(j, "split", "split", false);
    if (!s.split.empty() && s.split != "train" && s.split != "test")
        r.problem("split", "must be \"train\" or \"test\", got \"" + s.split + "\"");
    if (j.contains("done")) {
        if (j["done"].is_boolean())
            s.done = j["done"].get<bool>();
        else
            r.problem("done", "must be true or false");
    }
    for (const char *dim : {"width", "height"}) {
        if (!j.contains(dim))
            continue;
        if (!j[dim].is_number_unsigned() || j[dim].get<int64_t>() <= 0 || j[dim].get<int64_t>() > 65536)
            r.problem(dim, "must be a positive whole number");
        else
            (std::string(dim) == "width" ? s.width : s.height) = j[dim].get<int>();
    }
    auto subjects = j.find("subjects");
    if (subjects == j.end() || !subjects->is_array()) {
        r.problem("subjects", "missing or not a list");
        return s;
    }
    for (size_t i = 0; i < subjects->size(); ++i) {
        const json &sj = (*subjects)[i];
        const std::string f = format("subjects[{}]", i);
        DatasetSubject sub;
        if (!sj.is_object()) {
            r.problem(f, "must be an object");
            continue;
        }
        sub.name = r.string(sj, "name", f + ".name", false);
        sub.category = r.string(sj, "category", f + ".category", false);
        sub.image = r.string(sj, "image", f + ".image", true);
        sub.mask = r.string(sj, "mask", f + ".mask", false);
        sub.dense = r.string(sj, "dense", f + ".dense", false);
        if (sj.contains("box")) {
            const json &b = sj["box"];
            float v[4] = {0, 0, 0, 0};
            bool ok = b.is_array() && b.size() == 4;
            if (!ok)
                r.problem(f + ".box", "must be [x, y, w, h]");
            for (size_t k = 0; ok && k < 4; ++k)
                ok = r.unit(b[k], format("{}.box[{}]", f, k), &v[k]);
            if (ok && (v[2] <= 0 || v[3] <= 0 || v[0] + v[2] > 1.0001f || v[1] + v[3] > 1.0001f)) {
                r.problem(f + ".box", "must have a positive size and lie inside the image");
                ok = false;
            }
            if (ok)
                sub.box = NormalizedBox{v[0], v[1], v[2], v[3]};
        }
        if (sj.contains("points")) {
            const json &pts = sj["points"];
            if (!pts.is_array())
                r.problem(f + ".points", "must be a list");
            for (size_t k = 0; pts.is_array() && k < pts.size(); ++k) {
                const json &p = pts[k];
                const std::string pf = format("{}.points[{}]", f, k);
                if (!p.is_object()) {
                    r.problem(pf, "must be an object");
                    continue;
                }
                Correspondence c;
                bool ok = r.pair(p, "ref", pf + ".ref", &c.refX, &c.refY);
                ok = r.pair(p, "tgt", pf + ".tgt", &c.tgtX, &c.tgtY) && ok;
                const std::string src = r.string(p, "source", pf + ".source", true);
                const std::string st = r.string(p, "status", pf + ".status", true);
                const auto si = std::find(std::begin(kSources), std::end(kSources), src);
                if (!src.empty() && si == std::end(kSources)) {
                    r.problem(pf + ".source", "unknown source \"" + src + "\" (manual, synthetic, feature-match, model, region, generation)");
                    ok = false;
                } else if (si != std::end(kSources)) {
                    c.source = static_cast<PointSource>(si - std::begin(kSources));
                }
                const auto ti = std::find(std::begin(kStatuses), std::end(kStatuses), st);
                if (!st.empty() && ti == std::end(kStatuses)) {
                    r.problem(pf + ".status", "unknown status \"" + st + "\" (suggested, accepted, rejected)");
                    ok = false;
                } else if (ti != std::end(kStatuses)) {
                    c.status = static_cast<ReviewStatus>(ti - std::begin(kStatuses));
                }
                if (p.contains("confidence")) {
                    if (!r.unit(p["confidence"], pf + ".confidence", &c.confidence))
                        ok = false;
                }
                if (ok && !src.empty() && !st.empty())
                    sub.points.push_back(c);
            }
        }
        s.subjects.push_back(std::move(sub));
    }
    return s;
}

json sampleToJson(const DatasetSample &s)
{
    json j = {{"id", s.id}, {"prompt", s.prompt}, {"target", s.target}};
    if (s.width > 0)
        j["width"] = s.width;
    if (s.height > 0)
        j["height"] = s.height;
    if (!s.split.empty())
        j["split"] = s.split;
    j["done"] = s.done;
    json subjects = json::array();
    for (const auto &sub : s.subjects) {
        json sj = {{"name", sub.name}, {"category", sub.category}, {"image", sub.image}};
        if (!sub.mask.empty())
            sj["mask"] = sub.mask;
        if (!sub.dense.empty())
            sj["dense"] = sub.dense;
        if (sub.box)
            sj["box"] = {sub.box->x, sub.box->y, sub.box->w, sub.box->h};
        json pts = json::array();
        for (const auto &p : sub.points)
            pts.push_back({{"ref", {p.refX, p.refY}},
                           {"tgt", {p.tgtX, p.tgtY}},
                           {"source", pointSourceName(p.source)},
                           {"confidence", p.confidence},
                           {"status", reviewStatusName(p.status)}});
        sj["points"] = pts;
        subjects.push_back(sj);
    }
    j["subjects"] = subjects;
    return j;
}

// `content`, when given, receives the index as read (editDataset writes it back line by line).
Status readImpl(const std::string &dir, std::vector<DatasetSample> *samples, std::vector<DatasetProblem> *problems,
                std::vector<int> *lines, bool *truncatedTail, std::string *contentOut = nullptr)
{
    return guarded([&] {
        std::error_code dirError;
        if (!fs::is_directory(dir, dirError))
            throw Error(StatusCode::NotFound, dir + ": not a dataset folder");
        const std::string meta = (fs::path(dir) / "dataset.json").string();
        std::error_code ec;
        int64_t declaredSamples = -1; // dataset.json's "samples" (-1: none given, -2: not a count)
        int64_t describedBytes = -1;  // dataset.json's "index_bytes": the size of the index it was saved with
        if (fs::exists(meta, ec)) {
            std::ifstream in(meta);
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            try {
                const json m = parseBoundedJson(text, "dataset.json", {1u << 20, 16});
                const auto version = m.find("version");
                const auto count = m.find("samples");
                if (m.value("format", "") != "mosaic-dataset")
                    problems->push_back({0, "dataset.json", "\"format\" is not \"mosaic-dataset\""});
                else if (version == m.end() || !version->is_number_unsigned() || version->get<uint64_t>() > 1000000)
                    problems->push_back({0, "dataset.json", "\"version\" is not a whole number"});
                else if (version->get<uint64_t>() > static_cast<uint64_t>(kDatasetFormatVersion))
                    problems->push_back({0, "dataset.json", format("version {} is newer than this program reads ({})",
                                                                   version->get<uint64_t>(), kDatasetFormatVersion)});
                if (count != m.end())
                    declaredSamples = count->is_number_unsigned() ? static_cast<int64_t>(std::min<uint64_t>(count->get<uint64_t>(), 1ull << 40)) : -2;
                if (const auto bytes = m.find("index_bytes"); bytes != m.end() && bytes->is_number_unsigned())
                    describedBytes = static_cast<int64_t>(std::min<uint64_t>(bytes->get<uint64_t>(), 1ull << 50));
            } catch (const std::exception &e) {
                problems->push_back({0, "dataset.json", e.what()});
            }
        }
        const std::string index = (fs::path(dir) / "index.jsonl").string();
        std::ifstream in(index, std::ios::binary);
        if (!in)
            throw Error(StatusCode::NotFound, index + ": cannot open (not a dataset folder?)");
        if (std::error_code ec; fs::file_size(index, ec) > kMaxIndexBytes && !ec)
            throw Error(StatusCode::CorruptFile, format("{}: larger than the {} GB an index may be", index, kMaxIndexBytes >> 30));
        std::string local;
        std::string &content = contentOut ? *contentOut : local;
        content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
        *truncatedTail = !content.empty() && content.back() != '\n';
        std::istringstream lines_(content);
        std::string text;
        int line = 0, blankLines = 0;
        while (std::getline(lines_, text)) {
            ++line;
            if (text.find_first_not_of(" \t\r") == std::string::npos) {
                ++blankLines;
                continue;
            }
            Reader r{line, problems};
            json j;
            try {
                j = parseBoundedJson(text, "index line", {kMaxIndexLineBytes, 16});
            } catch (const std::exception &) {
                r.problem("", *truncatedTail && lines_.peek() == EOF
                                  ? "not valid JSON: the last line is cut off (an interrupted write?)"
                                  : "not valid JSON");
                continue;
            }
            samples->push_back(parseSample(j, r));
            lines->push_back(line);
        }
        std::error_code sizeError;
        const auto indexBytes = fs::file_size(index, sizeError);
        if (declaredSamples == -2)
            problems->push_back({0, "dataset.json", "\"samples\" is not a count"});
        else if (describedBytes >= 0 && !sizeError && static_cast<uint64_t>(describedBytes) != indexBytes)
            // Saved with another index: a save killed between its two files (the index is replaced
            // first). The index is what counts; the next save writes the description again.
            log::info("core.data", "{}: dataset.json describes another save of the index (an interrupted save); "
                                   "the index is read as it is", dir);
        else if (declaredSamples >= 0 && declaredSamples != static_cast<int64_t>(line - blankLines))
            problems->push_back({0, "dataset.json", format("it counts {} samples, but index.jsonl holds {} lines of samples",
                                                           declaredSamples, line - blankLines)});
    });
}

} // namespace

const char *pointSourceName(PointSource s)
{
    return kSources[static_cast<int>(s)];
}

const char *reviewStatusName(ReviewStatus s)
{
    return kStatuses[static_cast<int>(s)];
}

std::string DatasetProblem::text() const
{
    std::string s = line > 0 ? format("line {}", line) : std::string("dataset");
    if (!field.empty())
        s += ", " + field;
    return s + ": " + message;
}

Status readDataset(const std::string &dir, std::vector<DatasetSample> *samples, std::vector<DatasetProblem> *problems)
{
    std::vector<int> lines;
    bool truncated = false;
    return readImpl(dir, samples, problems, &lines, &truncated);
}

Status readDataset(const std::string &dir, std::vector<DatasetSample> *samples, std::vector<DatasetProblem> *problems,
                   std::vector<int> *lines)
{
    bool truncated = false;
    lines->clear();
    return readImpl(dir, samples, problems, lines, &truncated);
}

std::string readDatasetName(const std::string &dir)
{
    std::ifstream in(fs::path(dir) / "dataset.json");
    if (!in)
        return {};
    try {
        const json j = json::parse(in);
        return j.is_object() ? j.value("name", std::string()) : std::string();
    } catch (const json::exception &) {
        return {};
    }
}

namespace {

// The index and, when given (an object), dataset.json with the index's size in "index_bytes". Both are
// written and synced before either replaces its file, the index first: a write that fails (a full disk)
// leaves both files as they were, and a process killed during the save leaves them out of step only
// between two renames, which the reader recognises by "index_bytes".
void writeIndexAndDescription(const std::string &dir, const std::string &index, json meta)
{
    AtomicFileWriter indexFile((fs::path(dir) / "index.jsonl").string());
    indexFile.write(index);
    std::unique_ptr<AtomicFileWriter> metaFile;
    if (meta.is_object()) {
        meta["index_bytes"] = index.size();
        metaFile = std::make_unique<AtomicFileWriter>((fs::path(dir) / "dataset.json").string());
        metaFile->write(meta.dump(2) + "\n");
    }
    indexFile.sync();
    if (metaFile)
        metaFile->sync();
    indexFile.commit();
    if (metaFile)
        metaFile->commit();
}

} // namespace

Status writeDataset(const std::string &dir, const std::vector<DatasetSample> &samples, const std::string &name)
{
    return guarded([&] {
        std::string err;
        if (!makeDirectories(dir, &err))
            throw Error(StatusCode::IoError, "cannot create the dataset folder " + err);
        removeLeftoverTemporaries(dir);
        std::map<std::string, int> ids;
        std::string index;
        for (const auto &s : samples) {
            if (s.id.empty() || !ids.emplace(s.id, 1).second)
                throw Error(StatusCode::InvalidArgument, "sample id '" + s.id + "' is empty or used twice");
            index += sampleToJson(s).dump() + "\n";
        }
        const json meta = {{"format", "mosaic-dataset"},
                           {"version", kDatasetFormatVersion},
                           {"name", name.empty() ? fileNameOf(dir) : name},
                           {"samples", samples.size()}};
        writeIndexAndDescription(dir, index, meta);
    });
}

namespace {

// A written line: what edit made of the sample, with the fields of the original line that this
// version does not read (at the sample's level and each subject's) kept.
json keepUnknownFields(const json &original, json fresh)
{
    static const char *const sampleKeys[] = {"id", "prompt", "target", "width", "height", "split", "done", "subjects"};
    static const char *const subjectKeys[] = {"name", "category", "image", "mask", "dense", "box", "points"};
    auto known = [](const auto &keys, const std::string &k) { return std::find(std::begin(keys), std::end(keys), k) != std::end(keys); };
    for (auto it = original.begin(); it != original.end(); ++it)
        if (!known(sampleKeys, it.key()))
            fresh[it.key()] = it.value();
    const auto subjects = original.find("subjects");
    if (subjects != original.end() && subjects->is_array() && fresh["subjects"].size() == subjects->size())
        for (size_t i = 0; i < subjects->size(); ++i)
            if ((*subjects)[i].is_object())
                for (auto it = (*subjects)[i].begin(); it != (*subjects)[i].end(); ++it)
                    if (!known(subjectKeys, it.key()))
                        fresh["subjects"][i][it.key()] = it.value();
    return fresh;
}

} // namespace

namespace data {

Status editDataset(const std::string &dir, const std::function<void(DatasetSample &)> &edit,
                   std::vector<DatasetProblem> *problems, EditReport *report)
{
    return guarded([&] {
        // The index as readImpl reads it (same checks), then line by line again, keeping each line's text.
        std::vector<DatasetSample> samples;
        std::vector<int> lines;
        bool truncated = false;
        std::string content;
        if (Status st = readImpl(dir, &samples, problems, &lines, &truncated, &content); !st.ok())
            throw Error(st.code, st.message);
        removeLeftoverTemporaries(dir);
        std::set<int> troubled;
        for (const auto &p : *problems)
            if (p.line > 0)
                troubled.insert(p.line);
        std::string out;
        size_t sample = 0, start = 0;
        EditReport rep;
        for (int line = 1; start < content.size(); ++line) {
            size_t end = content.find('\n', start);
            const bool last = end == std::string::npos;
            if (last)
                end = content.size();
            const std::string text = content.substr(start, end - start);
            start = end + 1;
            const bool isSample = sample < lines.size() && lines[sample] == line;
            if (isSample && !troubled.count(line)) {
                DatasetSample &s = samples[sample];
                edit(s);
                ++rep.edited;
                out += keepUnknownFields(parseBoundedJson(text, "index line", {kMaxIndexLineBytes, 16}), sampleToJson(s)).dump();
            } else {
                if (text.find_first_not_of(" \t\r") != std::string::npos)
                    rep.kept.push_back(line);
                out += text; // byte for byte
            }
            if (!last)
                out += '\n';
            if (isSample)
                ++sample;
        }
        // dataset.json, where it reads as an object, is written again with the new index's size and
        // every field it had; one that does not read is left as it is.
        json meta;
        if (std::ifstream in(fs::path(dir) / "dataset.json"); in) {
            const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            try {
                meta = parseBoundedJson(text, "dataset.json", {1u << 20, 16});
            } catch (const std::exception &) {
                meta = json();
            }
        }
        writeIndexAndDescription(dir, out, meta);
        if (report)
            *report = rep;
    });
}

} // namespace data

Status validateDataset(const std::string &dir, std::vector<DatasetProblem> *problems)
{
    std::vector<DatasetSample> samples;
    std::vector<int> lines;
    bool truncated = false;
    if (Status s = readImpl(dir, &samples, problems, &lines, &truncated); !s.ok())
        return s;
    std::map<std::string, int> seen;
    auto checkFile = [&](int line, const std::string &field, const std::string &rel) {
        if (rel.empty())
            return;
        if (rel.find("..") != std::string::npos || fs::path(rel).is_absolute())
            problems->push_back({line, field, "\"" + rel + "\" must be a path inside the dataset folder"});
        else if (std::error_code ec; !fs::is_regular_file(fs::path(dir) / rel, ec)) // a name too long, say: not found
            problems->push_back({line, field, "file not found: " + rel + (ec ? " (" + ec.message() + ")" : std::string())});
    };
    for (size_t i = 0; i < samples.size(); ++i) {
        const auto &s = samples[i];
        const int line = lines[i];
        if (!s.id.empty()) {
            auto [it, fresh] = seen.emplace(s.id, line);
            if (!fresh)
                problems->push_back({line, "id", format("'{}' is already used on line {}", s.id, it->second)});
        }
        checkFile(line, "target", s.target);
        for (size_t k = 0; k < s.subjects.size(); ++k) {
            const auto &sub = s.subjects[k];
            checkFile(line, format("subjects[{}].image", k), sub.image);
            checkFile(line, format("subjects[{}].mask", k), sub.mask);
            checkFile(line, format("subjects[{}].dense", k), sub.dense);
        }
    }
    std::stable_sort(problems->begin(), problems->end(),
                     [](const DatasetProblem &a, const DatasetProblem &b) { return a.line < b.line; });
    return Status::success();
}

std::vector<std::pair<int, int>> tokenPairs(const DatasetSubject &subject, int refGrid, int targetGridW,
                                            int targetGridH, bool includeSuggested)
{
    // (target token, reference token) for every usable point, then the first target per reference.
    std::vector<std::pair<int, int>> byTarget;
    auto cell = [](float v, int n) { return std::min(n - 1, std::max(0, static_cast<int>(v * n))); };
    for (const auto &p : subject.points) {
        if (p.status == ReviewStatus::Rejected || (p.status == ReviewStatus::Suggested && !includeSuggested))
            continue;
        const int t = cell(p.tgtY, targetGridH) * targetGridW + cell(p.tgtX, targetGridW);
        const int r = cell(p.refY, refGrid) * refGrid + cell(p.refX, refGrid);
        byTarget.emplace_back(t, r);
    }
    std::stable_sort(byTarget.begin(), byTarget.end(),
                     [](const auto &a, const auto &b) { return a.first < b.first; });
    std::vector<std::pair<int, int>> out;
    std::vector<bool> taken(static_cast<size_t>(refGrid) * refGrid, false);
    for (const auto &[t, r] : byTarget) {
        if (taken[static_cast<size_t>(r)])
            continue;
        taken[static_cast<size_t>(r)] = true;
        out.emplace_back(r, t);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace mosaic
