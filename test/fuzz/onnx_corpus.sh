#!/usr/bin/env bash
# Seed corpus of fuzz_onnx (smoke.sh's corpus tool for kind "onnx"): DIR/onnx
# gets the ONNX files test/onnx/make_onnx_cases.py writes; it stays empty
# (libFuzzer then starts from nothing) without python3-onnx.
#   onnx_corpus.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir/onnx"
cases=$(mktemp -d)
trap 'rm -rf "$cases"' EXIT
if /usr/bin/python3 "$(dirname "$0")/../onnx/make_onnx_cases.py" "$cases" >/dev/null 2>&1; then
  cp "$cases"/*.onnx "$dir/onnx/"
else
  echo "onnx_corpus.sh: no python3-onnx, empty seed corpus" >&2
fi
