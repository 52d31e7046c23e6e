// An evaluation's report: report.md with its table, the metrics explained, and the plots.
#include "eval/report.h"

#include <mosaic/image.h>

#include "eval/plot.h"
#include "util/atomic_file.h"
#include "util/strings.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace mosaic::eval {

namespace {

std::string fixed(double v, int digits)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

const uint32_t kVariantColors[] = {0xff1f77b4, 0xffd62728, 0xff2ca02c, 0xffff7f0e, 0xff9467bd, 0xff8c564b};

// Plots of one metric against the subject count: per variant the "regions" line (solid) and the
// "no regions" line (dashed), plus the ground truth and chance where they apply.
bool writePlot(const std::string &path, const std::string &title, const std::string &yLabel, const std::vector<EvalRow> &rows,
               const std::vector<std::string> &variants, double EvalRow::*metric, bool withReferenceLines)
{
    LinePlot plot;
    plot.title = title;
    plot.xLabel = "subjects";
    plot.yLabel = yLabel;
    plot.yMin = 0;
    plot.yMax = withReferenceLines ? 1 : 0;
    for (size_t v = 0; v < variants.size(); ++v)
        for (int regions = 1; regions >= 0; --regions) {
            PlotSeries s;
            s.name = variants[v] + (regions ? "" : " no reg.");
            s.color = kVariantColors[v % 6];
            s.dashed = !regions;
            for (const auto &r : rows)
                if (r.variant == variants[v] && r.condition == (regions ? "generated, regions" : "generated, no regions"))
                    s.points.emplace_back(r.subjects, r.*metric);
            plot.series.push_back(std::move(s));
        }
    if (withReferenceLines) {
        PlotSeries truth{"ground truth", 0xff777777, false, {}}, chance{"chance", 0xffaaaaaa, true, {}};
        for (const auto &r : rows)
            if (r.condition == "ground truth") {
                truth.points.emplace_back(r.subjects, r.*metric);
                chance.points.emplace_back(r.subjects, r.chance);
            }
        plot.series.push_back(truth);
        if (metric == &EvalRow::identityTop1)
            plot.series.push_back(chance);
    }
    return savePng(path, plot.render()).ok();
}

bool writeCorrespondencePlot(const std::string &path, const std::vector<EvalRow> &rows, const std::vector<std::string> &variants)
{
    LinePlot plot;
    plot.title = "correspondence PCK@10% against subject count";
    plot.xLabel = "subjects";
    plot.yLabel = "PCK";
    plot.yMin = 0;
    plot.yMax = 1;
    for (size_t v = 0; v < variants.size(); ++v) {
        PlotSeries s{variants[v], kVariantColors[v % 6], false, {}};
        for (const auto &r : rows)
            if (r.variant == variants[v] && r.correspondence10 >= 0)
                s.points.emplace_back(r.subjects, r.correspondence10);
        plot.series.push_back(std::move(s));
    }
    return savePng(path, plot.render()).ok();
}

} // namespace

