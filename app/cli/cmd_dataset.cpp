// mosaic synth, mosaic dataset validate|import-semalign|suggest|stats.
#include "args.h"

#include <mosaic/annotate.h>
#include <mosaic/dataset.h>

#include <cstdio>
#include <cstdlib>

namespace cli {

int runSynth(const Args &args)
{
    const auto unknown = args.unknown({"count", "subjects", "size", "ref-size", "split", "seed", "scale", "aligned", "out"});
    if (!unknown.empty() || !args.error().empty() || !args.has("out") || !args.positional().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic synth: unknown option %s\n", u.c_str());
        printUsage("synth", stderr);
        return kExitUsage;
    }
    mosaic::ToysOptions o;
    o.alignedShrink = args.intValue("aligned", 0);
    o.count = args.intValue("count", o.count);
    o.size = args.intValue("size", o.size);
    o.refSize = args.intValue("ref-size", o.size);
    o.split = args.value("split", o.split);
    o.seed = static_cast<uint64_t>(args.intValue("seed", 1));
    if (args.has("scale") && !parseScale(args.value("scale"), &o.minScale, &o.maxScale)) {
        std::fprintf(stderr, "mosaic synth: --scale takes MIN,MAX (the toys' size as a fraction of the image side), not '%s'\n",
                     args.value("scale").c_str());
        return kExitUsage;
    }
    const std::string range = args.value("subjects", "1-6");
    if (std::sscanf(range.c_str(), "%d-%d", &o.minSubjects, &o.maxSubjects) != 2) {
        if (std::sscanf(range.c_str(), "%d", &o.minSubjects) != 1) {
            std::fprintf(stderr, "mosaic synth: --subjects expects N or MIN-MAX, got '%s'\n", range.c_str());
            return kExitUsage;
        }
        o.maxSubjects = o.minSubjects;
    }
    mosaic::ToysReport report;
    const auto st = mosaic::synthesizeToys(args.value("out"), o, &report,
                                           [](int done, int total) { printProgress(done, total); });
    if (!st.ok()) {
        std::fprintf(stderr, "\nmosaic synth: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("wrote %d samples to %s in %.1f s (%.1f samples/s)\n", report.samples, args.value("out").c_str(),
                report.seconds, report.samplesPerSecond);
    return kExitOk;
}

namespace {

int runSuggest(const Args &args, const std::string &dir)
{
    const auto unknown = args.unknown({"method", "min-confidence", "grid", "model", "noise", "seed", "max-pairs"});
    mosaic::SuggestOptions o;
    if (!unknown.empty() || !args.error().empty() || !args.has("method") ||
        !mosaic::parseSuggestMethod(args.value("method"), &o.method) || o.method == mosaic::SuggestMethod::Generation) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic dataset suggest: unknown option %s\n", u.c_str());
        if (args.has("method"))
            std::fprintf(stderr, "mosaic dataset suggest: --method is region, features or model, not '%s'\n",
                         args.value("method").c_str());
        printUsage("dataset suggest", stderr);
        return kExitUsage;
    }
    auto number = [&](const char *name, double fallback, double lo, double hi, double *out) {
        if (!args.has(name)) {
            *out = fallback;
            return true;
        }
        char *end = nullptr;
        const std::string v = args.value(name);
        *out = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !(*out >= lo && *out <= hi)) {
            std::fprintf(stderr, "mosaic dataset suggest: --%s expects a number in [%g, %g], got '%s'\n", name, lo, hi, v.c_str());
            return false;
        }
        return true;
    };
    double minConf, noise;
    if (!number("min-confidence", 0.0, 0.0, 1.0, &minConf) || !number("noise", 0.5, 0.01, 0.99, &noise))
        return kExitUsage;
    o.minConfidence = static_cast<float>(minConf);
    o.noise = static_cast<float>(noise);
    o.grid = args.intValue("grid", o.grid);
    o.maxPairs = args.intValue("max-pairs", o.maxPairs);
    o.seed = static_cast<uint64_t>(args.intValue("seed", 1));
    o.model = args.value("model");
    mosaic::SuggestReport report;
    const auto st = mosaic::suggestDataset(dir, o, &report, [](int done, int total) { printProgress(done, total); });
    for (const auto &w : report.warnings)
        std::fprintf(stderr, "warning: %s\n", w.c_str());
    if (!st.ok()) {
        std::fprintf(stderr, "\nmosaic dataset suggest: %s\n", st.message.c_str());
        return kExitFailure;
    }
    std::printf("%s: %d suggested pairs (%s) for %d subjects in %d samples; %d skipped\n", dir.c_str(), report.pairs,
                mosaic::suggestMethodName(o.method), report.subjects, report.samples, report.skipped);
    return kExitOk;
}

} // namespace

