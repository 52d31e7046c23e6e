// `mosaic`: the command-line tool. Verbs live in cmd_*.cpp; all work goes through core's façade.
#include "args.h"

#include <mosaic/log.h>
#include <mosaic/runtime.h>
#include <mosaic/version.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

const char *kUsage = R"(Usage: mosaic [--threads N] [--log-level LEVEL] [--no-log-file] <command> [options]

Commands:
  inspect FILE                   List a checkpoint's tensors (names, dtypes, shapes), parameter count,
                                 metadata, and the detected architecture and key layout.
                                 FILE is a .safetensors file or a sharded *.safetensors.index.json.
  set-defaults BUNDLE [--cfg S] [--ref-cfg S] [--out OUT]
                                 Set a bundle's default guidance scales (prompt CFG, reference CFG; 1 is
                                 off), used where a request gives none; in place unless --out.
  forward --model WEIGHTS --inputs IO.safetensors --out OUT.safetensors
          [--component transformer|ae-encode|ae-decode] [--dtype f32|bf16] [--device cpu|cuda|auto]
                                 Run a model on named input tensors and write its output:
                                 transformer: img, img_ids, txt, txt_ids, y, timesteps, guidance -> out
                                 (plus the intermediates pe and timestep_embedding);
                                 ae-encode: x -> z; ae-decode: z -> decoded.
  generate [--model BUNDLE] --prompt TEXT [--ref FILE [--name NAME]]... --out OUT.png [--maps DIR]
          [--box I:X,Y,W,H] [--mask I:FILE] [--point I:RX,RY:TX,TY] [--seed N] [--steps N]
          [--guidance G] [--cfg S --negative TEXT] [--size N|WxH] [--lora FILE] [--lora-scale S]
                                 Generate one image with every reference subject in it. The PNG carries
                                 its parameters ("parameters" text chunk and full JSON); --maps writes a
                                 heat map per subject and the ownership map.
  synth --count N [--subjects 1-6] [--size 256] [--split train|test] [--seed K] [--scale MIN,MAX]
        [--aligned K] --out DIR  Render MOSAIC-Toys samples (exact correspondences) as a dataset folder;
                                 --scale sets the toys' size range (fractions of the side, 0.09,0.17);
                                 --aligned K places token-aligned toys, each its reference shrunk K times.
  dataset validate DIR           Report every problem of a dataset folder, by line and field.
  dataset suggest DIR --method region|features|model [--min-confidence C]
                                 Pre-annotate: suggested point pairs for every sample, for review.
  dataset stats DIR              Pairs per subject, per review status and per source.
  dataset import-semalign --source DIR --index INDEX.jsonl --out DIR
                                 Convert SemAlign-MS-Subjects200K files to the project's format.
  train --recipe FILE [--out DIR] [--steps N] [--seconds S] [--resume] [--device cpu|cuda|auto] [--pool-only] [--pool N]
                                 Train with MOSAIC's losses (resources/recipes/); Ctrl-C saves a checkpoint.
                                 --seconds: a time budget (the cosine schedule ends where it runs out);
                                 --pool-only: render the recipe's toy pool (data.pool, data.pool_file) and stop;
                                 --pool N: N examples per subject count in that pool.
  eval [--model BUNDLE] --report DIR [--samples 16] [--subjects 1,2,3,4] [--distractors 8] [--scale MIN,MAX]
       [--aligned K]             Measure identity retrieval, leakage, scene and layout on held-out
                                 MOSAIC-Toys identities (with and without regions); write report.md.
                                 --aligned K: token-aligned toys (as recipes' data.aligned_shrink).
  encode --t5 DIR --clip DIR --prompt TEXT --out FILE [--t5-tokenizer DIR] [--clip-tokenizer DIR]
         [--max-t5-tokens 512] [--dtype f32|bf16]
                                 FLUX's text path: T5 and CLIP token ids, hidden states and pooled vector.
  bench generate [--model BUNDLE] [--refs 1,2,4,6] [--steps N]
                                 Time generation per step and per image, with and without attention capture.
  bench cancel [--model BUNDLE] [--sizes 256,512] [--cancels 15]
                                 How long a cancel takes to stop a run, over the run and during the decode.
  bench load PATH [--max-memory SIZE]
                                 Peak memory while loading a transformer, and streamed under a budget.
  bench decode [--sizes 512,1024] [--banded-only]
                                 The autoencoder's decode, whole and in bands: seconds, peak memory.
  bench transformer [--hidden 3072] [--heads 24] [--double 1] [--single 1]
          [--tokens 1024] [--txt-tokens 512] [--iters 2] [--dtype f32|bf16|both]
                                 Time the transformer forward pass and compare its GFLOP/s with this
                                 machine's own matmul rate for the same dtype.

Global options:
  --threads N        LibTorch intra-op threads (default: all cores)
  --log-level LEVEL  trace, debug, info, warning or error (default: warning on the terminal)
  --no-log-file      do not write the log file (default: <data dir>/logs/mosaic.log)
  --help, -h         this text
  --version          the version, and the LibTorch it runs on
)";

