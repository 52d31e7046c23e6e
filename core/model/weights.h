#pragma once
// Weights kept in the precision they are stored in, and used in the precision a model computes in.
//
// A linear layer's weight may be float32, bfloat16, float16 or fp8 in memory; linearForward() turns it
// into the input's type for the one product that needs it (weightFor()). fp8 bytes have no LibTorch
// type before 2.1, so they travel as 8-bit integers: E4M3 ("e4m3fn": bias 7, no infinities, NaN at
// 0x7F/0xFF, largest 448) as uint8, E5M2 (bias 15, IEEE-like) as int8, decoded by a 256-entry table.
// ComfyUI's scaled fp8 multiplies the decoded weight by the layer's "scale_weight" buffer.
//
// Streaming (WeightStreamer): the transformer's blocks that do not fit a memory budget keep no
// weights between uses; each block's weights are made when the block runs (views of the mapped file,
// fused or copied to the device) and dropped after it, the file's pages handed back to the kernel.

#include <ATen/ATen.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mosaic::model {

enum class Fp8Format { E4M3, E5M2 };

// The value of every bit pattern (NaN where the format has one).
const std::array<float, 256> &fp8Table(Fp8Format format);
// Raw fp8 bytes (any integer-8 tensor of the data) as the tensor that stands for them here.
at::Tensor asFp8(const at::Tensor &bytes, Fp8Format format);
bool isFp8(const at::Tensor &t);
Fp8Format fp8FormatOf(const at::Tensor &t); // only for isFp8 tensors
// The nearest fp8 value of each float (ties to the even pattern), saturating at the largest finite one;
// NaN stays NaN. What writers of fp8 files (and the tests) use.
at::Tensor encodeFp8(const at::Tensor &values, Fp8Format format);
// Decoded values in `out` (float32, bfloat16, float16), times `scale` when defined (a 1-element tensor).
at::Tensor decodeFp8(const at::Tensor &fp8, at::ScalarType out, const at::Tensor &scale = {});

// The layer's weight in `dtype` on its device: itself when it already is, decoded and scaled when fp8,
// converted otherwise. The bias likewise (biasFor; undefined when the layer has none).
at::Tensor weightFor(torch::nn::LinearImpl &layer, at::ScalarType dtype);
at::Tensor biasFor(torch::nn::LinearImpl &layer, at::ScalarType dtype);
// Bytes the layer's weights and buffers take where they are.
uint64_t storedBytes(const torch::nn::Module &module);

// Hands the pages under a tensor that views a mapped file back to the kernel (they are read again from
// the file when touched). Does nothing for other tensors. Returns the bytes released.
uint64_t releaseMappedPages(const at::Tensor &t);
// Reads one byte of every page under the tensor, so that a later use does not wait for the disk.
void touchPages(const at::Tensor &t);

// How to make one parameter from its sources (views of the mapped files).
struct WeightRecipe
{
    std::vector<at::Tensor> parts;       // concatenated along dim 0 when more than one
    std::vector<at::Tensor> scales;      // per part, for fp8 parts decoded here (scaled fp8); may be empty
    bool swapHalves = false;             // diffusers' norm_out (scale, shift) -> BFL (shift, scale)
    at::ScalarType dtype = at::kFloat;   // the type it is kept in (its stored type, or the compute type)
    at::Tensor make(at::Device device) const;
    uint64_t releaseSources() const;     // the parts' pages back to the kernel
};

class WeightStreamer
{
public:
    explicit WeightStreamer(at::Device device) : m_device(device) {}
    // A block whose parameters are made for each use: `recipes` by parameter name within the block.
    void addBlock(torch::nn::Module &block, std::map<std::string, WeightRecipe> recipes);
    bool streams(const torch::nn::Module &block) const;
    void acquire(torch::nn::Module &block);
    void release(torch::nn::Module &block);
    size_t streamedBlocks() const { return m_blocks.size(); }
    uint64_t streamedBytes() const { return m_bytes; }
    uint64_t largestBlockBytes() const { return m_largest; }

private:
    struct Entry
    {
        std::map<std::string, WeightRecipe> recipes;
        std::vector<std::pair<at::Tensor, std::string>> params; // the module's tensors and their names
    };
    at::Device m_device;
    std::map<const torch::nn::Module *, Entry> m_blocks;
    uint64_t m_bytes = 0, m_largest = 0;
};

// Makes a block's weights for the scope of one use when it is streamed (a no-op otherwise).
class BlockLease
{
public:
    BlockLease(WeightStreamer *streamer, torch::nn::Module &block);
    ~BlockLease();
    BlockLease(const BlockLease &) = delete;
    BlockLease &operator=(const BlockLease &) = delete;

private:
    WeightStreamer *m_streamer;
    torch::nn::Module *m_block;
};

} // namespace mosaic::model
