#!/usr/bin/env bash
# Compares the ring throughput rows of the benchmark between the library of a base commit and that of the
# working tree. Both builds use the working tree's benchmark program (bench/), so only the library differs.
# Each row runs as a pair, base then new, back to back, and the pairs repeat (default 5 times); the ratio is
# taken within each pair. Pairs, not whole runs: on this VM a run's rate for a row depends strongly on the
# machine's state at the time (two regimes, ~3x apart at 1 KiB), which changes over tens of seconds, so only
# runs seconds apart compare fairly. Usage: bash eng/compare-bench.sh [base-ref] [repetitions]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base_ref="${1:-HEAD~1}"
reps="${2:-5}"
work="$(mktemp -d /tmp/ringipc-compare.XXXXXX)"
trap 'git worktree remove --force "$work/base" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

git worktree add --detach "$work/base" "$base_ref" >/dev/null
rm -rf "$work/base/bench"
mkdir "$work/base/bench"
tar -C bench --exclude=./bin --exclude=./obj -cf - . | tar -C "$work/base/bench" -xf -
if ! dotnet build -c Release "$work/base/bench" >"$work/base-build.log"; then
  # The bench uses the library's internal CpuPause (added in eef1072): an older base does not build with it.
  tail -n 20 "$work/base-build.log" >&2
  echo "the base library does not build with this bench (bases from eef1072 on only)" >&2
  exit 1
fi
dotnet build -c Release bench >/dev/null
base_dll="$work/base/bench/bin/Release/net10.0/RingIpc.Bench.dll"
new_dll="bench/bin/Release/net10.0/RingIpc.Bench.dll"

rate() { dotnet "$1" ring "$2" "$3" | awk '{ gsub(",", "", $5); print $5 }'; }  # "ring spsc SIZE MESSAGES RATE MB/s"
for i in $(seq 1 "$reps"); do
  for kind in spsc mpsc; do
    for size in 16 64 256 1024; do
      echo "ring $kind $size $(rate "$base_dll" "$kind" "$size") $(rate "$new_dll" "$kind" "$size")" >> "$work/pairs.txt"
    done
  done
  echo "repetition $i of $reps done" >&2
done

python3 - "$work/pairs.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    _, kind, size, base, new = line.split()
    rows.setdefault(f"ring {kind} {size} B msg/s", []).append((float(base), float(new)))
print(f"{'row':28} {'median new/base':>16}   per pair (new/base)   base | new (millions of msg/s)")
medians = []
for key, pairs in rows.items():
    ratios = [n / b for b, n in pairs]
    medians.append(statistics.median(ratios))
    print(f"{key:28} {medians[-1]:16.3f}   {' '.join(f'{r:.2f}' for r in ratios)}   "
          f"{' '.join(f'{b / 1e6:.1f}' for b, _ in pairs)} | {' '.join(f'{n / 1e6:.1f}' for _, n in pairs)}")
print(f"median of the rows' medians: {statistics.median(medians):.3f}; lowest row: {min(medians):.3f}")
PY
