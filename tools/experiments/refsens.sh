#!/usr/bin/env bash
# Does a model use its references at all? One prompt, one seed, one region, six different held-out
# MOSAIC-Toys references (one subject each): prints the mean pairwise difference of the six generated
# images (mean absolute error, 0-255; a model that ignores its references gives nearly the same image
# six times) and writes OUT/cmp.png (the references over the images). docs/experiments/journal.md, "Larger toys".
#
#   tools/experiments/refsens.sh MODEL.safetensors [SIZE=128] [SCALE=0.2,0.3] [OUT=refsens-out]
#
# Needs ImageMagick (compare, convert) and python3.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
MOSAIC="${MOSAIC:-$here/build/release/app/mosaic}"
model="$1"; size="${2:-128}"; scale="${3:-0.2,0.3}"; out="${4:-refsens-out}"
rm -rf "$out"; mkdir -p "$out"
"$MOSAIC" --no-log-file synth --count 6 --subjects 1 --size "$size" --ref-size 64 --split test --seed 9 \
  --scale "$scale" --out "$out/s" > /dev/null 2>&1
first="$(head -1 "$out/s/index.jsonl")"
prompt="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["prompt"])' "$first")"
box="$(python3 -c 'import json,sys; print(",".join("%.3f" % v for v in json.loads(sys.argv[1])["subjects"][0]["box"]))' "$first")"
for r in 0 1 2 3 4 5; do
  "$MOSAIC" --no-log-file generate --model "$model" --prompt "$prompt" --ref "$out/s/images/toys-test-9-${r}_ref0.png" \
    --box "1:$box" --seed 3 --out "$out/g$r.png" --maps "$out/maps$r" 2> /dev/null | grep "attention on this reference" || true
done
python3 - "$out" <<'PY'
import itertools, subprocess, sys
out = sys.argv[1]
values = []
for a, b in itertools.combinations(range(6), 2):
    r = subprocess.run(['compare', '-metric', 'MAE', f'{out}/g{a}.png', f'{out}/g{b}.png', 'null:'], capture_output=True, text=True)
    values.append(float(r.stderr.split('(')[1].split(')')[0]) * 255)
print('mean pairwise difference of the images over 6 references: %.2f / 255' % (sum(values) / len(values)))
PY
convert "$out"/s/images/toys-test-9-[0-5]_ref0.png -resize "${size}x${size}" +append "$out/refs.png"
convert "$out"/g[0-5].png +append "$out/gens.png"
convert "$out/refs.png" "$out/gens.png" -append "$out/cmp.png"
echo "wrote $out/cmp.png"
