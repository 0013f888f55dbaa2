#!/usr/bin/env bash
# Runs a Cortex-M firmware under qemu-system-arm (board MACHINE, e.g. mps2-an386:
# the port's cross file names it) with the instruction-counting plugin, and
# prints the firmware's output followed by
#   instructions per inference <name>: N
# for every marker pair mote_window_<name>_begin / _end the firmware has
# (ports/cortex-m/model_firmware.cc). Exit status: the firmware's.
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

"$qemu" -M "$machine" -nographic -semihosting-config enable=on,target=native \
  -plugin "$plugin_args" -d plugin -D "$log" -kernel "$elf"
status=$?
for i in "${!names[@]}"; do
  read -r calls insns < <(awk -v w="window $i:" 'index($0, w) == 1 { print $4, $6 }' "$log")
  if [[ -n ${calls:-} && $calls -gt 0 ]]; then
    echo "instructions per inference ${names[$i]}: $((insns / calls)) (over $calls inferences)"
  fi
done
grep '^insns total' "$log" || true
exit $status
