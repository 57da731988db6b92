#!/usr/bin/env bash
# Compares the ring rows of the benchmark between the library of a base commit and that of the working tree,
# interleaved in one run: base, new, base, new, ... (default 5 repetitions each), and prints each repetition's
# new/base ratio per row, their median, and the raw values. Both builds use the working tree's benchmark program
# (bench/), so only the library differs. Usage: bash eng/compare-bench.sh [base-ref] [repetitions]
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
dotnet build -c Release "$work/base/bench" >/dev/null
dotnet build -c Release bench >/dev/null
base_dll="$work/base/bench/bin/Release/net10.0/RingIpc.Bench.dll"
new_dll="bench/bin/Release/net10.0/RingIpc.Bench.dll"

for i in $(seq 1 "$reps"); do
  dotnet "$base_dll" > "$work/base-$i.txt"
  dotnet "$new_dll" > "$work/new-$i.txt"
done

# Rows: "ring spsc <size> ... <msg/s> ..." (throughput) and the latency rows' p50.
python3 - "$work" "$reps" <<'PY'
import re, statistics, sys
work, reps = sys.argv[1], int(sys.argv[2])
def rows(path):
    out = {}
    for line in open(path):
        m = re.match(r'(ring (?:spsc|mpsc))\s+(\d+)\s+[\d,]+\s+([\d,]+)', line)
        if m:
            out[f'{m.group(1)} {m.group(2)} B msg/s'] = float(m.group(3).replace(',', ''))
        m = re.match(r'(ring, [^\d]+?)\s+[\d,]+\s+([\d.]+)\s+([\d.]+)', line)
        if m:
            out[f'{m.group(1).strip()} p50 (inverse)'] = 1.0 / float(m.group(2))
    return out
ratios = {}
for i in range(1, reps + 1):
    b, n = rows(f'{work}/base-{i}.txt'), rows(f'{work}/new-{i}.txt')
    for key in b:
        if key in n:
            ratios.setdefault(key, []).append(n[key] / b[key])
raw = {key: ([rows(f'{work}/base-{i}.txt').get(key) for i in range(1, reps + 1)],
             [rows(f'{work}/new-{i}.txt').get(key) for i in range(1, reps + 1)]) for key in ratios}
def fmt(v):
    return f'{v:.3g}' if v is not None else '-'
print(f"{'row':45} {'median new/base':>16}   per repetition (new/base)   base values | new values")
for key, values in ratios.items():
    b, n = raw[key]
    print(f"{key:45} {statistics.median(values):16.3f}   {' '.join(f'{v:.2f}' for v in values)}   "
          f"{' '.join(fmt(v) for v in b)} | {' '.join(fmt(v) for v in n)}")
all_tp = [statistics.median(v) for k, v in ratios.items() if 'msg/s' in k]
print(f"median of the throughput rows' medians: {statistics.median(all_tp):.3f}")
PY
