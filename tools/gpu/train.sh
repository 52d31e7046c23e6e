#!/usr/bin/env bash
# Trains the bundled MOSAIC-Toys model on a lent GPU machine (device tool, `carry: [".deps"]` after
# scripts/vendor-headers.sh): builds the core and the `mosaic` CLI in the LibTorch-only configuration
# against that machine's PyTorch LibTorch (CUDA; no Qt, OpenCV, spdlog or nlohmann package needed),
# trains the autoencoder, then the transformer with MOSAIC's losses on MOSAIC-Toys rendered on the
# fly, each stopped at its time budget (SIGTERM: checkpoint + the model reached), and writes under
# $OUT what comes back: the model (split into <16 MiB parts), metrics, logs, a GPU check.
#
#   OUT=/tmp/out tools/gpu/train.sh            # defaults: 150 s autoencoder, 330 s transformer
#   AE_SECONDS=20 TR_SECONDS=40 DEVICE=cpu tools/gpu/train.sh   # the CPU rehearsal
#   TR_RECIPE=resources/recipes/experiments/toys-large-scratch.json tools/gpu/train.sh
#                                              # the transformer on larger toys (docs/results.md)
#
# Reassemble here: cat $files_at/model/mosaic-toys.safetensors.part-* > resources/models/mosaic-toys.safetensors
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
OUT="${OUT:-$here/gpu-out}"
DEVICE="${DEVICE:-cuda}"
AE_SECONDS="${AE_SECONDS:-150}"
TR_SECONDS="${TR_SECONDS:-330}"
AE_STEPS="${AE_STEPS:-4000}"
TR_STEPS="${TR_STEPS:-20000}"
TR_RECIPE="${TR_RECIPE:-resources/recipes/toys.json}"
JOBS="${JOBS:-$(nproc)}"
BUILD="${BUILD:-$here/build/gpu}"
mkdir -p "$OUT/model" "$OUT/logs"
t0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*" | tee -a "$OUT/logs/train.sh.log"; }

prefix="${TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)}"
stamp "LibTorch prefix: ${prefix:-<system>}; device $DEVICE"
if command -v nvidia-smi >/dev/null; then nvidia-smi --query-gpu=name,memory.total --format=csv | tee "$OUT/logs/gpu.txt"; fi
gen=()
command -v ninja >/dev/null && gen=(-G Ninja)
cmake -S . -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DMOSAIC_CORE_ONLY=ON -DMOSAIC_BUILD_TESTS=OFF \
  ${prefix:+-DCMAKE_PREFIX_PATH="$prefix"} ${EXTRA_CMAKE_ARGS:-} > "$OUT/logs/configure.log" 2>&1 || { tail -40 "$OUT/logs/configure.log"; exit 1; }
cmake --build "$BUILD" -j "$JOBS" --target mosaic > "$OUT/logs/build.log" 2>&1 || { tail -60 "$OUT/logs/build.log"; exit 1; }
mosaic="$BUILD/app/mosaic"
stamp "built $("$mosaic" --version)"

# One stage: runs a recipe for at most $2 seconds (then SIGTERM: the run saves its checkpoint and
# exports the model reached), resuming an earlier run in the same folder.
stage() {
  local recipe="$1" seconds="$2" steps="$3" out="$4"
  stamp "stage $recipe: up to $seconds s / $steps steps -> $out"
  set +e
  timeout -s TERM -k 60 "$seconds" "$mosaic" --no-log-file train --recipe "$recipe" --out "$out" --steps "$steps" \
    --resume --device "$DEVICE" > "$OUT/logs/$(basename "$out").log" 2>&1
  local rc=$?
  set -e
  tail -3 "$OUT/logs/$(basename "$out").log"
  [ -f "$out/model.safetensors" ] || { stamp "stage $recipe produced no model (exit $rc)"; exit 1; }
  cp "$out/metrics.csv" "$OUT/logs/$(basename "$out").metrics.csv"
}

stage resources/recipes/toys-ae.json "$AE_SECONDS" "$AE_STEPS" runs/toys-ae
stage "$TR_RECIPE" "$TR_SECONDS" "$TR_STEPS" runs/toys
cp "$TR_RECIPE" "$OUT/model/recipe.json"
split -b 15M -d "runs/toys/model.safetensors" "$OUT/model/mosaic-toys.safetensors.part-"
sha256sum runs/toys/model.safetensors | tee "$OUT/model/sha256.txt"

# A check of the result on this machine: the model loads and generates.
"$mosaic" --no-log-file inspect runs/toys/model.safetensors > "$OUT/logs/inspect.txt" 2>&1 || true
"$mosaic" --no-log-file bench generate --model runs/toys/model.safetensors --refs 1,4 > "$OUT/logs/bench.txt" 2>&1 || true
stamp "done"
