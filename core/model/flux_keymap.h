#pragma once
// BFL <-> diffusers key map for the FLUX transformer (documented in docs/checkpoint-layouts.md).
//
// diffusers splits the fused BFL projections: img_attn.qkv = cat_rows(to_q, to_k, to_v),
// single linear1 = cat_rows(to_q, to_k, to_v, proj_mlp); and its norm_out.linear stores
// (scale, shift) where BFL's final_layer.adaLN_modulation.1 stores (shift, scale).

#include "io/safetensors.h"
#include "model/flux.h"

#include <map>
#include <string>
#include <vector>

namespace mosaic::model {

enum class FluxLayout { Bfl, Diffusers, Unknown };
const char *fluxLayoutName(FluxLayout layout);

// Removes a ComfyUI "model.diffusion_model." or a diffusers-pipeline "transformer." prefix.
st::TensorMap stripKnownPrefixes(const st::TensorMap &tensors, std::string *strippedPrefix = nullptr);
FluxLayout detectFluxLayout(const std::vector<std::string> &names);

struct FluxKeyRule
{
    enum class Kind { Same, Concat, SwapHalves };
    std::string bfl;
    std::vector<std::string> diffusers;
    Kind kind = Kind::Same;
    std::vector<int64_t> splits; // row counts of each diffusers part (Concat)
};

// Every rule for a model of this shape (weights, biases and norm scales).
std::vector<FluxKeyRule> fluxKeyRules(const FluxConfig &config);

// Tensors the rules do not cover pass through unchanged, so the loader reports them by name.
st::TensorMap diffusersToBfl(const st::TensorMap &tensors, const FluxConfig &config);
st::TensorMap bflToDiffusers(const st::TensorMap &tensors, const FluxConfig &config);

// The block counts and guidance flag of a diffusers-layout state dict, and every shape needed by
// FluxConfig::detect(), expressed under BFL names.
FluxConfig detectDiffusersConfig(const st::TensorMap &tensors);
FluxConfig detectDiffusersConfig(const std::map<std::string, std::vector<int64_t>> &shapes);

// The autoencoder in diffusers' AutoencoderKL layout (encoder.down_blocks.I.resnets.J.conv1,
// mid_block.attentions.0.to_q as a linear layer, decoder.up_blocks numbered from the deepest level):
// true when the names are in it.
bool isDiffusersAutoEncoder(const std::vector<std::string> &names);
// The BFL name of a diffusers AutoencoderKL tensor in a model of `levels` resolution levels; "" for a
// name that has none (quant_conv and post_quant_conv of an SD-style autoencoder, for one).
std::string autoEncoderBflName(const std::string &diffusersName, int64_t levels);
// The other way (for writers of diffusers-layout files); "" for a name diffusers has not.
std::string autoEncoderDiffusersName(const std::string &bflName, int64_t levels);

} // namespace mosaic::model
