// The `mosaic` CLI as a user runs it: --help, --version, inspect, forward (checked against the golden
// outputs), and a clear message with a non-zero exit for each bad input.
#include "testsupport.h"
#include "tensorcheck.h"

#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "util/strings.h"

#include <mosaic/image.h>
#include <mosaic/pipeline.h>
#include <mosaic/train.h>
#include <mosaic/runtime.h>

#include <torch/cuda.h>

#include <filesystem>

#include <array>
#include <nlohmann/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>
#include <sys/wait.h>

using namespace mosaic;

namespace {

struct Run
{
    int exitCode = -1;
    std::string output; // stdout and stderr together
};

// The CPU kernels pinned for bit-for-bit comparisons across machines: LibTorch's to AVX2, OpenBLAS's
// to Haswell (Debian's OpenCV dispatches nothing beyond AVX2).
const std::string kPinnedKernels = "ATEN_CPU_CAPABILITY=avx2 OPENBLAS_CORETYPE=Haswell";

Run run(const std::string &args, const std::string &env = {})
{
    Run r;
    // A fixed thread count, as the suites' own (testsupport): runs compared bit for bit must not adapt to
    // the load of the suites beside them ("--threads N" in args comes later and wins).
    const std::string cmd = (env.empty() ? "" : env + " ") + std::string(MOSAIC_CLI) + " --no-log-file --threads " +
                            std::to_string(std::max(1u, std::thread::hardware_concurrency())) + " " + args + " 2>&1";
    FILE *p = ::popen(cmd.c_str(), "r");
    if (!p)
        return r;
    std::array<char, 4096> buf{};
    size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0)
        r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// Standard output and standard error apart.
struct SplitRun
{
    int exitCode = -1;
    std::string out, err;
};

SplitRun runSplit(const std::string &args, const std::string &errFile)
{
    SplitRun r;
    const Run both = run(args + " 2>" + errFile + " ; exit $?");
    r.exitCode = both.exitCode;
    r.out = both.output;
    std::ifstream in(errFile);
    r.err.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return r;
}

} // namespace

class TstCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        m_golden = testsupport::goldenDir();
        m_dir = testsupport::scratchDir("cli");
    }

    void helpAndVersion()
    {
        Run h = run("--help");
        QCOMPARE(h.exitCode, 0);
        QVERIFY(h.output.find("inspect FILE") != std::string::npos);
        QVERIFY(h.output.find("bench transformer") != std::string::npos);
        Run v = run("--version");
        QCOMPARE(v.exitCode, 0);
        QVERIFY2(v.output.find("LibTorch") != std::string::npos, v.output.c_str());
        Run none = run("");
        QCOMPARE(none.exitCode, 2);
    }

    // Every command's --help: its usage on standard output, exit 0; a wrong option: exit 2 with the
    // usage on standard error.
    void commandHelp()
    {
        for (const std::string cmd : {"inspect", "set-defaults", "forward", "generate", "synth", "dataset", "dataset suggest",
                                      "train", "eval", "bench"}) {
            const std::string errFile = m_dir + "/stderr.txt";
            for (const std::string flag : {"--help", "-h"}) {
                const SplitRun h = runSplit(cmd + " " + flag, errFile);
                QVERIFY2(h.exitCode == 0, (cmd + " " + flag + ":\n" + h.out + h.err).c_str());
                QVERIFY2(h.out.rfind("usage: mosaic " + cmd, 0) == 0, (cmd + ":\n" + h.out).c_str());
                QVERIFY2(h.err.empty(), h.err.c_str());
            }
            const SplitRun bad = runSplit(cmd + " --no-such-option 1", errFile);
            QVERIFY2(bad.exitCode == 2, (cmd + ":\n" + bad.out + bad.err).c_str());
            QVERIFY2(bad.err.find("usage: mosaic " + cmd.substr(0, cmd.find(' '))) != std::string::npos,
                     (cmd + ":\n" + bad.err).c_str());
            QVERIFY2(bad.out.empty(), bad.out.c_str());
        }
    }

    // The demo composition (its prompt with the names as the app gives them, its boxes, seed 7) on the
    // bundled model gives, bit for bit, the image the pipeline gave before it was split into stages
    // (tests/data/demo-seed7.png, written by commit c1b4076's `mosaic generate` with this command).
    // One thread, and the CPU kernels pinned to AVX2, so that any x86-64 machine of this kind
    // computes the same bits; any change of the pipeline's arithmetic fails it.
    void demoPixelsUnchanged()
    {
        const std::string demo = std::string(MOSAIC_SOURCE_DIR) + "/resources/demo/";
        const std::string out = m_dir + "/demo-seed7.png";
        Run r = run("--threads 1 generate --seed 7 --prompt \"four toys on a room floor: a block in the middle, a block in the "
                    "middle, a blob on the right and a star on the right\" --ref " + demo + "subject1_pip.png --name Pip --ref " +
                        demo + "subject2_moss.png --name Moss --ref " + demo + "subject3_juno.png --name Juno --ref " + demo +
                        "subject4_tock.png --name Tock --box 1:0.5546875,0.26953125,0.16015625,0.16015625 "
                        "--box 2:0.296875,0.47265625,0.140625,0.15234375 --box 3:0.5078125,0.65234375,0.15234375,0.1484375 "
                        "--box 4:0.765625,0.71484375,0.1484375,0.12890625 --out " + out,
                    kPinnedKernels);
        if (r.exitCode != 0 && r.output.find("needs OpenCV") != std::string::npos)
            QSKIP("reading the references needs OpenCV (LibTorch-only build)");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        RgbaImage now, before;
        QVERIFY(loadImage(out, &now).ok());
        QVERIFY(loadImage(std::string(MOSAIC_SOURCE_DIR) + "/tests/data/demo-seed7.png", &before).ok());
        QCOMPARE(now.width, before.width);
        QCOMPARE(now.height, before.height);
        size_t differ = 0;
        int worst = 0;
        for (size_t i = 0; i < now.pixels.size(); ++i)
            if (now.pixels[i] != before.pixels[i]) {
                ++differ;
                worst = std::max(worst, std::abs(int(now.pixels[i]) - int(before.pixels[i])));
            }
        QVERIFY2(differ == 0, format("{} of {} channel values differ (at most by {})", differ, now.pixels.size(), worst).c_str());
    }

    // Files that crashed the CLI (and the app, which opens them through the same core calls), made
    // again: each now gives one clear message and a non-zero exit, and writes nothing.
    void hostileFilesRefused()
    {
        const std::string flux = m_golden + "/flux_tiny.weights.safetensors", ae = m_golden + "/ae_tiny.weights.safetensors";
        if (!std::ifstream(flux) || !std::ifstream(ae))
            QSKIP("golden files not found");
        auto deep = [](int levels) {
            const size_t n = static_cast<size_t>(levels);
            return std::string(n, char(0x5b)) + std::string(n, char(0x5d)); // [[[...]]]
        };
        auto expect = [&](const std::string &what, const std::string &args, const std::string &message) {
            const Run r = run(args);
            QVERIFY2(r.exitCode == 1 || r.exitCode == 2, (what + ": exit " + std::to_string(r.exitCode) + "\n" + r.output).c_str());
            QVERIFY2(r.output.find(message) != std::string::npos, (what + ": no '" + message + "' in\n" + r.output).c_str());
        };
        // 1. A sharded index whose metadata nests 60,000 levels deep (the dump of it overflowed the stack).
        {
            const std::string dir = m_dir + "/deep-index";
            std::filesystem::create_directories(dir);
            std::filesystem::copy_file(flux, dir + "/part.safetensors", std::filesystem::copy_options::overwrite_existing);
            std::ofstream(dir + "/model.safetensors.index.json")
                << "{\"metadata\": {\"total_size\": " << deep(60000)
                << "}, \"weight_map\": {\"img_in.weight\": \"part.safetensors\"}}";
            expect("deep index", "inspect " + dir + "/model.safetensors.index.json", "nested deeper");
        }
        // 2. A bundle whose description nests 200,000 levels deep; 8. one that asks for 100,000 blocks.
        {
            const std::string good = m_dir + "/good-bundle.safetensors";
            RandomBundleOptions o;
            QVERIFY(writeRandomBundle(good, o).ok());
            const Checkpoint ck = Checkpoint::open(good);
            auto meta = ck.metadata();
            const std::string description = meta.at("mosaic.bundle");
            meta["mosaic.bundle"] = "{\"format\": \"mosaic-bundle\", \"version\": 1, \"transformer\": " + deep(200000) + "}";
            st::write(m_dir + "/deep-bundle.safetensors", ck.loadAll(), meta);
            const std::string out = m_dir + "/never.png";
            expect("deep bundle", "generate --model " + m_dir + "/deep-bundle.safetensors --prompt a --out " + out, "nested deeper");
            std::string huge = description;
            const auto at = huge.find("\"depth\":");
            QVERIFY(at != std::string::npos);
            huge.replace(at, huge.find_first_of(",}", at) - at, "\"depth\":100000");
            meta["mosaic.bundle"] = huge;
            st::write(m_dir + "/huge-bundle.safetensors", ck.loadAll(), meta);
            expect("huge bundle", "generate --model " + m_dir + "/huge-bundle.safetensors --prompt a --out " + out, "block counts");
            QVERIFY(!std::ifstream(out));
        }
        // 3. A dataset whose index names a path longer than the file system allows.
        {
            const std::string dir = m_dir + "/long-name";
            std::filesystem::create_directories(dir);
            std::ofstream(dir + "/dataset.json") << R"({"format": "mosaic-dataset", "version": 1})";
            std::ofstream(dir + "/index.jsonl") << "{\"id\": \"a\", \"prompt\": \"p\", \"target\": \"" << std::string(5000, 'x')
                                                << ".png\", \"subjects\": []}\n";
            expect("long name", "dataset validate " + dir, "file not found");
        }
        // 4-5. A transformer whose QK-norm has no elements, or whose img_in.weight has rank 0 or 1;
        // 6-7. an autoencoder whose first convolution has no output channels, or rank 0.
        const Checkpoint fluxCk = Checkpoint::open(flux), aeCk = Checkpoint::open(ae);
        const struct
        {
            const Checkpoint *source;
            std::string tensor;
            at::Tensor replacement;
            std::string message;
        } mutations[] = {
            {&fluxCk, "double_blocks.0.img_attn.norm.query_norm.scale", at::zeros({0}), "outside 1 to 2^20"},
            {&fluxCk, "img_in.weight", at::ones({}), "has 0 dimensions"},
            {&fluxCk, "img_in.weight", at::ones({7}), "has 1 dimensions"},
            {&aeCk, "encoder.conv_in.weight", at::zeros({0, 3, 3, 3}), "outside 1 to 65536"},
            {&aeCk, "encoder.conv_in.weight", at::ones({}), "has 0 dimensions"},
        };
        int n = 0;
        for (const auto &m : mutations) {
            st::TensorMap tensors = m.source->loadAll();
            QVERIFY(tensors.count(m.tensor));
            tensors[m.tensor] = m.replacement;
            auto meta = m.source->metadata();
            meta.erase("config"); // the shapes decide, as in a file without one
            const std::string path = m_dir + "/mutated" + std::to_string(n++) + ".safetensors";
            st::write(path, tensors, meta);
            expect(m.tensor, "inspect " + path, m.message);
            expect(m.tensor, "inspect " + path, m.tensor);
        }
    }

    void inspectGolden()
    {
        if (!std::ifstream(m_golden + "/flux_tiny.weights.safetensors"))
            QSKIP("golden files not found");
        Run r = run("inspect " + m_golden + "/flux_tiny.weights.safetensors");
        QCOMPARE(r.exitCode, 0);
        for (const char *needle : {"double_blocks.0.img_attn.qkv.weight", "F32", "[384, 128]", "flux-transformer",
                                   "guidance-distilled", "layout:        bfl", "\"depth\":2", "format: bfl"})
            QVERIFY2(r.output.find(needle) != std::string::npos, (std::string(needle) + " in\n" + r.output).c_str());
        Run ae = run("inspect " + m_golden + "/ae_tiny.weights.safetensors");
        QCOMPARE(ae.exitCode, 0);
        QVERIFY(ae.output.find("flux-autoencoder") != std::string::npos);
    }

    // The bundled model (a MOSAIC Studio bundle, not a bare checkpoint) is listed, not refused.
    void inspectBundle()
    {
        Run r = run("inspect " + std::string(MOSAIC_SOURCE_DIR) + "/resources/models/mosaic-toys.safetensors");
        QCOMPARE(r.exitCode, 0);
        for (const char *needle : {"transformer.img_in.weight", "ae.decoder.conv_in.weight", "architecture:  mosaic-bundle",
                                   "layout:        bundle", "\"format\":\"mosaic-bundle\"", "BF16"})
            QVERIFY2(r.output.find(needle) != std::string::npos, (std::string(needle) + " in\n" + r.output).c_str());
    }

    // set-defaults: a bundle's default guidance scales, every tensor copied as stored; bad values, a
    // file that is not a bundle and a missing file are refused, and leave the file as it was.
    void setDefaults()
    {
        const std::string src = m_dir + "/defaults.safetensors", out = m_dir + "/defaults-guided.safetensors";
        RandomBundleOptions o;
        o.imageSize = o.refSize = 64;
        o.steps = 2;
        QVERIFY(writeRandomBundle(src, o).ok());
        Run r = run("set-defaults " + src + " --ref-cfg 3 --out " + out);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.output.find("default reference CFG 3") != std::string::npos, r.output.c_str());
        {
            const st::TensorMap a = Checkpoint::open(src).loadAll(), b = Checkpoint::open(out).loadAll();
            QCOMPARE(a.size(), b.size());
            for (const auto &[name, t] : a) {
                QVERIFY2(b.count(name) && b.at(name).scalar_type() == t.scalar_type() && at::equal(b.at(name), t), name.c_str());
            }
        }
        Status st;
        auto plain = ModelBundle::load(src, &st), guided = ModelBundle::load(out, &st);
        QVERIFY2(plain && guided, st.message.c_str());
        QCOMPARE(guided->description().defaultRefCfg, 3.0f);
        QCOMPARE(guided->description().defaultCfg, 1.0f);
        GenerationRequest req;
        req.prompt = "a cat";
        Subject cat;
        cat.name = "cat";
        cat.image.width = cat.image.height = 64; // prepared: no OpenCV needed (the GPU machine's build)
        cat.image.pixels.assign(64 * 64 * 4, uint8_t{200});
        cat.prepared = true;
        req.subjects = {cat};
        GenerationResult byDefault, explicitScale;
        QVERIFY(generate(*guided, req, &byDefault).ok());
        req.refCfgScale = 3.0f;
        QVERIFY(generate(*plain, req, &explicitScale).ok());
        QVERIFY(byDefault.image.pixels == explicitScale.image.pixels);

        // In place; the other scale is kept.
        r = run("set-defaults " + out + " --cfg 2.5");
        QCOMPARE(r.exitCode, 0);
        guided = ModelBundle::load(out, &st);
        QVERIFY2(guided, st.message.c_str());
        QCOMPARE(guided->description().defaultCfg, 2.5f);
        QCOMPARE(guided->description().defaultRefCfg, 3.0f);
        QCOMPARE(guided->description().defaultCollage, 0.0f);
        r = run("set-defaults " + out + " --collage 0.4");
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.output.find("default reference collage 0.4") != std::string::npos, r.output.c_str());
        guided = ModelBundle::load(out, &st);
        QVERIFY2(guided, st.message.c_str());
        QCOMPARE(guided->description().defaultCollage, 0.4f);
        QCOMPARE(guided->description().defaultCfg, 2.5f);
        r = run("set-defaults " + out + " --size 96");
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.output.find("default size 96") != std::string::npos, r.output.c_str());
        guided = ModelBundle::load(out, &st);
        QVERIFY2(guided, st.message.c_str());
        QCOMPARE(guided->description().defaultSize, 96);
        QVERIFY2(guided->description().configJson.find("\"native_size\":64") != std::string::npos,
                 guided->description().configJson.c_str()); // the size it was made at stays known
        QCOMPARE(guided->description().defaultCollage, 0.4f);
        {
            GenerationResult sized;
            req.refCfgScale = -1.0f;
            QVERIFY(generate(*guided, req, &sized).ok());
            QCOMPARE(sized.image.width, 96);
        }

        const auto bytes = [](const std::string &path) {
            std::ifstream f(path, std::ios::binary);
            return std::string(std::istreambuf_iterator<char>(f), {});
        };
        const std::string before = bytes(out);
        const std::pair<std::string, std::pair<int, std::string>> bad[] = {
            {"set-defaults " + out + " --ref-cfg 0.5", {1, "between 1 and 100 (1 is off), not 0.5"}},
            {"set-defaults " + out + " --cfg 1000", {1, "not 1000"}},
            {"set-defaults " + out + " --cfg -2", {2, "--cfg must be between 1 and 100"}},
            {"set-defaults " + out + " --collage 1", {1, "below 1, not 1"}},
            {"set-defaults " + out + " --collage -0.5", {2, "--collage must be at least 0"}},
            {"set-defaults " + out + " --size 100", {1, "multiple of 16 from 16 to 2048, not 100"}},
            {"set-defaults " + out + " --size 0", {2, "--size must be a positive multiple of 16"}},
            {"set-defaults " + out, {2, "usage: mosaic set-defaults"}},
            {"set-defaults " + out + " --cfg 2 --strength 3", {2, "unknown option --strength"}},
            {"set-defaults " + m_dir + "/missing.safetensors --cfg 2", {1, "missing.safetensors"}},
        };
        for (const auto &[args, expect] : bad) {
            r = run(args);
            QCOMPARE(r.exitCode, expect.first);
            QVERIFY2(r.output.find(expect.second) != std::string::npos, (args + ":\n" + r.output).c_str());
        }
        QVERIFY(bytes(out) == before);
        if (std::ifstream(m_golden + "/flux_tiny.weights.safetensors")) {
            const std::string bare = m_dir + "/not-a-bundle.safetensors";
            std::filesystem::copy_file(m_golden + "/flux_tiny.weights.safetensors", bare,
                                       std::filesystem::copy_options::overwrite_existing);
            r = run("set-defaults " + bare + " --cfg 2");
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.output.find("not a MOSAIC Studio bundle") != std::string::npos, r.output.c_str());
        }
        QVERIFY(!std::filesystem::exists(out + ".defaults-tmp"));
    }

    // On the CPU, and on a CUDA device where LibTorch has one (the GPU machine's check;
    // elsewhere the CUDA rows must be refused with a clear message).
    void forwardMatchesGolden_data()
    {
        QTest::addColumn<std::string>("weights");
        QTest::addColumn<std::string>("io");
        QTest::addColumn<std::string>("component");
        QTest::addColumn<std::string>("output");
        QTest::addColumn<std::string>("device");
        QTest::newRow("transformer") << std::string("flux_tiny.weights") << std::string("flux_tiny.io")
                                     << std::string("transformer") << std::string("out") << std::string();
        QTest::newRow("schnell (auto)") << std::string("flux_tiny_schnell.weights")
                                        << std::string("flux_tiny_schnell.io") << std::string("") << std::string("out")
                                        << std::string("cpu");
        QTest::newRow("ae-encode") << std::string("ae_tiny.weights") << std::string("ae_tiny.io")
                                   << std::string("ae-encode") << std::string("z") << std::string();
        QTest::newRow("ae-decode") << std::string("ae_tiny.weights") << std::string("ae_tiny.io")
                                   << std::string("ae-decode") << std::string("decoded") << std::string();
        QTest::newRow("transformer on cuda") << std::string("flux_tiny.weights") << std::string("flux_tiny.io")
                                             << std::string("transformer") << std::string("out") << std::string("cuda");
        QTest::newRow("ae-encode on cuda") << std::string("ae_tiny.weights") << std::string("ae_tiny.io")
                                           << std::string("ae-encode") << std::string("z") << std::string("cuda");
    }

    void forwardMatchesGolden()
    {
        QFETCH(std::string, weights);
        QFETCH(std::string, io);
        QFETCH(std::string, component);
        QFETCH(std::string, output);
        QFETCH(std::string, device);
        if (!std::ifstream(m_golden + "/" + weights + ".safetensors"))
            QSKIP("golden files not found");
        const std::string out = m_dir + "/" + weights + "_" + output + (device.empty() ? "" : "_" + device) + ".safetensors";
        Run r = run("forward --model " + m_golden + "/" + weights + ".safetensors --inputs " + m_golden + "/" + io +
                    ".safetensors --out " + out + (component.empty() ? "" : " --component " + component) +
                    (device.empty() ? "" : " --device " + device));
        if (device == "cuda" && !torch::cuda::is_available()) {
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.output.find("sees no CUDA device") != std::string::npos, r.output.c_str());
            QVERIFY(!std::filesystem::exists(out));
            return;
        }
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        const Checkpoint got = Checkpoint::open(out), ref = Checkpoint::open(m_golden + "/" + io + ".safetensors");
        const double e = testsupport::relativeError(got.tensor(output), ref.tensor(output));
        QVERIFY2(e < 1e-5, testsupport::describeError(output, e, 1e-5).c_str());
    }

    // mosaic encode reproduces ../shared/golden/text for every case (ids exactly, the rest within 1e-5),
    // with the tokenizers the app ships (the golden encoder folders hold none), the tokenizer folders
    // given, and the T5 encoder as one .safetensors file; the bad inputs say what is wrong.
    // A model set written by synth-model in two layouts (BFL files with ComfyUI-named encoders; a ComfyUI
    // models folder): inspect describes each as complete, and generate with the same latents gives the same
    // pixels from both; bench load reports its figures.
    void generateWithModelSets()
    {
        const std::string text = (std::filesystem::path(m_golden).parent_path() / "text").string();
        if (!std::ifstream(text + "/t5_tiny/model.safetensors"))
            QSKIP("golden text files not found");
        namespace fs = std::filesystem;
        const std::string bfl = m_dir + "/set-bfl", comfy = m_dir + "/set-comfy/models";
        for (const std::string &d : {bfl, comfy + "/diffusion_models", comfy + "/vae", comfy + "/text_encoders"})
            fs::create_directories(d);
        Run r = run("synth-model " + bfl + "/flux1-dev.safetensors --what transformer --precision bf16");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        r = run("synth-model " + comfy + "/diffusion_models/flux1-dev.safetensors --what transformer --precision bf16 "
                "--layout comfyui");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        for (const std::string &ae : {bfl + "/ae.safetensors", comfy + "/vae/ae.safetensors"}) {
            r = run("synth-model " + ae + " --what autoencoder");
            QVERIFY2(r.exitCode == 0, r.output.c_str());
        }
        for (const std::string &d : {bfl, comfy + "/text_encoders"}) {
            fs::copy_file(text + "/clip_tiny/model.safetensors", d + "/clip_l.safetensors");
            fs::copy_file(text + "/t5_tiny/model.safetensors", d + "/t5xxl_fp16.safetensors");
        }
        r = run("inspect " + comfy);
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        for (const char *needle : {"flux1-dev (comfyui", "bfl (ComfyUI key prefix) layout, bf16", "clip_l.safetensors", "status:      complete"})
            QVERIFY2(r.output.find(needle) != std::string::npos, (std::string(needle) + " in\n" + r.output).c_str());
        const std::string latents = m_dir + "/latents.safetensors";
        st::write(latents, {{"latents", at::randn({1, 16, 64})}});
        const std::string common = " --prompt 'a cat' --ref " + std::string(MOSAIC_SOURCE_DIR) + "/resources/demo/subject1_pip.png --size 64 --steps 2 --dtype f32 --latents " +
                                   latents;
        r = run("generate --model " + bfl + common + " --out " + m_dir + "/set-bfl.png", "MOSAIC_PROMPT_CACHE=");
        if (r.exitCode != 0 && r.output.find("needs OpenCV") != std::string::npos)
            QSKIP("reading the references needs OpenCV (LibTorch-only build)");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        QVERIFY2(r.output.find("model 'flux1-dev (folder, bf16)'") != std::string::npos, r.output.c_str());
        r = run("generate --model " + comfy + common + " --out " + m_dir + "/set-comfy.png", "MOSAIC_PROMPT_CACHE=");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        RgbaImage a, b;
        QVERIFY(loadImage(m_dir + "/set-bfl.png", &a).ok());
        QVERIFY(loadImage(m_dir + "/set-comfy.png", &b).ok());
        QVERIFY(a.pixels == b.pixels);
        // Through the device path (inputs moved to the transformer's device once per pass) and streamed
        // under a budget far below the weights: the same pixels again.
        r = run("generate --model " + comfy + common + " --device cpu --max-memory 100K --out " + m_dir + "/set-streamed.png",
                "MOSAIC_PROMPT_CACHE=");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        QVERIFY(loadImage(m_dir + "/set-streamed.png", &b).ok());
        QVERIFY(a.pixels == b.pixels);
        // A GPU asked for where LibTorch sees none, and a GPU budget for a CPU run: said, nothing loaded.
        if (!cudaAvailable()) {
            r = run("generate --model " + comfy + common + " --device cuda --out " + m_dir + "/cuda.png");
            QVERIFY2(r.exitCode != 0 && r.output.find("device \"cuda\"") != std::string::npos, r.output.c_str());
            r = run("generate --model " + comfy + common + " --max-vram 12G --out " + m_dir + "/cuda.png");
            QVERIFY2(r.exitCode == 2 && r.output.find("use --max-memory") != std::string::npos, r.output.c_str());
            QVERIFY(!std::filesystem::exists(m_dir + "/cuda.png"));
        }
        // A set that lacks something: inspect says what, and fails.
        fs::remove(bfl + "/ae.safetensors");
        r = run("inspect " + bfl);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.output.find("no autoencoder found") != std::string::npos, r.output.c_str());
        r = run("bench load " + comfy + " --dtype f32 --max-memory 100K");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        for (const char *needle : {"ratio peak / resident", "block(s) streamed", "identical"})
            QVERIFY2(r.output.find(needle) != std::string::npos, (std::string(needle) + " in\n" + r.output).c_str());
    }

    void encodeMatchesGolden()
    {
        const std::string text = (std::filesystem::path(m_golden).parent_path() / "text").string(),
                          tokenizers = (std::filesystem::path(m_golden).parent_path() / "tokenizers").string();
        std::ifstream casesFile(text + "/cases.json");
        if (!casesFile)
            QSKIP("golden text files not found");
        const auto cases = nlohmann::json::parse(casesFile);
        const Checkpoint ref = Checkpoint::open(text + "/text.io.safetensors");
        for (size_t i = 0; i < cases.size(); ++i) {
            const std::string prompt = cases[i].at("prompt").get<std::string>(), c = "case" + std::to_string(i);
            const std::string out = m_dir + "/encoded" + std::to_string(i) + ".safetensors";
            const std::string options = i % 2 ? " --t5 " + text + "/t5_tiny --clip " + text + "/clip_tiny"
                                              : " --t5 " + text + "/t5_tiny/model.safetensors --clip " + text +
                                                    "/clip_tiny --t5-tokenizer " + tokenizers + "/t5/tokenizer.json" +
                                                    " --clip-tokenizer " + tokenizers + "/clip";
            // The prompt through a file descriptor-free route: single quotes, with the shell's quoting of '.
            std::string quoted = "'";
            for (char ch : prompt)
                quoted += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
            quoted += "'";
            const Run r = run("encode" + options + " --prompt " + quoted + " --out " + out, "MOSAIC_PROMPT_CACHE=" + m_dir + "/prompts");
            QVERIFY2(r.exitCode == 0, r.output.c_str());
            const Checkpoint got = Checkpoint::open(out);
            QVERIFY2(at::equal(got.tensor("t5_ids"), ref.tensor(c + ".t5_ids").to(at::kLong)), c.c_str());
            QVERIFY2(at::equal(got.tensor("clip_ids"), ref.tensor(c + ".clip_ids").to(at::kLong)), c.c_str());
            for (const char *name : {"t5_hidden", "clip_hidden", "clip_pooled"}) {
                const double e = testsupport::relativeError(got.tensor(name), ref.tensor(c + "." + name));
                QVERIFY2(e < 1e-5, testsupport::describeError(c + "." + name, e, 1e-5).c_str());
            }
        }
        Run r = run("encode --t5 " + text + "/clip_tiny --clip " + text + "/clip_tiny --prompt x --out " + m_dir + "/x.safetensors");
        QVERIFY2(r.exitCode != 0 && r.output.find("where a T5 encoder is expected") != std::string::npos, r.output.c_str());
        r = run("encode --t5 " + text + "/t5_tiny --clip " + text + "/clip_tiny --clip-tokenizer " + tokenizers +
                "/t5 --prompt x --out " + m_dir + "/x.safetensors");
        QVERIFY2(r.exitCode != 0 && r.output.find("a T5 tokenizer folder") != std::string::npos, r.output.c_str());
        r = run("encode --t5 " + text + "/t5_tiny --prompt x --out " + m_dir + "/x.safetensors");
        QVERIFY2(r.exitCode == 2 && r.output.find("are required") != std::string::npos, r.output.c_str());
        QVERIFY(!std::filesystem::exists(m_dir + "/x.safetensors"));
    }

    void badInputs_data()
    {
        QTest::addColumn<std::string>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<std::string>("message");
        QTest::newRow("unknown command") << std::string("frobnicate") << 2 << std::string("unknown command 'frobnicate'");
        QTest::newRow("inspect missing file") << std::string("inspect /nonexistent.safetensors") << 1
                                              << std::string("/nonexistent.safetensors: cannot open");
        QTest::newRow("inspect no file") << std::string("inspect") << 2 << std::string("usage: mosaic inspect");
        QTest::newRow("forward missing options") << std::string("forward --model x") << 2
                                                 << std::string("usage: mosaic forward");
        QTest::newRow("forward unknown option") << std::string("forward --model a --inputs b --out c --bogus 1") << 2
                                                << std::string("unknown option --bogus");
        QTest::newRow("bad component") << std::string("forward --model a --inputs b --out c --component vae") << 2
                                       << std::string("unknown component 'vae'");
        QTest::newRow("forward bad device") << std::string("forward --model a --inputs b --out c --device tpu") << 1
                                            << std::string("unknown device 'tpu'");
        QTest::newRow("train bad seconds") << std::string("train --recipe x.json --seconds soon") << 2
                                           << std::string("--seconds expects a number, got 'soon'");
        QTest::newRow("train no seconds") << std::string("train --recipe x.json --seconds 0") << 2
                                          << std::string("--seconds expects a positive number");
        QTest::newRow("train pool without one") << std::string("train --recipe RECIPES/smoke.json --pool-only --out /tmp/mosaic-tst-pool")
                                                << 2 << std::string("names no toy pool");
        QTest::newRow("bad threads") << std::string("--threads zero inspect x") << 2
                                     << std::string("--threads expects a positive number");
        QTest::newRow("bench bad number") << std::string("bench transformer --hidden lots") << 2
                                          << std::string("--hidden expects a whole number");
        QTest::newRow("eval bad variants") << std::string("eval --variants nameless --report /tmp/x") << 2
                                           << std::string("--variants takes NAME=BUNDLE pairs");
        QTest::newRow("eval bad subjects") << std::string("eval --subjects 1,two --report /tmp/x") << 2
                                           << std::string("--subjects takes counts separated by commas, not 'two'");
        QTest::newRow("eval bad scale") << std::string("eval --scale 0.2 --report /tmp/x") << 2
                                        << std::string("--scale takes MIN,MAX");
        QTest::newRow("eval bad guidance") << std::string("eval --ref-cfg 0.5 --report /tmp/mosaic-tst-eval-cfg") << 2
                                           << std::string("mosaic eval: the CFG scales must be finite and at least 1");
        QTest::newRow("eval bad count") << std::string("eval --subjects 9 --samples 1 --report /tmp/mosaic-tst-eval-count") << 2
                                        << std::string("mosaic eval: a subject count of 9 is outside 1..8");
        QTest::newRow("generate bad guidance") << std::string("generate --prompt x --ref-cfg strong --out /tmp/x.png") << 2
                                               << std::string("--ref-cfg expects a number, got 'strong'");
        QTest::newRow("eval missing dataset") << std::string("eval --variants a=/nonexistent.safetensors --report /tmp/mosaic-tst-eval")
                                              << 1 << std::string("/nonexistent.safetensors");
        QTest::newRow("suggest bad method") << std::string("dataset suggest /tmp --method magic") << 2
                                            << std::string("--method is region, features or model, not 'magic'");
        QTest::newRow("suggest bad confidence") << std::string("dataset suggest /tmp --method region --min-confidence 2") << 2
                                                << std::string("--min-confidence expects a number in [0, 1]");
        QTest::newRow("suggest missing dataset") << std::string("dataset suggest /nonexistent-dataset --method region") << 1
                                                 << std::string("/nonexistent-dataset");
        QTest::newRow("stats missing dataset") << std::string("dataset stats /nonexistent-dataset") << 1
                                               << std::string("mosaic dataset stats: ");
        QTest::newRow("bench bad heads") << std::string("bench transformer --hidden 100 --heads 3") << 2
                                         << std::string("must split into heads");
    }

    void badInputs()
    {
        QFETCH(std::string, args);
        QFETCH(int, exitCode);
        QFETCH(std::string, message);
        const auto at = args.find("RECIPES");
        if (at != std::string::npos)
            args.replace(at, 7, std::string(MOSAIC_SOURCE_DIR) + "/tests/data/recipes");
        Run r = run(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.output.find(message) != std::string::npos, r.output.c_str());
    }

    void forwardRejectsWrongFiles()
    {
        if (!std::ifstream(m_golden + "/flux_tiny.weights.safetensors"))
            QSKIP("golden files not found");
        // A corrupt weights file, and inputs that lack a tensor: one clear line each, exit 1.
        const std::string corrupt = m_dir + "/corrupt.safetensors";
        std::ofstream(corrupt, std::ios::binary) << std::string("\x10\0\0\0\0\0\0\0{\"a\":", 13);
        Run r1 = run("forward --model " + corrupt + " --inputs " + m_golden + "/flux_tiny.io.safetensors --out " +
                     m_dir + "/x.safetensors");
        QCOMPARE(r1.exitCode, 1);
        QVERIFY2(r1.output.find(corrupt) != std::string::npos, r1.output.c_str());

        st::write(m_dir + "/partial_io.safetensors", {{"img", at::zeros({1, 30, 16})}});
        Run r2 = run("forward --model " + m_golden + "/flux_tiny.weights.safetensors --inputs " + m_dir +
                     "/partial_io.safetensors --out " + m_dir + "/x.safetensors");
        QCOMPARE(r2.exitCode, 1);
        QVERIFY2(r2.output.find("no tensor named 'img_ids'") != std::string::npos, r2.output.c_str());

        Run r3 = run("forward --component ae-encode --model " + m_golden + "/flux_tiny.weights.safetensors --inputs " +
                     m_golden + "/ae_tiny.io.safetensors --out " + m_dir + "/x.safetensors");
        QCOMPARE(r3.exitCode, 1);
        QVERIFY2(r3.output.find("cannot run the requested component") != std::string::npos, r3.output.c_str());
    }

    void benchRunsSmallConfig()
    {
        Run r = run("bench transformer --hidden 64 --heads 2 --tokens 64 --txt-tokens 16 --iters 1 --dtype f32");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        QVERIFY(r.output.find("matmul GFLOP/s") != std::string::npos);
        QVERIFY(r.output.find("f32") != std::string::npos);
    }

    // On a CPU without native bfloat16 (MOSAIC_CPU_BF16=0 stands in for one) a bf16 benchmark says so and
    // measures float32, rather than running LibTorch's fallback bf16 products for minutes.
    void benchBf16WithoutNativeBf16()
    {
        Run r = run("bench transformer --hidden 64 --heads 2 --tokens 64 --txt-tokens 16 --iters 1 --dtype bf16",
                    "MOSAIC_CPU_BF16=0");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        QVERIFY2(r.output.find("no native bfloat16") != std::string::npos, r.output.c_str());
        QVERIFY2(r.output.find("\nf32 ") != std::string::npos && r.output.find("\nbf16 ") == std::string::npos,
                 r.output.c_str());
        Run native = run("bench transformer --hidden 64 --heads 2 --tokens 64 --txt-tokens 16 --iters 1 --dtype bf16",
                         "MOSAIC_CPU_BF16=1");
        QVERIFY2(native.exitCode == 0 && native.output.find("\nbf16 ") != std::string::npos, native.output.c_str());
    }

    // A run that runs out of memory (an address-space limit stands in for a small machine) says so in
    // words, with the amount, and writes nothing.
    void outOfMemorySaysSoAndWritesNothing()
    {
        if (!prepareGenerate())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        const std::string out = m_dir + "/oom.png";
        Run r = run("generate --ref " + m_refs[0] + " --prompt \"a blob\" --size 2048 --steps 1 --out " + out,
                    "ulimit -v 1200000;");
        QVERIFY2(r.exitCode != 0, r.output.c_str());
        QVERIFY2(r.output.find("out of memory (") != std::string::npos &&
                     r.output.find("MiB more could not be had") != std::string::npos &&
                     r.output.find("nothing was written") != std::string::npos,
                 r.output.c_str());
        QVERIFY(!std::filesystem::exists(out));
    }

    // Beside a busy process a run takes the cores that are free: fewer threads than cores (on a machine
    // of two or more), where every core was used before.
    void runsLeaveBusyCoresAlone()
    {
        if (!prepareGenerate())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        const int cores = static_cast<int>(std::thread::hardware_concurrency());
        if (cores < 2)
            QSKIP("one core: nothing to leave");
        Run r = run("bench generate --busy " + std::to_string(cores - 1) + " --model " + m_bundle + " --steps 1");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        std::istringstream lines(r.output);
        std::string line;
        int busy = -1, threads = -1;
        double all = 0, adapted = 0;
        while (std::getline(lines, line))
            if (std::sscanf(line.c_str(), "%d %lf %lf %d", &busy, &all, &adapted, &threads) == 4)
                break;
        QVERIFY2(threads >= 1 && threads < cores, r.output.c_str());
    }

    // `dataset suggest` pre-annotates a folder and `dataset stats` counts the result.
    void datasetSuggestAndStats()
    {
        const std::string dir = testsupport::scratchDir("cli_suggest");
        const Run synth = run("synth --count 2 --subjects 2 --size 128 --ref-size 64 --seed 3 --out " + dir + "/ds");
        if (synth.exitCode != 0 && synth.output.find("OpenCV") != std::string::npos)
            QSKIP("writing a dataset needs OpenCV (LibTorch-only build)");
        QVERIFY2(synth.exitCode == 0, synth.output.c_str());
        const Run s = run("--no-log-file dataset suggest " + dir + "/ds --method region --min-confidence 0.5");
        QVERIFY2(s.exitCode == 0, s.output.c_str());
        int pairs = -1;
        const auto at = s.output.find("suggested pairs (region) for 4 subjects in 2 samples");
        QVERIFY2(at != std::string::npos, s.output.c_str());
        QVERIFY(std::sscanf(s.output.c_str() + s.output.rfind(": ", at) + 2, "%d", &pairs) == 1 && pairs > 0);
        const Run st = run("dataset stats " + dir + "/ds");
        QVERIFY2(st.exitCode == 0, st.output.c_str());
        QVERIFY2(st.output.find("region " + std::to_string(pairs)) != std::string::npos, st.output.c_str());
        QVERIFY(st.output.find("2 samples (0 done), 4 subjects") != std::string::npos);
    }

    // Commands that rewrite a dataset lose nothing a user made: `dataset suggest` writes back a line it
    // cannot read byte for byte and keeps fields it does not know; `synth` into a folder that holds a
    // dataset refuses and leaves it as it was.
    void datasetRewritesLoseNothing()
    {
        const std::string dir = testsupport::scratchDir("cli_keep");
        const Run synth = run("synth --count 3 --subjects 1 --size 128 --ref-size 64 --seed 4 --out " + dir + "/ds");
        if (synth.exitCode != 0 && synth.output.find("OpenCV") != std::string::npos)
            QSKIP("writing a dataset needs OpenCV (LibTorch-only build)");
        QVERIFY2(synth.exitCode == 0, synth.output.c_str());
        const std::string index = dir + "/ds/index.jsonl";
        auto readAll = [](const std::string &path) {
            std::ifstream in(path, std::ios::binary);
            return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        };
        std::string text = readAll(index);
        // A field of the user's own on the first sample and on its subject, and a line cut off mid-way.
        text.insert(1, "\"reviewer\": \"ana\", ");
        const auto subject = text.find("{\"box\"");
        QVERIFY(subject != std::string::npos);
        text.insert(subject + 1, "\"pose\": \"sitting\", ");
        const std::string broken = "{\"id\": \"cut\", \"prompt\": \"p\", \"tar";
        text += broken + "\n";
        std::ofstream(index, std::ios::binary | std::ios::trunc) << text;

        const Run s = run("dataset suggest " + dir + "/ds --method region");
        QVERIFY2(s.exitCode == 0, s.output.c_str());
        QVERIFY2(s.output.find("line 4 is written back as it was") != std::string::npos, s.output.c_str());
        const std::string after = readAll(index);
        QVERIFY2(after.find("\n" + broken + "\n") != std::string::npos, after.c_str());
        QVERIFY2(after.find("\"reviewer\":\"ana\"") != std::string::npos, after.c_str());
        QVERIFY2(after.find("\"pose\":\"sitting\"") != std::string::npos, after.c_str());
        QVERIFY2(after.find("\"source\":\"region\"") != std::string::npos, after.c_str()); // and the suggestions were added
        QCOMPARE(std::count(after.begin(), after.end(), '\n'), std::ptrdiff_t{4});

        const Run again = run("synth --count 2 --subjects 1 --size 128 --ref-size 64 --seed 9 --out " + dir + "/ds");
        QVERIFY2(again.exitCode != 0, again.output.c_str());
        QVERIFY2(again.output.find("already holds a dataset") != std::string::npos, again.output.c_str());
        QCOMPARE(readAll(index), after);
    }

    // What a killed save leaves (a temporary of the atomic write, images no sample names) is reported
    // by `dataset stats`; the temporary is removed by the next save of the folder.
    void datasetStrayFiles()
    {
        const std::string dir = testsupport::scratchDir("cli_stray");
        const Run synth = run("synth --count 1 --subjects 1 --size 128 --ref-size 64 --seed 4 --out " + dir + "/ds");
        if (synth.exitCode != 0 && synth.output.find("OpenCV") != std::string::npos)
            QSKIP("writing a dataset needs OpenCV (LibTorch-only build)");
        QVERIFY2(synth.exitCode == 0, synth.output.c_str());
        const std::string temp = dir + "/ds/.index.jsonl.tmp-Ab12Cd";
        std::ofstream(temp) << "{\"id\": \"half";
        std::filesystem::last_write_time(temp, std::filesystem::file_time_type::clock::now() - std::chrono::minutes(5));
        std::filesystem::copy_file(m_golden + "/README.md", dir + "/ds/images/orphan.png");
        const Run st = run("dataset stats " + dir + "/ds");
        QVERIFY2(st.exitCode == 0, st.output.c_str());
        QVERIFY2(st.output.find("1 file(s) that no sample names (left by an interrupted write?): images/orphan.png") !=
                     std::string::npos, st.output.c_str());
        QVERIFY2(st.output.find("temporary file(s) of an interrupted save") != std::string::npos, st.output.c_str());
        const Run s = run("dataset suggest " + dir + "/ds --method region");
        QVERIFY2(s.exitCode == 0, s.output.c_str());
        QVERIFY(!std::filesystem::exists(temp));
        QVERIFY(std::filesystem::exists(dir + "/ds/images/orphan.png")); // reported, never removed

        // dataset.json's numbers are checked before they are converted, and its count against the index.
        std::ofstream(dir + "/ds/dataset.json") << "{\"format\": \"mosaic-dataset\", \"version\": 1e300, \"samples\": 5}";
        const Run v = run("dataset validate " + dir + "/ds");
        QCOMPARE(v.exitCode, 1);
        QVERIFY2(v.output.find("\"version\" is not a whole number") != std::string::npos, v.output.c_str());
        QVERIFY2(v.output.find("it counts 5 samples, but index.jsonl holds 1") != std::string::npos, v.output.c_str());
    }

    // --collage: the references pasted and redrawn; recorded in the image's parameters, and another
    // image than the plain run of the same seed.
    void generateWithCollage()
    {
        if (!prepareGenerate())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        const std::string base = "generate --model " + m_bundle + " --ref " + m_refs[0] + " --ref " + m_refs[1] +
                                 " --prompt 'two toys on the grass' --seed 3 --steps 3 --size 64 --box 1:0,0,0.5,0.5";
        Run a = run(base + " --out " + m_dir + "/plain.png");
        QVERIFY2(a.exitCode == 0, a.output.c_str());
        Run b = run(base + " --collage 0.5 --out " + m_dir + "/collage.png");
        QVERIFY2(b.exitCode == 0, b.output.c_str());
        // The subject without a region is named (it is placed by attention); the one with a box is not.
        QVERIFY2(b.output.find("subject 2 (") != std::string::npos &&
                     b.output.find("has no region (box or mask)") != std::string::npos,
                 b.output.c_str());
        QVERIFY(b.output.find("subject 1 (") == std::string::npos);
        QVERIFY(a.output.find("has no region") == std::string::npos); // no collage, no note
        std::map<std::string, std::string> text;
        QVERIFY(mosaic::readPngText(m_dir + "/collage.png", &text).ok());
        QVERIFY2(text["parameters"].find("Reference collage: 0.5") != std::string::npos, text["parameters"].c_str());
        QVERIFY(text["mosaic"].find("\"collage\":0.5") != std::string::npos);
        mosaic::RgbaImage plain, collage;
        QVERIFY(mosaic::loadImage(m_dir + "/plain.png", &plain).ok());
        QVERIFY(mosaic::loadImage(m_dir + "/collage.png", &collage).ok());
        QVERIFY(plain.pixels != collage.pixels);
    }

    // --auto-layout: boxes from the prompt for subjects without one, said on the terminal and recorded.
    void generateWithAutoLayout()
    {
        if (!prepareGenerate())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        const std::string base = "generate --model " + m_bundle + " --ref " + m_refs[0] + " --name Rex --ref " + m_refs[1] +
                                 " --name Tock --ref " + m_refs[2] + " --name Moss" +
                                 " --prompt 'Tock on the left and Rex on the right' --seed 3 --steps 2 --size 64 --collage 0";
        Run r = run(base + " --auto-layout --out " + m_dir + "/auto.png");
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        QVERIFY2(r.output.find("subject 1 (Rex) placed by \"Rex on the right\"") != std::string::npos, r.output.c_str());
        QVERIFY(r.output.find("subject 2 (Tock) placed by \"Tock on the left\"") != std::string::npos);
        QVERIFY(r.output.find("subject 3 (Moss) is not placed by the prompt") != std::string::npos);
        std::map<std::string, std::string> text;
        QVERIFY(mosaic::readPngText(m_dir + "/auto.png", &text).ok());
        QVERIFY2(text["mosaic"].find("\"auto_layout\":true") != std::string::npos, text["mosaic"].c_str());
        size_t boxes = 0;
        for (size_t at = text["mosaic"].find("\"box\""); at != std::string::npos; at = text["mosaic"].find("\"box\"", at + 1))
            ++boxes;
        QCOMPARE(boxes, size_t{3});
        // Without the flag no box is planned; with every subject boxed the flag changes nothing.
        Run plain = run(base + " --out " + m_dir + "/noauto.png");
        QVERIFY2(plain.exitCode == 0, plain.output.c_str());
        QVERIFY(plain.output.find("placed by") == std::string::npos);
        text.clear();
        QVERIFY(mosaic::readPngText(m_dir + "/noauto.png", &text).ok());
        QVERIFY(text["mosaic"].find("\"box\"") == std::string::npos);
    }

    void generateWritesImageMapsAndMetadata()
    {
        if (!prepareGenerate())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        const std::string out = m_dir + "/gen.png", maps = m_dir + "/maps";
        std::string refs;
        for (int i = 0; i < 4; ++i)
            refs += " --ref " + m_refs[static_cast<size_t>(i)] + " --name s" + std::to_string(i + 1);
        Run r = run("generate --model " + m_bundle + refs + " --prompt 'four toys on the grass' --seed 7 --steps 2" +
                    " --box 1:0,0,0.5,0.5 --box 2:32,0,32,32 --size 64 --point 3:0.5,0.5:0.2,0.8 --out " + out +
                    " --maps " + maps);
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        mosaic::RgbaImage img;
        QVERIFY(mosaic::loadImage(out, &img).ok());
        QCOMPARE(img.width, 64);
        std::map<std::string, std::string> text;
        QVERIFY(mosaic::readPngText(out, &text).ok());
        QVERIFY(text["parameters"].find("four toys on the grass") != std::string::npos);
        QVERIFY(text["parameters"].find("Seed: 7") != std::string::npos);
        QVERIFY2(text["mosaic"].find("\"box\":[0.5,0.0,0.5,0.5]") != std::string::npos, text["mosaic"].c_str());
        for (int i = 1; i <= 4; ++i) {
            QVERIFY(std::filesystem::exists(maps + "/" + std::to_string(i) + "_s" + std::to_string(i) + "_attention.png"));
            QVERIFY(std::filesystem::exists(maps + "/" + std::to_string(i) + "_s" + std::to_string(i) + "_share.png"));
        }
        QVERIFY(std::filesystem::exists(maps + "/ownership.png"));
        QVERIFY(r.output.find("of its attention share lies inside its region") != std::string::npos);
        // Per reference, how much of the image's attention it receives: shares of one softmax, so
        // each mean lies within its peak and the four together within 100 %.
        double meanSum = 0;
        int lines = 0;
        for (size_t at = r.output.find("attention on this reference: mean "); at != std::string::npos;
             at = r.output.find("attention on this reference: mean ", at + 1)) {
            double mean = -1, peak = -1;
            QCOMPARE(std::sscanf(r.output.c_str() + at, "attention on this reference: mean %lf%%, peak %lf%%", &mean, &peak), 2);
            QVERIFY2(mean > 0 && mean <= peak && peak <= 100.0, r.output.c_str());
            meanSum += mean;
            ++lines;
        }
        QCOMPARE(lines, 4);
        QVERIFY2(meanSum < 100.0, r.output.c_str());

        // Image to image: the first image as the start, at strength 0.5; the strength is in the metadata.
        Run i2i = run("generate --model " + m_bundle + " --ref " + m_refs[0] + " --prompt 'one toy' --seed 7 --steps 4" +
                      " --size 64 --init " + out + " --strength 0.5 --out " + m_dir + "/i2i.png");
        QVERIFY2(i2i.exitCode == 0, i2i.output.c_str());
        std::map<std::string, std::string> i2iText;
        QVERIFY(mosaic::readPngText(m_dir + "/i2i.png", &i2iText).ok());
        QVERIFY2(i2iText["parameters"].find("Denoising strength: 0.5") != std::string::npos, i2iText["parameters"].c_str());

        // No --model: the bundled model, found through $MOSAIC_MODEL first; a clear list when missing.
        Run d = run("generate --prompt 'one toy on the grass' --ref " + m_refs[0] + " --steps 1 --size 64 --out " +
                    m_dir + "/default.png", "MOSAIC_MODEL=" + m_bundle);
        QVERIFY2(d.exitCode == 0, d.output.c_str());
        QVERIFY2(d.output.find("model '") != std::string::npos, d.output.c_str());
        QVERIFY(std::filesystem::exists(m_dir + "/default.png"));
        Run missing = run("generate --prompt x --out " + m_dir + "/none.png", "MOSAIC_MODEL=" + m_dir + "/absent.safetensors");
        if (missing.output.find("not found") != std::string::npos) // (no bundled model beside this build)
            QVERIFY(missing.output.find("absent.safetensors") != std::string::npos && missing.exitCode != 0);
    }

    void generateBadInputs_data()
    {
        QTest::addColumn<std::string>("args");
        QTest::addColumn<std::string>("message");
        QTest::newRow("missing reference") << std::string("--ref /nonexistent/cat.png") << std::string("/nonexistent/cat.png");
        QTest::newRow("corrupt PNG") << std::string("--ref CORRUPT") << std::string("not an image, or a corrupt");
        QTest::newRow("box outside") << std::string("--ref REF0 --box 1:0.8,0.8,0.5,0.5")
                                     << std::string("is not inside the canvas");
        QTest::newRow("box for a missing subject") << std::string("--ref REF0 --box 2:0,0,0.5,0.5")
                                                   << std::string("names subject 2, but there are 1");
        // Refused before the model loads, in one message (not a note per subject first).
        QTest::newRow("too many references") << std::string("NINE") << std::string("9 --ref images, but bundle takes at most 8 subjects");
        QTest::newRow("2x2 reference") << std::string("--ref PROBE") << std::string("probe.png is 2x2 pixels; a subject's image must be at least 8x8");
        QTest::newRow("LoRA for another architecture") << std::string("--ref REF0 --lora OTHERLORA")
                                                       << std::string("needs A [r, 64]");
        // A FLUX transformer alone is a model set without its encoders: what is missing, and how to fix it.
        QTest::newRow("not a bundle") << std::string("--ref REF0 MODEL=GOLDEN") << std::string("no T5 encoder found; put t5xxl_fp16");
        QTest::newRow("strength without a start") << std::string("--ref REF0 --strength 0.5") << std::string("--strength needs --init");
        QTest::newRow("missing start image") << std::string("--ref REF0 --init /nonexistent/start.png")
                                             << std::string("/nonexistent/start.png");
        QTest::newRow("strength 0") << std::string("--ref REF0 --init REF0 --strength 0") << std::string("must be above 0 and at most 1");
        QTest::newRow("collage 1") << std::string("--ref REF0 --collage 1") << std::string("collage's strength 1 must be");
        QTest::newRow("collage negative") << std::string("--ref REF0 --collage -0.2") << std::string("--collage expects a strength");
    }

    void generateBadInputs()
    {
        QFETCH(std::string, args);
        QFETCH(std::string, message);
        if (!prepareGenerate())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        auto replace = [&](const std::string &from, const std::string &to) {
            for (size_t p; (p = args.find(from)) != std::string::npos;)
                args.replace(p, from.size(), to);
        };
        std::string model = m_bundle;
        if (args.find("MODEL=GOLDEN") != std::string::npos) {
            model = m_golden + "/flux_tiny.weights.safetensors";
            replace(" MODEL=GOLDEN", "");
        }
        std::string nine;
        for (int i = 0; i < 9; ++i)
            nine += " --ref " + m_refs[0];
        replace("NINE", nine);
        replace("REF0", m_refs[0]);
        replace("PROBE", m_dir + "/probe.png");
        replace("CORRUPT", m_dir + "/corrupt.png");
        replace("OTHERLORA", m_dir + "/other_lora.safetensors");
        Run r = run("generate --model " + model + " " + args + " --prompt x --steps 1 --out " + m_dir + "/bad.png");
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.output.find(message) != std::string::npos, r.output.c_str());
        QVERIFY(!std::filesystem::exists(m_dir + "/bad.png"));
        if (message.find("at most 8 subjects") != std::string::npos || message.find("2x2 pixels") != std::string::npos)
            QVERIFY2(r.output.find("subject(s), model") == std::string::npos && r.output.find("has no region") == std::string::npos,
                     r.output.c_str());
    }

    void synthAndValidate()
    {
        if (!prepareGenerate())
            QSKIP("image files need OpenCV (LibTorch-only build)");
        const std::string dir = m_dir + "/toys";
        Run r = run("synth --count 3 --subjects 2-3 --size 128 --seed 5 --out " + dir);
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        QVERIFY(r.output.find("samples/s") != std::string::npos);
        Run v = run("dataset validate " + dir);
        QVERIFY2(v.exitCode == 0, v.output.c_str());
        QVERIFY(v.output.find("3 samples, no problems") != std::string::npos);
        // Break one line: a clear message naming the line and field, exit 1.
        std::vector<std::string> lines;
        {
            std::ifstream in(dir + "/index.jsonl");
            for (std::string l; std::getline(in, l);)
                lines.push_back(l);
        }
        size_t k = 0;
        while (k < lines.size() && lines[k].find("\"status\":\"accepted\"") == std::string::npos)
            ++k;
        QVERIFY(k < lines.size());
        const std::string accepted = "\"status\":\"accepted\"";
        lines[k].replace(lines[k].find(accepted), accepted.size(), "\"status\":\"approved\"");
        {
            std::ofstream outFile(dir + "/index.jsonl");
            for (const auto &l : lines)
                outFile << l << "\n";
        }
        Run bad = run("dataset validate " + dir);
        QCOMPARE(bad.exitCode, 1);
        const std::string where = "line " + std::to_string(k + 1) + ", subjects[";
        QVERIFY2(bad.output.find(where) != std::string::npos, bad.output.c_str());
        QVERIFY(bad.output.find("unknown status \"approved\"") != std::string::npos);
        Run usage = run("synth --count 2 --subjects 0-9 --out " + dir + "2");
        QCOMPARE(usage.exitCode, 2);
        QVERIFY(usage.output.find("subjects 1 to 6") != std::string::npos);
        Run scale = run("synth --count 2 --scale 0.5,0.6 --out " + dir + "3");
        QCOMPARE(scale.exitCode, 2);
        QVERIFY2(scale.output.find("subject scale range must lie within 0.03-0.35") != std::string::npos, scale.output.c_str());
        Run larger = run("synth --count 2 --subjects 1 --size 128 --seed 5 --scale 0.2,0.3 --out " + dir + "4");
        QVERIFY2(larger.exitCode == 0, larger.output.c_str());
        Run aligned = run("synth --count 2 --subjects 3 --size 128 --ref-size 64 --aligned 2 --out " + dir + "5");
        QVERIFY2(aligned.exitCode == 0, aligned.output.c_str());
        Run misaligned = run("synth --count 2 --size 128 --ref-size 64 --aligned 3 --out " + dir + "6");
        QCOMPARE(misaligned.exitCode, 2);
        QVERIFY2(misaligned.output.find("aligned toys shrink the 64-px reference") != std::string::npos, misaligned.output.c_str());
        QVERIFY(!std::filesystem::exists(dir + "6/index.jsonl"));
        Run missing = run("dataset validate /nonexistent");
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.output.find("not a dataset folder") != std::string::npos);
    }

