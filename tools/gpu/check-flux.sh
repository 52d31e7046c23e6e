#!/usr/bin/env bash
# FLUX.1-dev at full size on a GPU machine, in one or two calls of the device tool (no carry needed):
#
#   1. builds the core and the `mosaic` CLI in the LibTorch-only configuration against the machine's
#      LibTorch with CUDA (tools/gpu/lib.sh, the build train.sh uses);
#   2. writes a FLUX.1-dev-shaped transformer with `mosaic synth-model`: full width (3072, 24 heads, T5's
#      4096 and CLIP's 768 inputs), all 19 + 38 blocks, random bf16 weights (23.8 GB), the same weights
#      as fp8 (E4M3, 11.9 GB), a rank-512 PEFT LoRA in the diffusers layout (MOSAIC's subject_512 layout),
#      and one step's inputs at 512 x 512 (1024 image and 512 text tokens);
#   3. runs one denoising step's transformer pass (`mosaic forward --time N`) in bf16, in fp8 (kept as fp8
#      on the GPU, upcast per layer) and streamed under a 12 GB budget, each with 0 and 4 references
#      (MOSAIC's branch path with the LoRA on their rows), reporting the best time and the allocator's peak;
#   4. compares the 0-reference outputs with the reference FLUX blocks in that machine's PyTorch eager
#      (tools/gpu/flux_reference.py, bfloat16 tolerance 2e-2; fp8 against the bf16 reference within 8e-2;
#      streamed against resident exactly) and prints the ratio of this engine's time to PyTorch's;
#   5. generates with tiny model sets on the GPU (tst_modelset's generatesOnTheGpu: float32 and bfloat16,
#      fp8 with a LoRA, against the CPU's image; streamed under a GPU budget against resident), with the
#      golden tiny T5 and CLIP carried in .gpu/shared-golden (see below);
#   6. leaves summary.txt and logs.tar.gz under $OUT.
#
#   OUT=$OUT tools/gpu/check-flux.sh                        # everything (about 10 min on an H100: mostly files)
#   OUT=$OUT STAGE=prepare tools/gpu/check-flux.sh          # build and files, then in a second call on the
#   OUT=$OUT STAGE=run tools/gpu/check-flux.sh              # same warm machine: the runs and the comparison
#   OUT=$OUT STAGE=generate tools/gpu/check-flux.sh         # only step 5 (a few minutes with the build)
# Step 5 needs ../shared/golden carried: before the device call,
#   mkdir -p .gpu/shared-golden && cp -r ../shared/golden/{flux,text,tokenizers} .gpu/shared-golden/  (32 MB; carry it)
# The rehearsal on a CPU (a narrower model, fewer blocks; the comparison needs PyTorch and says so without):
#   DEVICE=cpu HIDDEN=256 HEADS=2 CONTEXT=64 VEC=32 DOUBLE=2 SINGLE=2 SIZE=128 TXT=32 BUDGET_GB=0.002 \
#     BUILD=build/core-only SKIP_BUILD=1 tools/gpu/check-flux.sh
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
OUT="${OUT:-$here/gpu-out}"
DEVICE="${DEVICE:-cuda}"
STAGE="${STAGE:-all}"
JOBS="${JOBS:-$(nproc)}"
BUILD="${BUILD:-$here/build/gpu}"
WORK="${WORK:-$here/runs/flux-check}"
LOGS="$WORK/logs"
HIDDEN="${HIDDEN:-3072}" HEADS="${HEADS:-24}" CONTEXT="${CONTEXT:-4096}" VEC="${VEC:-768}"
DOUBLE="${DOUBLE:-19}" SINGLE="${SINGLE:-38}" RANK="${RANK:-512}" SIZE="${SIZE:-512}" TXT="${TXT:-512}"
BUDGET_GB="${BUDGET_GB:-12}" REPEATS="${REPEATS:-3}"
t0=$(date +%s)
mkdir -p "$OUT" "$LOGS"
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*" | tee -a "$LOGS/check-flux.log"; }
summary() { echo "$*" | tee -a "$OUT/summary.txt"; }
trap 'tar czf "$OUT/logs.tar.gz" -C "$WORK" logs 2>/dev/null' EXIT

export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}"
prefix="${TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)}"
. tools/gpu/lib.sh
if [ -x "$BUILD/app/mosaic" ] && { [ "$STAGE" = run ] || [ -n "${SKIP_BUILD:-}" ]; }; then
  M="$BUILD/app/mosaic"
else
  stamp "building against ${prefix:-the system LibTorch} in $BUILD"
  gpu_build || exit 1
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$LOGS/gpu.txt" 2>&1

# Step 5: model sets generating on the device (the test compares with the CPU itself).
generate_on_device() {
  local golden="${GOLDEN:-$here/.gpu/shared-golden}"
  if [ ! -f "$golden/text/t5_tiny/model.safetensors" ]; then
    summary "generation on $DEVICE: skipped, no golden files in $golden (copy ../shared/golden there and carry it)"
    return 0
  fi
  cmake --build "$BUILD" -j "$JOBS" --target tst_modelset >> "$LOGS/build.log" 2>&1 || { summary "tst_modelset did not build"; return 1; }
  local dev="$DEVICE"; [ "$dev" = cuda ] && dev=""   # the test picks the GPU itself; cpu rehearses
  MOSAIC_TEST_DEVICE="$dev" MOSAIC_GOLDEN_DIR="$golden/flux" "$BUILD/tests/tst_modelset" > "$LOGS/generate.log" 2>&1
  local rc=$?
  summary "generation of model sets on $DEVICE (tst_modelset): exit $rc; $(grep -E 'against the CPU|suggester on|generatesOnTheGpu|Totals' "$LOGS/generate.log" | tr '\n' ' ')"
  return $rc
}
if [ "$STAGE" = generate ]; then generate_on_device; exit $?; fi

