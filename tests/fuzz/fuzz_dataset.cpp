// A dataset folder's index.jsonl (core/data/dataset.cpp): read, validated, and rewritten in place.
#include "fuzz_support.h"

#include <mosaic/dataset.h>

#include "data/dataset_edit.h"
#include "util/error.h"

#include <fstream>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const bool meta = [] {
        std::ofstream(fuzz::scratch() + "/dataset.json") << "{\"format\": \"mosaic-dataset\", \"version\": 1}";
        return true;
    }();
    (void)meta;
    FUZZ_GUARD({
        fuzz::writeFile("index.jsonl", data, size);
        std::vector<mosaic::DatasetSample> samples;
        std::vector<mosaic::DatasetProblem> problems;
        mosaic::readDataset(fuzz::scratch(), &samples, &problems);
        problems.clear();
        mosaic::validateDataset(fuzz::scratch(), &problems);
        problems.clear();
        mosaic::data::editDataset(fuzz::scratch(), [](mosaic::DatasetSample &s) { s.done = !s.done; }, &problems, nullptr);
    });
}
