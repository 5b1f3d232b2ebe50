#!/bin/sh
# report_browser.sh EDGE_RUN OUT_DIR RESULTS_DIR SCENARIO_DIR RECORDED_DIR...
# Every report renders in a real browser at 1024 px with no label overflowing the diagram (or the
# arrow, box or site it belongs to) and no lifeline off-page: headless Chromium from Debian loads
# a copy of each report with check.js injected and prints the DOM with its verdict.
# The reports: each run under RESULTS_DIR (the scenario tests' folders), of which every scenario
# of SCENARIO_DIR must have one, and the recorded runs (drawn here with edge-run report).
# Exit 127 when Chromium is absent and cannot be installed (not root, or no apt-get).
set -u
run=$1 out=$2 results=$3 scenarios=$4
shift 4
here=$(cd "$(dirname "$0")" && pwd)

chrome=$(command -v chromium || true)
if [ -z "$chrome" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "installing chromium (Debian) for this test; log in $out/apt.log"
    mkdir -p "$out"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium \
        fonts-dejavu-core > "$out/apt.log" 2>&1
    chrome=$(command -v chromium || true)
fi
[ -n "$chrome" ] || { echo "SKIP: no chromium (apt-get install chromium, as root)"; exit 127; }

rm -rf "$out/pages" && mkdir -p "$out/pages" || exit 1
# The scenario tests' reports, and those of the recorded runs.
for f in "$scenarios"/*.json; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .json)
    # "suite": false (scale-10k): the test suite does not run it, so it has no report here.
    grep -q '"suite": *false' "$f" && continue
    if ! ls "$results"/"$name"-*/report.html >/dev/null 2>&1; then
        # As root every scenario runs; otherwise a TAP-only one has no report to draw.
        [ "$(id -u)" -ne 0 ] && { echo "note: no report of scenario $name (not root)"; continue; }
        echo "FAIL: no report of scenario $name under $results (its scenario test did not run?)"
        exit 1
    fi
done
for d in "$results"/*/; do
    [ -f "$d/report.html" ] && cp "$d/report.html" "$out/pages/$(basename "$d").html"
done
for rec in "$@"; do
    "$run" report "$rec" "$out/pages/recorded-$(basename "$rec").html" || exit 1
done

fail=0 n=0
for page in "$out/pages"/*.html; do
    case "$page" in *.checked.html) continue ;; esac
    checked=${page%.html}.checked.html
    { sed 's|</body></html>||' "$page"; printf '<script>'; cat "$here/check.js"; printf '</script></body></html>\n'; } > "$checked"
    profile=$(mktemp -d)
    timeout 120 "$chrome" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
        --user-data-dir="$profile" --window-size=1024,800 --dump-dom "file://$checked" \
        > "$checked.dom" 2> "$checked.log"
    rm -rf "$profile"
    verdict=$(sed -n '/<pre id="verdict">/,/^END/p' "$checked.dom" | sed 's/.*<pre id="verdict">//')
    n=$((n + 1))
    case "$verdict" in
    GOOD*) echo "ok: $(basename "$page"): $(echo "$verdict" | head -1)" ;;
    *) echo "FAIL: $(basename "$page"):"
       printf '%s\n' "${verdict:-no verdict (see $checked.log)}" | sed 's/^/    /'
       fail=1 ;;
    esac
done
[ "$n" -gt 0 ] || { echo "FAIL: no report found"; exit 1; }
exit $fail
