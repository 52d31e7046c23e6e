#include "args.h"

#include <mosaic/runtime.h>

#include <cctype>

#include <cerrno>
#include <climits>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace cli {

Args::Args(const std::vector<std::string> &argv, const std::vector<std::string> &flags)
{
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string &a = argv[i];
        if (a == "--help" || a == "-h") {
            m_help = true;
            continue;
        }
        if (a.size() > 2 && a.compare(0, 2, "--") == 0) {
            std::string name = a.substr(2), val;
            const auto eq = name.find('=');
            if (eq != std::string::npos) {
                val = name.substr(eq + 1);
                name = name.substr(0, eq);
            } else if (std::find(flags.begin(), flags.end(), name) == flags.end()) {
                if (i + 1 >= argv.size()) {
                    m_error = "option --" + name + " needs a value";
                    continue;
                }
                val = argv[++i];
            }
            m_options[name].push_back(val);
        } else {
            m_positional.push_back(a);
        }
    }
}

std::string Args::value(const std::string &name, const std::string &fallback) const
{
    auto it = m_options.find(name);
    return it == m_options.end() ? fallback : it->second.back();
}

std::vector<std::string> Args::values(const std::string &name) const
{
    auto it = m_options.find(name);
    return it == m_options.end() ? std::vector<std::string>{} : it->second;
}

int Args::intValue(const std::string &name, int fallback) const
{
    auto it = m_options.find(name);
    if (it == m_options.end())
        return fallback;
    const std::string &text = it->second.back();
    size_t used = 0;
    int v = 0;
    try {
        v = std::stoi(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        throw std::invalid_argument("--" + name + " expects a whole number, got '" + text + "'");
    return v;
}

double Args::doubleValue(const std::string &name, double fallback) const
{
    auto it = m_options.find(name);
    if (it == m_options.end())
        return fallback;
    const std::string &text = it->second.back();
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != text.size())
        throw std::invalid_argument("--" + name + " expects a number, got '" + text + "'");
    return v;
}

std::vector<std::string> Args::unknown(const std::vector<std::string> &known) const
{
    std::vector<std::string> out;
    for (const auto &e : m_options)
        if (std::find(known.begin(), known.end(), e.first) == known.end())
            out.push_back("--" + e.first);
    return out;
}

bool parseScale(const std::string &text, double *minValue, double *maxValue)
{
    const auto comma = text.find(',');
    if (comma == std::string::npos)
        return false;
    const std::string a = text.substr(0, comma), b = text.substr(comma + 1);
    char *endA = nullptr, *endB = nullptr;
    const double lo = std::strtod(a.c_str(), &endA), hi = std::strtod(b.c_str(), &endB);
    if (a.empty() || b.empty() || *endA != '\0' || *endB != '\0')
        return false;
    *minValue = lo;
    *maxValue = hi;
    return true;
}

bool modelSetSpec(const Args &args, const std::string &model, mosaic::ModelSetSpec *spec, std::string *error)
{
    spec->model = model;
    spec->t5 = args.value("t5");
    spec->clip = args.value("clip");
    spec->ae = args.value("ae");
    spec->t5Tokenizer = args.value("t5-tokenizer");
    spec->clipTokenizer = args.value("clip-tokenizer");
    spec->dtype = args.value("dtype", "auto");
    spec->textDtype = args.value("text-dtype", "f32");
    const auto loras = args.values("lora");
    for (const auto &l : loras) {
        mosaic::LoraSpec ls;
        if (!mosaic::parseLoraSpec(l, &ls)) {
            *error = "--lora '" + l + "': expected FILE or FILE:SCALE";
            return false;
        }
        spec->loras.push_back(ls);
    }
    spec->device = args.value("device", "auto");
    // --max-vram is --max-memory named for a GPU: the budget is on the device the transformer runs on.
    if (args.has("max-memory") && args.has("max-vram")) {
        *error = "--max-memory and --max-vram are one budget (on the device the transformer runs on): give one";
        return false;
    }
    const std::string budgetOption = args.has("max-vram") ? "max-vram" : "max-memory";
    if (args.has(budgetOption) && !parseByteSize(args.value(budgetOption), &spec->maxMemory)) {
        *error = "--" + budgetOption + " '" + args.value(budgetOption) + "': expected a size such as 12G, 500M or a number of bytes";
        return false;
    }
    if (budgetOption == "max-vram" && args.has("max-vram") && (spec->device == "cpu" || !mosaic::cudaAvailable())) {
        *error = "--max-vram is a GPU's budget, and this run is on the CPU" +
                 std::string(mosaic::cudaAvailable() ? " (--device cpu)" : " (this build of LibTorch sees no GPU)") +
                 ": use --max-memory";
        return false;
    }
    return true;
}

bool parseByteSize(const std::string &text, uint64_t *bytes)
{
    size_t used = 0;
    double v = 0;
    try {
        v = std::stod(text, &used);
    } catch (const std::exception &) {
        return false;
    }
    std::string unit = text.substr(used);
    for (auto &c : unit)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    double m = 1;
    if (unit.empty() || unit == "B")
        m = 1;
    else if (unit == "K" || unit == "KB" || unit == "KIB")
        m = 1024.0;
    else if (unit == "M" || unit == "MB" || unit == "MIB")
        m = 1024.0 * 1024;
    else if (unit == "G" || unit == "GB" || unit == "GIB")
        m = 1024.0 * 1024 * 1024;
    else if (unit == "T" || unit == "TB" || unit == "TIB")
        m = 1024.0 * 1024 * 1024 * 1024;
    else
        return false;
    if (!(v >= 0) || v * m > 1e18)
        return false;
    *bytes = static_cast<uint64_t>(v * m);
    return true;
}

bool parseIntList(const std::string &text, std::vector<int> *values, std::string *bad)
{
    std::vector<int> out;
    size_t start = 0;
    while (true) {
        const size_t comma = text.find(',', start);
        const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        char *end = nullptr;
        errno = 0;
        const long v = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || errno == ERANGE || v < INT_MIN || v > INT_MAX || out.size() >= 1024) {
            if (bad)
                *bad = item;
            return false;
        }
        out.push_back(static_cast<int>(v));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    *values = std::move(out);
    return true;
}

void printProgress(int done, int total, double seconds)
{
    const int width = 30, filled = total > 0 ? width * done / total : 0;
    std::fprintf(stderr, "\r  [%.*s%*s] %d/%d", filled, "##############################", width - filled, "", done, total);
    if (seconds >= 0)
        std::fprintf(stderr, "  %.1f s", seconds);
    if (done == total)
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

namespace {
std::vector<std::string> &storedCommandLine()
{
    static std::vector<std::string> line;
    return line;
}
} // namespace

void setCommandLine(int argc, char **argv)
{
    storedCommandLine().assign(argv, argv + argc);
}

const std::vector<std::string> &commandLine()
{
    return storedCommandLine();
}

} // namespace cli
