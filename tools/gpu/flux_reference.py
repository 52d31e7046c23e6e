#!/usr/bin/env python3
"""The FLUX transformer's forward pass as black-forest-labs/flux writes it (src/flux/model.py,
modules/layers.py: the reference blocks), in PyTorch eager, on a BFL-layout .safetensors file and the
inputs `mosaic forward` reads; compares its output with the engine's and times it.

  flux_reference.py WEIGHTS INPUTS [--ours OUT.safetensors --tol 2e-2] [--dtype bf16] [--device cuda] [--time N]
                    [--heads 24] [--theta 10000] [--axes 16,56,56]

Prints one line: relative error ||ours - ref|| / ||ref|| (when --ours), the best of N timed passes and the
peak GPU memory (torch.cuda.max_memory_allocated). Exits 1 when the error is above --tol, 2 without torch."""
import argparse, math, sys, time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    print("flux_reference.py: no PyTorch here (the comparison runs where it is installed)")
    sys.exit(2)


def load(path, device, dtype):
    try:
        from safetensors.torch import load_file
        t = load_file(path, device="cpu")
    except ImportError:  # the format is simple enough to read by hand
        import json, struct
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
            data = f.read()
        header.pop("__metadata__", None)
        kinds = {"F32": torch.float32, "BF16": torch.bfloat16, "F16": torch.float16}
        t = {}
        for k, v in header.items():
            b, e = v["data_offsets"]
            t[k] = torch.frombuffer(bytearray(data[b:e]), dtype=kinds[v["dtype"]]).reshape(v["shape"])
    return {k: v.to(device=device, dtype=dtype if v.is_floating_point() else v.dtype) for k, v in t.items()}


def linear(w, name, x):
    return F.linear(x, w[name + ".weight"], w.get(name + ".bias"))


def timestep_embedding(t, dim=256, max_period=10000, time_factor=1000.0):
    t = time_factor * t
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(0, half, dtype=torch.float32, device=t.device) / half)
    args = t[:, None].float() * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


def rope(pos, dim, theta):
    scale = torch.arange(0, dim, 2, dtype=torch.float64, device=pos.device) / dim
    omega = 1.0 / (theta ** scale)
    out = torch.einsum("...n,d->...nd", pos.double(), omega)
    out = torch.stack([torch.cos(out), -torch.sin(out), torch.sin(out), torch.cos(out)], dim=-1)
    return out.view(*out.shape[:-1], 2, 2).float()


def embed_nd(ids, axes, theta):
    return torch.cat([rope(ids[..., i], axes[i], theta) for i in range(len(axes))], dim=-3).unsqueeze(1)


def apply_rope(xq, xk, pe):
    xq_ = xq.float().reshape(*xq.shape[:-1], -1, 1, 2)
    xk_ = xk.float().reshape(*xk.shape[:-1], -1, 1, 2)
    xq_out = pe[..., 0] * xq_[..., 0] + pe[..., 1] * xq_[..., 1]
    xk_out = pe[..., 0] * xk_[..., 0] + pe[..., 1] * xk_[..., 1]
    return xq_out.reshape(*xq.shape).type_as(xq), xk_out.reshape(*xk.shape).type_as(xk)


def attention(q, k, v, pe):
    q, k = apply_rope(q, k, pe)
    x = F.scaled_dot_product_attention(q, k, v)
    return x.permute(0, 2, 1, 3).reshape(x.shape[0], x.shape[2], -1)


def rms(x, scale):
    dt = x.dtype
    x = x.float()
    return (x * torch.rsqrt(torch.mean(x ** 2, dim=-1, keepdim=True) + 1e-6)).to(dt) * scale


def split_heads(qkv, heads):
    B, L, _ = qkv.shape
    return qkv.view(B, L, 3, heads, -1).permute(2, 0, 3, 1, 4)


def modulation(w, name, vec, n):
    return linear(w, name, F.silu(vec))[:, None, :].chunk(n, dim=-1)


def norm(x):
    return F.layer_norm(x, (x.shape[-1],), eps=1e-6)


def gelu(x):
    return F.gelu(x, approximate="tanh")


