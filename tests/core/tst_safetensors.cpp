// safetensors: round trips of every dtype, zero-copy reads, atomic writes, sharded checkpoints, and
// one crafted file per header violation (each must name the file and, where there is one, the tensor).
#include "testsupport.h"

#include "io/checkpoint.h"
#include "io/safetensors.h"
#include "util/error.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <csignal>
#include <filesystem>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mosaic;

namespace {

std::string writeRaw(const std::string &path, const std::string &header, const std::string &buffer,
                     int64_t lengthOverride = -1)
{
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    uint64_t n = lengthOverride >= 0 ? static_cast<uint64_t>(lengthOverride) : header.size();
    for (int i = 0; i < 8; ++i)
        out.put(static_cast<char>((n >> (8 * i)) & 0xff));
    out << header << buffer;
    return path;
}

std::string readAll(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Opens and returns the error message, or "" if the file opened.
std::string openError(const std::string &path, StatusCode *code = nullptr)
{
    try {
        st::File::open(path);
    } catch (const Error &e) {
        if (code)
            *code = e.code();
        return e.what();
    }
    return {};
}

} // namespace

class TstSafetensors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { m_dir = testsupport::scratchDir("safetensors"); }

    void roundTripEveryDtype_data()
    {
        QTest::addColumn<int>("scalarType");
        QTest::addColumn<std::string>("dtypeName");
        QTest::newRow("F32") << static_cast<int>(at::kFloat) << std::string("F32");
        QTest::newRow("F16") << static_cast<int>(at::kHalf) << std::string("F16");
        QTest::newRow("BF16") << static_cast<int>(at::kBFloat16) << std::string("BF16");
        QTest::newRow("F64") << static_cast<int>(at::kDouble) << std::string("F64");
        QTest::newRow("I64") << static_cast<int>(at::kLong) << std::string("I64");
        QTest::newRow("I32") << static_cast<int>(at::kInt) << std::string("I32");
        QTest::newRow("I16") << static_cast<int>(at::kShort) << std::string("I16");
        QTest::newRow("I8") << static_cast<int>(at::kChar) << std::string("I8");
        QTest::newRow("U8") << static_cast<int>(at::kByte) << std::string("U8");
        QTest::newRow("BOOL") << static_cast<int>(at::kBool) << std::string("BOOL");
    }

    void roundTripEveryDtype()
    {
        QFETCH(int, scalarType);
        QFETCH(std::string, dtypeName);
        const auto type = static_cast<at::ScalarType>(scalarType);
        at::Tensor t = type == at::kBool ? at::randn({3, 5}) > 0 : (at::randn({3, 5}) * 50).to(type);
        at::Tensor scalar = at::ones({}, at::TensorOptions().dtype(type));
        at::Tensor empty = at::empty({0, 4}, at::TensorOptions().dtype(type));
        const std::string path = m_dir + "/rt_" + dtypeName + ".safetensors";
        st::write(path, {{"t", t}, {"scalar", scalar}, {"empty", empty}}, {{"k", "v"}});

        const std::string bytes = readAll(path);
        uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | static_cast<unsigned char>(bytes[static_cast<size_t>(i)]);
        QCOMPARE(n % 8, uint64_t{0}); // the header is padded so that the data is 8-byte aligned

        auto f = st::File::open(path);
        QCOMPARE(f->info("t").dtype, [&] {
            st::DType d;
            st::parseDType(dtypeName, &d);
            return d;
        }());
        QCOMPARE(f->metadata().at("k"), std::string("v"));
        at::Tensor back = f->tensor("t");
        QCOMPARE(back.scalar_type(), type);
        QVERIFY(back.sizes() == t.sizes());
        QVERIFY(at::equal(back, t));
        QVERIFY(f->tensor("scalar").dim() == 0);
        QVERIFY(at::equal(f->tensor("scalar"), scalar));
        QCOMPARE(f->tensor("empty").numel(), int64_t{0});
        QVERIFY(f->tensor("empty").sizes() == empty.sizes());
    }

    void zeroCopyViewsTheMapping()
    {
        const std::string path = m_dir + "/zc.safetensors";
        at::Tensor t = at::arange(1000, at::kFloat).reshape({10, 100});
        st::write(path, {{"w", t}, {"b", at::ones({7}, at::kBFloat16)}});
        auto f = st::File::open(path);
        QVERIFY(f->isZeroCopy("w"));
        QVERIFY(f->isZeroCopy("b"));
        at::Tensor w = f->tensor("w");
        at::Tensor w2 = f->tensor("w");
        QCOMPARE(w.data_ptr(), w2.data_ptr()); // both view the same mapped bytes: no copy
        // Writing into a view stays private to the process: the file is unchanged.
        w.fill_(-1);
        f.reset(); // the tensor keeps the mapping alive
        QCOMPARE(w.sum().item<float>(), -1000.0f);
        QVERIFY(at::equal(st::File::open(path)->tensor("w"), t));
    }

