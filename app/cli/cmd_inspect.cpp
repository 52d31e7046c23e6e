#include "args.h"

#include <mosaic/modelset.h>
#include <mosaic/tools.h>

#include <filesystem>

#include <cstdio>
#include <utility>

namespace cli {

namespace {

std::string shapeText(const std::vector<int64_t> &shape)
{
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::string count(uint64_t n)
{
    char buf[32];
    if (n >= 1000000000ULL)
        std::snprintf(buf, sizeof buf, "%.3f B", n / 1e9);
    else if (n >= 1000000ULL)
        std::snprintf(buf, sizeof buf, "%.3f M", n / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
    return buf;
}

} // namespace

namespace {

// The model set a transformer file or a folder belongs to.
int printModelSet(const Args &args, const std::string &path)
{
    mosaic::ModelSetSpec spec;
    std::string error;
    if (!modelSetSpec(args, path, &spec, &error)) {
        std::fprintf(stderr, "mosaic inspect: %s\n", error.c_str());
        return kExitUsage;
    }
    mosaic::ModelSetReport report;
    const mosaic::Status st = mosaic::inspectModelSet(spec, &report);
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic inspect: %s\n", st.message.c_str());
        return kExitFailure;
    }
    std::fputs(report.text().c_str(), stdout);
    return report.complete ? kExitOk : kExitFailure;
}

} // namespace

int runInspect(const Args &args)
{
    const auto unknown = args.unknown({"json", "t5", "clip", "ae", "lora", "t5-tokenizer", "clip-tokenizer"});
    if (!args.error().empty() || args.positional().size() != 1 || !unknown.empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic inspect: unknown option %s\n", u.c_str());
        printUsage("inspect", stderr);
        return kExitUsage;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(args.positional()[0], ec))
        return printModelSet(args, args.positional()[0]);
    mosaic::CheckpointSummary s;
    const mosaic::Status st = mosaic::inspectCheckpoint(args.positional()[0], &s);
    if (!st.ok()) {
        std::fprintf(stderr, "mosaic inspect: %s\n", st.message.c_str());
        return kExitFailure;
    }
    size_t width = 4;
    for (const auto &t : s.tensors)
        width = std::max(width, t.name.size());
    std::printf("%-*s  %-6s  %s\n", static_cast<int>(width), "name", "dtype", "shape");
    for (const auto &t : s.tensors)
        std::printf("%-*s  %-6s  %s\n", static_cast<int>(width), t.name.c_str(), t.dtype.c_str(),
                    shapeText(t.shape).c_str());
    std::printf("\nfile:          %s (%llu bytes, %d shard%s)\n", s.path.c_str(),
                static_cast<unsigned long long>(s.fileBytes), s.shards, s.shards == 1 ? "" : "s");
    std::printf("tensors:       %zu\n", s.tensors.size());
    std::printf("parameters:    %s (%llu)\n", count(s.parameterCount).c_str(),
                static_cast<unsigned long long>(s.parameterCount));
    std::printf("architecture:  %s%s%s\n", s.architecture.c_str(), s.variant.empty() ? "" : ", ", s.variant.c_str());
    std::printf("layout:        %s%s%s\n", s.layout.c_str(), s.prefix.empty() ? "" : ", key prefix ",
                s.prefix.c_str());
    if (!s.configJson.empty())
        std::printf("config:        %s\n", s.configJson.c_str());
    if (!s.metadata.empty()) {
        std::printf("metadata:\n");
        for (const auto &m : s.metadata)
            std::printf("  %s: %s\n", m.first.c_str(), m.second.c_str());
    }
    if (s.architecture == "flux-transformer") {
        // The set the file belongs to, for information: the file itself was read, whatever the set lacks.
        std::printf("\n");
        const int rc = printModelSet(args, args.positional()[0]);
        return rc == kExitUsage ? rc : kExitOk;
    }
    return kExitOk;
}

int runSetDefaults(const Args &args)
{
    const auto unknown = args.unknown({"cfg", "ref-cfg", "collage", "size", "out"});
    if (!unknown.empty() || !args.error().empty() || args.positional().size() != 1 ||
        !(args.has("cfg") || args.has("ref-cfg") || args.has("collage") || args.has("size"))) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic set-defaults: unknown option %s\n", u.c_str());
        printUsage("set-defaults", stderr);
        return kExitUsage;
    }
    mosaic::BundleDefaultsEdit edit;
    edit.cfg = args.doubleValue("cfg", -1.0);
    edit.refCfg = args.doubleValue("ref-cfg", -1.0);
    edit.collage = args.doubleValue("collage", -1.0);
    edit.size = args.intValue("size", 0);
    if (args.has("size") && edit.size <= 0) {
        std::fprintf(stderr, "mosaic set-defaults: --size must be a positive multiple of 16, not %d\n", edit.size);
        return kExitUsage;
    }
    if (args.has("collage") && edit.collage < 0.0) {
        std::fprintf(stderr, "mosaic set-defaults: --collage must be at least 0 (off) and below 1, not %g\n", edit.collage);
        return kExitUsage;
    }
    for (const auto &[name, v] : {std::pair<const char *, double>{"cfg", edit.cfg}, {"ref-cfg", edit.refCfg}})
        if (args.has(name) && v < 0.0) { // negative means "unchanged" to the core
            std::fprintf(stderr, "mosaic set-defaults: --%s must be between 1 and 100 (1 is off), not %g\n", name, v);
            return kExitUsage;
        }
    const std::string in = args.positional()[0], out = args.value("out", in);
    if (const mosaic::Status st = mosaic::setBundleDefaults(in, out, edit); !st.ok()) {
        std::fprintf(stderr, "mosaic set-defaults: %s\n", st.message.c_str());
        return kExitFailure;
    }
    std::printf("%s:", out.c_str());
    if (edit.cfg >= 0.0)
        std::printf(" default CFG %g", edit.cfg);
    if (edit.refCfg >= 0.0)
        std::printf("%s default reference CFG %g", edit.cfg >= 0.0 ? "," : "", edit.refCfg);
    if (edit.collage >= 0.0)
        std::printf("%s default reference collage %g", edit.cfg >= 0.0 || edit.refCfg >= 0.0 ? "," : "", edit.collage);
    if (edit.size != 0)
        std::printf("%s default size %d", edit.cfg >= 0.0 || edit.refCfg >= 0.0 || edit.collage >= 0.0 ? "," : "",
                    edit.size);
    std::printf("\n");
    return kExitOk;
}

} // namespace cli
