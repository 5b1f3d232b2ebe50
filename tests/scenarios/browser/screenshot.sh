#!/bin/sh
# screenshot.sh REPORT_HTML STEP PNG [HEIGHT] -- the README's picture of a report: headless
# Chromium at 1024 px, the page scrolled to step STEP of the diagram (its lifeline header stays
# on top), HEIGHT px tall (default 1300). A frame page does the scrolling: --screenshot alone
# paints a fragment's scroll blank.
set -eu
report=$(realpath "$1") step=$2 png=$(realpath -m "$3") height=${4:-1300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/frame.html" <<HTML
<!DOCTYPE html><html><body style="margin:0"><iframe src="file://$report#step-$step"
 style="border:0;width:1024px;height:${height}px"></iframe></body></html>
HTML
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
    --user-data-dir="$work/profile" --window-size=1024,"$height" --virtual-time-budget=5000 --run-all-compositor-stages-before-draw \
    --screenshot="$png" "file://$work/frame.html" > "$work/log" 2>&1 || { cat "$work/log"; exit 1; }
echo "$png"