def forward(w, inp, heads, axes, theta):
    dt = w["img_in.weight"].dtype
    img = linear(w, "img_in", inp["img"].to(dt))
    mlp_embed = lambda name, x: linear(w, name + ".out_layer", F.silu(linear(w, name + ".in_layer", x)))
    vec = mlp_embed("time_in", timestep_embedding(inp["timesteps"]).to(dt))
    if "guidance_in.in_layer.weight" in w:
        vec = vec + mlp_embed("guidance_in", timestep_embedding(inp["guidance"]).to(dt))
    vec = vec + mlp_embed("vector_in", inp["y"].to(dt))
    txt = linear(w, "txt_in", inp["txt"].to(dt))
    pe = embed_nd(torch.cat((inp["txt_ids"], inp["img_ids"]), dim=1), axes, theta)
    i = 0
    while f"double_blocks.{i}.img_attn.qkv.weight" in w:
        p = f"double_blocks.{i}."
        im = modulation(w, p + "img_mod.lin", vec, 6)
        tm = modulation(w, p + "txt_mod.lin", vec, 6)
        qkv = {}
        for s, x, m in (("img", img, im), ("txt", txt, tm)):
            q, k, v = split_heads(linear(w, p + s + "_attn.qkv", (1 + m[1]) * norm(x) + m[0]), heads)
            q = rms(q, w[p + s + "_attn.norm.query_norm.scale"]).to(v)
            k = rms(k, w[p + s + "_attn.norm.key_norm.scale"]).to(v)
            qkv[s] = (q, k, v)
        a = attention(*(torch.cat((qkv["txt"][j], qkv["img"][j]), dim=2) for j in range(3)), pe)
        ta, ia = a[:, : txt.shape[1]], a[:, txt.shape[1]:]
        img = img + im[2] * linear(w, p + "img_attn.proj", ia)
        img = img + im[5] * linear(w, p + "img_mlp.2", gelu(linear(w, p + "img_mlp.0", (1 + im[4]) * norm(img) + im[3])))
        txt = txt + tm[2] * linear(w, p + "txt_attn.proj", ta)
        txt = txt + tm[5] * linear(w, p + "txt_mlp.2", gelu(linear(w, p + "txt_mlp.0", (1 + tm[4]) * norm(txt) + tm[3])))
        i += 1
    x = torch.cat((txt, img), 1)
    D = img.shape[-1]
    i = 0
    while f"single_blocks.{i}.linear1.weight" in w:
        p = f"single_blocks.{i}."
        m = modulation(w, p + "modulation.lin", vec, 3)
        h = linear(w, p + "linear1", (1 + m[1]) * norm(x) + m[0])
        qkv, mlp = torch.split(h, [3 * D, h.shape[-1] - 3 * D], dim=-1)
        q, k, v = split_heads(qkv, heads)
        q = rms(q, w[p + "norm.query_norm.scale"]).to(v)
        k = rms(k, w[p + "norm.key_norm.scale"]).to(v)
        x = x + m[2] * linear(w, p + "linear2", torch.cat((attention(q, k, v, pe), gelu(mlp)), 2))
        i += 1
    img = x[:, txt.shape[1]:, ...]
    shift, scale = linear(w, "final_layer.adaLN_modulation.1", F.silu(vec)).chunk(2, dim=1)
    return linear(w, "final_layer.linear", (1 + scale[:, None, :]) * norm(img) + shift[:, None, :])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weights"); ap.add_argument("inputs")
    ap.add_argument("--ours"); ap.add_argument("--tol", type=float, default=2e-2)
    ap.add_argument("--dtype", default="bf16"); ap.add_argument("--device", default="cuda")
    ap.add_argument("--time", type=int, default=0); ap.add_argument("--heads", type=int, default=24)
    ap.add_argument("--theta", type=float, default=10000.0); ap.add_argument("--axes", default="16,56,56")
    a = ap.parse_args()
    dtype = {"bf16": torch.bfloat16, "f32": torch.float32, "f16": torch.float16}[a.dtype]
    dev = torch.device(a.device if a.device != "cuda" or torch.cuda.is_available() else "cpu")
    w = load(a.weights, dev, dtype)
    inp = {k: v.float() for k, v in load(a.inputs, dev, torch.float32).items()}
    axes = [int(v) for v in a.axes.split(",")]
    with torch.inference_mode():
        out = forward(w, inp, a.heads, axes, a.theta).float()
        best = 0.0
        for n in range(a.time):
            if dev.type == "cuda":
                torch.cuda.synchronize()
            t = time.perf_counter()
            forward(w, inp, a.heads, axes, a.theta)
            if dev.type == "cuda":
                torch.cuda.synchronize()
            s = time.perf_counter() - t
            best = s if n == 0 else min(best, s)
    peak = torch.cuda.max_memory_allocated() / 2 ** 20 if dev.type == "cuda" else 0.0
    line = f"reference (PyTorch {torch.__version__} eager, {a.dtype}, {dev.type}): best of {a.time} passes {best:.3f} s, peak {peak:.1f} MiB"
    rc = 0
    if a.ours:
        ours = load(a.ours, dev, torch.float32)["out"].float()
        err = ((ours - out).norm() / out.norm()).item()
        line += f"; relative error of the engine's output {err:.3e} (tolerance {a.tol:g})"
        rc = 0 if err <= a.tol else 1
    print(line)
    sys.exit(rc)


if __name__ == "__main__":
    main()
