#include "model/autoencoder.h"

#include "model/attention.h"
#include "util/error.h"
#include "util/json.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include "util/strings.h"

#include <nlohmann/json.hpp>
#include <torch/nn/functional/conv.h>

namespace mosaic::model {

namespace {

torch::nn::Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0)
{
    return torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(padding));
}

torch::nn::GroupNorm groupNorm(int64_t channels)
{
    return torch::nn::GroupNorm(torch::nn::GroupNormOptions(32, channels).eps(1e-6).affine(true));
}

// Low-precision weights (bfloat16 or float16) are a storage format here: every convolution computes in
// float32 on an upcast copy of its weights, and the activations, GroupNorm statistics, attention softmax
// and residual sums stay in float32. On the golden tiny autoencoder a bfloat16 run then differs from
// the reference by the weights' rounding alone (decoded 1.22e-2, z 1.01e-2) on every device; computing
// the convolutions in bfloat16 as well gave 1.70e-2 on a CPU and 2.05e-2, above the 2e-2 tolerance,
// on an H100, for no measurable speed on this CPU (32 decodes of the bundled model's decoder: 3.3-3.5 s
// against 2.7-3.7 s).
bool lowPrecision(const at::Tensor &weight)
{
    return weight.scalar_type() != at::kFloat && weight.scalar_type() != at::kDouble;
}

at::Tensor cv(torch::nn::Conv2d &conv, const at::Tensor &x)
{
    if (!lowPrecision(conv->weight))
        return conv->forward(x.to(conv->weight.scalar_type()));
    const auto &o = conv->options;
    namespace F = torch::nn::functional;
    return F::conv2d(x.to(at::kFloat), conv->weight.to(at::kFloat),
                     F::Conv2dFuncOptions().bias(conv->bias.to(at::kFloat)).stride(o.stride()).padding(o.padding()));
}

at::Tensor norm32(torch::nn::GroupNorm &norm, const at::Tensor &x)
{
    if (!lowPrecision(norm->weight))
        return norm->forward(x.to(norm->weight.scalar_type()));
    const auto &o = norm->options;
    return at::group_norm(x.to(at::kFloat), o.num_groups(), norm->weight.to(at::kFloat), norm->bias.to(at::kFloat),
                          o.eps());
}

void throwIfCancelled(const std::atomic<bool> *cancel)
{
    if (cancel && cancel->load(std::memory_order_relaxed))
        throw Error(StatusCode::Cancelled, "cancelled");
}

// ---- banded decoding (DecoderImpl::forward) ----

// The type a layer computes in: float32 for low-precision weights, as cv() and norm32().
at::ScalarType computeType(const at::Tensor &weight)
{
    return lowPrecision(weight) ? at::kFloat : weight.scalar_type();
}

// Rows [lo, hi) of a convolution's input, made ready for it (normalised and activated, or upsampled).
using RowSource = std::function<at::Tensor(int64_t lo, int64_t hi)>;

// A stride-1 convolution with padding (k - 1) / 2 over an input of `height` rows that `rows` supplies
// band by band, each band with the halo rows the kernel reaches and zero rows at the edges, as the
// whole convolution's padding. Writes the output rows into `out` (or adds them to it).
void convBands(torch::nn::Conv2d &conv, int64_t height, int64_t rowBytes, int64_t bandBytes, const RowSource &rows,
               const at::Tensor &out, bool accumulate, const std::atomic<bool> *cancel)
{
    const int64_t p = ((*conv->options.kernel_size())[0] - 1) / 2;
    const at::ScalarType t = computeType(conv->weight);
    const at::Tensor w = conv->weight.to(t);
    const at::Tensor b = conv->bias.defined() ? conv->bias.to(t) : at::Tensor();
    const int64_t band = std::clamp<int64_t>(bandBytes / std::max<int64_t>(1, rowBytes), 1, height);
    for (int64_t r0 = 0; r0 < height; r0 += band) {
        throwIfCancelled(cancel);
        const int64_t r1 = std::min(height, r0 + band);
        const int64_t lo = std::max<int64_t>(0, r0 - p), hi = std::min(height, r1 + p);
        at::Tensor in = rows(lo, hi).to(t);
        if (p > 0)
            in = at::constant_pad_nd(in, {p, p, p - (r0 - lo), p - (hi - r1)}, 0);
        const at::Tensor y = at::conv2d(in, w, b);
        at::Tensor dst = out.narrow(2, r0, r1 - r0);
        if (accumulate)
            dst.add_(y);
        else
            dst.copy_(y);
    }
}

