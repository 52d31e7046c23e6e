#pragma once
// MOSAIC's training losses (mosaic-method.md §2-§4), batched (the released code assumes batch 1).

#include <ATen/ATen.h>

#include <utility>
#include <vector>

namespace mosaic::train {

// ---- flow matching --------------------------------------------------------------------------------

// t = shift_mu(sigmoid(u)), u ~ N(0, 1), mu from the image token count (FLUX's resolution shift).
// uniformShare (not MOSAIC's; 0 by default, which draws exactly what it always drew): that share of the
// samples take t ~ U(0, 1) instead, so that a small model also trains near t = 0, where the shifted
// logit-normal puts almost nothing (0.4 % below t = 0.1 at 64 tokens) and the sampler's last step starts.
at::Tensor sampleTimesteps(int64_t n, int64_t imageTokens, at::Generator &generator, double uniformShare = 0.0);

struct FlowTargets
{
    at::Tensor xt;     // (1 - t) x0 + t eps
    at::Tensor target; // eps - x0
};
// x0, noise: [B, ...]; t: [B].
FlowTargets flowMatchingTargets(const at::Tensor &x0, const at::Tensor &noise, const at::Tensor &t);
// Mean squared error over every element. With `tokenWeights` ([B, L], for [B, L, C] inputs) the
// tokens' mean errors are averaged with those weights instead: sum w e / sum w (all ones: the plain
// mean).
//
// `denominator` (> 0), here and in the two losses below: divide the sum by it instead of taking the
// mean. Data-parallel training passes the whole job's count divided by the number of ranks, so that
// the ranks' averaged gradients are those of the whole batch's mean.
at::Tensor flowMatchingLoss(const at::Tensor &prediction, const at::Tensor &target,
                            const at::Tensor &tokenWeights = at::Tensor(), double denominator = 0.0);

// ---- attention losses -----------------------------------------------------------------------------

// maps[r]: [B, L_ref, L_tgt], MOSAIC's averaged reference -> target attention of reference r (each
// row a distribution over target tokens). pairs[b][r]: (reference token, target token) of sample b.
using TokenPairs = std::vector<std::pair<int, int>>;

// L_SCA = mean over all annotated pairs of the batch of -log(A[b, r][i, j] + 1e-9); 0 without pairs.
at::Tensor correspondenceLoss(const std::vector<at::Tensor> &maps, const std::vector<std::vector<TokenPairs>> &pairs,
                              double denominator = 0.0);
// The pairs that correspondenceLoss averages over, and the (sample, reference, target token) triples
// that referenceShareLoss does: what data-parallel training sums over the ranks.
int64_t correspondenceCount(const std::vector<std::vector<TokenPairs>> &pairs);
int64_t referenceShareCount(const std::vector<std::vector<TokenPairs>> &pairs);

// Not MOSAIC's, for small models trained from scratch: shares[r] is [B, L_tgt], the share of each target
// query's attention (over all keys: text, target, every reference) that lands on reference r. The loss
// is the mean over the batch's annotated target tokens (each (sample, reference, target token) once,
// however many pairs name it) of -log(shares[r][b, j] + 1e-9): a subject's tokens draw their values
// from their own reference, not from the scene or another subject. 0 without pairs. Together with the
// reverse correspondence term (softmax over one reference) it is -log of the full attention on the
// corresponding reference token.
at::Tensor referenceShareLoss(const std::vector<at::Tensor> &shares, const std::vector<std::vector<TokenPairs>> &pairs,
                              double denominator = 0.0);

// Jensen-Shannon divergence (natural log, eps 1e-8) between distributions along the last dimension.
at::Tensor jensenShannon(const at::Tensor &p, const at::Tensor &q);

// L_MD = -(2 / (N (N - 1))) sum_{r < s} JSD(mu_r, mu_s), mu_r = the mean row of maps[r], averaged
// over the batch; 0 with fewer than two references. In [-ln 2, 0].
at::Tensor disentanglementLoss(const std::vector<at::Tensor> &maps);

// The weight of L_MD: 0 before `start`, rising linearly to `weight` over `ramp` steps.
// (MOSAIC: start 10000, ramp 1000, weight 1; recipes scale these for short runs.)
double disentanglementWeight(int64_t step, int64_t start, int64_t ramp, double weight = 1.0);

} // namespace mosaic::train
