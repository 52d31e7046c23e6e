#include "model/flux.h"

#include "model/attention.h"
#include "model/rope.h"
#include "model/weights.h"
#include "util/error.h"
#include "util/json.h"
#include "util/strings.h"

#include <nlohmann/json.hpp>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/container/functional.h>

#include <numeric>

namespace mosaic::model {

namespace {

thread_local int t_uninitialized = 0;

torch::nn::Linear linear(int64_t in, int64_t out, bool bias = true)
{
    if (!UninitializedWeights::active())
        return torch::nn::Linear(torch::nn::LinearOptions(in, out).bias(bias));
    // Built at 1x1 (nothing to initialise), then given full-size storage that is never written: the
    // loader replaces it, and untouched pages are not resident.
    torch::nn::Linear l(torch::nn::LinearOptions(1, 1).bias(bias));
    l->options.in_features(in).out_features(out);
    l->weight.set_data(at::empty({out, in}));
    if (bias)
        l->bias.set_data(at::empty({out}));
    return l;
}

at::Tensor geluModule(at::Tensor x)
{
    return fluxGelu(x);
}

torch::nn::Sequential mlp(int64_t hidden, int64_t mlpHidden)
{
    return torch::nn::Sequential(linear(hidden, mlpHidden), torch::nn::Functional(geluModule),
                                 linear(mlpHidden, hidden));
}

// [B, L, 3*H*D] -> q, k, v each [B, H, L, D] ("B L (K H D) -> K B H L D").
StreamQKV splitQkv(const at::Tensor &qkv, int64_t heads)
{
    const int64_t B = qkv.size(0), L = qkv.size(1), D = qkv.size(2) / (3 * heads);
    at::Tensor t = qkv.view({B, L, 3, heads, D}).permute({2, 0, 3, 1, 4}); // [3, B, H, L, D]
    return {t[0], t[1], t[2]};
}

StreamQKV projectQkv(SelfAttentionImpl &attn, const at::Tensor &x, const at::Tensor &pe)
{
    StreamQKV s = splitQkv(linearForward(*attn.qkv, x), attn.num_heads);
    s.q = rmsNormRope(s.q, attn.norm->query_norm->scale, pe);
    s.k = rmsNormRope(s.k, attn.norm->key_norm->scale, pe);
    return s;
}


} // namespace

UninitializedWeights::UninitializedWeights()
{
    ++t_uninitialized;
}

UninitializedWeights::~UninitializedWeights()
{
    --t_uninitialized;
}

bool UninitializedWeights::active()
{
    return t_uninitialized > 0;
}

at::Tensor layerNormNoAffine(const at::Tensor &x)
{
    return at::layer_norm(x, {x.size(-1)}, {}, {}, 1e-6);
}

at::Tensor linearForward(torch::nn::LinearImpl &layer, const at::Tensor &x)
{
    const at::Tensor w = weightFor(layer, x.scalar_type()), b = biasFor(layer, x.scalar_type());
    if (x.dim() == 2)
        return b.defined() ? at::addmm(b, x, w.t()) : at::mm(x, w.t());
    auto sizes = x.sizes().vec();
    const at::Tensor x2 = x.reshape({-1, sizes.back()});
    sizes.back() = w.size(0);
    const at::Tensor y = b.defined() ? at::addmm(b, x2, w.t()) : at::mm(x2, w.t());
    return y.view(sizes);
}

at::Tensor fluxGelu(const at::Tensor &x)
{
    const bool reduced = x.scalar_type() == at::kBFloat16 || x.scalar_type() == at::kHalf;
    return reduced && x.device().is_cpu() ? at::gelu(x) : at::gelu(x, "tanh");
}

at::Tensor mlpForward(torch::nn::Sequential &mlp, const at::Tensor &x)
{
    auto *l0 = mlp->ptr(0)->as<torch::nn::Linear>();
    auto *l2 = mlp->ptr(2)->as<torch::nn::Linear>();
    return linearForward(*l2, fluxGelu(linearForward(*l0, x)));
}

// ---- config ------------------------------------------------------------------------------------

FluxConfig FluxConfig::dev()
{
    return FluxConfig{};
}

FluxConfig FluxConfig::schnell()
{
    FluxConfig c;
    c.guidance_embed = false;
    return c;
}

void FluxConfig::validate() const
{
    // Far above FLUX (19 + 38 blocks, width 3072), far below what would exhaust memory on a config's say.
    constexpr int64_t kMaxBlocks = 512, kMaxWidth = 1 << 16;
    auto bad = [](const std::string &m) { throw Error(StatusCode::InvalidArgument, "FLUX config: " + m); };
    if (hidden_size <= 0 || num_heads <= 0 || hidden_size % num_heads != 0)
        bad(format("hidden_size {} is not divisible by num_heads {}", hidden_size, num_heads));
    const int64_t sum = std::accumulate(axes_dim.begin(), axes_dim.end(), int64_t{0});
    if (sum != headDim())
        bad(format("axes_dim sums to {} but head_dim is {}", sum, headDim()));
    for (int64_t a : axes_dim)
        if (a <= 0 || a % 2)
            bad("every axes_dim entry must be positive and even");
    if (in_channels <= 0 || out_channels <= 0 || vec_in_dim <= 0 || context_in_dim <= 0)
        bad("channel sizes must be positive");
    if (depth < 0 || depth_single_blocks < 0 || depth > kMaxBlocks || depth_single_blocks > kMaxBlocks)
        bad(format("block counts must be from 0 to {}, got {} double and {} single", kMaxBlocks, depth, depth_single_blocks));
    if (!(mlp_ratio > 0 && mlp_ratio <= 64))
        bad("mlp_ratio must be positive, at most 64");
    for (int64_t size : {hidden_size, in_channels, out_channels, vec_in_dim, context_in_dim})
        if (size > kMaxWidth)
            bad(format("a width of {} is above the {} allowed", size, kMaxWidth));
}

std::string FluxConfig::toJson() const
{
    nlohmann::json j = {{"in_channels", in_channels},
                        {"out_channels", out_channels},
                        {"vec_in_dim", vec_in_dim},
                        {"context_in_dim", context_in_dim},
                        {"hidden_size", hidden_size},
                        {"mlp_ratio", mlp_ratio},
                        {"num_heads", num_heads},
                        {"depth", depth},
                        {"depth_single_blocks", depth_single_blocks},
                        {"axes_dim", axes_dim},
                        {"theta", theta},
                        {"qkv_bias", qkv_bias},
                        {"guidance_embed", guidance_embed}};
    return j.dump();
}

FluxConfig FluxConfig::fromJson(const std::string &json)
{
    FluxConfig c;
    try {
        const auto j = parseBoundedJson(json, "FLUX config");
        c.in_channels = j.value("in_channels", c.in_channels);
        c.out_channels = j.value("out_channels", c.out_channels);
        c.vec_in_dim = j.value("vec_in_dim", c.vec_in_dim);
        c.context_in_dim = j.value("context_in_dim", c.context_in_dim);
        c.hidden_size = j.value("hidden_size", c.hidden_size);
        c.mlp_ratio = j.value("mlp_ratio", c.mlp_ratio);
        c.num_heads = j.value("num_heads", c.num_heads);
        c.depth = j.value("depth", c.depth);
        c.depth_single_blocks = j.value("depth_single_blocks", c.depth_single_blocks);
        c.axes_dim = j.value("axes_dim", c.axes_dim);
        c.theta = j.value("theta", c.theta);
        c.qkv_bias = j.value("qkv_bias", c.qkv_bias);
        c.guidance_embed = j.value("guidance_embed", c.guidance_embed);
    } catch (const nlohmann::json::exception &e) {
        throw Error(StatusCode::CorruptFile, std::string("FLUX config JSON: ") + e.what());
    }
    c.validate();
    return c;
}

FluxConfig FluxConfig::detect(const std::map<std::string, std::vector<int64_t>> &shapes)
{
    // A tensor's shape, checked before any of it is used: present, of the expected rank, every size
    // positive and within reason. The message names the tensor.
    auto shape = [&](const std::string &k, size_t rank) -> const std::vector<int64_t> & {
        auto it = shapes.find(k);
        if (it == shapes.end())
            throw Error(StatusCode::Unsupported, "not a FLUX transformer checkpoint: no '" + k + "'");
        const auto &s = it->second;
        if (s.size() != rank)
            throw Error(StatusCode::CorruptFile, format("'{}' has {} dimensions where a FLUX transformer has {}", k,
                                                        s.size(), rank));
        for (int64_t d : s)
            if (d < 1 || d > (int64_t{1} << 20))
                throw Error(StatusCode::CorruptFile, format("'{}' has a size of {}, outside 1 to 2^20", k, d));
        return s;
    };
    FluxConfig c;
    c.hidden_size = shape("img_in.weight", 2)[0];
    c.in_channels = shape("img_in.weight", 2)[1];
    c.context_in_dim = shape("txt_in.weight", 2)[1];
    c.vec_in_dim = shape("vector_in.in_layer.weight", 2)[1];
    c.out_channels = shape("final_layer.linear.weight", 2)[0];
    c.guidance_embed = shapes.count("guidance_in.in_layer.weight") != 0;
    c.depth = 0;
    while (shapes.count(format("double_blocks.{}.img_attn.qkv.weight", c.depth)))
        ++c.depth;
    c.depth_single_blocks = 0;
    while (shapes.count(format("single_blocks.{}.linear1.weight", c.depth_single_blocks)))
        ++c.depth_single_blocks;
    const std::string normKey = c.depth ? "double_blocks.0.img_attn.norm.query_norm.scale"
                                        : "single_blocks.0.norm.query_norm.scale";
    const int64_t headDim = shape(normKey, 1)[0];
    if (c.hidden_size % headDim != 0)
        throw Error(StatusCode::CorruptFile, format("'{}' gives a head size of {}, which does not divide the hidden size {} "
                                                    "('img_in.weight')", normKey, headDim, c.hidden_size));
    c.num_heads = c.hidden_size / headDim;
    if (c.depth)
        c.mlp_ratio = static_cast<double>(shape("double_blocks.0.img_mlp.0.weight", 2)[0]) / c.hidden_size;
    else if (c.depth_single_blocks)
        c.mlp_ratio = static_cast<double>(shape("single_blocks.0.linear1.weight", 2)[0] - 3 * c.hidden_size) /
                      c.hidden_size;
    c.qkv_bias = c.depth == 0 || shapes.count("double_blocks.0.img_attn.qkv.bias") != 0;
    c.axes_dim = defaultAxes(headDim);
    c.validate();
    return c;
}

std::vector<int64_t> FluxConfig::defaultAxes(int64_t headDim)
{
    if (headDim % 32 == 0) // all three even
        return {headDim / 8, headDim * 7 / 16, headDim * 7 / 16};
    const int64_t side = (headDim * 7 / 16) / 2 * 2; // even
    return {headDim - 2 * side, side, side};
}

int64_t FluxConfig::parameterCount() const
{
    const int64_t D = hidden_size, M = mlpHidden();
    auto lin = [](int64_t in, int64_t out, bool bias = true) { return in * out + (bias ? out : 0); };
    int64_t n = lin(in_channels, D) + lin(context_in_dim, D) + 2 * lin(D, D) /*time_in out+vector out*/ +
                lin(256, D) + lin(vec_in_dim, D);
    if (guidance_embed)
        n += lin(256, D) + lin(D, D);
    const int64_t hd = headDim();
    const int64_t dbl = 2 * (lin(D, 6 * D) + lin(D, 3 * D, qkv_bias) + 2 * hd + lin(D, D) + lin(D, M) + lin(M, D));
    const int64_t sgl = lin(D, 3 * D + M) + lin(D + M, D) + 2 * hd + lin(D, 3 * D);
    n += depth * dbl + depth_single_blocks * sgl;
    n += lin(D, out_channels) + lin(D, 2 * D);
    return n;
}

// ---- modules -----------------------------------------------------------------------------------

MLPEmbedderImpl::MLPEmbedderImpl(int64_t inDim, int64_t hidden)
{
    in_layer = register_module("in_layer", linear(inDim, hidden));
    out_layer = register_module("out_layer", linear(hidden, hidden));
}

at::Tensor MLPEmbedderImpl::forward(const at::Tensor &x)
{
    return linearForward(*out_layer, at::silu(linearForward(*in_layer, x)));
}

RMSNormImpl::RMSNormImpl(int64_t dim)
{
    scale = register_parameter("scale", at::ones({dim}));
}

at::Tensor RMSNormImpl::forward(const at::Tensor &x)
{
    at::Tensor xf = x.to(at::kFloat);
    at::Tensor rrms = at::rsqrt(xf.pow(2).mean(-1, true) + 1e-6);
    return (xf * rrms).to(x.scalar_type()) * scale;
}

QKNormImpl::QKNormImpl(int64_t dim)
{
    query_norm = register_module("query_norm", RMSNorm(dim));
    key_norm = register_module("key_norm", RMSNorm(dim));
}

ModulationImpl::ModulationImpl(int64_t dim, bool isDouble) : multiplier(isDouble ? 6 : 3)
{
    lin = register_module("lin", linear(dim, multiplier * dim));
}

std::vector<ModulationOut> ModulationImpl::forward(const at::Tensor &vec)
{
    auto chunks = linearForward(*lin, at::silu(vec)).unsqueeze(1).chunk(multiplier, -1); // multiplier x [B, 1, D]
    std::vector<ModulationOut> out;
    for (int64_t i = 0; i < multiplier; i += 3)
        out.push_back({chunks[i], chunks[i + 1], chunks[i + 2]});
    return out;
}

SelfAttentionImpl::SelfAttentionImpl(int64_t dim, int64_t numHeads, bool qkvBias) : num_heads(numHeads)
{
    qkv = register_module("qkv", linear(dim, 3 * dim, qkvBias));
    norm = register_module("norm", QKNorm(dim / numHeads));
    proj = register_module("proj", linear(dim, dim));
}

DoubleStreamBlockImpl::DoubleStreamBlockImpl(int64_t hidden, int64_t numHeads, double mlpRatio, bool qkvBias)
    : num_heads(numHeads), hidden_size(hidden)
{
    const auto m = static_cast<int64_t>(hidden * mlpRatio);
    img_mod = register_module("img_mod", Modulation(hidden, true));
    img_attn = register_module("img_attn", SelfAttention(hidden, numHeads, qkvBias));
    img_mlp = register_module("img_mlp", mlp(hidden, m));
    txt_mod = register_module("txt_mod", Modulation(hidden, true));
    txt_attn = register_module("txt_attn", SelfAttention(hidden, numHeads, qkvBias));
    txt_mlp = register_module("txt_mlp", mlp(hidden, m));
}

std::pair<at::Tensor, at::Tensor> DoubleStreamBlockImpl::forward(const at::Tensor &img, const at::Tensor &txt,
                                                                 const at::Tensor &vec, const at::Tensor &pe)
{
    const auto imgMod = img_mod->forward(vec);
    const auto txtMod = txt_mod->forward(vec);
    const int64_t lt = txt.size(1);
    StreamQKV im = projectQkv(*img_attn, imgMod[0].apply(layerNormNoAffine(img)), pe.narrow(2, lt, img.size(1)));
    StreamQKV tx = projectQkv(*txt_attn, txtMod[0].apply(layerNormNoAffine(txt)), pe.narrow(2, 0, lt));

    // Joint attention over (txt, img) along the sequence.
    at::Tensor attn = fromHeads(scaledDotProductAttention(at::cat({tx.q, im.q}, 2), at::cat({tx.k, im.k}, 2),
                                                          at::cat({tx.v, im.v}, 2))); // [B, L_txt + L_img, D]
    at::Tensor txtAttn = attn.narrow(1, 0, lt), imgAttn = attn.narrow(1, lt, img.size(1));

    at::Tensor imgOut = imgMod[0].residual(img, linearForward(*img_attn->proj, imgAttn));
    imgOut = imgMod[1].residual(imgOut, mlpForward(img_mlp, imgMod[1].apply(layerNormNoAffine(imgOut))));
    at::Tensor txtOut = txtMod[0].residual(txt, linearForward(*txt_attn->proj, txtAttn));
    txtOut = txtMod[1].residual(txtOut, mlpForward(txt_mlp, txtMod[1].apply(layerNormNoAffine(txtOut))));
    return {imgOut, txtOut};
}

SingleStreamBlockImpl::SingleStreamBlockImpl(int64_t hidden, int64_t numHeads, double mlpRatio)
    : num_heads(numHeads), hidden_size(hidden), mlp_hidden_dim(static_cast<int64_t>(hidden * mlpRatio))
{
    linear1 = register_module("linear1", linear(hidden, 3 * hidden + mlp_hidden_dim));
    linear2 = register_module("linear2", linear(hidden + mlp_hidden_dim, hidden));
    norm = register_module("norm", QKNorm(hidden / numHeads));
    modulation = register_module("modulation", Modulation(hidden, false));
}

at::Tensor SingleStreamBlockImpl::forward(const at::Tensor &x, const at::Tensor &vec, const at::Tensor &pe)
{
    const ModulationOut mod = modulation->forward(vec)[0];
    at::Tensor h = linearForward(*linear1, mod.apply(layerNormNoAffine(x))); // [B, L, 3D + M]
    at::Tensor qkv = h.narrow(-1, 0, 3 * hidden_size);
    at::Tensor mlpIn = h.narrow(-1, 3 * hidden_size, mlp_hidden_dim);
    StreamQKV s = splitQkv(qkv, num_heads);
    s.q = rmsNormRope(s.q, norm->query_norm->scale, pe);
    s.k = rmsNormRope(s.k, norm->key_norm->scale, pe);
    at::Tensor attn = fromHeads(scaledDotProductAttention(s.q, s.k, s.v));   // [B, L, D]
    at::Tensor out = linearForward(*linear2, at::cat({attn, fluxGelu(mlpIn)}, 2));
    return mod.residual(x, out);
}

LastLayerImpl::LastLayerImpl(int64_t hidden, int64_t outChannels)
{
    linear = register_module("linear", mosaic::model::linear(hidden, outChannels));
    adaLN_modulation = register_module(
        "adaLN_modulation", torch::nn::Sequential(torch::nn::SiLU(), mosaic::model::linear(hidden, 2 * hidden)));
}

at::Tensor LastLayerImpl::forward(const at::Tensor &x, const at::Tensor &vec)
{
    auto *lin = adaLN_modulation->ptr(1)->as<torch::nn::Linear>();
    auto ss = linearForward(*lin, at::silu(vec)).chunk(2, 1); // (shift, scale), each [B, D]
    at::Tensor h = (1 + ss[1].unsqueeze(1)) * layerNormNoAffine(x) + ss[0].unsqueeze(1);
    return linearForward(*linear, h);
}

FluxImpl::FluxImpl(const FluxConfig &cfg) : config(cfg)
{
    config.validate();
    const int64_t D = config.hidden_size;
    img_in = register_module("img_in", linear(config.in_channels, D));
    time_in = register_module("time_in", MLPEmbedder(256, D));
    vector_in = register_module("vector_in", MLPEmbedder(config.vec_in_dim, D));
    if (config.guidance_embed)
        guidance_in = register_module("guidance_in", MLPEmbedder(256, D));
    txt_in = register_module("txt_in", linear(config.context_in_dim, D));
    double_blocks = register_module("double_blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.depth; ++i) {
        m_double.emplace_back(D, config.num_heads, config.mlp_ratio, config.qkv_bias);
        double_blocks->push_back(m_double.back());
    }
    single_blocks = register_module("single_blocks", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.depth_single_blocks; ++i) {
        m_single.emplace_back(D, config.num_heads, config.mlp_ratio);
        single_blocks->push_back(m_single.back());
    }
    final_layer = register_module("final_layer", LastLayer(D, config.out_channels));
}

at::ScalarType FluxImpl::dtype()
{
    return compute ? *compute : img_in->weight.scalar_type();
}

void FluxImpl::checkInputs(const FluxInputs &in) const
{
    auto need = [](const at::Tensor &t, const char *name, int64_t dims) {
        if (!t.defined())
            throw Error(StatusCode::InvalidArgument, format("FLUX input '{}' is missing", name));
        if (t.dim() != dims)
            throw Error(StatusCode::InvalidArgument, format("FLUX input '{}' must have {} dimensions, got {}", name,
                                                            dims, shapeString(t.sizes().vec())));
    };
    need(in.img, "img", 3);
    need(in.img_ids, "img_ids", 3);
    need(in.txt, "txt", 3);
    need(in.txt_ids, "txt_ids", 3);
    need(in.y, "y", 2);
    need(in.timesteps, "timesteps", 1);
    if (config.guidance_embed)
        need(in.guidance, "guidance", 1);
    const int64_t B = in.img.size(0);
    auto same = [&](bool ok, const std::string &what) {
        if (!ok)
            throw Error(StatusCode::InvalidArgument, "FLUX inputs disagree: " + what);
    };
    same(in.img.size(2) == config.in_channels, format("img has {} channels, the model takes {}", in.img.size(2),
                                                      config.in_channels));
    same(in.txt.size(2) == config.context_in_dim,
         format("txt has width {}, the model takes {}", in.txt.size(2), config.context_in_dim));
    same(in.y.size(1) == config.vec_in_dim, format("y has width {}, the model takes {}", in.y.size(1), config.vec_in_dim));
    same(in.img_ids.size(1) == in.img.size(1) && in.img_ids.size(2) == 3, "img_ids must be [B, L_img, 3]");
    same(in.txt_ids.size(1) == in.txt.size(1) && in.txt_ids.size(2) == 3, "txt_ids must be [B, L_txt, 3]");
    same(in.txt.size(0) == B && in.y.size(0) == B && in.timesteps.size(0) == B && in.img_ids.size(0) == B &&
             in.txt_ids.size(0) == B,
         "batch sizes differ");
    if (config.guidance_embed)
        same(in.guidance.size(0) == B, "guidance batch size differs");
}

at::Tensor FluxImpl::forward(const FluxInputs &in, FluxTrace *trace)
{
    checkInputs(in);
    const auto dt = dtype();
    at::Tensor img = linearForward(*img_in, in.img.to(dt));               // [B, L_img, D]
    at::Tensor temb = timestepEmbedding(in.timesteps);                   // [B, 256] float32
    at::Tensor vec = time_in->forward(temb.to(dt));                      // [B, D]
    if (config.guidance_embed)
        vec = vec + guidance_in->forward(timestepEmbedding(in.guidance).to(dt));
    vec = vec + vector_in->forward(in.y.to(dt));
    at::Tensor txt = linearForward(*txt_in, in.txt.to(dt));              // [B, L_txt, D]
    at::Tensor pe = embedNd(at::cat({in.txt_ids, in.img_ids}, 1), config.axes_dim, config.theta);
    if (trace) {
        trace->pe = pe;
        trace->timestep_embedding = temb;
    }
    for (auto &block : m_double) {
        BlockLease lease(streamer.get(), *block);
        std::tie(img, txt) = block->forward(img, txt, vec, pe);
    }
    const int64_t lt = txt.size(1);
    at::Tensor x = at::cat({txt, img}, 1);                               // [B, L_txt + L_img, D]
    for (auto &block : m_single) {
        BlockLease lease(streamer.get(), *block);
        x = block->forward(x, vec, pe);
    }
    img = x.narrow(1, lt, x.size(1) - lt);
    return final_layer->forward(img, vec);                               // [B, L_img, out]
}

} // namespace mosaic::model
