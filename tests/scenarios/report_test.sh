#!/bin/sh
# report_test.sh EDGE_RUN REPORT_DIR OUT_DIR -- report.html drawn from recorded runs (report/tap/,
# report/loopback/: summary.json + events.jsonl of tests/scenarios/report/classroom.json;
# report/notify/: a loopback run of scenarios/acr-eec-via-source-ees.json; report/population/: a
# TAP run of scale/scale-500.json, summary.json only) must
# hold what report/checks.txt says: one row "RECORDING | COUNT | PATTERN | what it shows", the
# pattern a fixed string counted in the HTML.
set -u
run=$1 dir=$2 out=$3
mkdir -p "$out"
for rec in tap loopback notify population; do
    "$run" report "$dir/$rec" "$out/$rec.html" || { echo "edge-run report $rec failed"; exit 1; }
done
fail=0 n=0
while IFS='|' read -r rec count pattern what; do
    case "$rec" in ''|'#'*) continue ;; esac
    rec=$(echo $rec) count=$(echo $count)
    pattern=$(printf '%s' "$pattern" | sed 's/^ //; s/ $//')
    got=$(grep -o -F -- "$pattern" "$out/$rec.html" | wc -l)
    n=$((n + 1))
    if [ "$got" -ne "$count" ]; then
        echo "FAIL ($rec):$what: expected $count of '$pattern', got $got"
        fail=1
    else
        echo "ok ($rec):$what"
    fi
done < "$dir/checks.txt"
[ "$n" -gt 0 ] || { echo "no checks read"; exit 1; }
exit $fail
