#pragma once
// The FLUX autoencoder (black-forest-labs/flux src/flux/modules/autoencoder.py), with BFL key names:
// encoder.down.{i}.block.{j}, encoder.down.{i}.downsample.conv, encoder.mid.{block_1,attn_1,block_2},
// decoder.up.{i}.block.{j}, decoder.up.{i}.upsample.conv, {encoder,decoder}.{conv_in,norm_out,conv_out}.

#include <atomic>
#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/normalization.h>

#include <string>
#include <vector>

namespace mosaic::model {

struct AutoEncoderConfig
{
    int64_t resolution = 256;
    int64_t in_channels = 3;
    int64_t ch = 128;
    int64_t out_ch = 3;
    std::vector<int64_t> ch_mult{1, 2, 4, 4};
    int64_t num_res_blocks = 2;
    int64_t z_channels = 16;
    double scale_factor = 0.3611;
    double shift_factor = 0.1159;

    static AutoEncoderConfig flux();
    void validate() const;
    std::string toJson() const;
    static AutoEncoderConfig fromJson(const std::string &json);
    int64_t downsampleFactor() const { return int64_t{1} << (ch_mult.size() - 1); }
};

class ResnetBlockImpl : public torch::nn::Module
{
public:
    ResnetBlockImpl(int64_t in, int64_t out);
    // bandBytes > 0: every convolution is computed in bands of rows of about that many bytes of input,
    // its GroupNorm and SiLU applied per band with the whole tensor's statistics (DecoderImpl::forward).
    at::Tensor forward(const at::Tensor &x, const std::atomic<bool> *cancel = nullptr, int64_t bandBytes = 0);
    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, nin_shortcut{nullptr};
};
TORCH_MODULE(ResnetBlock);

class AttnBlockImpl : public torch::nn::Module
{
public:
    explicit AttnBlockImpl(int64_t channels);
    at::Tensor forward(const at::Tensor &x);
    torch::nn::GroupNorm norm{nullptr};
    torch::nn::Conv2d q{nullptr}, k{nullptr}, v{nullptr}, proj_out{nullptr};
};
TORCH_MODULE(AttnBlock);

// A holder with a single "conv" child, like BFL's Downsample/Upsample.
class ResampleImpl : public torch::nn::Module
{
public:
    ResampleImpl(int64_t channels, bool down);
    at::Tensor forward(const at::Tensor &x, int64_t bandBytes = 0); // bands: upsampling only
    torch::nn::Conv2d conv{nullptr};
    bool down;
};
TORCH_MODULE(Resample);

class MidBlockImpl : public torch::nn::Module
{
public:
    explicit MidBlockImpl(int64_t channels);
    at::Tensor forward(const at::Tensor &x, const std::atomic<bool> *cancel = nullptr, int64_t bandBytes = 0);
    ResnetBlock block_1{nullptr}, block_2{nullptr};
    AttnBlock attn_1{nullptr};
};
TORCH_MODULE(MidBlock);

// One resolution level: "block" (ModuleList of ResnetBlock) and an optional resampler.
class LevelImpl : public torch::nn::Module
{
public:
    LevelImpl(int64_t in, int64_t out, int64_t blocks, bool resample, bool down);
    // With `cancel`, the flag is checked before each block (throws Error(Cancelled)).
    at::Tensor forward(at::Tensor x, const std::atomic<bool> *cancel = nullptr, int64_t bandBytes = 0);
    torch::nn::ModuleList block{nullptr};
    Resample resampler{nullptr};

private:
    std::vector<ResnetBlock> m_blocks;
};
TORCH_MODULE(Level);

class EncoderImpl : public torch::nn::Module
{
public:
    explicit EncoderImpl(const AutoEncoderConfig &c);
    // [B, 3, H, W] -> [B, 2 z, H/f, W/f] (mean, logvar); `cancel` is checked between blocks.
    at::Tensor forward(const at::Tensor &x, const std::atomic<bool> *cancel = nullptr);
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    torch::nn::ModuleList down{nullptr};
    MidBlock mid{nullptr};
    torch::nn::GroupNorm norm_out{nullptr};

private:
    std::vector<Level> m_levels;
};
TORCH_MODULE(Encoder);

class DecoderImpl : public torch::nn::Module
{
public:
    explicit DecoderImpl(const AutoEncoderConfig &c);
    // [B, z, h, w] -> [B, 3, h f, w f]; `cancel` is checked between blocks, so that a cancelled
    // decode stops within one block (throws Error(Cancelled)).
    //
    // bandBytes > 0 decodes in bands: layer by layer as before, but every convolution (with the
    // GroupNorm and SiLU before it, and the nearest upsampling before an upsampler's) runs over bands of
    // rows with a one-row halo, writing into the layer's output. GroupNorm uses the whole tensor's
    // statistics, so the result is the whole decode's up to summation order - unlike independent
    // overlapping tiles, whose per-tile statistics change the image - while the full-size temporaries
    // of the normalised, activated and upsampled tensors are never made. Attention (at the latent's
    // size) is chunked by queries as everywhere.
    at::Tensor forward(const at::Tensor &z, const std::atomic<bool> *cancel = nullptr, int64_t bandBytes = 0);
    torch::nn::Conv2d conv_in{nullptr}, conv_out{nullptr};
    torch::nn::ModuleList up{nullptr};
    MidBlock mid{nullptr};
    torch::nn::GroupNorm norm_out{nullptr};

private:
    std::vector<Level> m_levels; // index = resolution level (0 = full size)
};
TORCH_MODULE(Decoder);

class AutoEncoderImpl : public torch::nn::Module
{
public:
    explicit AutoEncoderImpl(const AutoEncoderConfig &config);
    // x in [-1, 1] -> scaled, shifted latent. With a generator, samples the posterior as
    // OminiControl does; without, uses the mean as BFL does.
    at::Tensor encode(const at::Tensor &x, at::Generator *generator = nullptr,
                      const std::atomic<bool> *cancel = nullptr);
    // -> image in about [-1, 1]. Images of more than bandedAbovePixels decode in bands of rows
    // (DecoderImpl::forward) of about bandBytes each.
    at::Tensor decode(const at::Tensor &z, const std::atomic<bool> *cancel = nullptr);
    int64_t bandedAbovePixels = int64_t{1024} * 1024;
    int64_t bandBytes = int64_t{16} << 20;
    AutoEncoderConfig config;
    Encoder encoder{nullptr};
    Decoder decoder{nullptr};
};
TORCH_MODULE(AutoEncoder);

} // namespace mosaic::model