// GroupNorm with the whole tensor's statistics, as a per-channel map x * a + b (a, b: [B, C, 1, 1]).
std::pair<at::Tensor, at::Tensor> groupNormAffine(torch::nn::GroupNorm &norm, const at::Tensor &x)
{
    const at::ScalarType t = computeType(norm->weight);
    const int64_t B = x.size(0), C = x.size(1), G = norm->options.num_groups();
    const auto [var, mean] = at::var_mean(x.to(t).reshape({B, G, -1}), {2}, /*unbiased=*/false, /*keepdim=*/true);
    const at::Tensor rstdGamma = at::rsqrt(var + norm->options.eps()) * norm->weight.to(t).view({1, G, C / G});
    const at::Tensor shift = norm->bias.to(t).view({1, G, C / G}) - mean * rstdGamma;
    return {rstdGamma.reshape({B, C, 1, 1}), shift.reshape({B, C, 1, 1})};
}

// Bytes of one row of x's channels.
int64_t rowBytesOf(const at::Tensor &x)
{
    return x.size(0) * x.size(1) * x.size(3) * static_cast<int64_t>(sizeof(float));
}

// conv(silu(norm(x))), band by band, into out.
void normSiluConvBands(torch::nn::GroupNorm &norm, torch::nn::Conv2d &conv, const at::Tensor &x, int64_t bandBytes,
                       const at::Tensor &out, bool accumulate, const std::atomic<bool> *cancel)
{
    const auto [a, b] = groupNormAffine(norm, x);
    convBands(conv, x.size(2), rowBytesOf(x), bandBytes,
              [&, a = a, b = b](int64_t lo, int64_t hi) { return at::silu(x.narrow(2, lo, hi - lo) * a + b); }, out,
              accumulate, cancel);
}

at::Tensor emptyOutput(const at::Tensor &x, torch::nn::Conv2d &conv, int64_t height, int64_t width)
{
    return at::empty({x.size(0), conv->options.out_channels(), height, width},
                     x.options().dtype(computeType(conv->weight)));
}

} // namespace

AutoEncoderConfig AutoEncoderConfig::flux()
{
    return AutoEncoderConfig{};
}

void AutoEncoderConfig::validate() const
{
    auto bad = [](const std::string &m) { throw Error(StatusCode::InvalidArgument, "autoencoder config: " + m); };
    if (ch_mult.empty() || ch <= 0 || z_channels <= 0 || num_res_blocks < 0 || in_channels <= 0 || out_ch <= 0)
        bad("sizes must be positive and ch_mult non-empty");
    // Far above FLUX's (128 channels, 4 levels, 2 blocks, 16 latent channels).
    if (ch > 4096 || z_channels > 1024 || in_channels > 64 || out_ch > 64 || num_res_blocks > 32 || ch_mult.size() > 8)
        bad(format("sizes beyond any autoencoder of this architecture: ch {}, {} levels, {} blocks per level, {} latent "
                   "channels", ch, ch_mult.size(), num_res_blocks, z_channels));
    if (!std::isfinite(scale_factor) || !std::isfinite(shift_factor))
        bad("scale_factor and shift_factor must be finite");
    for (int64_t m : ch_mult)
        if (m <= 0 || m > 64 || (ch * m) % 32 != 0)
            bad(format("every ch * ch_mult must be a positive multiple of 32 (GroupNorm(32)), got {}", ch * m));
    if (scale_factor == 0.0)
        bad("scale_factor must not be zero");
}

