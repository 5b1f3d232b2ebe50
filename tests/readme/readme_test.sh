#!/usr/bin/env bash
# readme_test.sh -- runs the curl examples of nodes/NODE/README.md as written, with --http2 or
# --http1.1 (the `# or --http1.1` of the README's curl options): the nodes of tests/readme/NODE/ on
# 127.0.0.1 at the README's ports, in a network namespace of their own (so fixed ports collide
# with nobody and nothing leaves the host); credentials of pki.txt in pki/ as the README's
# commands name them; the marked blocks (extract.awk) run in README order in one shell. Every
# curl call must answer the block's status (and text), in the HTTP version asked for.
# Usage: readme_test.sh NODE h2|http1.1 SRC_TOP BIN_DIR WORK_DIR
# Exit 0 pass, 1 fail, 127 cannot run here (no root, unshare, ip or curl).
set -u
node=$1 version=$2 top=$3 bin=$4 work=$5
here=$top/tests/readme
readme=$top/nodes/$node/README.md

case $version in
h2) want_version=2 ;;
http1.1) want_version=1.1 ;;
*) echo "usage: readme_test.sh NODE h2|http1.1 SRC_TOP BIN_DIR WORK_DIR" >&2; exit 2 ;;
esac

# Into a network namespace of our own (root, unshare, ip), once.
if [ -z "${README_TEST_NETNS:-}" ]; then
    for tool in unshare setpriv ip curl awk sed; do
        command -v "$tool" >/dev/null || { echo "SKIP: no $tool"; exit 127; }
    done
    [ "$(id -u)" -eq 0 ] || { echo "SKIP: a network namespace needs root"; exit 127; }
    unshare -n true 2>/dev/null || { echo "SKIP: unshare -n refused here"; exit 127; }
    README_TEST_NETNS=1 exec unshare -n "$0" "$@"
fi
ip link set lo up || exit 1

rm -rf "$work" && mkdir -p "$work/run" "$work/logs" "$work/blocks" "$work/calls" || exit 1
cd "$work" || exit 1

pids=() names=()
# Stop the nodes (SIGTERM, nodes/README.md); each must exit 0.
stop_nodes() {
    local i rc bad=0
    for i in "${!pids[@]}"; do kill -TERM "${pids[$i]}" 2>/dev/null; done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}"
        rc=$?
        [ $rc -eq 0 ] || { echo "FAIL: ${names[$i]} exited $rc when stopped (logs/${names[$i]}.log)"; bad=1; }
    done
    pids=()
    return $bad
}
trap stop_nodes EXIT

# Credentials, as the README's commands expect them.
while read -r cmd args; do
    case $cmd in ''|'#'*) continue ;; esac
    # shellcheck disable=SC2086 # args are words of pki.txt
    "$bin/edge-pki" "$cmd" --dir pki $args >>logs/pki.log 2>&1 ||
        { echo "FAIL: edge-pki $cmd $args (logs/pki.log)"; cat logs/pki.log; exit 1; }
done <"$here/pki.txt"

# The nodes: KIND.NAME.json is edge-KIND's config; each is waited for through its ready event.
# A listen address other than 127.0.0.1 (a README that shows TAP addresses) goes on lo, here only.
# They end with this shell (a parent-death signal) even when it is killed (a ctest timeout).
for conf in "$here/$node"/*.json; do
    base=$(basename "$conf" .json)
    kind=${base%%.*} name=${base#*.}
    cp "$conf" "$name.json"
    addr=$(sed -n 's/.*"listen": *{"addr": *"\([0-9.]*\)".*/\1/p' "$conf")
    case $addr in 127.0.0.1 | '') ;; *) ip addr add "$addr/32" dev lo || exit 1 ;; esac
    setpriv --pdeathsig TERM "$bin/edge-$kind" --config "$name.json" --ctl "run/$name.sock" >"logs/$name.log" 2>&1 &
    pids+=($!) names+=("$name")
done
for conf in "$here/$node"/*.json; do
    base=$(basename "$conf" .json)
    name=${base#*.}
    "$bin/edge-ctl" "run/$name.sock" --wait-ready --timeout 10000 >/dev/null 2>>"logs/$name.log" ||
        { echo "FAIL: $name not ready (logs/$name.log):"; cat "logs/$name.log"; exit 1; }
done

awk -v dir=blocks -f "$here/extract.awk" "$readme" || exit 1
[ -s blocks/manifest ] || { echo "FAIL: no <!-- example: --> marker in $readme"; exit 1; }

# Every curl call the README makes goes through this: a line "readme-call STATUS VERSION" to
# $calls (after curl's own stderr), its answer to calls/<block>.<n> as well as to where the README
# sends it.
# shellcheck disable=SC2317 # called by the README's lines
curl() {
    local n
    n=$(($(grep -c '^readme-call ' "$calls") + 1))
    command curl "$@" -w '%{stderr}\nreadme-call %{http_code} %{http_version}\n' 2>>"$calls" |
        tee "calls/$block.$n"
}

# check BLOCK LIST LINE: the calls of the block against its expectations; a failed call's answer
# is shown.
check() {
    local name=$1 list=$2 line=$3 i=0 bad=0 item status text got_status got_version why
    local -a want got
    [ "$list" = none ] && list=""
    IFS=, read -r -a want <<<"$list"
    mapfile -t got < <(sed -n 's/^readme-call //p' "$calls")
    if [ ${#got[@]} -ne ${#want[@]} ]; then
        echo "FAIL $name (README line $line): ${#want[@]} curl call(s) expected, ${#got[@]} made"
        bad=1
    fi
    for item in "${want[@]}"; do
        status=${item%%=*} text="" why=""
        [ "$item" != "$status" ] && text=${item#*=}
        read -r got_status got_version <<<"${got[$i]:-000 -}"
        i=$((i + 1))
        if [ "$got_status" != "$status" ] || [ "$got_version" != "$want_version" ]; then
            why="expected $status over HTTP/$want_version, got $got_status over HTTP/$got_version"
        elif [ -n "$text" ] && ! grep -qF -- "$text" "calls/$name.$i"; then
            why="the answer does not say $text"
        fi
        [ -z "$why" ] && continue
        echo "FAIL $name (README line $line) call $i: $why"
        sed 's/^/    | /' "calls/$name.$i" 2>/dev/null
        echo
        bad=1
    done
    [ $bad -eq 0 ] && echo "ok $name: ${want[*]:-no calls} over HTTP/$want_version"
    return $bad
}

fail=0
while read -r nn name list line; do
    case $nn in
    unmarked) echo "FAIL: README line $name: a curl example without an <!-- example: --> marker"
              fail=1; continue ;;
    nocode | empty | inside) echo "FAIL: README line $name: a marker with no code block after it"
              fail=1; continue ;;
    esac
    block=$name calls=$work/calls/$name.status
    : >"$calls"
    script=blocks/$nn-$name.sh
    # The README's curl options say `# or --http1.1`: so does the other run.
    [ "$version" = http1.1 ] && sed -i '/# or --http1\.1/s/--http2/--http1.1/' "$script"
    # shellcheck disable=SC1090 # the README's own lines
    . "$script" >"calls/$name.out" 2>&1
    check "$name" "$list" "$line" || fail=1
done <blocks/manifest

stop_nodes || fail=1
exit $fail