bool parseLevel(const std::string &s, mosaic::LogLevel *out)
{
    const struct
    {
        const char *name;
        mosaic::LogLevel level;
    } levels[] = {{"trace", mosaic::LogLevel::Trace}, {"debug", mosaic::LogLevel::Debug},
                  {"info", mosaic::LogLevel::Info},   {"warning", mosaic::LogLevel::Warn},
                  {"warn", mosaic::LogLevel::Warn},   {"error", mosaic::LogLevel::Error}};
    for (const auto &l : levels)
        if (s == l.name) {
            *out = l.level;
            return true;
        }
    return false;
}

} // namespace

int main(int argc, char **argv)
{
    cli::setCommandLine(argc, argv);
    std::vector<std::string> all(argv + 1, argv + argc);
    // Global options come before the verb.
    int threads = 0;
    mosaic::LogOptions logOptions;
    logOptions.level = mosaic::LogLevel::Warn;
    size_t i = 0;
    for (; i < all.size(); ++i) {
        const std::string &a = all[i];
        if (a == "--help" || a == "-h" || a == "help") {
            std::fputs(kUsage, stdout);
            return cli::kExitOk;
        }
        if (a == "--version") {
            std::printf("mosaic %s\n%s\n", mosaic::versionString(), mosaic::buildSummary().c_str());
            return cli::kExitOk;
        }
        if (a == "--no-log-file") {
            logOptions.file = false;
        } else if (a == "--threads" || a == "--log-level") {
            if (i + 1 >= all.size()) {
                std::fprintf(stderr, "mosaic: %s needs a value\n", a.c_str());
                return cli::kExitUsage;
            }
            const std::string v = all[++i];
            if (a == "--threads") {
                try {
                    threads = std::stoi(v);
                } catch (const std::exception &) {
                    threads = -1;
                }
                if (threads < 1) {
                    std::fprintf(stderr, "mosaic: --threads expects a positive number, got '%s'\n", v.c_str());
                    return cli::kExitUsage;
                }
            } else if (!parseLevel(v, &logOptions.level)) {
                std::fprintf(stderr, "mosaic: unknown log level '%s'\n", v.c_str());
                return cli::kExitUsage;
            }
        } else {
            break;
        }
    }
    if (i >= all.size()) {
        std::fputs(kUsage, stderr);
        return cli::kExitUsage;
    }
    const std::string verb = all[i];
    const std::vector<std::string> rest(all.begin() + static_cast<long>(i) + 1, all.end());

    if (auto st = mosaic::initLogging(logOptions); !st.ok()) {
        // Not fatal: the terminal still gets the messages.
        std::fprintf(stderr, "mosaic: warning: %s\n", st.message.c_str());
        logOptions.file = false;
        mosaic::initLogging(logOptions);
    }
    mosaic::configureThreads(threads);

    const struct
    {
        const char *verb;
        std::vector<std::string> flags;
        int (*run)(const cli::Args &);
    } commands[] = {
        {"inspect", {"json"}, cli::runInspect},
        {"set-defaults", {}, cli::runSetDefaults},
        {"forward", {}, cli::runForward},
        {"encode", {}, cli::runEncode},
        {"bench", {"streamed-only", "banded-only"}, cli::runBench},
        {"generate", {"auto-layout", "estimate"}, cli::runGenerate},
        {"synth", {}, cli::runSynth},
        {"synth-model", {"schnell", "mismatched-rank"}, cli::runSynthModel},
        {"dataset", {}, cli::runDataset},
        {"train", {"resume", "pool-only"}, cli::runTrain},
        {"eval", {"auto-layout"}, cli::runEval},
    };
    for (const auto &c : commands) {
        if (verb != c.verb)
            continue;
        try {
            const cli::Args args(rest, c.flags);
            if (args.help()) { // the sub-command's own usage ("dataset suggest --help" too)
                const std::string sub = args.positional().empty() ? verb : verb + " " + args.positional()[0];
                std::fputs(cli::commandUsage(sub) ? cli::commandUsage(sub) : cli::commandUsage(verb), stdout);
                return cli::kExitOk;
            }
            return c.run(args);
        } catch (const std::invalid_argument &e) {
            std::fprintf(stderr, "mosaic %s: %s\n", verb.c_str(), e.what());
            return cli::kExitUsage;
        }
    }
    std::fprintf(stderr, "mosaic: unknown command '%s' (see mosaic --help)\n", verb.c_str());
    return cli::kExitUsage;
}
