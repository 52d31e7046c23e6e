// mosaic eval: a model measured on held-out MOSAIC-Toys identities; writes a Markdown report.
#include "args.h"

#include <mosaic/eval.h>
#include <mosaic/pipeline.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace cli {

int runEval(const Args &args)
{
    const auto unknown = args.unknown({"model", "variants", "data", "report", "samples", "subjects", "distractors", "steps", "seed", "scale",
                                       "aligned", "cfg", "ref-cfg", "from-truth", "collage", "size", "auto-layout"});
    if (!unknown.empty() || !args.error().empty() || !args.has("report") || !args.positional().empty()) {
        for (const auto &u : unknown)
            std::fprintf(stderr, "mosaic eval: unknown option %s\n", u.c_str());
        printUsage("eval", stderr);
        return kExitUsage;
    }
    mosaic::EvalOptions o;
    o.model = args.value("model");
    o.dataDir = args.value("data");
    if (args.has("variants")) {
        std::stringstream ss(args.value("variants"));
        std::string item;
        while (std::getline(ss, item, ',')) {
            const auto eq = item.find('=');
            if (eq == std::string::npos || eq == 0 || eq + 1 == item.size()) {
                std::fprintf(stderr, "mosaic eval: --variants takes NAME=BUNDLE pairs separated by commas, not '%s'\n", item.c_str());
                return kExitUsage;
            }
            o.variants.emplace_back(item.substr(0, eq), item.substr(eq + 1));
        }
    }
    if (o.model.empty() && o.variants.empty())
        o.model = mosaic::findDefaultModel();
    if (o.model.empty() && o.variants.empty()) {
        std::fprintf(stderr, "mosaic eval: no --model given and the bundled model was not found\n");
        return kExitFailure;
    }
    o.reportDir = args.value("report");
    o.samples = args.intValue("samples", o.samples);
    o.distractors = args.intValue("distractors", o.distractors);
    o.steps = args.intValue("steps", 0);
    o.cfgScale = args.doubleValue("cfg", -1.0);
    o.refCfgScale = args.doubleValue("ref-cfg", -1.0);
    o.collage = args.doubleValue("collage", -1.0);
    o.size = args.intValue("size", 0);
    o.alignedShrink = args.intValue("aligned", 0);
    o.fromTruth = args.doubleValue("from-truth", 1.0);
    o.autoLayout = args.has("auto-layout");
    o.seed = static_cast<uint64_t>(args.intValue("seed", static_cast<int>(o.seed)));
    if (args.has("scale") && !parseScale(args.value("scale"), &o.minScale, &o.maxScale)) {
        std::fprintf(stderr, "mosaic eval: --scale takes MIN,MAX (the toys' size as a fraction of the image side), not '%s'\n",
                     args.value("scale").c_str());
        return kExitUsage;
    }
    if (args.has("subjects")) {
        std::string bad;
        bool ok = parseIntList(args.value("subjects"), &o.subjectCounts, &bad);
        for (int k : o.subjectCounts)
            if (ok && (k < 1 || k > 64)) {
                bad = std::to_string(k);
                ok = false;
            }
        if (!ok) {
            std::fprintf(stderr, "mosaic eval: --subjects takes counts separated by commas, not '%s' (1 to 64 subjects)\n",
                         bad.c_str());
            return kExitUsage;
        }
    }
    mosaic::EvalReport report;
    const auto st = mosaic::runEvaluation(o, &report, [](int done, int total) { printProgress(done, total, -1); });
    if (!st.ok()) {
        std::fprintf(stderr, "\nmosaic eval: %s\n", st.message.c_str());
        return st.code == mosaic::StatusCode::InvalidArgument ? kExitUsage : kExitFailure;
    }
    std::printf("%-12s %-3s %-32s %6s %9s %7s %8s %6s %7s %7s\n", "variant", "k", "condition", "images", "identity", "chance",
                "leakage", "scene", "layout", "PCK@10");
    for (const auto &r : report.rows)
        std::printf("%-12s %-3d %-32s %6d %9.3f %7.3f %8.3f %6.3f %7.3f %7.3f\n", r.variant.empty() ? "-" : r.variant.c_str(),
                    r.subjects, r.condition.c_str(), r.images, r.identityTop1, r.chance, r.leakage, r.scene, r.layout,
                    r.correspondence10);
    std::printf("report %s\n", report.markdown.c_str());
    return kExitOk;
}

} // namespace cli
