#!/usr/bin/env bash
# The ablation of MOSAIC's losses, in one command (docs/results.md): trains the three variants
# of resources/recipes/ablation/ (flow matching only, + L_SCA, + L_SCA + L_MD; same model, data,
# seed and step budget), then evaluates them side by side on held-out MOSAIC-Toys identities with 1 to
# 6 subjects, region guidance on and off, and writes the report with its plots.
#
#   tools/experiments/ablation.sh                        # CPU: build/release/app/mosaic
#   MOSAIC=/path/to/mosaic DEVICE=cuda STEPS=20000 tools/experiments/ablation.sh   # a GPU run
#
# A variant whose run folder already holds a model is not trained again (RETRAIN=1 trains it anew;
# RESUME=1 continues interrupted runs from their checkpoints).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$here"
MOSAIC="${MOSAIC:-$here/build/release/app/mosaic}"
RUNS="${RUNS:-$here/runs/ablation}"
REPORT="${REPORT:-$here/docs/results/ablation}"
DEVICE="${DEVICE:-auto}"
SAMPLES="${SAMPLES:-12}"
SUBJECTS="${SUBJECTS:-1,2,3,4,5,6}"
variants=(fm fm-sca fm-sca-md)
[ -x "$MOSAIC" ] || { echo "ablation.sh: no mosaic CLI at $MOSAIC (build first, or set MOSAIC=)" >&2; exit 2; }

for v in "${variants[@]}"; do
  out="$RUNS/$v"
  if [ -f "$out/model.safetensors" ] && [ "${RETRAIN:-0}" = 0 ] && [ "${RESUME:-0}" = 0 ]; then
    echo "== $v: $out/model.safetensors exists, not trained again"
    continue
  fi
  echo "== training $v"
  resume=()
  [ "${RESUME:-0}" = 1 ] && resume=(--resume)
  "$MOSAIC" train --recipe "resources/recipes/ablation/$v.json" --out "$out" --device "$DEVICE" \
    ${STEPS:+--steps "$STEPS"} "${resume[@]}"
done

spec=""
for v in "${variants[@]}"; do spec+="${spec:+,}$v=$RUNS/$v/model.safetensors"; done
echo "== evaluating $spec"
"$MOSAIC" eval --variants "$spec" --subjects "$SUBJECTS" --samples "$SAMPLES" --report "$REPORT"