std::string AutoEncoderConfig::toJson() const
{
    nlohmann::json j = {{"resolution", resolution}, {"in_channels", in_channels},       {"ch", ch},
                        {"out_ch", out_ch},         {"ch_mult", ch_mult},               {"num_res_blocks", num_res_blocks},
                        {"z_channels", z_channels}, {"scale_factor", scale_factor},     {"shift_factor", shift_factor}};
    return j.dump();
}

AutoEncoderConfig AutoEncoderConfig::fromJson(const std::string &json)
{
    AutoEncoderConfig c;
    try {
        const auto j = parseBoundedJson(json, "autoencoder config");
        c.resolution = j.value("resolution", c.resolution);
        c.in_channels = j.value("in_channels", c.in_channels);
        c.ch = j.value("ch", c.ch);
        c.out_ch = j.value("out_ch", c.out_ch);
        c.ch_mult = j.value("ch_mult", c.ch_mult);
        c.num_res_blocks = j.value("num_res_blocks", c.num_res_blocks);
        c.z_channels = j.value("z_channels", c.z_channels);
        c.scale_factor = j.value("scale_factor", c.scale_factor);
        c.shift_factor = j.value("shift_factor", c.shift_factor);
    } catch (const nlohmann::json::exception &e) {
        throw Error(StatusCode::CorruptFile, std::string("autoencoder config JSON: ") + e.what());
    }
    c.validate();
    return c;
}

ResnetBlockImpl::ResnetBlockImpl(int64_t in, int64_t out)
{
    norm1 = register_module("norm1", groupNorm(in));
    conv1 = register_module("conv1", conv(in, out, 3, 1, 1));
    norm2 = register_module("norm2", groupNorm(out));
    conv2 = register_module("conv2", conv(out, out, 3, 1, 1));
    if (in != out)
        nin_shortcut = register_module("nin_shortcut", conv(in, out, 1));
}

at::Tensor ResnetBlockImpl::forward(const at::Tensor &x, const std::atomic<bool> *cancel, int64_t bandBytes)
{
    if (bandBytes > 0) {
        const int64_t H = x.size(2), W = x.size(3);
        const at::Tensor h = emptyOutput(x, conv1, H, W);
        normSiluConvBands(norm1, conv1, x, bandBytes, h, false, cancel);
        at::Tensor out;
        if (nin_shortcut) {
            out = emptyOutput(x, nin_shortcut, H, W);
            convBands(nin_shortcut, H, rowBytesOf(x), bandBytes,
                      [&](int64_t lo, int64_t hi) { return x.narrow(2, lo, hi - lo); }, out, false, cancel);
        } else {
            out = x.to(computeType(conv2->weight), /*non_blocking=*/false, /*copy=*/true);
        }
        normSiluConvBands(norm2, conv2, h, bandBytes, out, true, cancel);
        return out;
    }
    at::Tensor h = cv(conv1, at::silu(norm32(norm1, x)));
    throwIfCancelled(cancel); // half a block: at 512 px and up one convolution takes a noticeable time
    h = cv(conv2, at::silu(norm32(norm2, h)));
    return (nin_shortcut ? cv(nin_shortcut, x) : x) + h;
}

AttnBlockImpl::AttnBlockImpl(int64_t channels)
{
    norm = register_module("norm", groupNorm(channels));
    q = register_module("q", conv(channels, channels, 1));
    k = register_module("k", conv(channels, channels, 1));
    v = register_module("v", conv(channels, channels, 1));
    proj_out = register_module("proj_out", conv(channels, channels, 1));
}

at::Tensor AttnBlockImpl::forward(const at::Tensor &x)
{
    const int64_t B = x.size(0), C = x.size(1), H = x.size(2), W = x.size(3);
    at::Tensor h = norm32(norm, x);
    auto tokens = [&](const at::Tensor &t) { return t.reshape({B, 1, C, H * W}).transpose(2, 3); }; // [B,1,HW,C]
    at::Tensor a = scaledDotProductAttention(tokens(cv(q, h)), tokens(cv(k, h)), tokens(cv(v, h)));
    a = a.transpose(2, 3).reshape({B, C, H, W});
    return x + cv(proj_out, a);
}

