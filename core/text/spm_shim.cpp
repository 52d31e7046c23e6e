// A C interface to SentencePiece, built as its own module and loaded with dlopen(RTLD_LOCAL |
// RTLD_DEEPBIND) by spm_library.cpp. Debian's libsentencepiece carries its own copy of protobuf-lite and
// exports its symbols; linked into a program beside LibTorch's libprotobuf, one copy's symbols take
// the place of the other's and the program crashes before main. Loaded this way it binds to its own
// copy and its symbols stay out of the program's.
#include <sentencepiece_processor.h>

#include <cstring>
#include <string>
#include <vector>

namespace {

void setError(char *error, size_t size, const std::string &message)
{
    if (error && size > 0) {
        std::strncpy(error, message.c_str(), size - 1);
        error[size - 1] = '\0';
    }
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) void *mosaic_spm_load(const char *proto, size_t size, char *error, size_t errorSize)
{
    try {
        auto *sp = new sentencepiece::SentencePieceProcessor();
        const auto status = sp->LoadFromSerializedProto(std::string(proto, size));
        if (!status.ok()) {
            setError(error, errorSize, status.ToString());
            delete sp;
            return nullptr;
        }
        return sp;
    } catch (const std::exception &e) {
        setError(error, errorSize, e.what());
        return nullptr;
    }
}

// The ids of `text`, at most `capacity` written to `out`; returns how many there are (call again with
// more room when that is above capacity), or -1 with *error.
__attribute__((visibility("default"))) long mosaic_spm_encode(void *handle, const char *text, size_t size, int *out,
                                                              size_t capacity, char *error, size_t errorSize)
{
    try {
        std::vector<int> ids;
        const auto status = static_cast<sentencepiece::SentencePieceProcessor *>(handle)->Encode(std::string(text, size), &ids);
        if (!status.ok()) {
            setError(error, errorSize, status.ToString());
            return -1;
        }
        std::memcpy(out, ids.data(), std::min(ids.size(), capacity) * sizeof(int));
        return static_cast<long>(ids.size());
    } catch (const std::exception &e) {
        setError(error, errorSize, e.what());
        return -1;
    }
}

// 0: the number of pieces, 1: </s>'s id, 2: <pad>'s id, 3: <unk>'s id.
__attribute__((visibility("default"))) int mosaic_spm_info(void *handle, int what)
{
    const auto *sp = static_cast<sentencepiece::SentencePieceProcessor *>(handle);
    switch (what) {
    case 0: return sp->GetPieceSize();
    case 1: return sp->eos_id();
    case 2: return sp->pad_id();
    case 3: return sp->unk_id();
    default: return -1;
    }
}

__attribute__((visibility("default"))) void mosaic_spm_free(void *handle)
{
    delete static_cast<sentencepiece::SentencePieceProcessor *>(handle);
}

} // extern "C"
