#!/usr/bin/env bash
# Fails when any given object, archive or ELF defines or references a heap or
# exception symbol: the freestanding runtime must not allocate or throw.
#   check-no-heap.sh NM FILE...
set -euo pipefail
nm=$1
shift
# malloc family, operator new/new[] (size_t = unsigned int on 32-bit, unsigned
# long on 64-bit: _Znwj/_Znwm, _Znaj/_Znam, incl. nothrow/aligned variants),
# operator delete/delete[] (_ZdlPv*, _ZdaPv*), and the exception ABI.
pattern='^(malloc|free|calloc|realloc|aligned_alloc|posix_memalign|_Znw[jm].*|_Zna[jm].*|_ZdlPv.*|_ZdaPv.*|__cxa_throw|__cxa_allocate_exception|__cxa_begin_catch|__gxx_personality_v0)$'
status=0
for f in "$@"; do
  # -A: prefix every line with the file (and archive member) it comes from.
  if ! syms=$("$nm" -A "$f"); then
    echo "error: $nm failed on $f"
    status=1
    continue
  fi
  hits=$(awk -v re="$pattern" '{ if ($NF ~ re) print }' <<<"$syms")
  if [[ -n $hits ]]; then
    echo "FORBIDDEN symbols in $f:"
    echo "$hits"
    status=1
  else
    echo "ok: $f has no heap/exception symbols"
  fi
done
exit $status
