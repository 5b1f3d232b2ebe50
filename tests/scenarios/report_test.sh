#!/bin/sh
# report_test.sh EDGE_RUN RECORDED_DIR OUT_DIR -- report.html drawn from a recorded run:
# every message an arrow, failures red, tokens marked, steps banded, text escaped, nothing fetched.
set -u
run=$1 rec=$2 out=$3
mkdir -p "$out"
html="$out/report.html"
"$run" report "$rec" "$html" || { echo "edge-run report failed"; exit 1; }
fail=0
check() { # check DESCRIPTION COUNT-EXPECTED PATTERN
    n=$(grep -o -- "$3" "$html" | wc -l)
    if [ "$n" -ne "$2" ]; then echo "FAIL: $1: expected $2, got $n ($3)"; fail=1; else echo "ok: $1"; fi
}
# 6 messages logged by their senders ("out"): 6 arrows; only the 401 is red.
check "one arrow per sent message" 6 '<line x1="[0-9]*" y1="[0-9]*" x2="[0-9]*" y2="[0-9]*" stroke="#[0-9a-f]*" stroke-width'
check "the refusal is red" 1 'stroke="#b91c1c" stroke-width'
check "responses dashed" 3 'stroke-dasharray="6,3"'
check "two local decisions drawn" 2 'rx="3" fill='
check "a refused decision is red" 1 'fill="#fee2e2"'
check "token-bearing arrows marked (and the legend)" 4 '\[token\]'
check "a band per step" 2 'fill="#eef2ff"'
check "five lifelines" 5 'stroke-dasharray="4,3"'
check "description escaped" 1 '&lt;script&gt;alert(1)&lt;/script&gt;'
check "no script element" 0 '<script'
check "no external fetch" 0 'src="http\|href="http\|@import\|url(http'
check "failure sentence in the step table" 1 'status: expected 204, got 401 token.aud_mismatch'
check "decoded token shown" 1 'client_id'
exit $fail
