// The `mosaic` CLI as a user runs it: --help, --version, inspect, forward (checked against the golden
// outputs), and a clear message with a non-zero exit for each bad input.
#include "testsupport.h"
#include "tensorcheck.h"

#include "io/checkpoint.h"
#include "io/safetensors.h"

#include <array>
#include <cstdio>
#include <fstream>
#include <sys/wait.h>

using namespace mosaic;

namespace {

struct Run
{
    int exitCode = -1;
    std::string output; // stdout and stderr together
};

Run run(const std::string &args)
{
    Run r;
    const std::string cmd = std::string(MOSAIC_CLI) + " --no-log-file " + args + " 2>&1";
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

    void forwardMatchesGolden_data()
    {
        QTest::addColumn<std::string>("weights");
        QTest::addColumn<std::string>("io");
        QTest::addColumn<std::string>("component");
        QTest::addColumn<std::string>("output");
        QTest::newRow("transformer") << std::string("flux_tiny.weights") << std::string("flux_tiny.io")
                                     << std::string("transformer") << std::string("out");
        QTest::newRow("schnell (auto)") << std::string("flux_tiny_schnell.weights")
                                        << std::string("flux_tiny_schnell.io") << std::string("") << std::string("out");
        QTest::newRow("ae-encode") << std::string("ae_tiny.weights") << std::string("ae_tiny.io")
                                   << std::string("ae-encode") << std::string("z");
        QTest::newRow("ae-decode") << std::string("ae_tiny.weights") << std::string("ae_tiny.io")
                                   << std::string("ae-decode") << std::string("decoded");
    }

    void forwardMatchesGolden()
    {
        QFETCH(std::string, weights);
        QFETCH(std::string, io);
        QFETCH(std::string, component);
        QFETCH(std::string, output);
        if (!std::ifstream(m_golden + "/" + weights + ".safetensors"))
            QSKIP("golden files not found");
        const std::string out = m_dir + "/" + weights + "_" + output + ".safetensors";
        Run r = run("forward --model " + m_golden + "/" + weights + ".safetensors --inputs " + m_golden + "/" + io +
                    ".safetensors --out " + out + (component.empty() ? "" : " --component " + component));
        QVERIFY2(r.exitCode == 0, r.output.c_str());
        const Checkpoint got = Checkpoint::open(out), ref = Checkpoint::open(m_golden + "/" + io + ".safetensors");
        const double e = testsupport::relativeError(got.tensor(output), ref.tensor(output));
        QVERIFY2(e < 1e-5, testsupport::describeError(output, e, 1e-5).c_str());
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
        QTest::newRow("bad threads") << std::string("--threads zero inspect x") << 2
                                     << std::string("--threads expects a positive number");
        QTest::newRow("bench bad number") << std::string("bench transformer --hidden lots") << 2
                                          << std::string("--hidden expects a whole number");
        QTest::newRow("bench bad heads") << std::string("bench transformer --hidden 100 --heads 3") << 2
                                         << std::string("must split into heads");
    }

    void badInputs()
    {
        QFETCH(std::string, args);
        QFETCH(int, exitCode);
        QFETCH(std::string, message);
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

private:
    std::string m_golden;
    std::string m_dir;
};

MOSAIC_TEST_MAIN(TstCli, MT_FN(initTestCase) MT_FN(helpAndVersion) MT_FN(inspectGolden) MT_DATA(forwardMatchesGolden) MT_DATA(badInputs)
                             MT_FN(forwardRejectsWrongFiles) MT_FN(benchRunsSmallConfig))

#include "tst_cli.moc"