    void unsignedTypesWiden()
    {
        // U16 and U32 have no LibTorch type: they come back widened, values intact.
        const std::string header = R"({"a":{"dtype":"U16","shape":[2],"data_offsets":[0,4]},)"
                                   R"("b":{"dtype":"U32","shape":[1],"data_offsets":[4,8]}})";
        const std::string buffer("\xff\xff\x01\x00\xff\xff\xff\xff", 8);
        auto f = st::File::open(writeRaw(m_dir + "/u.safetensors", header, buffer));
        at::Tensor a = f->tensor("a"), b = f->tensor("b");
        QCOMPARE(a.scalar_type(), at::kInt);
        QCOMPARE(a[0].item<int>(), 65535);
        QCOMPARE(a[1].item<int>(), 1);
        QCOMPARE(b.scalar_type(), at::kLong);
        QCOMPARE(b[0].item<int64_t>(), int64_t{4294967295});
    }

    void boolBytesAreNormalised()
    {
        const std::string header = R"({"m":{"dtype":"BOOL","shape":[3],"data_offsets":[0,3]}})";
        auto f = st::File::open(writeRaw(m_dir + "/bool.safetensors", header, std::string("\x00\x02\x01", 3)));
        at::Tensor m = f->tensor("m");
        QCOMPARE(m.sum().item<int64_t>(), int64_t{2});
    }

    void unalignedDataIsCopied()
    {
        // A header padded to an odd length puts F32 data at an odd offset: it must still read right.
        std::string header = R"({"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        while ((8 + header.size()) % 4 != 1)
            header += ' ';
        float v[2] = {1.5f, -2.25f};
        const std::string path = writeRaw(m_dir + "/unaligned.safetensors", header,
                                          std::string(reinterpret_cast<const char *>(v), 8));
        auto f = st::File::open(path);
        QVERIFY(!f->isZeroCopy("x"));
        at::Tensor x = f->tensor("x");
        QCOMPARE(x[0].item<float>(), 1.5f);
        QCOMPARE(x[1].item<float>(), -2.25f);
    }

