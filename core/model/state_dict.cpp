#include "model/state_dict.h"

#include "util/error.h"
#include "util/strings.h"

#include <torch/csrc/autograd/grad_mode.h>

namespace mosaic::model {

std::string LoadProblems::describe(size_t maxPerKind) const
{
    std::string s;
    auto list = [&](const char *title, const std::vector<std::string> &v) {
        if (v.empty())
            return;
        s += format("\n  {} ({}):", title, v.size());
        for (size_t i = 0; i < v.size() && i < maxPerKind; ++i)
            s += "\n    " + v[i];
        if (v.size() > maxPerKind)
            s += format("\n    ... and {} more", v.size() - maxPerKind);
    };
    list("missing", missing);
    list("unexpected", unexpected);
    list("wrong shape", mismatched);
    return s;
}

LoadProblems checkStateDict(torch::nn::Module &module, const st::TensorMap &tensors)
{
    LoadProblems p;
    std::map<std::string, at::Tensor> own;
    for (const auto &item : module.named_parameters(true))
        own[item.key()] = item.value();
    for (const auto &item : module.named_buffers(true))
        own[item.key()] = item.value();
    for (const auto &[name, t] : own) {
        auto it = tensors.find(name);
        if (it == tensors.end())
            p.missing.push_back(name);
        else if (it->second.sizes() != t.sizes())
            p.mismatched.push_back(name + ": file " + shapeString(it->second.sizes().vec()) + " vs model " +
                                   shapeString(t.sizes().vec()));
    }
    for (const auto &e : tensors)
        if (!own.count(e.first))
            p.unexpected.push_back(e.first);
    return p;
}

void loadStateDict(torch::nn::Module &module, const st::TensorMap &tensors, const std::string &source)
{
    const LoadProblems p = checkStateDict(module, tensors);
    if (!p.empty())
        throw Error(StatusCode::CorruptFile, source + " does not match the model:" + p.describe());
    torch::NoGradGuard noGrad;
    auto assign = [&](const std::string &name, at::Tensor &dst) {
        const at::Tensor &src = tensors.at(name);
        if (!src.is_floating_point() && dst.is_floating_point())
            throw Error(StatusCode::CorruptFile, source + ": tensor '" + name + "' is not a floating-point tensor");
        dst.set_data(src.to(dst.device(), dst.scalar_type()));
    };
    for (auto &item : module.named_parameters(true))
        assign(item.key(), item.value());
    for (auto &item : module.named_buffers(true))
        assign(item.key(), item.value());
}

st::TensorMap stateDict(const torch::nn::Module &module)
{
    st::TensorMap out;
    for (const auto &item : module.named_parameters(true))
        out[item.key()] = item.value();
    for (const auto &item : module.named_buffers(true))
        out[item.key()] = item.value();
    return out;
}

} // namespace mosaic::model
