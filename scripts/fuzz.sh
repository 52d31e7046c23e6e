#!/usr/bin/env bash
# The fuzz targets of tests/fuzz under libFuzzer, AddressSanitizer and UBSan (the `fuzz` preset,
# Debian's clang):
#   scripts/fuzz.sh smoke [SECONDS]      each target SECONDS (default 20) on its corpus: the README's
#                                        test command runs this; any finding fails it
#   scripts/fuzz.sh campaign SECONDS     each target SECONDS, its corpus grown in build/fuzz/corpus
#   scripts/fuzz.sh build                only build the targets
# A finding is written to build/fuzz/findings/<target>/ and named; reproduce it with
#   build/fuzz/tests/fuzz/fuzz_<target> FILE
# and add the file to tests/fuzz/corpus/<target>/ with the fix, so that every build replays it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode="${1:-smoke}"
seconds="${2:-20}"
targets=(request safetensors checkpoint_index bundle dataset torch_file lora tokenizer image project)

log() { printf '\033[1m[fuzz]\033[0m %s\n' "$*"; }

command -v clang++ >/dev/null || { echo "scripts/fuzz.sh needs clang (apt-get install clang)" >&2; exit 1; }
log "building the fuzz targets (clang, libFuzzer, ASan, UBSan)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --parallel "$(nproc)" --target "${targets[@]/#/fuzz_}"
[ "$mode" = build ] && exit 0

export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:symbolize=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export QT_QPA_PLATFORM=offscreen
status=0
total=0
passed=0
failed=0
for t in "${targets[@]}"; do
  work="build/fuzz/corpus/$t"
  findings="build/fuzz/findings/$t"
  mkdir -p "$work" "$findings"
  [ "$mode" = smoke ] && rm -rf "${work:?}"/*
  out="build/fuzz/findings/$t.log"
  if build/fuzz/tests/fuzz/fuzz_"$t" "$work" tests/fuzz/corpus/"$t" -dict=tests/fuzz/json.dict \
       -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=4096 -timeout=30 -print_final_stats=1 \
       -artifact_prefix="$findings/" > "$out" 2>&1; then
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out" | grep -o '[0-9]*$' || echo 0)
    cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$out" | tail -1)
    log "$t: ${runs} executions, ${cov:-no coverage line}, no finding"
    total=$((total + runs))
    passed=$((passed + 1))
  else
    log "$t: FINDING (see $out and $findings/)"
    tail -30 "$out"
    status=1
    failed=$((failed + 1))
  fi
done
log "$total executions in all"
echo "fuzz: $passed passed, $failed failed"
exit $status