int runDataset(const Args &args)
{
    const auto &pos = args.positional();
    if (pos.size() == 2 && pos[0] == "validate") {
        std::vector<mosaic::DatasetProblem> problems;
        const auto st = mosaic::validateDataset(pos[1], &problems);
        if (!st.ok()) {
            std::fprintf(stderr, "mosaic dataset validate: %s\n", st.message.c_str());
            return kExitFailure;
        }
        for (const auto &p : problems)
            std::printf("%s: %s\n", pos[1].c_str(), p.text().c_str());
        if (!problems.empty()) {
            std::printf("%zu problem(s)\n", problems.size());
            return kExitFailure;
        }
        std::vector<mosaic::DatasetSample> samples;
        mosaic::readDataset(pos[1], &samples, &problems);
        std::printf("%s: %zu samples, no problems\n", pos[1].c_str(), samples.size());
        return kExitOk;
    }
    if (pos.size() == 1 && pos[0] == "import-semalign") {
        if (!args.has("source") || !args.has("index") || !args.has("out")) {
            printUsage("dataset import-semalign", stderr);
            return kExitUsage;
        }
        mosaic::SemAlignImportOptions o;
        o.sourceDir = args.value("source");
        o.indexFile = args.value("index");
        o.outputDir = args.value("out");
        o.grid = args.intValue("grid", o.grid);
        mosaic::SemAlignImportReport report;
        const auto st = mosaic::importSemAlign(o, &report);
        for (const auto &w : report.warnings)
            std::fprintf(stderr, "warning: %s\n", w.c_str());
        if (!st.ok()) {
            std::fprintf(stderr, "mosaic dataset import-semalign: %s\n", st.message.c_str());
            return kExitFailure;
        }
        std::printf("imported %d samples (%d skipped), %d token pairs, into %s\n", report.samples, report.skipped,
                    report.pairs, o.outputDir.c_str());
        return kExitOk;
    }
    if (pos.size() == 2 && pos[0] == "suggest")
        return runSuggest(args, pos[1]);
    if (pos.size() == 2 && pos[0] == "stats") {
        mosaic::DatasetStats s;
        const auto st = mosaic::datasetStats(pos[1], &s);
        if (!st.ok()) {
            std::fprintf(stderr, "mosaic dataset stats: %s\n", st.message.c_str());
            return kExitFailure;
        }
        std::printf("%s: %d samples (%d done), %d subjects, %d pairs\n", pos[1].c_str(), s.samples, s.done, s.subjects, s.pairs);
        std::printf("%-24s %9s %9s %9s %7s\n", "subject", "suggested", "accepted", "rejected", "total");
        for (const auto &[name, counts] : s.perSubject) {
            auto get = [&](const char *k) { const auto it = counts.find(k); return it == counts.end() ? 0 : it->second; };
            std::printf("%-24s %9d %9d %9d %7d\n", name.c_str(), get("suggested"), get("accepted"), get("rejected"),
                        get("suggested") + get("accepted") + get("rejected"));
        }
        std::printf("by source:");
        for (const auto &[src, n] : s.perSource)
            std::printf(" %s %d", src.c_str(), n);
        std::printf("\n");
        for (const auto &p : s.problems)
            std::printf("problem: %s\n", p.text().c_str());
        return kExitOk;
    }
    printUsage("dataset", stderr);
    return kExitUsage;
}

} // namespace cli
