# lib.sh -- what the edge-ecs integration tests share: a temp dir with edge-pki credentials,
# free loopback ports, real edge-ecs processes driven through their control sockets, curl as an
# EES / EEC / ECS with its certificate, and checks that print "expected X, got Y".
#
# Source it with the build's bin directory as $1. Exit status: 0 all checks held, 1 a check
# failed, 127 cannot run here (no curl or python3).
set -uo pipefail

BIN=$(cd "$1" && pwd)
for tool in curl python3; do
    command -v $tool >/dev/null || { echo "skip: no $tool"; exit 127; }
done
for b in edge-ecs edge-pki edge-ctl edge-jwt; do
    [ -x "$BIN/$b" ] || { echo "skip: $BIN/$b not built"; exit 127; }
done

# The interpreter itself, without site packages: a version-manager shim costs 100 ms a call.
PY=$(python -c 'import sys; print(sys.executable)')
python() { "$PY" -S "$@"; }

T=$(mktemp -d /tmp/ecs-test.XXXXXX)
PIDS=()
FAILS=0
CHECKS=0

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    if [ "$FAILS" -ne 0 ] || [ -n "${KEEP:-}" ]; then echo "kept: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT

pass() { CHECKS=$((CHECKS + 1)); echo "ok   $1"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL $1"; }
# eq NAME EXPECTED GOT
eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi; }
# has NAME NEEDLE HAYSTACK
has() { case "$3" in *"$2"*) pass "$1" ;; *) fail "$1: expected to contain [$2], got [$3]" ;; esac; }
finish() {
    local p f
    # Stop every node (SIGTERM: a graceful stop) and read what it said on the way out: under
    # ASan/UBSan a report there is a failure even if every check held.
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    PIDS=()
    for f in "$T"/*.out; do
        [ -e "$f" ] || continue
        if grep -q 'Sanitizer\|runtime error' "$f"; then
            fail "sanitizer report in $(basename "$f"): $(grep -m1 'Sanitizer\|runtime error' "$f")"
        fi
    done
    echo "$CHECKS checks, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}

# free_ports N: N loopback TCP ports nobody listens on now (the kernel's choice, so parallel
# tests do not collide).
free_ports() {
    python - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

PKI=$T/pki
pki() { "$BIN/edge-pki" "$@" --dir "$PKI" >/dev/null || { echo "edge-pki $* failed"; exit 1; }; }
pki ca

# jget JSON PYEXPR: evaluate PYEXPR on the parsed JSON d ("" when it fails: missing key...).
jget() {
    python -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
    v = eval(sys.argv[2])
except Exception:
    sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1" "$2"
}

# claims JWT: the token's claims as compact JSON with sorted keys, from edge-jwt decode.
claims() {
    "$BIN/edge-jwt" decode "$1" | python -c '
import json, sys
text = sys.stdin.read()
i = text.find("claims:")
if i < 0: sys.exit(1)
o, _ = json.JSONDecoder().raw_decode(text[i + len("claims:"):].lstrip())
print(json.dumps(o, sort_keys=True))'
}

# start_ecs NAME CONFIG: run edge-ecs, wait until it says ready on its control socket.
start_ecs() {
    local name=$1 sock=$T/$1.sock i
    "$BIN/edge-ecs" --config "$2" --ctl "$sock" >"$T/$name.out" 2>&1 &
    PIDS+=($!)
    eval "PID_$(echo "$name" | tr -c 'a-zA-Z0-9\n' _)=$!"
    # The socket file appears once the node has bound it; then the ready event is awaited.
    for i in $(seq 1 100); do
        [ -S "$sock" ] && break
        kill -0 "$!" 2>/dev/null || break
        sleep 0.05
    done
    "$BIN/edge-ctl" "$sock" --wait-ready --timeout 5000 >/dev/null ||
        { echo "edge-ecs $name did not get ready:"; cat "$T/$name.out"; exit 1; }
}

ctl() { "$BIN/edge-ctl" "$T/$1.sock" "$2" "${3:-{\}}" --timeout 10000; }

# req AS METHOD HOST:PORT PATH [CONTENT-TYPE BODY] [extra curl args, starting with -...]: one HTTPS request with
# AS's certificate (a file stem in $PKI). Sets STATUS, BODY and HDRS (the header text).
req() {
    local as=$1 method=$2 hp=$3 path=$4 host port
    shift 4
    host=${hp%%:*}
    port=${hp##*:}
    local args=(-s -X "$method" --cacert "$PKI/ca.crt" --cert "$PKI/$as.crt" --key "$PKI/$as.key"
        --resolve "$host:$port:127.0.0.1" -o "$T/body" -D "$T/hdrs" -w '%{http_code}')
    if [ $# -ge 2 ] && [ "${1#-}" = "$1" ]; then
        args+=(-H "Content-Type: $1" --data-binary "$2")
        shift 2
    fi
    STATUS=$(curl "${args[@]}" "$@" "https://$host:$port$path")
    BODY=$(cat "$T/body" 2>/dev/null)
    HDRS=$(tr -d '\r' <"$T/hdrs" 2>/dev/null)
}
# hdr NAME: a header of the last answer.
hdr() { printf '%s\n' "$HDRS" | sed -n "s/^$1: //Ip" | head -1; }

# ecs_config NAME PORT PEERS_JSON HOSTS_JSON EXTRA_JSON_MEMBERS: a config file for ECS NAME.
ecs_config() {
    cat >"$T/$1.json" <<EOF
{
  "node": "$1", "listen": {"addr": "127.0.0.1", "port": $2},
  "hosts": $4,
  "tls": {"ca": "pki/ca.crt", "cert": "pki/$1.crt", "key": "pki/$1.key"},
  "keylog": "$1.keylog", "evlog": "$1.events.jsonl",
  "peers": $3${5:+,
  $5}
}
EOF
    echo "$T/$1.json"
}

# ees_reg NAME EASIDS_JSON [EXTRA_PROFILE_MEMBERS]: an EESRegistration body for EES NAME.
ees_reg() {
    echo "{\"eesProf\":{\"eesId\":\"$1\",\"endPt\":{\"uri\":\"https://$1:8443\"},\"easIds\":$2,\"eecRegConf\":true${3:+,$3}}}"
}

# listen NAME: collect the unsolicited events of node NAME's control socket into $T/NAME.ctl
# (one JSON line each), from now on; returns once connected.
listen() {
    "$PY" -S - "$T/$1.sock" "$T/$1.ctl" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
out = open(sys.argv[2], "w", buffering=1)
out.write('{"listening":true}\n')
buf = b""
while True:
    data = s.recv(65536)
    if not data:
        break
    buf += data
    while b"\n" in buf:
        line, buf = buf.split(b"\n", 1)
        out.write(line.decode() + "\n")
PY
    PIDS+=($!)
    local i
    for i in $(seq 1 100); do
        grep -q listening "$T/$1.ctl" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "cannot listen on $1's control socket"
    exit 1
}
# ctl_events NAME KIND: the events of that kind received so far, as a JSON array.
ctl_events() {
    python -c '
import json, sys
print(json.dumps([e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == sys.argv[2]]))' \
        "$T/$1.ctl" "$2"
}
# ctl_wait NAME KIND N: wait (at most 5 s) until N events of that kind came; print them.
ctl_wait() {
    local i ev
    for i in $(seq 1 100); do
        ev=$(ctl_events "$1" "$2")
        [ "$(jget "$ev" 'len(d)')" -ge "$3" ] && break
        sleep 0.05
    done
    echo "$ev"
}
