#!/bin/sh
# check_bad.sh EDGE_RUN BAD_JSON -- a bad scenario file must be refused (exit 1) with exactly
# the message in the .expect file beside it (tests as data: adding a case is adding two files).
set -u
run=$1 file=$2
dir=$(dirname "$file") base=$(basename "$file" .json)
cd "$dir" || exit 1
got=$("$run" check "$base.json" 2>&1)
rc=$?
want=$(cat "$base.expect")
if [ $rc -ne 1 ]; then echo "expected exit 1, got $rc: $got"; exit 1; fi
if [ "$got" != "$want" ]; then printf 'expected: %s\ngot:      %s\n' "$want" "$got"; exit 1; fi
echo "ok: $got"
