// mosaic synth, mosaic dataset validate, mosaic dataset import-semalign.
#include "args.h"

#include <mosaic/dataset.h>

#include <cstdio>

namespace cli {

int runSynth(const Args &args)
{
    const auto unknown = args.unknown({"count", "subjects", "size", "ref-size", "split", "seed", "out"});
    if (!unknown.empty() || !args.error().empty() || !args.has("out") || !args.positional().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic synth: unknown option %s\n", u.c_str());
        std::fprintf(stderr, "usage: mosaic synth --count N [--subjects 1-6] [--size 256] [--ref-size 256]"
                             " [--split train|test] [--seed K] --out DIR\n");
        return kExitUsage;
    }
    mosaic::ToysOptions o;
    o.count = args.intValue("count", o.count);
    o.size = args.intValue("size", o.size);
    o.refSize = args.intValue("ref-size", o.size);
    o.split = args.value("split", o.split);
    o.seed = static_cast<uint64_t>(args.intValue("seed", 1));
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
            std::fprintf(stderr, "usage: mosaic dataset import-semalign --source DIR --index INDEX.jsonl --out DIR"
                                 " [--grid 32]\n");
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
    std::fprintf(stderr, "usage: mosaic dataset validate DIR\n"
                         "       mosaic dataset import-semalign --source DIR --index INDEX.jsonl --out DIR\n");
    return kExitUsage;
}

} // namespace cli