shape=(--hidden "$HIDDEN" --heads "$HEADS" --context "$CONTEXT" --vec "$VEC" --double "$DOUBLE" --single "$SINGLE")
bf16="$WORK/flux-dev-bf16.safetensors" fp8="$WORK/flux-dev-fp8.safetensors"
lora="$WORK/subject_$RANK.safetensors" inputs="$WORK/inputs-$SIZE.safetensors"
if [ "$STAGE" != run ]; then
  for f in "$bf16:bf16" "$fp8:fp8-e4m3"; do
    [ -f "${f%%:*}" ] && continue
    stamp "writing ${f%%:*} (${f##*:})"
    "$M" --threads "$JOBS" --no-log-file synth-model "${f%%:*}" --what transformer --precision "${f##*:}" "${shape[@]}" \
      >> "$LOGS/files.log" 2>&1 || { tail -5 "$LOGS/files.log"; exit 1; }
  done
  [ -f "$lora" ] || "$M" --no-log-file synth-model "$lora" --what lora --rank "$RANK" --precision bf16 "${shape[@]}" >> "$LOGS/files.log" 2>&1
  [ -f "$inputs" ] || "$M" --no-log-file synth-model "$inputs" --what inputs --size "$SIZE" --txt-tokens "$TXT" "${shape[@]}" >> "$LOGS/files.log" 2>&1
  stamp "files: $(ls -la "$WORK"/*.safetensors | awk '{printf "%s %.2f GB; ", $9, $5 / 1e9}')"
  [ "$STAGE" = prepare ] && exit 0
fi

budget=$(python3 -c "print(int($BUDGET_GB * 2**30))")
declare -A seconds
run() { # name weights extra...
  local name="$1" weights="$2"; shift 2
  local out="$WORK/out-$name.safetensors"
  "$M" --threads "$JOBS" --no-log-file forward --model "$weights" --inputs "$inputs" --out "$out" --component transformer \
    --dtype bf16 --device "$DEVICE" --time "$REPEATS" "$@" > "$LOGS/$name.log" 2>&1
  local rc=$?
  local line; line="$(grep '^transformer:' "$LOGS/$name.log")"
  summary "$name: exit $rc; $line"
  seconds[$name]="$(echo "$line" | sed -n 's/.*passes \([0-9.]*\) s.*/\1/p')"
}
summary "FLUX check on $DEVICE ($(head -2 "$LOGS/gpu.txt" 2>/dev/null | tail -1)): width $HIDDEN, $DOUBLE + $SINGLE blocks, $SIZE px, $TXT text tokens, LoRA rank $RANK"
for refs in 0 4; do
  extra=(); [ "$refs" -gt 0 ] && extra=(--refs "$refs" --lora "$lora")
  run "bf16-refs$refs" "$bf16" "${extra[@]}"
  run "fp8-refs$refs" "$fp8" "${extra[@]}"
  run "streamed-refs$refs" "$bf16" --max-memory "$budget" "${extra[@]}"
done
: > "$LOGS/streamed-vs-resident.txt"
for refs in 0 4; do # identical: the same weights, made per use
  python3 tools/gpu/relerr.py "$WORK/out-streamed-refs$refs.safetensors" "$WORK/out-bf16-refs$refs.safetensors" out \
    --tol 1e-30 >> "$LOGS/streamed-vs-resident.txt" 2>&1
done
summary "streamed against resident (0, then 4 references): $(tr '\n' ' ' < "$LOGS/streamed-vs-resident.txt")"
axes="$(python3 -c "h=$HIDDEN//$HEADS; a=h//8 - (h//8)%2; b=(h-a)//2 - ((h-a)//2)%2; print(f'{a},{b},{h-a-b}')")"
ref() { python3 tools/gpu/flux_reference.py "$bf16" "$inputs" --device "$DEVICE" --heads "$HEADS" --axes "$axes" "$@"; }
if ref --ours "$WORK/out-bf16-refs0.safetensors" --tol 2e-2 --time "$REPEATS" > "$LOGS/reference.txt" 2>&1; then rc=0; else rc=$?; fi
summary "bf16 against the reference: exit $rc; $(cat "$LOGS/reference.txt")"
if [ "$rc" -ne 2 ]; then
  ref --ours "$WORK/out-fp8-refs0.safetensors" --tol 8e-2 > "$LOGS/reference-fp8.txt" 2>&1
  summary "fp8 against the bf16 reference: exit $?; $(cat "$LOGS/reference-fp8.txt")"
  reft="$(sed -n 's/.*best of [0-9]* passes \([0-9.]*\) s.*/\1/p' "$LOGS/reference.txt")"
  [ -n "$reft" ] && [ -n "${seconds[bf16-refs0]}" ] &&
    summary "time per denoising step, this engine / PyTorch eager (bf16, no references): ${seconds[bf16-refs0]} / $reft = $(python3 -c "print(round(${seconds[bf16-refs0]} / $reft, 3))")"
fi
generate_on_device
stamp "done"
