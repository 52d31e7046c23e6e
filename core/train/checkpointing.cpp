// Gradient checkpointing as an autograd node of its own (checkpointing.h).
#include "train/checkpointing.h"

#include "train/device.h"
#include "util/error.h"

#include <torch/csrc/autograd/autograd.h>
#include <torch/csrc/autograd/function.h>
#include <torch/csrc/autograd/functions/utils.h>
#include <torch/csrc/autograd/grad_mode.h>

namespace mosaic::train {

namespace {

// The node that stands for the block in the graph: its inputs are the block's inputs, its outputs the
// block's outputs. Its backward runs the block again with a graph and back-propagates through that.
class CheckpointNode : public torch::autograd::Node
{
public:
    CheckpointNode(BlockBody body, std::vector<at::Tensor> inputs, bool autocast, at::Device device)
        : m_body(std::move(body)), m_inputs(std::move(inputs)), m_autocast(autocast), m_device(device)
    {
    }

    torch::autograd::variable_list apply(torch::autograd::variable_list &&grads) override
    {
        if (!m_body)
            throw Error(StatusCode::Internal, "a checkpointed block was back-propagated twice");
        torch::autograd::AutoGradMode record(true);
        std::vector<at::Tensor> inputs;
        inputs.reserve(m_inputs.size());
        for (const auto &t : m_inputs)
            inputs.push_back(t.defined() ? t.detach().requires_grad_(t.requires_grad()) : t);
        std::vector<at::Tensor> outputs;
        {
            AutocastScope scope(m_autocast, m_device);
            outputs = m_body(inputs);
        }
        std::vector<at::Tensor> roots, rootGrads;
        for (size_t i = 0; i < outputs.size() && i < grads.size(); ++i)
            if (outputs[i].defined() && outputs[i].requires_grad() && grads[i].defined()) {
                roots.push_back(outputs[i]);
                rootGrads.push_back(grads[i]);
            }
        if (!roots.empty())
            torch::autograd::backward(roots, rootGrads);
        torch::autograd::variable_list result;
        result.reserve(inputs.size());
        for (const auto &t : inputs)
            result.push_back(t.defined() && t.requires_grad() ? t.grad() : at::Tensor());
        release_variables();
        return result;
    }

    void release_variables() override
    {
        m_inputs.clear();
        m_body = nullptr;
    }

    std::string name() const override { return "mosaic::train::CheckpointedBlock"; }

private:
    BlockBody m_body;
    std::vector<at::Tensor> m_inputs;
    bool m_autocast;
    at::Device m_device;
};

} // namespace

std::vector<at::Tensor> checkpointed(const BlockBody &body, const std::vector<at::Tensor> &inputs, bool autocast,
                                     const at::Device &device)
{
    if (!at::GradMode::is_enabled())
        return body(inputs);
    std::vector<at::Tensor> outputs;
    {
        at::NoGradGuard noGrad;
        outputs = body(inputs);
    }
    auto node = std::shared_ptr<CheckpointNode>(new CheckpointNode(body, inputs, autocast, device),
                                                torch::autograd::deleteNode);
    node->set_next_edges(torch::autograd::collect_next_edges(inputs));
    for (auto &t : outputs) {
        if (t.defined() && t.is_view())
            t = t.clone(); // a view made without a graph cannot take one
        torch::autograd::set_history(t, node);
    }
    return outputs;
}

} // namespace mosaic::train
