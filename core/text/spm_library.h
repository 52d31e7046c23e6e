#pragma once
// SentencePiece through its shim module (spm_shim.cpp), loaded on first use. Throws Error(Unsupported)
// naming the module and the loader's reason when it cannot be loaded.

#include <cstddef>

namespace mosaic::text {

struct SpmApi
{
    void *(*load)(const char *proto, size_t size, char *error, size_t errorSize);
    long (*encode)(void *handle, const char *text, size_t size, int *out, size_t capacity, char *error, size_t errorSize);
    int (*info)(void *handle, int what);
    void (*free)(void *handle);
};

const SpmApi &spmApi();

} // namespace mosaic::text
