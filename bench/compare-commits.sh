#!/bin/sh
# Before / after benchmark table of two commits, both sides in the same run.
#   bench/compare-commits.sh BEFORE AFTER [extra benchmark flags, e.g. --benchmark_filter=seed_network/]
# Builds bench/mote_bench of each commit (git archive into WORK/src-<sha>, a
# release build in WORK/build-<sha>; reused when present), then runs the two
# executables alternately REPS times, pinned to one CPU, writing Google
# Benchmark JSON (WORK/<side>-<rep>.json), and prints per benchmark the median
# real time of each side, the spread (min-max over the repetitions, % of the
# median), the after/before ratio and whether it is slower by more than 2 %.
# AFTER may be "WORKTREE" for the working tree as it is (uncommitted changes).
# The fastest run of each side is compared too (after/before of the minima):
# on a shared machine the minimum is the least disturbed. The last line is the
# geometric mean of both ratios over every benchmark.
# Both sides run with bench/malloc-align64.c preloaded (every heap buffer
# 64-byte aligned): otherwise the buffers' alignment follows each binary's
# heap history and identical kernel code differs by up to 1.6x (ALIGN=0: off).
# Environment: WORK (default build/compare), REPS (3), CPU (taskset CPU, 0),
#              MIN_TIME (seconds per benchmark, 0.2), JOBS (ninja -j, 2),
#              TIME (real_time or cpu_time, the latter less disturbed by other
#              processes on a shared machine; default real_time), ALIGN (64),
#              SKIP_RUN=1 (only print the table of the JSON already in WORK).
set -eu
[ $# -ge 2 ] || { sed -n '2,21p' "$0" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
before=$1 after=$2
shift 2
work=${WORK:-"$repo/build/compare"}
reps=${REPS:-3} cpu=${CPU:-0} min_time=${MIN_TIME:-0.2} jobs=${JOBS:-2}
mkdir -p "$work"
work=$(cd "$work" && pwd)

# build COMMIT -> prints the path of its mote_bench
build() {
  if [ "$1" = WORKTREE ]; then
    src=$repo key=worktree
  else
    key=$(git -C "$repo" rev-parse --short=12 "$1^{commit}")
    src=$work/src-$key
    if [ ! -d "$src" ]; then
      mkdir -p "$src.tmp"
      git -C "$repo" archive "$key" | tar -x -C "$src.tmp"
      mv "$src.tmp" "$src"
    fi
  fi
  b=$work/build-$key
  [ -f "$b/build.ninja" ] ||
    meson setup "$b" "$src" --buildtype=release -Dtests=false -Dbench=true >"$work/setup-$key.log" 2>&1 ||
    { cat "$work/setup-$key.log" >&2; exit 1; }
  ninja -C "$b" -j"$jobs" bench/mote_bench >"$work/ninja-$key.log" 2>&1 ||
    { tail -40 "$work/ninja-$key.log" >&2; exit 1; }
  echo "$b/bench/mote_bench"
}

preload=
if [ "${ALIGN:-64}" != 0 ] && [ "${SKIP_RUN:-0}" != 1 ]; then
  preload=$work/malloc-align64.so
  ${CC:-cc} -O2 -fno-builtin -shared -fPIC -o "$preload" "$here/malloc-align64.c"
fi

if [ "${SKIP_RUN:-0}" != 1 ]; then
  exe_before=$(build "$before")
  exe_after=$(build "$after")
  echo "before: $before ($exe_before)" >&2
  echo "after:  $after ($exe_after)" >&2
fi

rep=1
[ "${SKIP_RUN:-0}" = 1 ] && rep=$((reps + 1))
while [ "$rep" -le "$reps" ]; do
  for side in before after; do
    eval exe=\$exe_$side
    echo "rep $rep/$reps: $side" >&2
    # Google Benchmark 1.7 takes a plain number of seconds for min_time.
    LD_PRELOAD=$preload taskset -c "$cpu" "$exe" --benchmark_min_time="$min_time" --benchmark_out="$work/$side-$rep.json" \
      --benchmark_out_format=json "$@" >/dev/null
  done
  rep=$((rep + 1))
done

python3 - "$work" "$reps" "${TIME:-real_time}" <<'EOF'
import json, math, statistics, sys
work, reps, field = sys.argv[1], int(sys.argv[2]), sys.argv[3]
times = {"before": {}, "after": {}}
for side in times:
    for rep in range(1, reps + 1):
        with open(f"{work}/{side}-{rep}.json") as f:
            for b in json.load(f)["benchmarks"]:
                if b.get("run_type", "iteration") != "iteration" or "error_occurred" in b:
                    continue
                scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b.get("time_unit", "ns")]
                times[side].setdefault(b["name"], []).append(b[field] * scale)
names = [n for n in times["after"] if n in times["before"]]
print("| benchmark | before median (us) | spread | after median (us) | spread | after/before | min after/before | |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
slower = slower_min = 0
log_median = log_min = 0.0
for n in names:
    b, a = times["before"][n], times["after"][n]
    mb, ma = statistics.median(b), statistics.median(a)
    sb, sa = (max(b) - min(b)) / mb * 100, (max(a) - min(a)) / ma * 100
    r, rmin = ma / mb, min(a) / min(b)
    log_median += math.log(r)
    log_min += math.log(rmin)
    flag = "slower > 2 %" if r > 1.02 else ""
    slower += r > 1.02
    slower_min += rmin > 1.02
    print(f"| {n} | {mb / 1e3:.3f} | {sb:.1f} % | {ma / 1e3:.3f} | {sa:.1f} % | {r:.3f} | {rmin:.3f} | {flag} |")
only = [n for n in times["after"] if n not in times["before"]]
print(f"\n{len(names)} benchmarks on both sides ({field}), medians of {reps} interleaved runs: {slower} slower by more "
      f"than 2 % (by the minima: {slower_min}); {len(only)} only after (new kernels)")
if names:
    print(f"geometric mean after/before: medians {math.exp(log_median / len(names)):.3f}, "
          f"minima {math.exp(log_min / len(names)):.3f}")
EOF
