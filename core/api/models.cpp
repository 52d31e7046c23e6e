// Where the bundled model is found when no --model is given.
#include <mosaic/pipeline.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace mosaic {

namespace {

std::string executableDirectory()
{
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? std::string() : exe.parent_path().string();
}

} // namespace

std::vector<std::string> dataDirectories()
{
    std::vector<std::string> out;
    auto add = [&](const fs::path &p) {
        const std::string s = p.lexically_normal().string();
        for (const auto &o : out)
            if (o == s)
                return;
        out.push_back(s);
    };
    // Installed: <prefix>/bin/mosaic -> <prefix>/share/mosaic-studio (a relocated tree too).
    if (const std::string exe = executableDirectory(); !exe.empty())
        add(fs::path(exe) / ".." / "share" / "mosaic-studio");
#ifdef MOSAIC_INSTALL_DATADIR
    add(fs::path(MOSAIC_INSTALL_DATADIR)); // the prefix this build installs to
#endif
#ifdef MOSAIC_SOURCE_DIR
    add(fs::path(MOSAIC_SOURCE_DIR) / "resources"); // run from a build tree
#endif
    return out;
}

std::string findDataFile(const std::string &relative)
{
    for (const auto &d : dataDirectories()) {
        std::error_code ec;
        const fs::path p = fs::path(d) / relative;
        if (fs::exists(p, ec))
            return p.string();
    }
    return {};
}

std::vector<std::string> defaultModelCandidates()
{
    std::vector<std::string> out;
    if (const char *env = std::getenv("MOSAIC_MODEL"); env && *env)
        out.emplace_back(env);
    for (const auto &d : dataDirectories())
        out.push_back((fs::path(d) / "models" / kBundledModelFile).string());
    return out;
}

std::string findDefaultModel()
{
    for (const auto &c : defaultModelCandidates()) {
        std::error_code ec;
        if (fs::is_regular_file(c, ec))
            return c;
    }
    return {};
}

} // namespace mosaic
