#include <mosaic/tools.h>

#include "io/checkpoint.h"
#include "model/loader.h"
#include "train/device.h"
#include "util/error.h"
#include "util/log.h"
#include "util/strings.h"

#include <ATen/Context.h>
#include <c10/core/InferenceMode.h>

#include <chrono>

namespace mosaic {

namespace {

at::ScalarType parseComputeDType(const std::string &name)
{
    if (name == "f32" || name == "float32")
        return at::kFloat;
    if (name == "bf16" || name == "bfloat16")
        return at::kBFloat16;
    if (name == "f16" || name == "float16")
        return at::kHalf;
    throw Error(StatusCode::InvalidArgument, "unknown dtype '" + name + "' (use f32, bf16 or f16)");
}

at::Tensor input(const Checkpoint &in, const std::string &name, const at::Device &device, bool required = true)
{
    if (!in.contains(name)) {
        if (required)
            throw Error(StatusCode::InvalidArgument, in.path() + ": the inputs have no tensor named '" + name + "'");
        return {};
    }
    return in.tensor(name).to(at::kFloat).to(device);
}

} // namespace

Status runForward(const ForwardRequest &request, ForwardResult *result)
{
    return guarded([&] {
        c10::InferenceMode inference;
        const auto dtype = parseComputeDType(request.dtype);
        const at::Device device = train::computeDevice(request.device);
        if (device.is_cuda()) {
            // This verb is the conformance tool: float32 stays float32 (no TF32 in products or convolutions).
            at::globalContext().setAllowTF32CuBLAS(false);
            at::globalContext().setAllowTF32CuDNN(false);
        }
        const Checkpoint weights = Checkpoint::open(request.modelPath);
        const Checkpoint inputs = Checkpoint::open(request.inputsPath);
        const auto arch = model::detectArchitecture(weights.names());

        Component component = request.component;
        if (component == Component::Auto) {
            if (arch == model::Architecture::FluxTransformer)
                component = Component::Transformer;
            else if (arch == model::Architecture::FluxAutoEncoder)
                component = inputs.contains("x") ? Component::AeEncode : Component::AeDecode;
            else
                throw Error(StatusCode::Unsupported, request.modelPath + ": neither a FLUX transformer nor a FLUX "
                                                                         "autoencoder (architecture: " +
                                                         model::architectureName(arch) + ")");
        }
        const bool wantsAe = component != Component::Transformer;
        if (wantsAe != (arch == model::Architecture::FluxAutoEncoder))
            throw Error(StatusCode::InvalidArgument, request.modelPath + " holds a " + model::architectureName(arch) +
                                                         ", which cannot run the requested component");

        st::TensorMap out;
        ForwardResult r;
        const auto t0 = std::chrono::steady_clock::now();
        if (component == Component::Transformer) {
            auto loaded = model::loadFlux(weights, dtype);
            r.layout = model::fluxLayoutName(loaded.layout);
            model::FluxInputs in;
            in.img = input(inputs, "img", device);
            in.img_ids = input(inputs, "img_ids", device);
            in.txt = input(inputs, "txt", device);
            in.txt_ids = input(inputs, "txt_ids", device);
            in.y = input(inputs, "y", device);
            in.timesteps = input(inputs, "timesteps", device);
            in.guidance = input(inputs, "guidance", device, loaded.model->config.guidance_embed);
            loaded.model->to(device);
            model::FluxTrace trace;
            out["out"] = loaded.model->forward(in, &trace).to(at::kFloat).cpu();
            out["pe"] = trace.pe.cpu();
            out["timestep_embedding"] = trace.timestep_embedding.cpu();
            r.component = "transformer";
        } else {
            auto ae = model::loadAutoEncoder(weights, dtype);
            r.layout = "bfl";
            ae->to(device);
            if (component == Component::AeEncode) {
                out["z"] = ae->encode(input(inputs, "x", device)).to(at::kFloat).cpu();
                r.component = "ae-encode";
            } else {
                out["decoded"] = ae->decode(input(inputs, "z", device)).to(at::kFloat).cpu();
                r.component = "ae-decode";
            }
        }
        r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        st::write(request.outputPath, out, {{"producer", "mosaic forward"}, {"component", r.component},
                                            {"dtype", request.dtype}});
        for (const auto &e : out)
            r.written.push_back(e.first);
        log::info("core.model", "forward {} on {} wrote {} in {} s", r.component, request.modelPath,
                  request.outputPath, r.seconds);
        if (result)
            *result = r;
    });
}

} // namespace mosaic
