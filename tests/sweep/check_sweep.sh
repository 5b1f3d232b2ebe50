#!/bin/sh
# check_sweep.sh EDGE_SWEEP RC OUT SEEDS STEPS FILE [SWEEP ARGS...] -- run edge-sweep over FILE
# into OUT and check what it leaves: exit status RC, a summary.json per seed, sweep.csv with one
# row per seed and step (SEEDS x STEPS), percentiles.csv with one row per step, a whole sweep.svg
# with one dot per timed step and seed, and the lines of the report. The lines it must print are
# in FILE's neighbour NAME.expect (one grep -E pattern a line), so the checks are data.
set -u
sweep=$1 want_rc=$2 out=$3 seeds=$4 steps=$5 file=$6
shift 6
rm -rf "$out"
got=$("$sweep" "$file" --out "$out" "$@" 2>&1)
rc=$?
fail() { printf '%s\n--- edge-sweep said:\n%s\n' "$1" "$got"; exit 1; }
[ "$rc" -eq "$want_rc" ] || fail "expected exit $want_rc, got $rc"
n=$(find "$out" -path "$out/seed-*/summary.json" | wc -l)
[ "$n" -eq "$seeds" ] || fail "expected $seeds summary.json files, found $n"
rows=$(($(wc -l < "$out/sweep.csv") - 1))
[ "$rows" -eq $((seeds * steps)) ] || fail "sweep.csv: expected $((seeds * steps)) rows, got $rows"
rows=$(($(wc -l < "$out/percentiles.csv") - 1))
[ "$rows" -eq "$steps" ] || fail "percentiles.csv: expected $steps rows, got $rows"
head -c 5 "$out/sweep.svg" | grep -q '^<svg ' || fail "sweep.svg does not start with <svg"
tail -n 1 "$out/sweep.svg" | grep -q '^</svg>$' || fail "sweep.svg does not end with </svg>"
dots=$(grep -c '<circle ' "$out/sweep.svg")
timed=$(awk -F, 'NR > 1 && $5 != ""' "$out/sweep.csv" | wc -l)
[ "$dots" -eq "$timed" ] || fail "sweep.svg: $dots dots for $timed timed steps"
while IFS= read -r p; do
  printf '%s\n' "$got" | grep -Eq -- "$p" || fail "no line matches: $p"
done < "${file%.json}.expect"
echo "ok: exit $rc, $seeds seeds x $steps steps, every expected line"
