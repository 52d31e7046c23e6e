#include "args.h"

#include <algorithm>
#include <stdexcept>

namespace cli {

Args::Args(const std::vector<std::string> &argv, const std::vector<std::string> &flags)
{
    for (size_t i = 0; i < argv.size(); ++i) {
        const std::string &a = argv[i];
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
            m_options[name] = val;
        } else {
            m_positional.push_back(a);
        }
    }
}

std::string Args::value(const std::string &name, const std::string &fallback) const
{
    auto it = m_options.find(name);
    return it == m_options.end() ? fallback : it->second;
}

int Args::intValue(const std::string &name, int fallback) const
{
    auto it = m_options.find(name);
    if (it == m_options.end())
        return fallback;
    size_t used = 0;
    int v = 0;
    try {
        v = std::stoi(it->second, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != it->second.size())
        throw std::invalid_argument("--" + name + " expects a whole number, got '" + it->second + "'");
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

} // namespace cli
