// Model sets in the layouts people have on disk (a diffusers folder with a sharded transformer and an
// AutoencoderKL, BFL files with ComfyUI-named encoders, a ComfyUI models folder), written tiny with the
// same random weights in each: every layout gives the bit-identical image in float32; bfloat16 and the
// fp8 forms stay within stated bounds of float32 while their weights stay in the stored precision; a
// streamed transformer gives exactly the unstreamed output; the fp8 tables hold for all 256 bit
// patterns; a LoRA applies on top of fp8 to reference rows only; and each broken set gets one message
// that names the file at fault. The text encoders are ../shared/golden/text's tiny T5 and CLIP.

#include "testsupport.h"

#include "io/checkpoint.h"
#include "model/flux_keymap.h"
#include "model/loader.h"
#include "model/weights.h"
#include "pipeline/bundle.h"
#include "pipeline/model_set.h"
#include "util/error.h"

#include <mosaic/annotate.h>
#include <mosaic/modelset.h>
#include <mosaic/pipeline.h>
#include <mosaic/runtime.h>
#include <mosaic/tools.h>

#include <ATen/CPUGeneratorImpl.h>
#include <c10/core/InferenceMode.h>

#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <stdexcept>

using namespace mosaic;
namespace fs = std::filesystem;

namespace {

void synth(const std::string &path, SynthModelOptions o)
{
    fs::create_directories(fs::path(path).parent_path());
    const Status st = synthModelFile(path, o);
    if (!st.ok())
        QFAIL(st.message.c_str());
}

SynthModelOptions transformer(const std::string &layout = "bfl", const std::string &precision = "f32")
{
    SynthModelOptions o;
    o.what = "transformer";
    o.layout = layout;
    o.precision = precision;
    return o;
}

SynthModelOptions autoencoder(const std::string &layout = "bfl")
{
    SynthModelOptions o;
    o.what = "autoencoder";
    o.layout = layout;
    return o;
}

void copyFile(const std::string &from, const std::string &to)
{
    fs::create_directories(fs::path(to).parent_path());
    fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

void copyFolder(const std::string &from, const std::string &to)
{
    fs::create_directories(to);
    fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

// The image of one generation (one reference, a fixed seed) as bytes.
std::vector<uint8_t> generateWith(const ModelSetSpec &spec, std::string *error = nullptr, int refs = 1,
                                  const std::vector<float> &latents = {})
{
    Status st;
    auto model = ModelBundle::load(spec, &st);
    if (!model) {
        if (error)
            *error = st.message;
        return {};
    }
    GenerationRequest req;
    req.prompt = "a small cat on a red mat";
    req.seed = 5;
    req.steps = 2;
    req.width = req.height = 64;
    req.latents = latents;
    // Prepared references (at the set's reference size): no OpenCV needed, as in the LibTorch-only build.
    const int side = model->description().refSize;
    for (int i = 0; i < refs; ++i) {
        Subject s;
        s.name = "cat";
        s.prepared = true;
        s.image.width = s.image.height = side;
        s.image.pixels.assign(static_cast<size_t>(side) * side * 4, 0);
        for (size_t p = 0; p < s.image.pixels.size(); ++p)
            s.image.pixels[p] = p % 4 == 3 ? 255 : static_cast<uint8_t>((p * 37 + i * 11) % 251);
        req.subjects.push_back(s);
    }
    GenerationResult result;
    st = generate(*model, req, &result);
    if (!st.ok()) {
        if (error)
            *error = st.message;
        return {};
    }
    return result.image.pixels;
}

double meanAbsDifference(const std::vector<uint8_t> &a, const std::vector<uint8_t> &b)
{
    double sum = 0;
    for (size_t i = 0; i < a.size(); ++i)
        sum += std::abs(static_cast<int>(a[i]) - static_cast<int>(b[i]));
    return a.empty() ? 0 : sum / static_cast<double>(a.size());
}

// The annotator's model suggester on a white target and a reference holding a dark square, inside a box.
Status suggestSquare(ModelBundle &model, std::vector<std::vector<Correspondence>> *pairs)
{
    RgbaImage target;
    target.width = target.height = 64;
    target.pixels.assign(64 * 64 * 4, 255);
    SuggestSubject subject;
    subject.reference.width = subject.reference.height = 32;
    subject.reference.pixels.assign(32 * 32 * 4, 255);
    for (int y = 8; y < 24; ++y)
        for (int x = 8; x < 24; ++x)
            subject.reference.pixels[static_cast<size_t>(y * 32 + x) * 4] = 0;
    subject.box = NormalizedBox{0.25f, 0.25f, 0.5f, 0.5f};
    SuggestOptions o;
    o.method = SuggestMethod::Model;
    o.grid = 3;
    return suggestWithModel(model, target, "a red square", {subject}, o, pairs);
}

template <typename F> std::string errorOf(F &&f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.what();
    }
    return {};
}

// A float64 decode of an fp8 bit pattern, written from the formats' definitions (OCP 8-bit floating
// point, E4M3 "fn" and E5M2), independently of the product's table.
double referenceFp8(int bits, bool e4m3)
{
    const int sign = bits >> 7, e = e4m3 ? (bits >> 3) & 0xF : (bits >> 2) & 0x1F, m = e4m3 ? bits & 7 : bits & 3;
    const double s = sign ? -1.0 : 1.0;
    if (e4m3) {
        if (e == 15 && m == 7)
            return std::numeric_limits<double>::quiet_NaN();
        return e == 0 ? s * (m / 8.0) * std::pow(2.0, -6) : s * (1.0 + m / 8.0) * std::pow(2.0, e - 7);
    }
    if (e == 31)
        return m ? std::numeric_limits<double>::quiet_NaN() : s * std::numeric_limits<double>::infinity();
    return e == 0 ? s * (m / 4.0) * std::pow(2.0, -14) : s * (1.0 + m / 4.0) * std::pow(2.0, e - 15);
}

} // namespace

class TstModelSet : public QObject
{
    Q_OBJECT

