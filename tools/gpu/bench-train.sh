#!/usr/bin/env bash
# Data-parallel training on a GPU machine, in one call of the device tool (no carry needed):
#
#   1. builds the core and the `mosaic` CLI in the LibTorch-only configuration against the machine's
#      LibTorch with CUDA (tools/gpu/lib.sh); configure.log says whether c10d with NCCL was found
#      ("MOSAIC: distributed training with c10d (Gloo, NCCL)");
#   2. runs `mosaic bench train --device cuda --nproc 1,...,N` (N: the GPUs nvidia-smi lists, one per
#      process; NPROC overrides, e.g. NPROC=1,2 to run two processes on one GPU), the bundled model's
#      recipe from a random start in float32, BATCH per process;
#   3. then a job whose second rank is killed mid-run (NCCL's watchdog must end rank 0's wait; with
#      one GPU both ranks share it), and records how long rank 0 took and what it said;
#   4. leaves summary.txt and logs.tar.gz under $OUT.
#
#   OUT=$OUT tools/gpu/bench-train.sh                 # about 5 minutes (build 3, runs 2)
# The rehearsal on a CPU (Gloo instead of NCCL):
#   DEVICE=cpu NPROC=1,2 BUILD=build/core-only SKIP_BUILD=1 tools/gpu/bench-train.sh
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
OUT="${OUT:-$here/gpu-out}"
DEVICE="${DEVICE:-cuda}"
JOBS="${JOBS:-$(nproc)}"
BUILD="${BUILD:-$here/build/gpu}"
WORK="${WORK:-$here/runs/bench-train}"
LOGS="$WORK/logs"
BATCH="${BATCH:-32}" STEPS="${STEPS:-20}"
t0=$(date +%s)
mkdir -p "$OUT" "$LOGS"
stamp() { echo "[$(( $(date +%s) - t0 )) s] $*" | tee -a "$LOGS/bench-train.log"; }
summary() { echo "$*" | tee -a "$OUT/summary.txt"; }
trap 'tar czf "$OUT/logs.tar.gz" -C "$WORK" logs 2>/dev/null' EXIT

export TORCH_CUDA_ARCH_LIST="${TORCH_CUDA_ARCH_LIST:-9.0}"
prefix="${TORCH_PREFIX:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)' 2>/dev/null || true)}"
. tools/gpu/lib.sh
if [ -x "$BUILD/app/mosaic" ] && [ -n "${SKIP_BUILD:-}" ]; then
  M="$BUILD/app/mosaic"
else
  stamp "building against ${prefix:-the system LibTorch} in $BUILD"
  gpu_build || exit 1
fi
summary "c10d in this build: $(grep -ho '^MOSAIC_HAVE_\(C10D\|NCCL\):INTERNAL=[0-9]*' "$BUILD/CMakeCache.txt" | tr '\n' ' ')"
gpus=1
if [ "$DEVICE" = cuda ] && command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$LOGS/gpu.txt" 2>&1
  gpus="$(nvidia-smi -L | grep -c '^GPU')"
fi
if [ -z "${NPROC:-}" ]; then
  NPROC=1; n=2
  while [ "$n" -le "$gpus" ]; do NPROC="$NPROC,$n"; n=$((n * 2)); done
fi
threads=$(( JOBS / ${NPROC##*,} )); [ "$threads" -lt 1 ] && threads=1
stamp "bench train: --nproc $NPROC, batch $BATCH per process, $threads thread(s) per process, $gpus GPU(s)"
"$M" --threads "$threads" --no-log-file bench train --nproc "$NPROC" --steps "$STEPS" --batch "$BATCH" --device "$DEVICE" \
  > "$LOGS/bench.txt" 2>&1
summary "bench train (exit $?):"; summary "$(cat "$LOGS/bench.txt")"

# A rank killed mid-run: rank 0 must stop by itself, naming rank 1, well within the timeout.
recipe="$WORK/recipe.json"
python3 - "$recipe" <<'PY'
import json, sys
r = json.load(open("resources/recipes/toys.json"))
r["init"].pop("autoencoder", None)
r.update(autocast=False, store="f32", steps=100000, checkpoint_every=5, sample_every=0, probe_every=0)
json.dump(r, open(sys.argv[1], "w"))
PY
rm -rf "$WORK/killed"
"$M" --threads "$threads" --no-log-file train "$recipe" --out "$WORK/killed" --batch "$BATCH" --device "$DEVICE" \
  --nproc 2 --timeout 60 > "$LOGS/killed.log" 2>&1 &
launcher=$!
for _ in $(seq 1 600); do [ -f "$WORK/killed/checkpoint.pt" ] && break; sleep 0.2; done
rank1=""
for p in $(pgrep -P "$launcher"); do tr '\0' '\n' < "/proc/$p/environ" | grep -qx 'RANK=1' && rank1=$p; done
killed_at=$(date +%s.%N)
[ -n "$rank1" ] && kill -9 "$rank1"
wait "$launcher"; rc=$?
summary "killed rank 1 (pid ${rank1:-none found}): the job exited $rc after $(python3 -c "import time; print(round(time.time() - $killed_at, 1))") s (timeout 60 s)"
summary "$(grep -m2 'lost a rank\|was killed' "$LOGS/killed.log")"
stamp "done"
