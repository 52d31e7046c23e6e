#pragma once
// Annotation helpers for the correspondence annotator and `mosaic dataset suggest|stats`:
// suggesters that propose reference -> target point pairs for review, GrabCut, and dataset counts.
// Plain types only. Coordinates are normalised to [0, 1] of their image, as in the dataset format.

#include <mosaic/dataset.h>
#include <mosaic/image.h>
#include <mosaic/pipeline.h>
#include <mosaic/status.h>

#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace mosaic {

// Where prepareReference puts an input image: the tight box of its non-white pixels (after alpha
// over white) scaled so that its long side is 0.9 size, centred on a size x size canvas.
struct ReferenceTransform
{
    int inputWidth = 0, inputHeight = 0, size = 0;
    double cropX = 0, cropY = 0, cropW = 0, cropH = 0; // in input pixels
    double scale = 1, offsetX = 0, offsetY = 0;        // prepared = offset + (input - crop) * scale
    // Normalised coordinates between the input and the prepared image.
    void preparedToInput(double px, double py, double *ix, double *iy) const;
    void inputToPrepared(double ix, double iy, double *px, double *py) const;
};
ReferenceTransform referenceTransform(const RgbaImage &input, int size);

enum class SuggestMethod { Region, Features, Model, Generation };
const char *suggestMethodName(SuggestMethod m);          // region, features, model, generation
bool parseSuggestMethod(const std::string &name, SuggestMethod *out);

struct SuggestOptions
{
    SuggestMethod method = SuggestMethod::Region;
    int grid = 8;               // region, model, generation: reference points per side
    int maxPairs = 48;          // features: the most confident matches kept
    float minConfidence = 0.0f; // suggestions below are dropped
    std::string model;          // model: a bundle (empty: the bundled model)
    float noise = 0.5f;         // model: the flow-matching time at which the target is noised
    uint64_t seed = 1;
    // model: set from any thread to stop (checked between references and between the transformer's
    // blocks; the call then returns StatusCode::Cancelled).
    const std::atomic<bool> *cancel = nullptr;
};

// One subject as the suggesters see it: its reference image (as stored) and its region in the target.
struct SuggestSubject
{
    RgbaImage reference;
    std::optional<NormalizedBox> box;
    FloatMap mask; // any size, > 0.5 inside; empty: the box
};

// Region and feature suggestions for one subject (source "region" / "feature-match", status
// "suggested"). Feature matching needs OpenCV (Unsupported in the LibTorch-only build).
Status suggestPairs(const RgbaImage &target, const SuggestSubject &subject, const SuggestOptions &options,
                    std::vector<Correspondence> *out);
// The model's own attention: the target noised to options.noise, the references as branches, and
// per reference point the best target point of MOSAIC's reference -> target map inside the
// subject's region (source "model"). One list per subject.
// This form loads options.model (or the bundled model) for this call alone; a program that asks more
// than once loads the model itself and uses the form below.
Status suggestWithModel(const RgbaImage &target, const std::string &prompt, const std::vector<SuggestSubject> &subjects,
                        const SuggestOptions &options, std::vector<std::vector<Correspondence>> *out);
// The same on a model already loaded (options.model is not used).
Status suggestWithModel(ModelBundle &model, const RgbaImage &target, const std::string &prompt,
                        const std::vector<SuggestSubject> &subjects, const SuggestOptions &options,
                        std::vector<std::vector<Correspondence>> *out);
// From a generation: a subject's attention map over the result (GenerationResult::subjects[i].attention)
// taken as its region; the reference grid mapped into it, weighted by the map (source "generation").
Status suggestFromAttention(const SuggestSubject &subject, const FloatMap &attention, const SuggestOptions &options,
                            std::vector<Correspondence> *out);

// Applies a review decision to every suggested pair at or above `threshold` (others unchanged).
int reviewAbove(std::vector<Correspondence> *points, float threshold, ReviewStatus decision);

// GrabCut (OpenCV) initialised with a box: the foreground as a mask of the image's size (1 inside).
Status grabCut(const RgbaImage &image, const NormalizedBox &box, int iterations, FloatMap *mask);

// `mosaic dataset suggest DIR --method ...`: runs a suggester over every sample and writes the
// suggestions (replacing earlier suggestions of the same source; accepted, rejected and manual
// pairs are kept) atomically.
struct SuggestReport
{
    int samples = 0, subjects = 0, pairs = 0, skipped = 0;
    std::vector<std::string> warnings;
};
Status suggestDataset(const std::string &dir, const SuggestOptions &options, SuggestReport *report,
                      const std::function<void(int done, int total)> &progress = {});

// `mosaic dataset stats DIR`: counts per subject name, per status and per source.
struct DatasetStats
{
    int samples = 0, done = 0, subjects = 0, pairs = 0;
    std::map<std::string, std::map<std::string, int>> perSubject; // name -> status -> count
    std::map<std::string, int> perStatus, perSource;
    std::vector<DatasetProblem> problems;
};
Status datasetStats(const std::string &dir, DatasetStats *stats);

} // namespace mosaic
