// `mosaic bench train` (mosaic/tools.h): the recipe its jobs run, and their pace from the metrics.
#include <mosaic/pipeline.h>
#include <mosaic/tools.h>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace mosaic {

Status writeTrainBenchRecipe(const std::string &recipe, int steps, const std::string &path)
{
    return guarded([&] {
        const std::string from = recipe.empty() ? findDataFile("recipes/toys.json") : recipe;
        if (from.empty())
            throw Error(StatusCode::NotFound, "the bundled model's recipe (recipes/toys.json) is not installed: give --recipe");
        std::ifstream in(from);
        if (!in)
            throw Error(StatusCode::NotFound, "cannot read " + from);
        nlohmann::json r;
        try {
            r = nlohmann::json::parse(in, nullptr, true, false);
        } catch (const nlohmann::json::exception &e) {
            throw Error(StatusCode::CorruptFile, from + ": " + e.what());
        }
        if (!r.is_object())
            throw Error(StatusCode::CorruptFile, from + ": not a recipe");
        if (recipe.empty() && r.contains("init") && r["init"].is_object())
            r["init"].erase("autoencoder"); // (the first stage's run is not installed: a random autoencoder)
        r["autocast"] = false;
        r["steps"] = steps;
        r["checkpoint_every"] = steps;
        r["sample_every"] = 0;
        r["probe_every"] = 0;
        writeFileAtomically(path, r.dump(1) + "\n");
    });
}

Status trainingPace(const std::string &metricsPath, int skip, double *stepsPerSecond)
{
    return guarded([&] {
        std::ifstream in(metricsPath);
        std::string line;
        if (!std::getline(in, line))
            throw Error(StatusCode::NotFound, "no metrics in " + metricsPath);
        std::vector<std::string> header;
        {
            std::istringstream h(line);
            for (std::string c; std::getline(h, c, ',');)
                header.push_back(c);
        }
        size_t column = header.size();
        for (size_t i = 0; i < header.size(); ++i)
            if (header[i] == "seconds")
                column = i;
        if (column == header.size())
            throw Error(StatusCode::CorruptFile, metricsPath + " has no seconds column");
        std::vector<double> seconds;
        while (std::getline(in, line)) {
            std::istringstream row(line);
            std::string c;
            for (size_t i = 0; std::getline(row, c, ','); ++i)
                if (i == column)
                    seconds.push_back(std::stod(c));
        }
        if (static_cast<int>(seconds.size()) < skip + 2)
            throw Error(StatusCode::InvalidArgument, format("{} holds {} steps: too few to time after the first {}",
                                                            metricsPath, seconds.size(), skip));
        const double span = seconds.back() - seconds[static_cast<size_t>(skip)];
        *stepsPerSecond = span > 0 ? static_cast<double>(seconds.size() - 1 - static_cast<size_t>(skip)) / span : 0.0;
    });
}

} // namespace mosaic
