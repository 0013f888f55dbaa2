#!/usr/bin/env bash
# Builds the runtime loader's libFuzzer target (ASan + UBSan) and its seed
# corpus with clang++, outside meson (CI does not need clang):
#   test/runtime/build-fuzz.sh OUTDIR
#   OUTDIR/fuzz_loader -max_total_time=60 OUTDIR/corpus
# Exits 0 with a message when clang++ is missing.
set -euo pipefail
out=${1:?usage: build-fuzz.sh OUTDIR}
cxx=${CXX_FUZZ:-clang++}
if ! command -v "$cxx" >/dev/null 2>&1; then
  echo "build-fuzz.sh: $cxx not found; the fuzz target needs clang (skipped)"
  exit 0
fi
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mkdir -p "$out/obj" "$out/corpus"
out=$(cd "$out" && pwd)

cd "$root"
# The runtime and what it calls (scalar kernels, ExpF, Status), plus the
# writer for the corpus.
lib_sources=(src/runtime/*.cc src/kernels/config.cc src/kernels/kernels.cc src/kernels/*/*-scalar.cc
             src/core/status.cc src/core/math.cc src/export/model_writer.cc)
flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fno-exceptions -ffp-contract=off -fno-math-errno
       -I"$root/include" -I"$root" -I"$root/test/runtime" -DMOTE_HOSTED=1)
san=(-fsanitize=address,undefined -fno-sanitize-recover=all)

objects=()
jobs=0
compile() {  # compile SOURCE EXTRA_FLAGS...
  local src=$1 obj
  shift
  obj=$out/obj/$(echo "$src" | tr / _).o
  objects+=("$obj")
  "$cxx" "${flags[@]}" "${san[@]}" "$@" -c "$src" -o "$obj" &
  jobs=$((jobs + 1))
  if [[ $jobs -ge 2 ]]; then wait -n; jobs=$((jobs - 1)); fi
}
for s in "${lib_sources[@]}"; do compile "$s" -fsanitize=fuzzer-no-link; done
lib_objects=("${objects[@]}")
compile test/runtime/runtime_test_util.cc
compile test/runtime/fuzz_corpus.cc
compile test/runtime/fuzz_loader.cc -fsanitize=fuzzer-no-link
wait

obj() { echo "$out/obj/$(echo "$1" | tr / _).o"; }
"$cxx" -fsanitize=fuzzer "${san[@]}" "$(obj test/runtime/fuzz_loader.cc)" "${lib_objects[@]}" -o "$out/fuzz_loader"
"$cxx" "${san[@]}" -fsanitize=fuzzer-no-link "$(obj test/runtime/fuzz_corpus.cc)" "$(obj test/runtime/runtime_test_util.cc)" \
  "${lib_objects[@]}" -o "$out/fuzz_corpus"
"$out/fuzz_corpus" "$out/corpus"
echo "built $out/fuzz_loader; seed corpus: $(ls "$out/corpus" | wc -l) models in $out/corpus"
echo "run:   $out/fuzz_loader -max_total_time=60 $out/corpus"
