#include "text/spm_library.h"

#include "util/error.h"
#include "util/log.h"

#include <dlfcn.h>
#include <filesystem>
#include <mutex>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace mosaic::text {

namespace {

constexpr const char *kModule = "libmosaic_sentencepiece.so";

// Where the module may be: $MOSAIC_SENTENCEPIECE_MODULE, beside the program's installed tree
// (bin/../lib/mosaic-studio), the configured install prefix, the build tree.
std::vector<std::string> candidates()
{
    std::vector<std::string> out;
    if (const char *env = std::getenv("MOSAIC_SENTENCEPIECE_MODULE"); env && *env)
        out.emplace_back(env);
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        out.push_back((exe.parent_path().parent_path() / MOSAIC_INSTALL_LIBDIR / "mosaic-studio" / kModule).string());
    out.emplace_back(MOSAIC_SPM_INSTALL_PATH);
    out.emplace_back(MOSAIC_SPM_BUILD_PATH);
    return out;
}

SpmApi loadApi()
{
    std::string reasons;
    for (const std::string &path : candidates()) {
        std::error_code ec;
        if (!fs::exists(path, ec))
            continue;
        int flags = RTLD_NOW | RTLD_LOCAL;
#if !defined(__SANITIZE_ADDRESS__) && !(defined(__has_feature) && __has_feature(address_sanitizer))
        flags |= RTLD_DEEPBIND; // the sanitizers' runtime refuses it
#endif
        void *handle = ::dlopen(path.c_str(), flags);
        if (!handle) {
            reasons += std::string("; ") + ::dlerror();
            continue;
        }
        SpmApi api{};
        api.load = reinterpret_cast<decltype(api.load)>(::dlsym(handle, "mosaic_spm_load"));
        api.encode = reinterpret_cast<decltype(api.encode)>(::dlsym(handle, "mosaic_spm_encode"));
        api.info = reinterpret_cast<decltype(api.info)>(::dlsym(handle, "mosaic_spm_info"));
        api.free = reinterpret_cast<decltype(api.free)>(::dlsym(handle, "mosaic_spm_free"));
        if (api.load && api.encode && api.info && api.free) {
            log::info("core.text", "SentencePiece from {}", path);
            return api; // kept loaded for the process
        }
        reasons += "; " + path + " lacks its functions";
        ::dlclose(handle);
    }
    throw Error(StatusCode::Unsupported, std::string("cannot load SentencePiece (") + kModule + ", T5's tokenizer)" +
                                             (reasons.empty() ? ": not installed" : reasons));
}

} // namespace

const SpmApi &spmApi()
{
    static std::once_flag once;
    static SpmApi api{};
    static std::string failure;
    std::call_once(once, [] {
        try {
            api = loadApi();
        } catch (const Error &e) {
            failure = e.what();
        }
    });
    if (!failure.empty())
        throw Error(StatusCode::Unsupported, failure);
    return api;
}

} // namespace mosaic::text
