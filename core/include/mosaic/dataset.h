#pragma once
// The project's correspondence dataset (SemAlign-MS style), documented in docs/dataset-format.md:
// a folder with dataset.json, index.jsonl (one sample a line) and the files the samples name.
// Coordinates are normalised to [0, 1] of their image.

#include <mosaic/pipeline.h>
#include <mosaic/status.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mosaic {

constexpr int kDatasetFormatVersion = 1;

enum class PointSource { Manual, Synthetic, FeatureMatch, Model, Region, Generation };
enum class ReviewStatus { Suggested, Accepted, Rejected };
const char *pointSourceName(PointSource s);
const char *reviewStatusName(ReviewStatus s);

struct Correspondence
{
    float refX = 0, refY = 0; // in the subject's (prepared) reference image
    float tgtX = 0, tgtY = 0; // in the target image
    PointSource source = PointSource::Manual;
    float confidence = 1.0f;
    ReviewStatus status = ReviewStatus::Suggested;
};

struct DatasetSubject
{
    std::string name;
    std::string category;
    std::string image;                // reference image, relative to the dataset folder
    std::string mask;                 // optional: the subject's mask in the target (PNG, > 50 % grey is inside)
    std::optional<NormalizedBox> box; // optional region in the target
    std::string dense;                // optional: per-target-pixel reference coordinates (.safetensors, "ref_xy")
    std::vector<Correspondence> points;
};

struct DatasetSample
{
    std::string id;
    std::string prompt;
    std::string target; // relative path
    int width = 0, height = 0;
    std::string split;  // "train", "test" or empty
    bool done = false;  // review finished
    std::vector<DatasetSubject> subjects;
};

struct DatasetProblem
{
    int line = 0;       // 1-based line of index.jsonl (0: the folder or dataset.json)
    std::string field;  // e.g. "subjects[1].points[3].status"
    std::string message;
    std::string text() const; // "line 12, subjects[1].image: file not found"
};

// Reads every parsable sample; problems (malformed lines, bad fields) are collected, not thrown.
// The Status is an error only when the folder or its index cannot be read at all.
Status readDataset(const std::string &dir, std::vector<DatasetSample> *samples, std::vector<DatasetProblem> *problems);
// The same, with the index.jsonl line of each sample read (so problems can be shown at their sample).
Status readDataset(const std::string &dir, std::vector<DatasetSample> *samples, std::vector<DatasetProblem> *problems,
                   std::vector<int> *lines);
// Writes dataset.json and index.jsonl atomically (files the samples name must already exist).
// The dataset's name from its dataset.json ("" when it has none or cannot be read).
std::string readDatasetName(const std::string &dir);

Status writeDataset(const std::string &dir, const std::vector<DatasetSample> &samples, const std::string &name = {});
// Everything readDataset finds, plus: files that do not exist, duplicate ids, coordinates out of
// range, unknown sources and statuses, a truncated last line.
Status validateDataset(const std::string &dir, std::vector<DatasetProblem> *problems);

// Training pairs for one subject at the given token grids (MOSAIC: 32 x 32 at 512 px): (reference
// token, target token), both row-major. Points with status Rejected never count; Suggested only
// with includeSuggested. Several points on one reference token: the one with the smallest target
// token index wins (MOSAIC's loader walks target tokens in increasing order and keeps the first).
std::vector<std::pair<int, int>> tokenPairs(const DatasetSubject &subject, int refGrid, int targetGridW,
                                            int targetGridH, bool includeSuggested = false);

// ---- MOSAIC-Toys ---------------------------------------------------------------------------------

struct ToysOptions
{
    int count = 100;
    int minSubjects = 1, maxSubjects = 6;
    int size = 256;        // target side
    int refSize = 256;     // reference side
    std::string split = "train"; // train | test (held-out identities)
    uint64_t seed = 1;
    // Subject size: the scale of a toy's canonical shape as a fraction of the target side, drawn
    // uniformly from [minScale, maxScale] (scenes with one or two subjects draw them 1.3x larger).
    // A toy is about 1.5 scales wide: the defaults give 23-43 px subjects in a 128-px scene.
    double minScale = 0.09, maxScale = 0.17;
    // 0: toys are placed and sized freely (the scale range above). k >= 1: token-aligned toys: each
    // toy is its reference shrunk k times, unflipped, with the reference's square placed at a
    // multiple of 16 px (a token of the model's grid), so that every target token covers whole
    // reference tokens (docs/experiments/journal.md, "Aligned toys"); the scale range is then unused.
    int alignedShrink = 0;
};

struct ToysReport
{
    int samples = 0;
    double seconds = 0;
    double samplesPerSecond = 0;
};

// Renders samples and writes them as a dataset folder (needs OpenCV for PNG files).
Status synthesizeToys(const std::string &dir, const ToysOptions &options, ToysReport *report,
                      const std::function<void(int done, int total)> &progress = {});

// ---- SemAlign-MS-Subjects200K import --------------------------------------------------------------

struct SemAlignImportOptions
{
    std::string sourceDir;   // holds coord/dift, coord/geoaware, mask/ and the pair images
    std::string indexFile;   // JSON lines: {"uid": ..., "image": "relative/pair.png", "caption": ...}
    std::string outputDir;
    int grid = 32;           // token grid of the pairs (MOSAIC at 512 px: 32)
};

struct SemAlignImportReport
{
    int samples = 0, skipped = 0;
    int pairs = 0;
    std::vector<std::string> warnings;
};

Status importSemAlign(const SemAlignImportOptions &options, SemAlignImportReport *report);

} // namespace mosaic