private:
    // A random bundle, four reference PNGs, a corrupt PNG and a LoRA of the wrong width.
    bool prepareGenerate()
    {
        if (!m_bundle.empty())
            return true;
        mosaic::RgbaImage probe;
        probe.width = probe.height = 2;
        probe.pixels.assign(16, 255);
        if (!mosaic::savePng(m_dir + "/probe.png", probe).ok())
            return false;
        mosaic::RandomBundleOptions o;
        o.imageSize = o.refSize = 64;
        if (!mosaic::writeRandomBundle(m_dir + "/bundle.safetensors", o).ok())
            return false;
        for (int i = 0; i < 4; ++i) {
            mosaic::RgbaImage img;
            img.width = 50 + 10 * i;
            img.height = 40;
            img.pixels.assign(static_cast<size_t>(img.width) * img.height * 4, 255);
            for (int y = 10; y < 30; ++y)
                for (int x = 10; x < img.width - 10; ++x) {
                    uint8_t *p = &img.pixels[(static_cast<size_t>(y) * img.width + x) * 4];
                    p[i % 3] = 30;
                }
            const std::string path = m_dir + "/ref" + std::to_string(i) + ".png";
            mosaic::savePng(path, img);
            m_refs.push_back(path);
        }
        std::ofstream(m_dir + "/corrupt.png", std::ios::binary) << std::string("\x89PNG\r\n\x1a\nIHDR", 12);
        st::write(m_dir + "/other_lora.safetensors",
                  {{"transformer.transformer_blocks.0.attn.to_q.lora_A.weight", at::zeros({4, 3072})},
                   {"transformer.transformer_blocks.0.attn.to_q.lora_B.weight", at::zeros({3072, 4})}});
        m_bundle = m_dir + "/bundle.safetensors";
        return true;
    }

    std::string m_golden;
    std::string m_dir;
    std::string m_bundle;
    std::vector<std::string> m_refs;
};

MOSAIC_TEST_MAIN(TstCli, MT_FN(initTestCase) MT_FN(helpAndVersion) MT_FN(commandHelp) MT_FN(demoPixelsUnchanged) MT_FN(hostileFilesRefused) MT_FN(inspectGolden) MT_FN(inspectBundle) MT_DATA(forwardMatchesGolden) MT_DATA(badInputs)
                             MT_FN(forwardRejectsWrongFiles) MT_FN(generateWithModelSets) MT_FN(encodeMatchesGolden) MT_FN(benchRunsSmallConfig) MT_FN(benchBf16WithoutNativeBf16) MT_FN(outOfMemorySaysSoAndWritesNothing) MT_FN(runsLeaveBusyCoresAlone) MT_FN(datasetSuggestAndStats) MT_FN(datasetRewritesLoseNothing) MT_FN(datasetStrayFiles) MT_FN(generateWithCollage) MT_FN(generateWithAutoLayout) MT_FN(generateWritesImageMapsAndMetadata) MT_DATA(generateBadInputs) MT_FN(synthAndValidate) MT_FN(setDefaults))

#include "tst_cli.moc"
