#!/usr/bin/env bash
# Builds and runs examples/consumer/tiny_model.cpp as projects outside this
# tree would, three ways, and fails if any does not build or run:
#   1. against `meson install --destdir` of BUILD_DIR, through pkg-config
#      (shared libmote), and
#   2. the same prefix linked statically (the installed archive holds every
#      backend and is not thin, so the copy links on its own);
#   3. with mote as a Meson subproject (subprojects/mote -> this tree,
#      dependency('mote')).
#
#   examples/consumer/check.sh BUILD_DIR WORK_DIR
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(cd "$1" && pwd)
work=$2
src=$root/examples/consumer
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)

echo "--- meson install --destdir $work/destdir"
meson install -C "$build" --destdir "$work/destdir" --quiet
pc_file=$(find "$work/destdir" -name mote.pc | head -1)
[[ -n $pc_file ]] || { echo "mote.pc was not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc_file")
libdir=$(pkg-config --variable=libdir mote)
echo "pkg-config --cflags --libs mote: $(pkg-config --cflags --libs mote)"

echo "--- 1. pkg-config, shared library"
c++ -std=c++17 -O2 "$src/tiny_model.cpp" -o "$work/tiny_shared" $(pkg-config --cflags --libs mote)
LD_LIBRARY_PATH=$libdir "$work/tiny_shared"

echo "--- 2. pkg-config, static library"
c++ -std=c++17 -O2 "$src/tiny_model.cpp" -o "$work/tiny_static" $(pkg-config --cflags mote) \
  -Wl,-Bstatic -lmote -Wl,-Bdynamic $(pkg-config --static --libs mote | sed 's/-lmote//')
if ldd "$work/tiny_static" | grep -q libmote; then
  echo "tiny_static links libmote dynamically"
  exit 1
fi
"$work/tiny_static"

echo "--- 3. Meson subproject, dependency('mote')"
mkdir -p "$work/subproject/subprojects"
cp "$src/meson.build" "$src/tiny_model.cpp" "$work/subproject/"
ln -s "$root" "$work/subproject/subprojects/mote"
# No PKG_CONFIG_PATH: dependency('mote') must come from the subproject.
env -u PKG_CONFIG_PATH meson setup "$work/subproject/build" "$work/subproject" >/dev/null
ninja -C "$work/subproject/build" >/dev/null
[[ -f $work/subproject/build/subprojects/mote/src/libmote.a ]] || { echo "mote did not build as a subproject"; exit 1; }
"$work/subproject/build/tiny_model"
