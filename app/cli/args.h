#pragma once
// A small option parser for the `mosaic` CLI: `--name value`, `--name=value` and flags.

#include <mosaic/modelset.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

namespace cli {

class Args
{
public:
    // flags: options that take no value.
    Args(const std::vector<std::string> &argv, const std::vector<std::string> &flags);

    bool has(const std::string &name) const { return m_options.count(name) != 0; }
    std::string value(const std::string &name, const std::string &fallback = {}) const; // the last one given
    std::vector<std::string> values(const std::string &name) const;                     // every one, in order
    // Throws std::invalid_argument with a message naming the option.
    int intValue(const std::string &name, int fallback) const;
    double doubleValue(const std::string &name, double fallback) const;
    const std::vector<std::string> &positional() const { return m_positional; }
    // Options given that are not in `known`; the caller reports them.
    std::vector<std::string> unknown(const std::vector<std::string> &known) const;
    const std::string &error() const { return m_error; }
    // --help or -h was given (anywhere among the options).
    bool help() const { return m_help; }

private:
    std::map<std::string, std::vector<std::string>> m_options;
    std::vector<std::string> m_positional;
    std::string m_error;
    bool m_help = false;
};

// The whole command line as main() got it (for `mosaic train --nproc`, which starts itself again).
void setCommandLine(int argc, char **argv);
const std::vector<std::string> &commandLine();

// A command's usage text (usage.cpp): "generate", "dataset", "dataset suggest", ...; nullptr for none.
const char *commandUsage(const std::string &command);
void printUsage(const std::string &command, std::FILE *to);

// "MIN,MAX": two numbers; false when the text is not that (the range itself is checked by the core).
bool parseScale(const std::string &text, double *minValue, double *maxValue);

// "1,2,4": whole numbers separated by commas (at most 1024); false, with the item that is not one in
// *bad, when the text is not that (the values themselves are checked by the caller or the core).
bool parseIntList(const std::string &text, std::vector<int> *values, std::string *bad = nullptr);

// "12G", "12GiB", "500M", "1.5GB", or a number of bytes (units are powers of 1024); false when not.
bool parseByteSize(const std::string &text, uint64_t *bytes);

// The model options shared by generate and bench load: --model (given as `model`), --t5, --clip, --ae,
// --t5-tokenizer, --clip-tokenizer, --lora FILE[:SCALE] (repeatable; --lora-scale stays the request's
// strength on top), --max-memory SIZE, --dtype, --text-dtype. False with *error when one is malformed.
bool modelSetSpec(const Args &args, const std::string &model, mosaic::ModelSetSpec *spec, std::string *error);

// A one-line progress bar on stderr: [#####     ] done/total, and the elapsed time when known.
void printProgress(int done, int total, double seconds = -1.0);

// Exit codes: 0 ok, 1 the operation failed, 2 bad usage.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int runInspect(const Args &args);
int runSetDefaults(const Args &args);
int runForward(const Args &args);
int runEncode(const Args &args);
int runBench(const Args &args);
int runGenerate(const Args &args);
int runBenchGenerate(const Args &args);
int runBenchCancel(const Args &args);
int runBenchEncode(const Args &args);
int runBenchLoad(const Args &args);
int runBenchDecode(const Args &args);
int runBenchTrain(const Args &args);
int runSynthModel(const Args &args);
int runSynth(const Args &args);
int runDataset(const Args &args);
int runTrain(const Args &args);
int runEval(const Args &args);

} // namespace cli
