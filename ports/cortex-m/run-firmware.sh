#!/usr/bin/env bash
# Runs a Cortex-M firmware under qemu-system-arm (board MACHINE, e.g. mps2-an386:
# the port's cross file names it) with the instruction-counting plugin, and
# prints the firmware's output followed by
#   instructions per inference <name>: N
# for every marker pair mote_window_<name>_begin / _end the firmware has
# (ports/cortex-m/model_firmware.cc), and per op of each window (the plugin's
# split= mode at the runtime's op functions mote::rt::Run<Op>)
#   instructions per op <name> <index> <Op>: N
# (from the op's entry to the next op's entry, loop overhead included).
# Exit status: the firmware's.
#   run-firmware.sh QEMU MACHINE PLUGIN.so NM FIRMWARE.elf
set -uo pipefail
[[ $# -eq 5 ]] || { sed -n 2,8p "$0" >&2; exit 2; }
qemu=$1 machine=$2 plugin=$3 nm=$4 elf=$5
log=$(mktemp)
trap 'rm -f "$log"' EXIT

names=()
plugin_args="$plugin"
symbols=$("$nm" "$elf")
while read -r addr type sym; do
  [[ $sym =~ ^mote_window_(.+)_begin$ ]] || continue
  name=${BASH_REMATCH[1]}
  end=$(awk -v s="mote_window_${name}_end" '$3 == s { print $1 }' <<<"$symbols")
  [[ -n $end ]] || continue
  names+=("$name")
  plugin_args+=",window=0x$addr:0x$end"
done <<<"$symbols"
# The runtime's op functions, in nm order (split index -> op name).
ops=()
while read -r addr type sym; do
  [[ $sym =~ ^_ZN4mote2rt[0-9]+Run([A-Za-z0-9]+)E ]] || continue
  ops+=("${BASH_REMATCH[1]}")
  plugin_args+=",split=0x$addr"
done <<<"$symbols"

"$qemu" -M "$machine" -nographic -semihosting-config enable=on,target=native \
  -plugin "$plugin_args" -d plugin -D "$log" -kernel "$elf"
status=$?
for i in "${!names[@]}"; do
  read -r calls insns < <(awk -v w="window $i:" 'index($0, w) == 1 { print $4, $6 }' "$log")
  if [[ -n ${calls:-} && $calls -gt 0 ]]; then
    echo "instructions per inference ${names[$i]}: $((insns / calls)) (over $calls inferences)"
    while read -r segment split seg_insns; do
      echo "instructions per op ${names[$i]} $((segment - 1)) ${ops[$split]}: $((seg_insns / calls))"
    done < <(awk -v w="window $i" '$1 " " $2 == w && $3 == "segment" && $6 >= 0 { sub(":", "", $6); print $4, $6, $8 }' "$log")
  fi
done
grep '^insns total' "$log" || true
exit $status
