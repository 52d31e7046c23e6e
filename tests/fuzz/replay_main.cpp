// A fuzz target without libFuzzer: runs LLVMFuzzerTestOneInput on every file of the folders (or
// files) given, so that every build replays the corpora and the crash reproducers as ordinary tests.
// Prints the count and exits 0 when every input returned.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    namespace fs = std::filesystem;
    int runs = 0;
    auto one = [&](const fs::path &p) {
        std::ifstream in(p, std::ios::binary);
        const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
        ++runs;
    };
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        if (fs::is_directory(arg)) {
            for (const auto &e : fs::recursive_directory_iterator(arg))
                if (e.is_regular_file())
                    one(e.path());
        } else {
            one(arg);
        }
    }
    std::printf("%d inputs replayed, none crashed\n", runs);
    return runs > 0 ? 0 : 1;
}
