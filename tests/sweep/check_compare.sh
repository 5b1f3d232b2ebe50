#!/bin/sh
# check_compare.sh EDGE_COMPARE OUT EXPECT [COMPARE ARGS...] -- run edge-compare into OUT and check
# what it writes: exit status 0, a summary.json per scenario and seed, compare.html whole and
# self-contained (no script, nothing loaded from elsewhere), and every line of EXPECT: "FILE
# PATTERN", a grep -E pattern that some line of OUT/FILE must match (content, never a time).
set -u
compare=$1 out=$2 expect=$3
shift 3
rm -rf "$out"
got=$("$compare" "$@" --out "$out" 2>&1)
rc=$?
fail() { printf '%s\n--- edge-compare said:\n%s\n' "$1" "$got"; exit 1; }
[ "$rc" -eq 0 ] || fail "expected exit 0, got $rc"
n=$(find "$out" -path "$out/*/seed-*/summary.json" | wc -l)
[ "$n" -gt 0 ] || fail "no run wrote a summary.json"
html=$out/compare.html
head -n 1 "$html" | grep -q '^<!DOCTYPE html>' || fail "compare.html does not start with <!DOCTYPE html>"
tail -n 1 "$html" | grep -q '</html>$' || fail "compare.html does not end with </html>"
! grep -Eqi '<script|<link |src="|url\(|(href|src)="https?:' "$html" || fail "compare.html loads something"
lines=0
while IFS= read -r line; do
  case $line in '#'*|'') continue ;; esac
  file=${line%% *} pat=${line#* }
  [ -f "$out/$file" ] || fail "no $file"
  grep -Eq -- "$pat" "$out/$file" || fail "$file: no line matches: $pat"
  lines=$((lines + 1))
done < "$expect"
echo "ok: exit 0, $n runs, $lines expected lines"
