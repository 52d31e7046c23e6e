#include "model/weights.h"

#include "io/safetensors.h"
#include "util/error.h"
#include "util/strings.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace mosaic::model {

namespace {

// sign | exponent (e bits) | mantissa (m bits); bias 2^(e-1) - 1; exponent 0 is subnormal.
std::array<float, 256> buildTable(int e, int m, bool e4m3fn)
{
    std::array<float, 256> t{};
    const int bias = (1 << (e - 1)) - 1;
    for (int b = 0; b < 256; ++b) {
        const bool negative = (b & 0x80) != 0;
        const int exponent = (b >> m) & ((1 << e) - 1);
        const int mantissa = b & ((1 << m) - 1);
        double v;
        if (e4m3fn && exponent == (1 << e) - 1 && mantissa == (1 << m) - 1)
            v = std::numeric_limits<double>::quiet_NaN(); // E4M3FN: S.1111.111 only
        else if (!e4m3fn && exponent == (1 << e) - 1)
            v = mantissa ? std::numeric_limits<double>::quiet_NaN() : std::numeric_limits<double>::infinity();
        else if (exponent == 0)
            v = std::ldexp(static_cast<double>(mantissa), 1 - bias - m);
        else
            v = std::ldexp(static_cast<double>((1 << m) + mantissa), exponent - bias - m);
        t[static_cast<size_t>(b)] = static_cast<float>(negative ? -v : v);
    }
    return t;
}

template <typename T>
void decodeInto(const uint8_t *src, T *dst, int64_t n, const std::array<float, 256> &table, float scale)
{
    at::parallel_for(0, n, 1 << 16, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i)
            dst[i] = static_cast<T>(table[src[i]] * scale);
    });
}

} // namespace

const std::array<float, 256> &fp8Table(Fp8Format format)
{
    static const std::array<float, 256> e4m3 = buildTable(4, 3, true);
    static const std::array<float, 256> e5m2 = buildTable(5, 2, false);
    return format == Fp8Format::E4M3 ? e4m3 : e5m2;
}

at::Tensor encodeFp8(const at::Tensor &values, Fp8Format format)
{
    const auto &table = fp8Table(format);
    // The non-negative finite patterns in increasing order (0x00 up to the largest finite one).
    std::vector<std::pair<float, uint8_t>> positive;
    for (int b = 0; b < 128; ++b)
        if (std::isfinite(table[static_cast<size_t>(b)]))
            positive.emplace_back(table[static_cast<size_t>(b)], static_cast<uint8_t>(b));
    const at::Tensor v = values.to(at::kFloat).contiguous();
    at::Tensor out = at::empty(values.sizes(), at::kByte);
    const float *src = v.data_ptr<float>();
    uint8_t *dst = out.data_ptr<uint8_t>();
    const uint8_t nan = format == Fp8Format::E4M3 ? 0x7F : 0x7E;
    at::parallel_for(0, v.numel(), 1 << 14, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
            const float x = src[i];
            if (std::isnan(x)) {
                dst[i] = nan;
                continue;
            }
            const float a = std::fabs(x);
            auto it = std::lower_bound(positive.begin(), positive.end(), a,
                                       [](const std::pair<float, uint8_t> &p, float value) { return p.first < value; });
            uint8_t pattern;
            if (it == positive.end())
                pattern = positive.back().second; // saturate
            else if (it == positive.begin() || it->first == a)
                pattern = it->second;
            else {
                const auto below = it - 1;
                const float dLow = a - below->first, dHigh = it->first - a;
                pattern = dLow < dHigh ? below->second : dHigh < dLow ? it->second
                                                       : ((below->second & 1) == 0 ? below->second : it->second);
            }
            dst[i] = static_cast<uint8_t>(pattern | (std::signbit(x) ? 0x80 : 0x00));
        }
    });
    return asFp8(out, format);
}

at::Tensor asFp8(const at::Tensor &bytes, Fp8Format format)
{
    if (bytes.element_size() != 1)
        throw Error(StatusCode::InvalidArgument, "fp8 data must be one byte per value");
    return bytes.view(format == Fp8Format::E4M3 ? at::kByte : at::kChar);
}

bool isFp8(const at::Tensor &t)
{
    return t.defined() && (t.scalar_type() == at::kByte || t.scalar_type() == at::kChar);
}

Fp8Format fp8FormatOf(const at::Tensor &t)
{
    return t.scalar_type() == at::kByte ? Fp8Format::E4M3 : Fp8Format::E5M2;
}

at::Tensor decodeFp8(const at::Tensor &fp8, at::ScalarType out, const at::Tensor &scale)
{
    const Fp8Format format = fp8FormatOf(fp8);
    if (!fp8.device().is_cpu()) {
        at::Tensor decoded;
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 1)
        decoded = fp8.view(format == Fp8Format::E4M3 ? at::kFloat8_e4m3fn : at::kFloat8_e5m2).to(out);
#else
        const auto &table = fp8Table(format);
        const at::Tensor lut = at::from_blob(const_cast<float *>(table.data()), {256}, at::kFloat).to(fp8.device());
        decoded = lut.index_select(0, fp8.view(at::kByte).flatten().to(at::kInt)).view(fp8.sizes()).to(out);
#endif
        return scale.defined() ? decoded * scale.to(out) : decoded;
    }
    const float s = scale.defined() ? scale.to(at::kFloat).flatten()[0].item<float>() : 1.0f;
    const at::Tensor src = fp8.contiguous();
    at::Tensor dst = at::empty(fp8.sizes(), at::TensorOptions().dtype(out));
    const auto *bytes = static_cast<const uint8_t *>(src.data_ptr());
    const auto &table = fp8Table(format);
    switch (out) {
    case at::kFloat: decodeInto(bytes, dst.data_ptr<float>(), src.numel(), table, s); break;
    case at::kBFloat16: decodeInto(bytes, dst.data_ptr<at::BFloat16>(), src.numel(), table, s); break;
    case at::kHalf: decodeInto(bytes, dst.data_ptr<at::Half>(), src.numel(), table, s); break;
    default: throw Error(StatusCode::InvalidArgument, "fp8 weights decode to float32, bfloat16 or float16");
    }
    return dst;
}

