#include "train/losses.h"

#include "pipeline/sampling.h"
#include "util/error.h"
#include "util/strings.h"

#include <cmath>
#include <set>

namespace mosaic::train {

at::Tensor sampleTimesteps(int64_t n, int64_t imageTokens, at::Generator &generator, double uniformShare)
{
    if (!(uniformShare >= 0.0 && uniformShare <= 1.0))
        throw Error(StatusCode::InvalidArgument, format("the share of uniform timesteps must be in [0, 1], got {}", uniformShare));
    const double mu = pipeline::linearMu(imageTokens);
    const auto f = at::TensorOptions().dtype(at::kFloat);
    const at::Tensor sigma = at::sigmoid(at::randn({n}, generator, f));
    // e^mu / (e^mu + (1/sigma - 1)); sigma is in (0, 1), never exactly 0.
    const at::Tensor t = std::exp(mu) / (std::exp(mu) + (1.0 / sigma - 1.0));
    if (uniformShare <= 0.0)
        return t;
    const at::Tensor pick = at::rand({n}, generator, f), u = at::rand({n}, generator, f).clamp(1e-4, 1.0 - 1e-4);
    return at::where(pick < uniformShare, u, t);
}

FlowTargets flowMatchingTargets(const at::Tensor &x0, const at::Tensor &noise, const at::Tensor &t)
{
    std::vector<int64_t> shape(static_cast<size_t>(x0.dim()), 1);
    shape[0] = x0.size(0);
    const at::Tensor tt = t.to(x0.scalar_type()).view(shape);
    return {(1 - tt) * x0 + tt * noise, noise - x0};
}

at::Tensor flowMatchingLoss(const at::Tensor &prediction, const at::Tensor &target, const at::Tensor &tokenWeights,
                            double denominator)
{
    const at::Tensor e = (prediction - target).pow(2);
    if (!tokenWeights.defined())
        return denominator > 0 ? e.sum() / denominator : e.mean();
    if (e.dim() != 3 || tokenWeights.sizes() != e.sizes().slice(0, 2))
        throw Error(StatusCode::InvalidArgument, format("token weights {} do not match a [B, L, C] prediction {}",
                                                        shapeString(tokenWeights.sizes().vec()), shapeString(e.sizes().vec())));
    const at::Tensor w = tokenWeights.to(e.scalar_type());
    return (e.mean(2) * w).sum() / (denominator > 0 ? at::scalar_tensor(denominator, w.options()) : w.sum());
}

int64_t correspondenceCount(const std::vector<std::vector<TokenPairs>> &pairs)
{
    int64_t n = 0;
    for (const auto &sample : pairs)
        for (const auto &perRef : sample)
            n += static_cast<int64_t>(perRef.size());
    return n;
}

int64_t referenceShareCount(const std::vector<std::vector<TokenPairs>> &pairs)
{
    int64_t n = 0;
    for (const auto &sample : pairs)
        for (const auto &perRef : sample) {
            std::set<int> tokens;
            for (const auto &pair : perRef)
                tokens.insert(pair.second);
            n += static_cast<int64_t>(tokens.size());
        }
    return n;
}

at::Tensor correspondenceLoss(const std::vector<at::Tensor> &maps, const std::vector<std::vector<TokenPairs>> &pairs,
                              double denominator)
{
    // One gather per reference map, the pairs of every sample as flat indices into its [B, L_ref, L_tgt]:
    // one host-to-device copy of indices per map, not two per sample and reference (each such copy waits
    // for the GPU to finish what it was given, which left an H200 three quarters idle at batch 64).
    std::vector<at::Tensor> picked;
    for (size_t r = 0; r < maps.size(); ++r) {
        const at::Tensor &m = maps[r];
        std::vector<int64_t> flat;
        for (size_t b = 0; b < pairs.size(); ++b) {
            if (r >= pairs[b].size() || pairs[b][r].empty())
                continue;
            if (static_cast<int64_t>(b) >= m.size(0))
                throw Error(StatusCode::InvalidArgument, format("pairs for sample {} but the maps hold {}", b, m.size(0)));
            for (const auto &[i, j] : pairs[b][r]) {
                if (i < 0 || j < 0 || i >= m.size(1) || j >= m.size(2))
                    throw Error(StatusCode::InvalidArgument,
                                format("token pair ({}, {}) is outside the {}x{} map", i, j, m.size(1), m.size(2)));
                flat.push_back((static_cast<int64_t>(b) * m.size(1) + i) * m.size(2) + j);
            }
        }
        if (!flat.empty())
            picked.push_back(m.reshape({-1}).index_select(0, at::tensor(flat, at::kLong).to(m.device())));
    }
    if (picked.empty())
        return maps.empty() ? at::zeros({}) : (maps[0].sum() * 0.0); // keeps the graph and device
    const at::Tensor nll = -at::log(at::cat(picked) + 1e-9);
    return denominator > 0 ? nll.sum() / denominator : nll.mean();
}

at::Tensor referenceShareLoss(const std::vector<at::Tensor> &shares, const std::vector<std::vector<TokenPairs>> &pairs,
                              double denominator)
{
    std::vector<at::Tensor> picked;
    for (size_t r = 0; r < shares.size(); ++r) {
        const at::Tensor &s = shares[r];
        if (s.dim() != 2)
            throw Error(StatusCode::InvalidArgument, format("reference {}'s shares must be [B, L_tgt], not {}-dimensional", r, s.dim()));
        std::vector<int64_t> flat;
        for (size_t b = 0; b < pairs.size(); ++b) {
            if (r >= pairs[b].size() || pairs[b][r].empty())
                continue;
            if (static_cast<int64_t>(b) >= s.size(0))
                throw Error(StatusCode::InvalidArgument, format("pairs for sample {} but the shares hold {}", b, s.size(0)));
            std::set<int64_t> tokens;
            for (const auto &pair : pairs[b][r]) {
                if (pair.second < 0 || pair.second >= s.size(1))
                    throw Error(StatusCode::InvalidArgument, format("target token {} is outside the {} tokens", pair.second, s.size(1)));
                tokens.insert(pair.second);
            }
            for (const int64_t j : tokens)
                flat.push_back(static_cast<int64_t>(b) * s.size(1) + j);
        }
        if (!flat.empty())
            picked.push_back(s.reshape({-1}).index_select(0, at::tensor(flat, at::kLong).to(s.device())));
    }
    if (picked.empty())
        return shares.empty() ? at::zeros({}) : (shares[0].sum() * 0.0);
    const at::Tensor nll = -at::log(at::cat(picked) + 1e-9);
    return denominator > 0 ? nll.sum() / denominator : nll.mean();
}

at::Tensor jensenShannon(const at::Tensor &p, const at::Tensor &q)
{
    const double eps = 1e-8;
    const at::Tensor m = 0.5 * (p + q);
    const at::Tensor lm = at::log(m + eps);
    return 0.5 * (p * (at::log(p + eps) - lm)).sum(-1) + 0.5 * (q * (at::log(q + eps) - lm)).sum(-1);
}

at::Tensor disentanglementLoss(const std::vector<at::Tensor> &maps)
{
    const int64_t n = static_cast<int64_t>(maps.size());
    if (n < 2)
        return maps.empty() ? at::zeros({}) : maps[0].sum() * 0.0;
    std::vector<at::Tensor> mu;
    for (const auto &m : maps)
        mu.push_back(m.mean(1)); // [B, L_tgt]
    at::Tensor total = at::zeros({maps[0].size(0)}, maps[0].options());
    for (int64_t r = 0; r < n; ++r)
        for (int64_t s = r + 1; s < n; ++s)
            total = total + jensenShannon(mu[static_cast<size_t>(r)], mu[static_cast<size_t>(s)]);
    return -(2.0 / static_cast<double>(n * (n - 1))) * total.mean();
}

double disentanglementWeight(int64_t step, int64_t start, int64_t ramp, double weight)
{
    if (step < start)
        return 0.0;
    if (ramp <= 0 || step >= start + ramp)
        return weight;
    return weight * static_cast<double>(step - start) / static_cast<double>(ramp);
}

} // namespace mosaic::train
