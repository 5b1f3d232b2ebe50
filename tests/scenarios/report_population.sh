#!/bin/sh
# report_population.sh ROWS DIR [EDGE_RUN] -- what a UE population's run leaves (issue 11):
# DIR/summary.json and its report (DIR/report.html; with EDGE_RUN, drawn afresh from DIR by
# `edge-run report`) must hold what ROWS says, one row "what it shows | JQ". JQ is a jq filter on
# summary.json that must print true, and nothing else; $html is the report's text, and the rows
# may use pop_steps (the steps of provision_all, register_all, relocate_all), count(s) (how often
# the fixed string s is in the report), points(c) (the points of each plot's polyline of class c)
# and moves(c) (the points of each plot's path of class c).
# Exit 127 when DIR has no summary.json (its run was skipped here) or jq is missing.
set -u
rows=$1 dir=$2 run=${3:-}
command -v jq >/dev/null || { echo "SKIP: no jq (tools/deps installs it)"; exit 127; }
[ -f "$dir/summary.json" ] || { echo "SKIP: no run in $dir (its test skipped or did not run)"; exit 127; }
html=$dir/report.html
if [ -n "$run" ]; then
    work=$(mktemp -d) || exit 1
    trap 'rm -rf "$work"' EXIT
    html=$work/report.html
    "$run" report "$dir" "$html" || { echo "edge-run report $dir failed"; exit 1; }
fi
defs='def pop_steps: [.steps[] | select(.action == "provision_all" or .action == "register_all"
                                        or .action == "relocate_all")];
def count(s): s as $s | $html | indices($s) | length;
def points(c): [$html | match("class=\"" + c + "\"[^>]*points=\"([^\"]*)\""; "g")
                | .captures[0].string | split(" ") | length];
def moves(c): [$html | match("class=\"" + c + "\"[^>]*d=\"([^\"]*)\""; "g")
               | [.captures[0].string // "" | match("[ML]"; "g")] | length];'
fail=0 n=0
while IFS='|' read -r what expr; do
    what=$(echo $what)
    case "$what" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    got=$(jq -r --rawfile html "$html" "$defs $expr" "$dir/summary.json" 2>&1 | sort -u | tr '\n' ' ')
    if [ "$got" = "true " ]; then
        echo "ok:$what"
    else
        echo "FAIL:$what: expected true, got $got($expr )"
        fail=1
    fi
done < "$rows"
[ "$n" -gt 0 ] || { echo "no rows read from $rows"; exit 1; }
exit $fail