    std::string m_text, m_tokenizers, m_root;

    // The encoders beside a transformer under ComfyUI's file names (single files: no config, no tokenizer).
    void comfyEncoders(const std::string &dir)
    {
        copyFile(m_text + "/clip_tiny/model.safetensors", dir + "/clip_l.safetensors");
        copyFile(m_text + "/t5_tiny/model.safetensors", dir + "/t5xxl_fp16.safetensors");
    }

    std::string bflSet(const std::string &name, const std::string &precision = "f32", bool schnell = false)
    {
        const std::string dir = m_root + "/" + name;
        auto t = transformer("bfl", precision);
        t.guidance = !schnell;
        synth(dir + "/flux1-dev.safetensors", t);
        synth(dir + "/ae.safetensors", autoencoder());
        comfyEncoders(dir);
        return dir;
    }

    std::string diffusersSet()
    {
        const std::string dir = m_root + "/FLUX.1-dev";
        fs::create_directories(dir);
        std::ofstream(dir + "/model_index.json") << R"({"_class_name": "FluxPipeline"})";
        auto t = transformer("diffusers");
        t.shards = 2;
        synth(dir + "/transformer/diffusion_pytorch_model.safetensors.index.json", t);
        synth(dir + "/vae/diffusion_pytorch_model.safetensors", autoencoder("diffusers"));
        std::ofstream(dir + "/vae/config.json") << R"({"_class_name": "AutoencoderKL", "latent_channels": 16,
            "scaling_factor": 0.3611, "shift_factor": 0.1159})";
        copyFolder(m_text + "/clip_tiny", dir + "/text_encoder");
        // A CLIP file without its config.json (ComfyUI's clip_l.safetensors) says nothing of its head count:
        // CLIP-L's 64-wide heads are assumed, which the tiny model's 32 width makes one head. The folder's
        // config says the same, so that every layout holds the same model.
        {
            std::ifstream in(dir + "/text_encoder/config.json");
            std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            const std::string four = "\"num_attention_heads\": 4";
            const auto at = text.find(four);
            if (at == std::string::npos)
                throw std::runtime_error("the golden CLIP config has changed");
            text.replace(at, four.size(), "\"num_attention_heads\": 1");
            fs::remove(dir + "/text_encoder/config.json");
            std::ofstream(dir + "/text_encoder/config.json") << text;
        }
        copyFolder(m_text + "/t5_tiny", dir + "/text_encoder_2");
        copyFolder(m_tokenizers + "/clip", dir + "/tokenizer");
        copyFolder(m_tokenizers + "/t5", dir + "/tokenizer_2");
        return dir;
    }

    std::string comfySet()
    {
        const std::string dir = m_root + "/ComfyUI/models";
        synth(dir + "/diffusion_models/flux1-dev.safetensors", transformer("comfyui"));
        synth(dir + "/vae/ae.safetensors", autoencoder());
        fs::create_directories(dir + "/text_encoders");
        comfyEncoders(dir + "/text_encoders");
        fs::create_directories(dir + "/loras");
        return dir;
    }

    static ModelSetSpec spec(const std::string &model)
    {
        ModelSetSpec s;
        s.model = model;
        s.dtype = "f32";
        return s;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const fs::path golden = fs::path(testsupport::goldenDir()).parent_path();
        m_text = (golden / "text").string();
        m_tokenizers = (golden / "tokenizers").string();
        if (!fs::exists(m_text + "/t5_tiny/model.safetensors"))
            QSKIP(("golden text encoders not found in " + m_text + " (set MOSAIC_GOLDEN_DIR)").c_str());
        m_root = testsupport::scratchDir("modelset");
        ::setenv("MOSAIC_PROMPT_CACHE", "", 1);
    }

    // Every one of the 256 patterns of both formats against the definition; the encoder inverts the
    // table on every finite pattern and rounds halfway cases to the even pattern.
    void fp8Tables()
    {
        for (const bool e4m3 : {true, false}) {
            const auto &table = model::fp8Table(e4m3 ? model::Fp8Format::E4M3 : model::Fp8Format::E5M2);
            for (int b = 0; b < 256; ++b) {
                const double want = referenceFp8(b, e4m3);
                const float got = table[static_cast<size_t>(b)];
                if (std::isnan(want))
                    QVERIFY2(std::isnan(got), ("pattern " + std::to_string(b)).c_str());
                else
                    QVERIFY2(static_cast<double>(got) == want && std::signbit(got) == std::signbit(want),
                             ("pattern " + std::to_string(b)).c_str());
            }
            const auto format = e4m3 ? model::Fp8Format::E4M3 : model::Fp8Format::E5M2;
            const at::Tensor values = at::from_blob(const_cast<float *>(table.data()), {256}, at::kFloat).clone();
            const at::Tensor bytes = model::encodeFp8(values, format).view(at::kByte);
            for (int b = 0; b < 256; ++b)
                if (std::isfinite(table[static_cast<size_t>(b)]))
                    QCOMPARE(static_cast<int>(bytes[b].item<uint8_t>()), b);
            // decodeFp8 is the table, in every output type.
            for (const auto type : {at::kFloat, at::kBFloat16, at::kHalf}) {
                const at::Tensor all = model::asFp8(at::arange(256, at::kInt).to(at::kByte), format);
                const at::Tensor decoded = model::decodeFp8(all, type).to(at::kFloat);
                const at::Tensor finite = at::isfinite(values);
                QVERIFY(at::equal(decoded.masked_select(finite), values.to(type).to(at::kFloat).masked_select(finite)));
            }
        }
        QCOMPARE(model::fp8Table(model::Fp8Format::E4M3)[0x7E], 448.0f);
        QCOMPARE(model::fp8Table(model::Fp8Format::E5M2)[0x7B], 57344.0f);
        // Halfway between 1 (0x38) and 1.125 (0x39) in E4M3: the even pattern; above the largest: saturated.
        const at::Tensor x = at::tensor({1.0625f, 1000.0f, -1000.0f}, at::kFloat);
        const at::Tensor e = model::encodeFp8(x, model::Fp8Format::E4M3).view(at::kByte);
        QCOMPARE(static_cast<int>(e[0].item<uint8_t>()), 0x38);
        QCOMPARE(static_cast<int>(e[1].item<uint8_t>()), 0x7E);
        QCOMPARE(static_cast<int>(e[2].item<uint8_t>()), 0xFE);
    }

    // The diffusers AutoencoderKL names and BFL's map onto each other for every tensor of the model.
    void autoEncoderNames()
    {
        const std::string path = m_root + "/names/ae.safetensors";
        synth(path, autoencoder());
        const Checkpoint ck = Checkpoint::open(path);
        for (const auto &n : ck.names()) {
            const std::string d = model::autoEncoderDiffusersName(n, 4);
            QVERIFY2(!d.empty(), n.c_str());
            QCOMPARE(model::autoEncoderBflName(d, 4), n);
        }
        QCOMPARE(model::autoEncoderDiffusersName("decoder.up.3.upsample.conv.weight", 4),
                 std::string("decoder.up_blocks.0.upsamplers.0.conv.weight"));
        QCOMPARE(model::autoEncoderBflName("encoder.mid_block.attentions.0.to_out.0.bias", 4),
                 std::string("encoder.mid.attn_1.proj_out.bias"));
        QVERIFY(model::autoEncoderBflName("quant_conv.weight", 4).empty());
    }

    // What each layout is found as, and the same image from each (float32, bit for bit).
    void layoutsGiveTheSameImage()
    {
        const std::string bfl = bflSet("bfl"), diffusers = diffusersSet(), comfy = comfySet();
        ModelSetReport r;
        QVERIFY(inspectModelSet(spec(diffusers), &r).ok());
        QCOMPARE(r.kind, std::string("diffusers"));
        QVERIFY2(r.complete, r.text().c_str());
        QCOMPARE(r.variant, std::string("dev"));
        QCOMPARE(r.parts[0].layout, std::string("diffusers"));
        QCOMPARE(r.parts[1].layout, std::string("diffusers")); // the AutoencoderKL
        QCOMPARE(r.parts[2].path, diffusers + "/text_encoder_2");
        QCOMPARE(r.parts[4].layout, std::string("given"));      // tokenizer_2
        QVERIFY(inspectModelSet(spec(comfy), &r).ok());
        QCOMPARE(r.kind, std::string("comfyui"));
        QVERIFY2(r.complete, r.text().c_str());
        QCOMPARE(r.parts[0].layout, std::string("bfl (ComfyUI key prefix)"));
        QCOMPARE(r.parts[4].layout, std::string("shipped"));
        // A transformer file in ComfyUI's diffusion_models/ finds the rest in the sibling folders.
        QVERIFY(inspectModelSet(spec(comfy + "/diffusion_models/flux1-dev.safetensors"), &r).ok());
        QCOMPARE(r.kind, std::string("comfyui"));
        QVERIFY2(r.complete, r.text().c_str());
        QCOMPARE(r.parts[1].path, comfy + "/vae/ae.safetensors");

        std::string error;
        const auto a = generateWith(spec(bfl), &error);
        QVERIFY2(!a.empty(), error.c_str());
        const auto b = generateWith(spec(diffusers), &error);
        QVERIFY2(!b.empty(), error.c_str());
        const auto c = generateWith(spec(comfy), &error);
        QVERIFY2(!c.empty(), error.c_str());
        const auto d = generateWith(spec(comfy + "/diffusion_models/flux1-dev.safetensors"), &error);
        QVERIFY(a == b);
        QVERIFY(a == c);
        QVERIFY(a == d);
        // Overrides: a diffusers transformer with the BFL folder's files named one by one.
        ModelSetSpec o = spec(diffusers + "/transformer/diffusion_pytorch_model.safetensors.index.json");
        o.ae = bfl + "/ae.safetensors";
        o.t5 = bfl + "/t5xxl_fp16.safetensors";
        o.clip = bfl + "/clip_l.safetensors";
        QVERIFY(generateWith(o, &error) == a);
    }

    // The packed initial noise given as latents: the same in two layouts, unlike the seed's.
    void latentsMakeRunsReproducible()
    {
        const std::string bfl = m_root + "/bfl", comfy = m_root + "/ComfyUI/models";
        if (!fs::exists(bfl))
            QSKIP("needs layoutsGiveTheSameImage's sets");
        const std::string file = m_root + "/latents.safetensors";
        auto gen = at::make_generator<at::CPUGeneratorImpl>(99);
        st::write(file, {{"latents", at::randn({1, 16, 64}, gen, at::TensorOptions().dtype(at::kFloat))}});
        std::vector<float> latents;
        std::vector<int64_t> shape;
        QVERIFY(loadLatents(file, &latents, &shape).ok());
        QCOMPARE(shape, (std::vector<int64_t>{16, 64}));
        std::string error;
        const auto a = generateWith(spec(bfl), &error, 1, latents);
        QVERIFY2(!a.empty(), error.c_str());
        QVERIFY(a == generateWith(spec(comfy), &error, 1, latents));
        QVERIFY(a != generateWith(spec(bfl), &error, 1));
        // Latents of the wrong size are refused with the sizes.
        latents.resize(10);
        QVERIFY(generateWith(spec(bfl), &error, 1, latents).empty());
        QVERIFY2(error.find("16 tokens of 64") != std::string::npos, error.c_str());
    }

    // bf16 and fp8 weights stay as stored and give images close to float32's; the transformer's output
    // on fixed inputs within 1e-2 (bf16), 0.08 (fp8 E4M3, plain or scaled) and 0.16 (E5M2) relative error.
    void precisions()
    {
        const std::string f32 = bflSet("p-f32");
        std::string error;
        const auto reference = generateWith(spec(f32), &error);
        QVERIFY2(!reference.empty(), error.c_str());
        const Checkpoint refCk = Checkpoint::open(f32 + "/flux1-dev.safetensors");
        model::FluxLoadOptions lo;
        c10::InferenceMode inference;
        auto refModel = model::loadFlux(refCk, lo).model;
        auto gen = at::make_generator<at::CPUGeneratorImpl>(3);
        model::FluxInputs in;
        const auto f = at::TensorOptions().dtype(at::kFloat);
        in.img = at::randn({1, 16, 64}, gen, f);
        in.img_ids = at::zeros({1, 16, 3}, f);
        in.txt = at::randn({1, 8, 32}, gen, f);
        in.txt_ids = at::zeros({1, 8, 3}, f);
        in.y = at::randn({1, 32}, gen, f);
        in.timesteps = at::full({1}, 0.7, f);
        in.guidance = at::full({1}, 3.5, f);
        const at::Tensor want = refModel->forward(in);
        const std::vector<std::tuple<std::string, double, at::ScalarType, std::string>> cases = {
            {"bf16", 1e-2, at::kBFloat16, "bf16"},
            {"fp8-e4m3", 0.08, at::kByte, "fp8-e4m3"},
            {"fp8-e4m3-scaled", 0.08, at::kByte, "fp8-e4m3-scaled"},
            {"fp8-e5m2", 0.16, at::kChar, "fp8-e5m2"}};
        for (const auto &[precision, bound, stored, name] : cases) {
            const std::string dir = bflSet("p-" + precision, precision);
            const Checkpoint ck = Checkpoint::open(dir + "/flux1-dev.safetensors");
            QCOMPARE(model::checkpointPrecision(ck), name);
            auto loaded = model::loadFlux(ck, lo);
            QCOMPARE(loaded.precision, name);
            QCOMPARE(loaded.model->double_blocks->ptr<model::DoubleStreamBlockImpl>(0)->img_attn->qkv->weight.scalar_type(),
                     stored);
            QCOMPARE(loaded.model->dtype(), at::kFloat);
            const at::Tensor got = loaded.model->forward(in);
            const double rel = ((got - want).norm() / want.norm()).item<double>();
            QVERIFY2(rel < bound, (precision + ": relative error " + std::to_string(rel)).c_str());
            QVERIFY2(rel > 0, precision.c_str());
            const auto image = generateWith(spec(dir), &error);
            QVERIFY2(!image.empty(), error.c_str());
            const double mad = meanAbsDifference(image, reference);
            std::printf("  %-16s transformer relative error %.4f (bound %.2f), image mean difference %.2f / 255\n",
                        precision.c_str(), rel, bound, mad);
            QVERIFY2(mad < 50.0 * bound, (precision + ": mean difference " + std::to_string(mad)).c_str()); // 0.5, 4, 4, 8 of 255
        }
    }

    // Under a budget below the weights' size, blocks stream; the output and the image are the same.
    void streamedIsIdentical()
    {
        SynthModelOptions o = transformer("bfl", "bf16");
        o.doubleBlocks = 2;
        o.singleBlocks = 3;
        const std::string dir = m_root + "/stream";
        synth(dir + "/flux1-dev.safetensors", o);
        synth(dir + "/ae.safetensors", autoencoder());
        comfyEncoders(dir);
        const Checkpoint ck = Checkpoint::open(dir + "/flux1-dev.safetensors");
        c10::InferenceMode inference;
        model::FluxLoadOptions lo;
        auto resident = model::loadFlux(ck, lo);
        QCOMPARE(resident.streamedBlocks, size_t(0));
        lo.budget = resident.residentBytes / 4;
        auto streamed = model::loadFlux(ck, lo);
        QVERIFY(streamed.streamedBlocks >= 3);
        QVERIFY(streamed.residentBytes < resident.residentBytes / 2);
        // Between uses a streamed block holds no weights.
        QCOMPARE(streamed.model->single_blocks->ptr<model::SingleStreamBlockImpl>(2)->linear1->weight.numel(), int64_t(0));
        auto gen = at::make_generator<at::CPUGeneratorImpl>(4);
        const auto f = at::TensorOptions().dtype(at::kFloat);
        model::FluxInputs in;
        in.img = at::randn({1, 9, 64}, gen, f);
        in.img_ids = at::zeros({1, 9, 3}, f);
        in.txt = at::randn({1, 4, 32}, gen, f);
        in.txt_ids = at::zeros({1, 4, 3}, f);
        in.y = at::randn({1, 32}, gen, f);
        in.timesteps = at::full({1}, 0.3, f);
        in.guidance = at::full({1}, 3.5, f);
        QVERIFY(at::equal(resident.model->forward(in), streamed.model->forward(in)));
        QVERIFY(at::equal(resident.model->forward(in), streamed.model->forward(in))); // again: blocks made afresh

        ModelSetSpec s = spec(dir);
        std::string error;
        const auto a = generateWith(s, &error);
        QVERIFY2(!a.empty(), error.c_str());
        s.maxMemory = lo.budget;
        QVERIFY(a == generateWith(s, &error));
    }

    // MOSAIC's LoRA layout on an fp8 transformer: it changes an image with references, and nothing
    // without them (reference rows only); two LoRAs at half strength each equal one at full strength.
    void loraOnFp8()
    {
        const std::string dir = m_root + "/p-fp8-e4m3";
        if (!fs::exists(dir))
            QSKIP("needs precisions' sets");
        SynthModelOptions l;
        l.what = "lora";
        l.layout = "peft";
        l.rank = 8;
        l.baseModel = "flux-1-dev/lora";
        synth(m_root + "/loras/subject.safetensors", l);
        ModelSetSpec plain = spec(dir), with = spec(dir);
        with.loras = {{m_root + "/loras/subject.safetensors", 1.0f}};
        std::string error;
        const auto a = generateWith(plain, &error), b = generateWith(with, &error);
        QVERIFY2(!b.empty(), error.c_str());
        QVERIFY(a != b);
        QVERIFY(generateWith(plain, &error, 0) == generateWith(with, &error, 0));
        ModelSetSpec halves = spec(dir);
        halves.loras = {{m_root + "/loras/subject.safetensors", 0.5f}, {m_root + "/loras/subject.safetensors", 0.5f}};
        QVERIFY(meanAbsDifference(generateWith(halves, &error), b) < 0.5);
        Status st;
        auto model = ModelBundle::load(with, &st);
        QVERIFY2(model, st.message.c_str());
        QCOMPARE(model->description().loras.size(), size_t(1));
        QVERIFY2(model->description().summary().find("subject.safetensors x1") != std::string::npos,
                 model->description().summary().c_str());
        LoraSpec parsed;
        QVERIFY(parseLoraSpec("a/b.safetensors:0.75", &parsed));
        QCOMPARE(parsed.scale, 0.75f);
        QCOMPARE(parsed.path, std::string("a/b.safetensors"));
        QVERIFY(parseLoraSpec("c:/x/y.safetensors", &parsed));
        QCOMPARE(parsed.path, std::string("c:/x/y.safetensors"));
        QVERIFY(!parseLoraSpec("a/b.safetensors:x", &parsed));
    }

    // On a GPU (tools/gpu/check-flux.sh runs this suite there): the set's transformer, LoRA and autoencoder
    // on the device give the CPU's image within a bound (float32: the products' summation order differs;
    // fp8 with a LoRA: the per-layer upcast runs on the GPU), and streamed under a GPU budget from pinned
    // host memory, exactly the resident GPU image.
    void generatesOnTheGpu()
    {
        // MOSAIC_TEST_DEVICE=cpu rehearses the test where there is no GPU (the two images are then the same).
        const char *asked = std::getenv("MOSAIC_TEST_DEVICE");
        const std::string device = asked && *asked ? asked : cudaAvailable() ? "cuda" : "";
        if (device.empty())
            QSKIP("LibTorch sees no GPU here (tools/gpu/check-flux.sh runs this test on one)");
        const std::string dir = m_root + "/stream";
        if (!fs::exists(dir))
            QSKIP("needs streamedIsIdentical's set");
        std::string error;
        for (const char *dtype : {"f32", "bf16"}) {
            ModelSetSpec s = spec(dir);
            s.dtype = dtype;
            s.device = "cpu";
            const auto cpu = generateWith(s, &error, 2);
            QVERIFY2(!cpu.empty(), error.c_str());
            s.device = device;
            const auto gpu = generateWith(s, &error, 2);
            QVERIFY2(!gpu.empty(), error.c_str());
            const double mad = meanAbsDifference(cpu, gpu);
            std::printf("  %s on the GPU against the CPU: image mean difference %.3f / 255\n", dtype, mad);
            QVERIFY2(mad < (s.dtype == "f32" ? 0.5 : 4.0), (std::string(dtype) + ": " + std::to_string(mad)).c_str());
            s.maxMemory = 64 << 10;
            QVERIFY2(gpu == generateWith(s, &error, 2), "streamed on the GPU differs from resident");
        }
        const std::string fp8 = m_root + "/p-fp8-e4m3";
        if (fs::exists(fp8)) {
            ModelSetSpec s = spec(fp8);
            s.dtype = "f32";
            s.loras = {{m_root + "/loras/subject.safetensors", 1.0f}};
            if (fs::exists(s.loras[0].path)) {
                s.device = "cpu";
                const auto cpu = generateWith(s, &error, 2);
                s.device = device;
                const auto gpu = generateWith(s, &error, 2);
                QVERIFY2(!cpu.empty() && !gpu.empty(), error.c_str());
                const double mad = meanAbsDifference(cpu, gpu);
                std::printf("  fp8 + LoRA on the GPU against the CPU: image mean difference %.3f / 255\n", mad);
                QVERIFY(mad < 0.5);
            }
        }
        // The annotator's model suggester on a set loaded onto the device: the CPU's pairs.
        auto suggest = [&](const std::string &on) {
            ModelSetSpec s = spec(dir);
            s.device = on;
            Status st;
            std::vector<std::vector<Correspondence>> pairs;
            auto model = ModelBundle::load(s, &st);
            if (st = model ? suggestSquare(*model, &pairs) : st; !st.ok())
                error = st.message;
            return pairs;
        };
        const auto cpuPairs = suggest("cpu"), devicePairs = suggest(device);
        QVERIFY2(!cpuPairs.empty() && cpuPairs.size() == devicePairs.size(), error.c_str());
        QCOMPARE(devicePairs[0].size(), cpuPairs[0].size());
        double far = 0;
        for (size_t i = 0; i < cpuPairs[0].size(); ++i)
            far = std::max(far, static_cast<double>(std::hypot(devicePairs[0][i].tgtX - cpuPairs[0][i].tgtX,
                                                               devicePairs[0][i].tgtY - cpuPairs[0][i].tgtY)));
        std::printf("  suggester on the GPU: %zu pairs, farthest from the CPU's %.3f of the image\n", cpuPairs[0].size(), far);
        QVERIFY(far < 0.1); // a token is 1/32 of the image at the set's 512 px: a tie broken the other way at most
    }

    // The annotator's model suggester runs on a loaded model set (T5 and CLIP for the prompt, the
    // references as branches): a grid of pairs per subject, inside the subject's box.
    void suggesterUsesTheSet()
    {
        const std::string dir = m_root + "/bfl";
        if (!fs::exists(dir))
            QSKIP("needs layoutsGiveTheSameImage's sets");
        Status st;
        auto model = ModelBundle::load(spec(dir), &st);
        QVERIFY2(model, st.message.c_str());
        std::vector<std::vector<Correspondence>> pairs;
        st = suggestSquare(*model, &pairs);
        if (!st.ok() && st.message.find("needs OpenCV") != std::string::npos)
            QSKIP("preparing the reference needs OpenCV (LibTorch-only build)");
        QVERIFY2(st.ok(), st.message.c_str());
        QCOMPARE(pairs.size(), size_t(1));
        QVERIFY(!pairs[0].empty());
        for (const auto &p : pairs[0]) {
            QVERIFY(p.source == PointSource::Model);
            QVERIFY(p.tgtX >= 0.25 - 1e-6 && p.tgtX <= 0.75 + 1e-6 && p.tgtY >= 0.25 - 1e-6 && p.tgtY <= 0.75 + 1e-6);
        }
    }

    // Each broken set: one message naming the file at fault, and no model.
    void badSets()
    {
        std::string error;
        // A missing shard.
        const std::string diffusers = m_root + "/bad-shard";
        auto t = transformer("diffusers");
        t.shards = 2;
        synth(diffusers + "/transformer/diffusion_pytorch_model.safetensors.index.json", t);
        fs::remove(diffusers + "/transformer/diffusion_pytorch_model-00002-of-00002.safetensors");
        synth(diffusers + "/ae.safetensors", autoencoder());
        comfyEncoders(diffusers);
        ModelSetSpec s = spec(diffusers + "/transformer/diffusion_pytorch_model.safetensors.index.json");
        s.ae = diffusers + "/ae.safetensors";
        QVERIFY(generateWith(s, &error).empty());
        QVERIFY2(error.find("diffusion_pytorch_model-00002-of-00002.safetensors") != std::string::npos, error.c_str());

        // An index naming a file outside its folder.
        const std::string outside = m_root + "/bad-index";
        fs::create_directories(outside + "/transformer");
        std::ofstream(outside + "/transformer/model.safetensors.index.json")
            << R"({"metadata": {}, "weight_map": {"img_in.weight": "../../bfl/flux1-dev.safetensors"}})";
        QVERIFY(!errorOf([&] { Checkpoint::open(outside + "/transformer/model.safetensors.index.json"); }).empty());
        QVERIFY(generateWith(spec(outside + "/transformer/model.safetensors.index.json"), &error).empty());
        QVERIFY2(error.find("../../bfl/flux1-dev.safetensors") != std::string::npos, error.c_str());

        // A FLUX.1-schnell transformer with a LoRA made for dev.
        const std::string schnell = bflSet("bad-schnell", "f32", true);
        SynthModelOptions l;
        l.what = "lora";
        l.layout = "peft";
        l.baseModel = "flux-1-dev/lora";
        synth(schnell + "/loras/dev-lora.safetensors", l);
        ModelSetSpec ls = spec(schnell);
        ls.loras = {{schnell + "/loras/dev-lora.safetensors", 1.0f}};
        QVERIFY(generateWith(ls, &error).empty());
        QVERIFY2(error.find("dev-lora.safetensors") != std::string::npos && error.find("schnell") != std::string::npos,
                 error.c_str());

        // An SD-style autoencoder (quant_conv, 4 channels).
        const std::string sd = m_root + "/bad-sd";
        synth(sd + "/flux1-dev.safetensors", transformer());
        synth(sd + "/vae.safetensors", autoencoder("sd"));
        comfyEncoders(sd);
        QVERIFY(generateWith(spec(sd), &error).empty());
        QVERIFY2(error.find("vae.safetensors") != std::string::npos && error.find("Stable Diffusion") != std::string::npos,
                 error.c_str());

        // A LoRA whose B has another rank than its A.
        SynthModelOptions bad = l;
        bad.baseModel.clear();
        bad.mismatchedRank = true;
        synth(m_root + "/loras/bad-rank.safetensors", bad);
        ModelSetSpec rs = spec(m_root + "/bfl");
        rs.loras = {{m_root + "/loras/bad-rank.safetensors", 1.0f}};
        QVERIFY(generateWith(rs, &error).empty());
        QVERIFY2(error.find("bad-rank.safetensors") != std::string::npos && error.find("rank 4 in A and 5 in B") != std::string::npos,
                 error.c_str());

        // A truncated fp8 file.
        const std::string cut = m_root + "/bad-cut";
        synth(cut + "/flux1-dev.safetensors", transformer("bfl", "fp8-e4m3"));
        fs::resize_file(cut + "/flux1-dev.safetensors", fs::file_size(cut + "/flux1-dev.safetensors") - 1000);
        synth(cut + "/ae.safetensors", autoencoder());
        comfyEncoders(cut);
        QVERIFY(generateWith(spec(cut + "/flux1-dev.safetensors"), &error).empty());
        QVERIFY2(error.find("bad-cut/flux1-dev.safetensors") != std::string::npos, error.c_str());
        ModelSetReport r;
        QVERIFY(!inspectModelSet(spec(cut), &r).ok() || !r.complete);

        // Something missing: the report says what and how to fix it, and loading refuses.
        const std::string lonely = m_root + "/bad-lonely";
        synth(lonely + "/flux1-dev.safetensors", transformer());
        QVERIFY(inspectModelSet(spec(lonely), &r).ok());
        QVERIFY(!r.complete);
        QVERIFY(r.text().find("no autoencoder found") != std::string::npos);
        QVERIFY(r.text().find("--ae FILE") != std::string::npos);
        QVERIFY(generateWith(spec(lonely), &error).empty());
        QVERIFY2(error.find("incomplete") != std::string::npos && error.find("t5") != std::string::npos, error.c_str());
    }
};

MOSAIC_TEST_MAIN(TstModelSet, MT_FN(initTestCase) MT_FN(fp8Tables) MT_FN(autoEncoderNames) MT_FN(layoutsGiveTheSameImage)
                                  MT_FN(latentsMakeRunsReproducible) MT_FN(precisions) MT_FN(streamedIsIdentical)
                                      MT_FN(loraOnFp8) MT_FN(generatesOnTheGpu) MT_FN(suggesterUsesTheSet) MT_FN(badSets))

#include "tst_modelset.moc"
