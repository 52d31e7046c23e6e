// A stand-in for a pip LibTorch wheel's libtorch_cpu.so, which exports (weak) copies of libstdc++'s
// std::filesystem code: this library defines one of those functions itself, with an answer that the real
// one never gives, plus a symbol of its own so that the executables keep it among their libraries.
#include <filesystem>

namespace std::filesystem {
__attribute__((weak)) path temp_directory_path()
{
    return path("/interposed-by-a-dependency");
}
} // namespace std::filesystem

extern "C" int mosaic_interposer_marker()
{
    return 42;
}
