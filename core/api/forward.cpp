#include <mosaic/tools.h>

#include "io/checkpoint.h"
#include "model/branches.h"
#include "model/loader.h"
#include "model/lora.h"
#include "pipeline/sampling.h"
#include "train/device.h"
#include "util/error.h"
#include "util/log.h"
#include "util/memory.h"
#include "util/strings.h"

#include <ATen/Context.h>
#include <c10/core/InferenceMode.h>

#include <ATen/CPUGeneratorImpl.h>

#include <chrono>
#include <cmath>
#include <functional>
#include <memory>

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
            model::FluxLoadOptions lo;
            lo.compute = dtype;
            lo.device = device;
            lo.budget = request.maxMemory;
            auto loaded = model::loadFlux(weights, lo);
            r.layout = model::fluxLayoutName(loaded.layout);
            r.precision = loaded.precision;
            r.streamedBlocks = loaded.streamedBlocks;
            model::FluxImpl &m = *loaded.model;
            model::FluxInputs in;
            in.img = input(inputs, "img", device);
            in.img_ids = input(inputs, "img_ids", device);
            in.txt = input(inputs, "txt", device);
            in.txt_ids = input(inputs, "txt_ids", device);
            in.y = input(inputs, "y", device);
            in.timesteps = input(inputs, "timesteps", device);
            in.guidance = input(inputs, "guidance", device, m.config.guidance_embed);
            std::unique_ptr<model::LoraSet> lora;
            if (!request.lora.empty()) {
                lora = std::make_unique<model::LoraSet>(model::LoraSet::fromFile(request.lora, m));
                lora->to(dtype, device);
            }
            std::function<at::Tensor()> pass;
            model::FluxTrace trace;
            if (request.references > 0) {
                // MOSAIC's branch path: the references as clean latents at t = 0 beside the target.
                model::BranchInputs b;
                b.txt = in.txt;
                b.y = in.y;
                b.target = in.img;
                b.targetIds = in.img_ids;
                b.timesteps = in.timesteps;
                b.guidance = in.guidance;
                auto gen = at::make_generator<at::CPUGeneratorImpl>(17);
                const int64_t side = static_cast<int64_t>(std::lround(std::sqrt(static_cast<double>(in.img.size(1)))));
                if (side * side != in.img.size(1))
                    throw Error(StatusCode::InvalidArgument, "--refs needs a square image (its token count a square)");
                for (int i = 0; i < request.references; ++i) {
                    b.refs.push_back(at::randn({1, side * side, m.config.in_channels}, gen, at::kFloat).to(device));
                    b.refIds.push_back(pipeline::tokenIds(1, side, side, 0, -side * (i + 1)).to(device));
                }
                model::BranchOptions o;
                o.lora = lora.get();
                pass = [&, b, o] { return model::forwardBranches(m, b, o, nullptr).to(at::kFloat).cpu(); };
            } else {
                pass = [&] { return m.forward(in, &trace).to(at::kFloat).cpu(); };
            }
            out["out"] = pass();
            if (request.references == 0) {
                out["pe"] = trace.pe.cpu();
                out["timestep_embedding"] = trace.timestep_embedding.cpu();
            }
            for (int i = 0; i < request.timedRepeats; ++i) {
                if (device.is_cuda())
                    train::synchronize(device);
                const auto t = std::chrono::steady_clock::now();
                (void)pass();
                const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
                r.bestForwardSeconds = i == 0 ? s : std::min(r.bestForwardSeconds, s);
            }
            r.peakDeviceBytes = device.is_cuda() ? train::peakDeviceBytes(device) : peakResidentBytes();
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