ResampleImpl::ResampleImpl(int64_t channels, bool isDown) : down(isDown)
{
    conv = register_module("conv", isDown ? mosaic::model::conv(channels, channels, 3, 2, 0)
                                          : mosaic::model::conv(channels, channels, 3, 1, 1));
}

at::Tensor ResampleImpl::forward(const at::Tensor &x, int64_t bandBytes)
{
    if (!down && bandBytes > 0) {
        // Output rows [lo, hi) of the upsampled tensor are input rows lo / 2 .. (hi - 1) / 2, doubled.
        const int64_t H = 2 * x.size(2), W = 2 * x.size(3);
        const at::Tensor out = emptyOutput(x, conv, H, W);
        convBands(conv, H, 2 * rowBytesOf(x), bandBytes,
                  [&](int64_t lo, int64_t hi) {
                      const int64_t s0 = lo / 2, s1 = (hi - 1) / 2 + 1;
                      return at::upsample_nearest2d(x.narrow(2, s0, s1 - s0), {2 * (s1 - s0), W})
                          .narrow(2, lo - 2 * s0, hi - lo);
                  },
                  out, false, nullptr);
        return out;
    }
    if (down)
        return cv(conv, at::constant_pad_nd(x, {0, 1, 0, 1}, 0)); // asymmetric: right and bottom only
    return cv(conv, at::upsample_nearest2d(x, {x.size(2) * 2, x.size(3) * 2}));
}

MidBlockImpl::MidBlockImpl(int64_t channels)
{
    block_1 = register_module("block_1", ResnetBlock(channels, channels));
    attn_1 = register_module("attn_1", AttnBlock(channels));
    block_2 = register_module("block_2", ResnetBlock(channels, channels));
}

at::Tensor MidBlockImpl::forward(const at::Tensor &x, const std::atomic<bool> *cancel, int64_t bandBytes)
{
    const at::Tensor a = block_1->forward(x, cancel, bandBytes);
    throwIfCancelled(cancel);
    const at::Tensor b = attn_1->forward(a);
    throwIfCancelled(cancel);
    return block_2->forward(b, cancel, bandBytes);
}

LevelImpl::LevelImpl(int64_t in, int64_t out, int64_t blocks, bool resample, bool down)
{
    block = register_module("block", torch::nn::ModuleList());
    for (int64_t i = 0; i < blocks; ++i) {
        m_blocks.emplace_back(i == 0 ? in : out, out);
        block->push_back(m_blocks.back());
    }
    if (resample)
        resampler = register_module(down ? "downsample" : "upsample", Resample(out, down));
}

at::Tensor LevelImpl::forward(at::Tensor x, const std::atomic<bool> *cancel, int64_t bandBytes)
{
    for (auto &b : m_blocks) {
        throwIfCancelled(cancel);
        x = b->forward(x, cancel, bandBytes);
    }
    throwIfCancelled(cancel);
    return resampler ? resampler->forward(x, bandBytes) : x;
}

EncoderImpl::EncoderImpl(const AutoEncoderConfig &c)
{
    const auto n = static_cast<int64_t>(c.ch_mult.size());
    conv_in = register_module("conv_in", conv(c.in_channels, c.ch, 3, 1, 1));
    down = register_module("down", torch::nn::ModuleList());
    int64_t blockIn = c.ch;
    for (int64_t i = 0; i < n; ++i) {
        const int64_t blockOut = c.ch * c.ch_mult[i];
        m_levels.emplace_back(blockIn, blockOut, c.num_res_blocks, i != n - 1, true);
        down->push_back(m_levels.back());
        blockIn = blockOut;
    }
    mid = register_module("mid", MidBlock(blockIn));
    norm_out = register_module("norm_out", groupNorm(blockIn));
    conv_out = register_module("conv_out", conv(blockIn, 2 * c.z_channels, 3, 1, 1));
}

