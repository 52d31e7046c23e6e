// A tensor saved by torch.save (SemAlign's coordinate files): core/data/torch_file.cpp.
#include "fuzz_support.h"

#include "data/torch_file.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FUZZ_GUARD({ mosaic::data::readTorchSavedTensor(std::vector<char>(data, data + size), "input.pt"); });
}
