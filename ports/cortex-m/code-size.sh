#!/usr/bin/env bash
# Code bytes (.text input sections) that a firmware links from mote, from its
# GNU ld map file: everything of libmote.a (runtime + kernels + core) and the
# runtime's own objects (src/runtime) alone.
#   code-size.sh FIRMWARE.map   ->  "libmote_text=N runtime_text=M"
set -euo pipefail
awk '
  function hex(s,   i, v) {  # "0x1f" -> 31 (mawk has no strtonum)
    v = 0
    for (i = 3; i <= length(s); ++i) v = v * 16 + index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
    return v
  }
  # Sections the linker discarded (--gc-sections) are listed before this.
  /^Linker script and memory map/ { linked = 1 }
  !linked { next }
  # An input section line is " .text.name [addr size file]"; long names put
  # addr, size and file on the next line.
  /^ \.text/ { if (NF >= 4) { size = $3; file = $4 } else { pending = 1; next } }
  pending { pending = 0; if (NF >= 3) { size = $2; file = $3 } else next }
  size != "" {
    # A thin archive names its objects "libmote.a.p/x.o", a real one (the
    # installable library) "libmote.a(x.o)".
    if (file ~ /libmote\.a(\.p\/|\()/) lib += hex(size)
    if (file ~ /libmote\.a(\.p\/|\()runtime_/) rt += hex(size)
    size = ""
  }
  END { printf "libmote_text=%d runtime_text=%d\n", lib, rt }' "$1"
