#pragma once
// An evaluation's report (mosaic eval): report.md with the table of every row, what each metric
// means, the identity, leakage and correspondence plots, and the sample grids already written.

#include <mosaic/eval.h>

#include <string>
#include <utility>
#include <vector>

namespace mosaic::eval {

void writeReport(const EvalOptions &options, bool fromDataset,
                 const std::vector<std::pair<std::string, std::string>> &variants,
                 const std::vector<std::string> &descriptions, const std::vector<std::string> &grids,
                 const std::vector<EvalRow> &rows, EvalReport *report);

} // namespace mosaic::eval