namespace {

at::Tensor bufferOf(torch::nn::Module &module, const char *name)
{
    for (const auto &b : module.named_buffers(false))
        if (b.key() == name)
            return b.value();
    return {};
}

} // namespace

at::Tensor weightFor(torch::nn::LinearImpl &layer, at::ScalarType dtype)
{
    const at::Tensor &w = layer.weight;
    if (w.scalar_type() == dtype)
        return w;
    if (isFp8(w))
        return decodeFp8(w, dtype, bufferOf(layer, "scale_weight"));
    return w.to(dtype);
}

at::Tensor biasFor(torch::nn::LinearImpl &layer, at::ScalarType dtype)
{
    const at::Tensor &b = layer.bias;
    return !b.defined() || b.scalar_type() == dtype ? b : b.to(dtype);
}

uint64_t storedBytes(const torch::nn::Module &module)
{
    uint64_t n = 0;
    for (const auto &p : module.parameters(true))
        n += static_cast<uint64_t>(p.numel()) * p.element_size();
    for (const auto &b : module.buffers(true))
        n += static_cast<uint64_t>(b.numel()) * b.element_size();
    return n;
}

uint64_t releaseMappedPages(const at::Tensor &t)
{
    if (!t.defined() || !t.device().is_cpu() || t.numel() == 0)
        return 0;
    return st::releaseMappedPages(t.data_ptr(), static_cast<size_t>(t.numel()) * t.element_size());
}

void touchPages(const at::Tensor &t)
{
    if (!t.defined() || !t.device().is_cpu() || t.numel() == 0)
        return;
    st::touchPages(t.data_ptr(), static_cast<size_t>(t.numel()) * t.element_size());
}

at::Tensor WeightRecipe::make(at::Device device) const
{
    if (parts.empty())
        throw Error(StatusCode::Internal, "a weight recipe without sources");
    at::Tensor t;
    const bool copies = parts.size() > 1 || swapHalves || parts[0].scalar_type() != dtype || device != parts[0].device();
    if (!copies)
        return parts[0];
    const bool keepFp8 = dtype == at::kByte || dtype == at::kChar;
    auto converted = [&](size_t i) {
        const at::Tensor &p = parts[i];
        if (p.scalar_type() == dtype)
            return p;
        return isFp8(p) && !keepFp8 ? decodeFp8(p, dtype, i < scales.size() ? scales[i] : at::Tensor()) : p.to(dtype);
    };
    if (parts.size() > 1) {
        std::vector<at::Tensor> each;
        for (size_t i = 0; i < parts.size(); ++i)
            each.push_back(converted(i));
        t = at::cat(each, 0);
    } else if (swapHalves) {
        const auto halves = converted(0).chunk(2, 0);
        t = at::cat({halves[1], halves[0]}, 0);
    } else {
        t = converted(0);
    }
    if (device != t.device())
        t = device.is_cuda() ? t.to(device, /*non_blocking=*/false) : t.to(device);
    return t;
}

uint64_t WeightRecipe::releaseSources() const
{
    uint64_t n = 0;
    for (const auto &p : parts)
        n += releaseMappedPages(p);
    return n;
}

void WeightStreamer::addBlock(torch::nn::Module &block, std::map<std::string, WeightRecipe> recipes)
{
    Entry e;
    uint64_t bytes = 0;
    for (auto &item : block.named_parameters(true)) {
        auto it = recipes.find(item.key());
        if (it == recipes.end())
            continue;
        e.params.emplace_back(item.value(), item.key());
        for (const auto &p : it->second.parts)
            bytes += static_cast<uint64_t>(p.numel()) * at::elementSize(it->second.dtype);
    }
    for (auto &item : block.named_buffers(true)) {
        if (recipes.count(item.key()))
            e.params.emplace_back(item.value(), item.key());
    }
    e.recipes = std::move(recipes);
    m_bytes += bytes;
    m_largest = std::max(m_largest, bytes);
    m_blocks[&block] = std::move(e);
    release(block);
}

bool WeightStreamer::streams(const torch::nn::Module &block) const
{
    return m_blocks.count(&block) != 0;
}

void WeightStreamer::acquire(torch::nn::Module &block)
{
    auto it = m_blocks.find(&block);
    if (it == m_blocks.end())
        return;
    torch::NoGradGuard noGrad;
    for (auto &[tensor, name] : it->second.params)
        tensor.set_data(it->second.recipes.at(name).make(m_device));
}

void WeightStreamer::release(torch::nn::Module &block)
{
    auto it = m_blocks.find(&block);
    if (it == m_blocks.end())
        return;
    torch::NoGradGuard noGrad;
    for (auto &[tensor, name] : it->second.params) {
        const WeightRecipe &r = it->second.recipes.at(name);
        tensor.set_data(at::empty({0}, at::TensorOptions().dtype(r.dtype).device(m_device)));
        r.releaseSources();
    }
}

BlockLease::BlockLease(WeightStreamer *streamer, torch::nn::Module &block) : m_streamer(streamer), m_block(&block)
{
    if (m_streamer)
        m_streamer->acquire(block);
}

BlockLease::~BlockLease()
{
    if (m_streamer)
        m_streamer->release(*m_block);
}

} // namespace mosaic::model
