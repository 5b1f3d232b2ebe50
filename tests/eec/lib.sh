# lib.sh -- shared by edge-eec's shell tests: a temp dir with the scenario PKI, free loopback
# ports, node processes started on their control sockets and stopped on every exit path, and
# checks that print "ok"/"FAIL" lines (python3 reads the JSON; jq is not installed).
# Usage: BIN=<build>/bin; . lib.sh; eec_setup; ...; eec_done
set -uo pipefail

EEC_FAILS=0
EEC_PIDS=()
declare -A EEC_PID
EEC_TMP=

eec_cleanup() {
    local pid
    for pid in "${EEC_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${EEC_PIDS[@]}"; do
        wait "$pid" 2>/dev/null
    done
    [ -n "$EEC_TMP" ] && rm -rf "$EEC_TMP"
}

eec_setup() {
    EEC_TMP=$(mktemp -d /tmp/eec-test.XXXXXX)
    trap eec_cleanup EXIT
    trap 'exit 1' INT TERM
}

# A loopback TCP port nobody listens on now (bound once by the kernel's choice, then released).
eec_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

eec_pki() { # eec_pki ARGS... : one edge-pki call in $EEC_TMP/pki
    "$BIN/edge-pki" "$1" --dir "$EEC_TMP/pki" "${@:2}" >/dev/null || {
        echo "FAIL: edge-pki $*"
        exit 1
    }
}

# eec_start NAME CMD CONFIG: run CMD --config CONFIG --ctl $EEC_TMP/NAME.sock and wait for its
# ready event. The socket exists only once the node has read its config, so its appearance is
# polled first (bounded; the process dying ends the wait at once).
eec_start() {
    local name=$1 cmd=$2 conf=$3 sock=$EEC_TMP/$1.sock pid i
    "$cmd" --config "$conf" --ctl "$sock" >"$EEC_TMP/$name.log" 2>&1 &
    pid=$!
    EEC_PIDS+=("$pid")
    EEC_PID[$name]=$pid
    for i in $(seq 1 500); do
        [ -S "$sock" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.01
    done
    if ! "$BIN/edge-ctl" "$sock" --wait-ready --timeout 10000 >/dev/null 2>&1; then
        echo "FAIL: $name did not become ready:"
        cat "$EEC_TMP/$name.log"
        exit 1
    fi
}

# eec_stop NAME: the "stop" command; the node must exit 0 with no sanitizer report in its output
# (under ASan, a leak makes the exit status non-zero).
eec_stop() {
    local name=$1 rc
    "$BIN/edge-ctl" "$EEC_TMP/$name.sock" stop >/dev/null 2>&1
    wait "${EEC_PID[$name]}"
    rc=$?
    if [ $rc -eq 0 ] && ! grep -q "Sanitizer\|runtime error" "$EEC_TMP/$name.log"; then
        echo "ok   $name stopped cleanly"
    else
        echo "FAIL $name: exit $rc after stop; its output:"
        cat "$EEC_TMP/$name.log"
        EEC_FAILS=$((EEC_FAILS + 1))
    fi
}

# ctl NAME CMD [ARGS]: the node's reply in $OUT (JSON text), exit status in $RC.
ctl() {
    OUT=$("$BIN/edge-ctl" "$EEC_TMP/$1.sock" "$2" "${3:-{\}}" --timeout 15000 2>&1)
    RC=$?
}

# checks: each stdin line "WHAT :: EXPR :: WANT" is one check of the last reply: the Python
# expression EXPR over r (the reply, parsed) must print as WANT (JSON for lists and objects,
# None for null). One python3 process for the lot: it is slow to start on a loaded machine.
checks() {
    local out n
    out=$(python3 -S -c '
import json, sys
r = json.loads(sys.argv[1])
fails = 0
for line in sys.stdin:
    if not line.strip():
        continue
    what, expr, want = [p.strip() for p in line.split(" :: ")]
    try:
        v = eval(expr)
        got = json.dumps(v) if isinstance(v, (dict, list)) else str(v)
    except Exception as e:
        got = "exception " + repr(e)
    if got == want:
        print("ok   " + what)
    else:
        fails += 1
        print("FAIL %s: expected %s, got %s\n     reply: %s" % (what, want, got, sys.argv[1]))
sys.exit(min(fails, 100))' "$OUT")
    n=$?
    echo "$out"
    EEC_FAILS=$((EEC_FAILS + n))
}

# jget EXPR: print the Python expression EXPR over r (the last reply, parsed).
jget() {
    python3 -S -c '
import json, sys
r = json.loads(sys.argv[2])
v = eval(sys.argv[1])
print(json.dumps(v) if isinstance(v, (dict, list)) else v)' "$1" "$OUT"
}

# check WHAT EXPR WANT: one check.
check() {
    checks <<<"$1 :: $2 :: $3"
}

# expect_true WHAT SHELL-CONDITION...
expect_true() {
    local what=$1
    shift
    if "$@"; then
        echo "ok   $what"
    else
        echo "FAIL $what"
        EEC_FAILS=$((EEC_FAILS + 1))
    fi
}

# jwt_decode TOKEN: OUT = {"header": ..., "claims": ...} from "edge-jwt decode" (which prints
# the two JSON objects under "header:" and "claims:" lines).
jwt_decode() {
    OUT=$("$BIN/edge-jwt" decode "$1" | python3 -S -c '
import json, re, sys
text = sys.stdin.read()
m = re.search(r"^header:\n(.*?)^claims:\n(.*?)^[a-z]", text, re.S | re.M)
print(json.dumps({"header": json.loads(m.group(1)), "claims": json.loads(m.group(2))}) if m else "{}")')
}

eec_done() {
    if [ "$EEC_FAILS" -eq 0 ]; then
        echo "all checks passed"
        exit 0
    fi
    echo "$EEC_FAILS check(s) failed"
    exit 1
}