at::Tensor EncoderImpl::forward(const at::Tensor &x, const std::atomic<bool> *cancel)
{
    at::Tensor h = cv(conv_in, x);
    for (auto &level : m_levels)
        h = level->forward(h, cancel);
    h = mid->forward(h, cancel);
    throwIfCancelled(cancel);
    return cv(conv_out, at::silu(norm32(norm_out, h))); // float32
}

DecoderImpl::DecoderImpl(const AutoEncoderConfig &c)
{
    const auto n = static_cast<int64_t>(c.ch_mult.size());
    int64_t blockIn = c.ch * c.ch_mult[n - 1];
    conv_in = register_module("conv_in", conv(c.z_channels, blockIn, 3, 1, 1));
    mid = register_module("mid", MidBlock(blockIn));
    std::vector<Level> reversed;
    for (int64_t i = n - 1; i >= 0; --i) {
        const int64_t blockOut = c.ch * c.ch_mult[i];
        reversed.emplace_back(blockIn, blockOut, c.num_res_blocks + 1, i != 0, false);
        blockIn = blockOut;
    }
    m_levels.assign(reversed.rbegin(), reversed.rend());
    up = register_module("up", torch::nn::ModuleList());
    for (auto &level : m_levels)
        up->push_back(level);
    norm_out = register_module("norm_out", groupNorm(blockIn));
    conv_out = register_module("conv_out", conv(blockIn, c.out_ch, 3, 1, 1));
}

at::Tensor DecoderImpl::forward(const at::Tensor &z, const std::atomic<bool> *cancel, int64_t bandBytes)
{
    throwIfCancelled(cancel);
    at::Tensor h = mid->forward(cv(conv_in, z), cancel, bandBytes);
    for (auto it = m_levels.rbegin(); it != m_levels.rend(); ++it)
        h = (*it)->forward(h, cancel, bandBytes);
    if (bandBytes <= 0)
        return cv(conv_out, at::silu(norm32(norm_out, h))); // float32
    const at::Tensor out = emptyOutput(h, conv_out, h.size(2), h.size(3));
    normSiluConvBands(norm_out, conv_out, h, bandBytes, out, false, cancel);
    return out;
}

AutoEncoderImpl::AutoEncoderImpl(const AutoEncoderConfig &c) : config(c)
{
    config.validate();
    encoder = register_module("encoder", Encoder(config));
    decoder = register_module("decoder", Decoder(config));
}

at::Tensor AutoEncoderImpl::encode(const at::Tensor &x, at::Generator *generator, const std::atomic<bool> *cancel)
{
    if (x.dim() != 4 || x.size(1) != config.in_channels)
        throw Error(StatusCode::InvalidArgument,
                    format("autoencoder input must be [B, {}, H, W], got {}", config.in_channels,
                           shapeString(x.sizes().vec())));
    const int64_t f = config.downsampleFactor();
    if (x.size(2) % f || x.size(3) % f)
        throw Error(StatusCode::InvalidArgument,
                    format("autoencoder input size {}x{} is not a multiple of {}", x.size(3), x.size(2), f));
    auto moments = encoder->forward(x.to(at::kFloat), cancel).chunk(2, 1); // mean, logvar, float32
    at::Tensor z = moments[0];
    if (generator) {
        at::Tensor std = at::exp(0.5 * moments[1].clamp(-30.0, 20.0));
        z = z + std * at::randn(z.sizes(), *generator, z.options());
    }
    return config.scale_factor * (z - config.shift_factor);
}

at::Tensor AutoEncoderImpl::decode(const at::Tensor &z, const std::atomic<bool> *cancel)
{
    if (z.dim() != 4 || z.size(1) != config.z_channels)
        throw Error(StatusCode::InvalidArgument, format("latent must be [B, {}, h, w], got {}", config.z_channels,
                                                        shapeString(z.sizes().vec())));
    const int64_t f = config.downsampleFactor();
    const bool banded = z.size(2) * f * z.size(3) * f > bandedAbovePixels;
    return decoder->forward(z.to(at::kFloat) / config.scale_factor + config.shift_factor, cancel,
                            banded ? std::max<int64_t>(1, bandBytes) : 0); // float32 out
}

} // namespace mosaic::model