    void rejectsViolations_data()
    {
        QTest::addColumn<std::string>("header");
        QTest::addColumn<std::string>("buffer");
        QTest::addColumn<std::string>("expected");
        const std::string ok = R"("a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
        const std::string eight(8, '\0');
        QTest::newRow("not json") << std::string("{\"a\": [1, 2") << eight << std::string("not valid JSON");
        QTest::newRow("not an object") << std::string("[1, 2, 3]") << eight << std::string("does not start with '{'");
        QTest::newRow("duplicate name") << "{" + ok + "," + ok + "}" << eight << std::string("names 'a' more than once");
        QTest::newRow("unknown dtype") << std::string(R"({"a":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}})")
                                       << eight << std::string("tensor 'a': unknown dtype \"F31\"");
        QTest::newRow("size mismatch") << std::string(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})")
                                       << eight << std::string("tensor 'a': shape [3] of F32 needs 12 bytes");
        QTest::newRow("past buffer") << std::string(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})")
                                     << eight << std::string("tensor 'a': data_offsets end 16 is past the data buffer");
        QTest::newRow("begin after end") << std::string(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,4]}})")
                                         << eight << std::string("tensor 'a': data_offsets begin 8 is after end 4");
        QTest::newRow("overlap")
            << std::string(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                           R"("b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})")
            << eight << std::string("overlaps tensor");
        QTest::newRow("hole") << std::string(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})") << eight
                              << std::string("a hole of 4 bytes lies before tensor 'a'");
        QTest::newRow("trailing bytes") << std::string(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})")
                                        << eight << std::string("4 bytes at the end of the data buffer");
        QTest::newRow("negative dim") << std::string(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})")
                                      << eight << std::string("tensor 'a': the shape holds a value");
        QTest::newRow("overflowing shape")
            << std::string(R"({"a":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}})") << eight
            << std::string("tensor 'a': the shape");
        QTest::newRow("offsets not a pair") << std::string(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}})")
                                            << eight << std::string("tensor 'a': \"data_offsets\" is not a pair");
        QTest::newRow("missing dtype") << std::string(R"({"a":{"shape":[2],"data_offsets":[0,8]}})") << eight
                                       << std::string("tensor 'a': missing or non-string \"dtype\"");
        QTest::newRow("metadata not strings") << "{\"__metadata__\":{\"x\":1}," + ok + "}" << eight
                                              << std::string("__metadata__ entry 'x' is not a string");
        QTest::newRow("deep nesting") << std::string(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8],)"
                                                     R"("x":[[[[[[[[[[1]]]]]]]]]]}})")
                                      << eight << std::string("nests deeper");
    }

    void rejectsViolations()
    {
        QFETCH(std::string, header);
        QFETCH(std::string, buffer);
        QFETCH(std::string, expected);
        const std::string path = writeRaw(m_dir + "/bad.safetensors", header, buffer);
        StatusCode code = StatusCode::Ok;
        const std::string err = openError(path, &code);
        QVERIFY2(err.find(path) != std::string::npos, err.c_str());
        QVERIFY2(err.find(expected) != std::string::npos, err.c_str());
        QCOMPARE(code, StatusCode::CorruptFile);
    }

    void rejectsBadLengths()
    {
        StatusCode code = StatusCode::Ok;
        std::ofstream(m_dir + "/short.safetensors", std::ios::binary) << "abc";
        QVERIFY(openError(m_dir + "/short.safetensors", &code).find("shorter than the 8-byte header length") !=
                std::string::npos);
        QCOMPARE(code, StatusCode::CorruptFile);

        const std::string header = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
        writeRaw(m_dir + "/long.safetensors", header, std::string(8, '\0'), 5000);
        QVERIFY(openError(m_dir + "/long.safetensors").find("larger than the rest of the file") != std::string::npos);

        writeRaw(m_dir + "/cap.safetensors", header, std::string(8, '\0'), 200000000);
        QVERIFY(openError(m_dir + "/cap.safetensors").find("exceeds the 100 MB limit") != std::string::npos);

        QVERIFY(openError(m_dir + "/does-not-exist.safetensors", &code).find("cannot open") != std::string::npos);
        QCOMPARE(code, StatusCode::NotFound);
    }

    void truncatedFileIsRejected()
    {
        const std::string path = m_dir + "/full.safetensors";
        st::write(path, {{"a", at::randn({64})}, {"b", at::randn({16, 16})}});
        const std::string bytes = readAll(path);
        std::ofstream(m_dir + "/cut.safetensors", std::ios::binary) << bytes.substr(0, bytes.size() - 100);
        const std::string err = openError(m_dir + "/cut.safetensors");
        QVERIFY2(err.find("past the data buffer") != std::string::npos, err.c_str());
    }

    void randomCorruptionNeverCrashes()
    {
        // Flip bytes of a valid file at random: every variant either opens and reads in bounds, or is
        // refused with a mosaic::Error. A crash or a stray exception type fails the suite.
        const std::string path = m_dir + "/fuzz_src.safetensors";
        st::write(path, {{"w", at::randn({8, 8})}, {"ids", at::arange(10)}}, {{"config", "{\"x\": 1}"}});
        const std::string bytes = readAll(path);
        std::mt19937 rng(1234);
        int opened = 0, refused = 0;
        for (int i = 0; i < 400; ++i) {
            std::string b = bytes;
            const int flips = 1 + static_cast<int>(rng() % 4);
            for (int k = 0; k < flips; ++k)
                b[rng() % std::min<size_t>(b.size(), 200)] = static_cast<char>(rng() & 0xff);
            const std::string p = m_dir + "/fuzz.safetensors";
            std::ofstream(p, std::ios::binary | std::ios::trunc) << b;
            try {
                auto f = st::File::open(p);
                for (const auto &t : f->tensors()) {
                    try {
                        f->tensor(t.name).sum();
                    } catch (const Error &) {
                        // an unsupported dtype is a clean refusal too
                    }
                }
                ++opened;
            } catch (const Error &) {
                ++refused;
            }
        }
        QCOMPARE(opened + refused, 400);
        QVERIFY(refused > 0);
    }

    void writeIsAtomic()
    {
        const std::string path = m_dir + "/atomic.safetensors";
        st::write(path, {{"a", at::ones({4})}});
        const std::string before = readAll(path);
        // A tensor type safetensors cannot hold aborts before anything is written.
        bool threw = false;
        try {
            st::write(path, {{"a", at::ones({4})}, {"c", at::ones({2}, at::kComplexDouble)}});
        } catch (const Error &) {
            threw = true;
        }
        QVERIFY(threw);
        QCOMPARE(readAll(path), before);
        // A folder that cannot be written: clear IoError, nothing left behind.
        const std::string ro = m_dir + "/readonly";
        ::mkdir(ro.c_str(), 0555);
        if (::access(ro.c_str(), W_OK) == 0)
            QSKIP("running as a user who can write into read-only folders (root)");
        StatusCode code = StatusCode::Ok;
        try {
            st::write(ro + "/x.safetensors", {{"a", at::ones({4})}});
        } catch (const Error &e) {
            code = e.code();
        }
        QCOMPARE(code, StatusCode::IoError);
    }

    void failedWriteLeavesOldFile()
    {
        // A write that fails half way (here: the file-size limit, which fails write(2) with EFBIG as a
        // full disk fails it with ENOSPC) must leave the old file intact and no temporary behind.
        const std::string dir = testsupport::scratchDir("failed_write");
        const std::string path = dir + "/keep.safetensors";
        st::write(path, {{"a", at::ones({4})}});
        const std::string before = readAll(path);

        struct rlimit old {};
        ::getrlimit(RLIMIT_FSIZE, &old);
        auto oldHandler = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old;
        small.rlim_cur = 4096;
        ::setrlimit(RLIMIT_FSIZE, &small);
        std::string err;
        StatusCode code = StatusCode::Ok;
        try {
            st::write(path, {{"a", at::ones({100000})}});
        } catch (const Error &e) {
            err = e.what();
            code = e.code();
        }
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, oldHandler);

        QCOMPARE(code, StatusCode::IoError);
        QVERIFY2(err.find(path) != std::string::npos, err.c_str());
        QCOMPARE(readAll(path), before);
        int entries = 0;
        for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(dir))
            ++entries;
        QCOMPARE(entries, 1); // only keep.safetensors: the temporary was removed
    }

    void shardedCheckpointLoadsAsOne()
    {
        const std::string dir = testsupport::scratchDir("sharded");
        st::write(dir + "/model-00001-of-00002.safetensors", {{"a.weight", at::ones({2, 2})}}, {{"format", "pt"}});
        st::write(dir + "/model-00002-of-00002.safetensors", {{"b.weight", at::zeros({3})}});
        std::ofstream(dir + "/model.safetensors.index.json")
            << R"({"metadata": {"total_size": 28}, "weight_map": {"a.weight": "model-00001-of-00002.safetensors",)"
            << R"( "b.weight": "model-00002-of-00002.safetensors"}})";
        const Checkpoint ck = Checkpoint::open(dir + "/model.safetensors.index.json");
        QCOMPARE(ck.shardCount(), size_t{2});
        QCOMPARE(ck.names().size(), size_t{2});
        QVERIFY(at::equal(ck.tensor("a.weight"), at::ones({2, 2})));
        QVERIFY(at::equal(ck.tensor("b.weight"), at::zeros({3})));
        QCOMPARE(ck.metadata().at("total_size"), std::string("28"));
        QCOMPARE(ck.loadAll().size(), size_t{2});
    }

    void shardedCheckpointErrors_data()
    {
        QTest::addColumn<std::string>("index");
        QTest::addColumn<std::string>("expected");
        QTest::newRow("missing shard") << std::string(R"({"weight_map": {"a": "nope.safetensors"}})")
                                       << std::string("nope.safetensors: cannot open");
        QTest::newRow("escaping path") << std::string(R"({"weight_map": {"a": "../x.safetensors"}})")
                                       << std::string("is not a plain file name");
        QTest::newRow("tensor not in shard") << std::string(R"({"weight_map": {"zzz": "one.safetensors"}})")
                                             << std::string("tensor 'zzz' is mapped to one.safetensors");
        QTest::newRow("no weight map") << std::string(R"({"metadata": {}})") << std::string("no \"weight_map\"");
        QTest::newRow("broken json") << std::string(R"({"weight_map": )") << std::string("not valid JSON");
    }

    void shardedCheckpointErrors()
    {
        QFETCH(std::string, index);
        QFETCH(std::string, expected);
        const std::string dir = testsupport::scratchDir("sharded_bad");
        st::write(dir + "/one.safetensors", {{"a", at::ones({1})}});
        std::ofstream(dir + "/i.safetensors.index.json") << index;
        std::string err;
        try {
            Checkpoint::open(dir + "/i.safetensors.index.json");
        } catch (const Error &e) {
            err = e.what();
        }
        QVERIFY2(err.find(expected) != std::string::npos, err.c_str());
    }

private:
    std::string m_dir;
};

MOSAIC_TEST_MAIN(TstSafetensors,
                 MT_FN(initTestCase) MT_DATA(roundTripEveryDtype) MT_FN(zeroCopyViewsTheMapping) MT_FN(unsignedTypesWiden)
                     MT_FN(boolBytesAreNormalised) MT_FN(unalignedDataIsCopied) MT_DATA(rejectsViolations) MT_FN(rejectsBadLengths)
                         MT_FN(truncatedFileIsRejected) MT_FN(randomCorruptionNeverCrashes) MT_FN(writeIsAtomic)
                             MT_FN(failedWriteLeavesOldFile) MT_FN(shardedCheckpointLoadsAsOne) MT_DATA(shardedCheckpointErrors))

#include "tst_safetensors.moc"
