#!/bin/sh
# says.sh EDGE_RUN FILE.says -- what edge-run prints, as data: FILE.says holds
#   args: ARGS       edge-run's arguments (@OUT@: a fresh folder for the run's results)
#   enter: N         N empty lines on its input (Enter for --step); none: /dev/null
#   wrap: ro-netns   run it where /run/netns is read-only (unshare -m): TAP setup fails there
#   limit: ARGS      run it under prlimit(1) ARGS (--nofile=128:128: soft and hard RLIMIT_NOFILE)
#   as: USER         run it as USER (setpriv(1); needs root), from a folder USER can read that
#                    holds a copy of edge-run, of the node programs beside it (edge-run checks
#                    that they are there) and of each copy: FILE (relative to this file)
#   copy: FILE       (with as:) a file it reads, there under its own name
#   needs: root      exit 127 (skip) when not root
#   exit: N          its exit status (default 0)
#   has: TEXT        a line of its output holds TEXT (in order of the file, each anywhere)
# Exit 127 (skip) when edge-run cannot run it here (127) and that was not the expected status,
# or when the wrap, as: or needs: need root (and unshare, setpriv) or limit: prlimit.
set -u
run=$(realpath "$1") file=$(realpath "$2")
cd "$(dirname "$file")" || exit 1
out=$(mktemp -d) || exit 1
trap 'rm -rf "$out"' EXIT
args=$(sed -n 's/^args: //p' "$file" | sed "s|@OUT@|$out/run|g")
enter=$(sed -n 's/^enter: //p' "$file")
wrap=$(sed -n 's/^wrap: //p' "$file")
want=$(sed -n 's/^exit: //p' "$file")
want=${want:-0}
limit=$(sed -n 's/^limit: //p' "$file")
as=$(sed -n 's/^as: //p' "$file")
needs=$(sed -n 's/^needs: //p' "$file")
input=/dev/null
if [ -n "$enter" ]; then
    i=0
    while [ "$i" -lt "$enter" ]; do echo; i=$((i + 1)); done > "$out/enter"
    input=$out/enter
fi
if { [ -n "$as" ] || [ "$needs" = root ]; } && [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: needs root"; exit 127
fi
set -- "$run"
if [ -n "$as" ]; then
    command -v setpriv >/dev/null || { echo "SKIP: needs setpriv"; exit 127; }
    mkdir "$out/pub" && cp "$run" "$out/pub/edge-run" || exit 1
    for p in ecs ees eec eas aanf bsf fake netsim; do
        [ ! -x "$(dirname "$run")/edge-$p" ] || cp "$(dirname "$run")/edge-$p" "$out/pub/" || exit 1
    done
    sed -n 's/^copy: //p' "$file" > "$out/copy"
    while IFS= read -r f; do cp "$f" "$out/pub/" || exit 1; done < "$out/copy"
    chmod 755 "$out" && chmod -R a+rX "$out/pub" || exit 1
    cd "$out/pub" || exit 1
    set -- setpriv --reuid="$as" --regid="$(id -gn "$as")" --clear-groups ./edge-run
fi
if [ -n "$limit" ]; then
    command -v prlimit >/dev/null || { echo "SKIP: needs prlimit"; exit 127; }
    set -- prlimit $limit -- "$@"
fi
case "$wrap" in
'') "$@" $args < "$input" > "$out/said" 2>&1 ;;
ro-netns)
    if [ "$(id -u)" -ne 0 ] || ! command -v unshare >/dev/null; then
        echo "SKIP: needs root and unshare"; exit 127
    fi
    unshare -m sh -c 'mkdir -p /run/netns && mount -t tmpfs -o ro,size=64k tmpfs /run/netns &&
                      exec "$0" "$@"' "$@" $args < "$input" > "$out/said" 2>&1 ;;
*) echo "unknown wrap: $wrap"; exit 1 ;;
esac
rc=$?
cat "$out/said"
if [ "$rc" -eq 127 ] && [ "$want" -ne 127 ]; then echo "SKIP: cannot run here"; exit 127; fi
fail=0
[ "$rc" -eq "$want" ] || { echo "FAIL: exit status $rc, expected $want"; fail=1; }
sed -n 's/^has: //p' "$file" > "$out/has"
while IFS= read -r text; do
    grep -q -F -- "$text" "$out/said" || { echo "FAIL: nothing said: $text"; fail=1; }
done < "$out/has"
[ -s "$out/has" ] || { echo "FAIL: no has: line in $file"; fail=1; }
exit $fail
