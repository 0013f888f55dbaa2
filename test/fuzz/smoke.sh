#!/usr/bin/env bash
# One fuzz target for a short time on its seed corpus (the `fuzz_*` meson
# tests of a -Dfuzz=true build): writes the corpora with fuzz_corpus into a
# fresh directory, runs the target for SECONDS, prints libFuzzer's final
# statistics, and keeps any crashing input in ARTIFACTS_DIR.
#   smoke.sh FUZZ_CORPUS FUZZER KIND SECONDS ARTIFACTS_DIR
set -euo pipefail
corpus_tool=$1 fuzzer=$2 kind=$3 seconds=$4 artifacts=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$corpus_tool" "$work/seed"
mkdir -p "$work/new" "$artifacts"
echo "seed corpus: $(ls "$work/seed/$kind" | wc -l) files ($kind)"
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$kind-" "$work/new" "$work/seed/$kind" >"$work/log" 2>&1 || {
  tail -60 "$work/log"
  exit 1
}
grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|#[0-9]+ +DONE)' "$work/log" || tail -5 "$work/log"
