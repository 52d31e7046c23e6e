#pragma once
// A layout read from the prompt: each subject that the prompt places ("Pip on the left, Tock at the
// top right") gets a box there; the others are spread over what is left. Plain C++, no LibTorch, so
// that the app's Auto layout and the pipeline share it (docs/pipeline.md, "A layout from the prompt").

#include <mosaic/pipeline.h>

#include <optional>
#include <string>
#include <vector>

namespace mosaic {

struct LayoutSubject
{
    // Words that name the subject in the prompt (case-insensitive): its name, its word ("a block"),
    // its category. layoutKeys() makes them from any of these.
    std::vector<std::string> keys;
    std::optional<NormalizedBox> fixed; // already placed: kept as it is, and the others kept off it
};

struct PlannedBox
{
    NormalizedBox box;
    std::string clause; // the part of the prompt that placed the subject; empty when none did
};

// The words of `text` that can identify a subject, lower-case: letters and digits (and any non-ASCII
// bytes, so "Zoë" is one word), without articles and position words, and not digits alone.
std::vector<std::string> layoutKeys(const std::string &text);

// One box per subject, in the subjects' order, inside a width x height canvas (fractions of it).
// The prompt is read clause by clause (split at punctuation and "and"); a clause that names a subject
// and says left / right / middle (centre) and or top / upper / bottom / lower places the first subject
// not yet placed whose key it contains. Subjects in the same part are spread across it; those the
// prompt does not place are spread over the width in the order the prompt mentions them (then in the
// subjects' order). Boxes are square on the canvas, sized by the subject count, and pushed apart until
// they no longer overlap where the canvas allows; fixed boxes stay as given.
std::vector<PlannedBox> planLayout(const std::string &prompt, const std::vector<LayoutSubject> &subjects, int width = 1,
                                   int height = 1);

// planLayout for a request's subjects: keys from each subject's name and, where given, extraNames[i]
// (the app's word for it); subjects with a box, or a mask (its extent), are fixed there.
std::vector<PlannedBox> planRequestLayout(const GenerationRequest &request, int width, int height,
                                          const std::vector<std::string> &extraNames = {});

// What a person should hear before a run, in the same words from the CLI and the app: subjects without a
// region that the reference collage will paste where attention happens to land; an empty prompt that
// leaves subjects without a region unplaced; with auto layout, where each subject without a region goes
// (the clause that places it, or that none does). `collage` is the strength the run will use.
std::vector<std::string> placementNotes(const GenerationRequest &request, float collage, int width, int height);

} // namespace mosaic
