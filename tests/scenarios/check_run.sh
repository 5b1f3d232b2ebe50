#!/bin/sh
# check_run.sh EDGE_RUN RC FILE MODE OUT PATTERN... -- run a scenario in MODE and check what the
# runner says: exit status RC, and each PATTERN (grep -E) matching a line of its output. For what
# a run's verdict must say (a skipped TAP-only step, a scenario that cannot run here).
set -u
run=$1 want_rc=$2 file=$3 mode=$4 out=$5
shift 5
got=$("$run" run "$file" --net "$mode" --out "$out" 2>&1)
rc=$?
if [ "$rc" -ne "$want_rc" ]; then printf 'expected exit %s, got %s:\n%s\n' "$want_rc" "$rc" "$got"; exit 1; fi
for p in "$@"; do
  if ! printf '%s\n' "$got" | grep -Eq -- "$p"; then
    printf 'no line matches: %s\n%s\n' "$p" "$got"
    exit 1
  fi
done
echo "ok: exit $rc, $# lines as expected"
