#pragma once
// Rewriting a dataset's index in place without losing what a user made: a line that does not read
// as a sample, or reads with a problem, is written back byte for byte; fields this version does not
// know are kept; the write is atomic. Used by the commands that change a dataset (dataset suggest).

#include <mosaic/dataset.h>

#include <functional>
#include <string>
#include <vector>

namespace mosaic::data {

struct EditReport
{
    int edited = 0;       // samples handed to the edit
    std::vector<int> kept; // lines written back as they were (unreadable, or with problems)
};

// `edit` gets every sample that reads without a problem, in index order.
Status editDataset(const std::string &dir, const std::function<void(DatasetSample &)> &edit,
                   std::vector<DatasetProblem> *problems, EditReport *report);

} // namespace mosaic::data
