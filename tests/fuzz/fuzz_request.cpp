// The request <-> JSON reader (PNG parameters, project files): mosaic/request.h.
#include "fuzz_support.h"

#include <mosaic/request.h>

#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FUZZ_GUARD({
        mosaic::GenerationRequest r;
        if (mosaic::requestFromJson(std::string(reinterpret_cast<const char *>(data), size), &r).ok())
            mosaic::requestToJson(r);
    });
}
