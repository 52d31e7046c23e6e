// Which std::filesystem::temp_directory_path() does this executable call: libstdc++'s, or the copy in a
// library linked before it? Exit 0 when the answer is the one expected (argument "libstdc++" or
// "interposer"), 1 otherwise. Built with MOSAIC_STDCXX_FIRST before that library (libstdc++ first; it must
// call libstdc++) and without it (the control: it must call the copy, or this check proves nothing).
#include <cstdio>
#include <cstring>
#include <filesystem>

extern "C" int mosaic_interposer_marker();

int main(int argc, char **argv)
{
    if (argc != 2 || (std::strcmp(argv[1], "libstdc++") != 0 && std::strcmp(argv[1], "interposer") != 0)) {
        std::fprintf(stderr, "usage: %s libstdc++|interposer\n", argv[0]);
        return 2;
    }
    const std::string got = std::filesystem::temp_directory_path().string();
    const bool interposed = got == "/interposed-by-a-dependency";
    std::printf("temp_directory_path() = %s: served by %s (marker %d)\n", got.c_str(),
                interposed ? "the library linked before libstdc++" : "libstdc++", mosaic_interposer_marker());
    const bool wantInterposer = std::strcmp(argv[1], "interposer") == 0;
    return interposed == wantInterposer ? 0 : 1;
}