// report.md with its plots.
void writeReport(const EvalOptions &o, bool fromDataset, const std::vector<std::pair<std::string, std::string>> &variants,
                 const std::vector<std::string> &descriptions, const std::vector<std::string> &grids,
                 const std::vector<EvalRow> &rows, EvalReport *report)
{
    std::vector<std::string> labels;
    for (const auto &vv : variants)
        labels.push_back(vv.first);
    const bool many = variants.size() > 1;
    std::string md = format("# Evaluation on {}\n\n", fromDataset ? "the dataset `" + o.dataDir + "`"
                                                                            : std::string("held-out MOSAIC-Toys identities"));
    md += many ? "Variants:\n\n" : "Model: ";
    for (const auto &dsc : descriptions)
        md += (many ? "- " : "") + dsc + (many ? "\n" : ".\n");
    md += format("\nUp to {} samples per subject count, seed {}; {} distractor identities", o.samples, o.seed,
                 o.distractors);
    md += fromDataset ? std::string(".\n\n")
                               : o.alignedShrink > 0 ? format("; token-aligned toys, each its reference shrunk {} times.\n\n", o.alignedShrink)
                               : "; subject scale " + fixed(o.minScale, 2) + "-" + fixed(o.maxScale, 2) + " of the image side.\n\n";
    md += std::string(many ? "| variant " : "") + "| subjects | condition | images | identity top-1 | chance | leakage | scene | layout | PCK@5% | PCK@10% | s/image |\n" +
          (many ? "|---" : "") + "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
    auto orDash = [](double v) { return v < 0 ? std::string("–") : fixed(v, 3); };
    for (const auto &r : rows)
        md += (many ? "| " + (r.variant.empty() ? std::string("–") : r.variant) + " " : std::string()) +
              format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", r.subjects, r.condition, r.images,
                     fixed(r.identityTop1, 3), fixed(r.chance, 3), fixed(r.leakage, 3), orDash(r.scene), orDash(r.layout),
                     orDash(r.correspondence5), orDash(r.correspondence10),
                     r.secondsPerImage > 0 ? fixed(r.secondsPerImage, 2) : std::string("–"));
    md += "\nIdentity: top-1 retrieval of each subject's reference (among the sample's references and the "
          "distractors) from the colour histogram of the image inside the subject's region (its mask, else its "
          "box). Leakage: how much more of a subject's colours appear in the other subjects' regions than in the "
          "ground truth. Scene: the background kind recognised from the pixels outside all regions (– where the "
          "prompt names no MOSAIC-Toys background). Layout: the share of each subject's attention mass inside its "
          "region (region guidance on). PCK: correspondence accuracy of the model's own attention: the ground-truth "
          "target noised to t = 0.5 with the references as branches; for each reference token on the subject, the "
          "target token inside its box where MOSAIC's reference -> target map peaks, against the exact "
          "correspondence (within 5 % / 10 % of the image; target tokens are 16 px apart). The ground-truth rows "
          "validate the metrics (near their best), the rotated rows their sensitivity (near chance). The "
          "autoencoder-reconstruction rows score the ground truth encoded and decoded by the model's own "
          "autoencoder: the most a transformer over it can reach.\n";
    if (o.autoLayout)
        md += "\nAuto layout: no regions given; each subject gets a box planned from the prompt's position words "
              "(mosaic/layout.h; a MOSAIC-Toys prompt names each subject's kind and left / middle / right, not how "
              "high it stands), used as its region and for the collage. Its identity is still scored inside the "
              "true region, its scene outside both the true regions and the planned boxes, and its layout is the share "
              "of each subject's attention inside the true region.\n";
    const fs::path dir(o.reportDir);
    bool plotted = writePlot((dir / "identity.png").string(), "identity top-1 against subject count", "top-1", rows,
                             labels, &EvalRow::identityTop1, true);
    plotted = writePlot((dir / "leakage.png").string(), "attribute leakage against subject count", "leakage", rows, labels,
                        &EvalRow::leakage, false) && plotted;
    const bool corrPlotted = std::any_of(rows.begin(), rows.end(), [](const EvalRow &r) { return r.correspondence10 >= 0; }) &&
                             writeCorrespondencePlot((dir / "correspondence.png").string(), rows, labels);
    if (plotted)
        md += "\n![identity against subject count](identity.png)\n\n![leakage against subject count](leakage.png)\n\n"
              "Solid: region guidance on; dashed: off.\n";
    if (corrPlotted)
        md += "\n![correspondence accuracy against subject count](correspondence.png)\n";
    if (!grids.empty()) {
        md += "\n";
        for (const auto &g : grids)
            md += g + "\n\n";
        md += "Rows: one sample per subject count. Columns: ground truth, generated with regions, generated "
              "without, the references.\n";
    }
    const std::string path = (dir / "report.md").string();
    writeFileAtomically(path, md);
    if (report) {
        report->rows = rows;
        report->markdown = path;
    }
}


} // namespace mosaic::eval
