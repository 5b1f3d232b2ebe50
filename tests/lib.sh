# lib.sh -- what the node integration tests (tests/ecs, tests/ees, tests/eec) share: a temp dir
# with edge-pki credentials, free loopback ports, real node processes started on their control
# sockets and stopped on every exit path (each must exit 0, with no sanitizer report), curl as an
# EEC, EES or ECS with its certificate, JSON read by python3, and checks that print "ok" or
# "FAIL ...: expected X, got Y".
#
# Source it with the build's bin directory and the binaries the test needs besides edge-pki,
# edge-ctl and edge-jwt:
#     . "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
# Exit status of a test: 0 every check held, 1 a check failed, 127 cannot run here (no curl or
# python3, a binary not built). KEEP=1 keeps the temp dir (it is kept anyway when a check fails).
set -uo pipefail

BIN=$(cd "$1" && pwd) || exit 127
for tool in curl python3; do
    command -v $tool >/dev/null || { echo "skip: no $tool"; exit 127; }
done
for b in edge-pki edge-ctl edge-jwt "${@:2}"; do
    [ -x "$BIN/$b" ] || { echo "skip: $BIN/$b not built"; exit 127; }
done

# The interpreter itself, without site packages: a version-manager shim costs 100 ms a call.
PY=$(python3 -c 'import sys; print(sys.executable)')
python() { "$PY" -S "$@"; }

T=$(mktemp -d "/tmp/$(basename "$(dirname "$0")")-test.XXXXXX")
PKI=$T/pki
PIDS=()  # every background process: nodes and helpers
NODES=() # the nodes, by name, in start order
declare -A DONE # nodes stopped (and waited for) by the test
FAILS=0
CHECKS=0
HOSTS='{}'
SUBS=''

cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    if [ "$FAILS" -ne 0 ] || [ -n "${KEEP:-}" ]; then echo "kept: $T"; else rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- checks

pass() { CHECKS=$((CHECKS + 1)); echo "ok   $1"; }
fail() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "FAIL $1"; }
# eq NAME EXPECTED GOT
eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: expected [$2], got [$3]"; fi; }
# has NAME NEEDLE HAYSTACK
has() { case "$3" in *"$2"*) pass "$1" ;; *) fail "$1: expected to contain [$2], got [$3]" ;; esac; }
# expect_true NAME COMMAND...: the command succeeds.
expect_true() {
    local what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# checks [JSON]: each stdin line "NAME :: EXPR :: WANT" is one check: the Python expression EXPR
# over d (JSON, default $OUT, parsed) must print as WANT (JSON for lists and objects, None for
# null). One python3 process for the lot.
checks() {
    local out
    out=$(python -c '
import json, sys
d = json.loads(sys.argv[1])
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
        print("FAIL %s: expected %s, got %s\n     reply: %s" % (what, want, got, sys.argv[1]))' \
        "${1:-$OUT}")
    echo "$out"
    CHECKS=$((CHECKS + $(grep -c -E '^(ok   |FAIL )' <<<"$out")))
    FAILS=$((FAILS + $(grep -c '^FAIL ' <<<"$out")))
}
# check NAME EXPR WANT: one check of $OUT.
check() { checks <<<"$1 :: $2 :: $3"; }

# finish: stop every node the test has not stopped itself, all at once (SIGTERM: peers vanish
# mid-exchange, the stop that has leaked before); each must exit 0 (one that died before fails
# too). Then no sanitizer report may be in any node's output. Print the summary and exit.
finish() {
    local n v f left=()
    for n in "${NODES[@]}"; do
        [ -n "${DONE[$n]:-}" ] && continue
        DONE[$n]=1
        left+=("$n")
        v="PID_$(pid_var "$n")"
        kill "${!v}" 2>/dev/null
    done
    for n in "${left[@]}"; do
        v="PID_$(pid_var "$n")"
        wait "${!v}"
        eq "$n exits 0 on SIGTERM" 0 $?
    done
    for f in "$T"/*.out; do
        [ -e "$f" ] || continue
        if grep -q -E 'Sanitizer|runtime error' "$f"; then
            fail "sanitizer report in $(basename "$f"): $(grep -m1 -E 'Sanitizer|runtime error' "$f")"
        fi
    done
    echo "$CHECKS checks, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}

# ---- JSON and tokens

# jget JSON PYEXPR: PYEXPR evaluated on the parsed JSON d; strings bare, the rest as JSON; ""
# when it fails (a missing key, say).
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

# jwt_parts JWT: {"header": ..., "claims": ...} from edge-jwt decode (compact, sorted keys).
jwt_parts() {
    "$BIN/edge-jwt" decode "$1" | python -c '
import json, sys
text, parts = sys.stdin.read(), {}
for name in ("header", "claims"):
    i = text.find(name + ":")
    if i < 0:
        sys.exit(1)
    parts[name], _ = json.JSONDecoder().raw_decode(text[i + len(name) + 1:].lstrip())
print(json.dumps(parts, sort_keys=True))'
}
# claims JWT: the token's claims as compact JSON with sorted keys.
claims() { jget "$(jwt_parts "$1")" 'd["claims"]'; }

# jsonl FILE: the lines of a JSON-lines file as one JSON array.
jsonl() { python -c 'import json, sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])]))' "$1"; }

# ---- credentials, ports

pki() { "$BIN/edge-pki" "$@" --dir "$PKI" >/dev/null || { echo "edge-pki $* failed"; exit 1; }; }
pki ca

# free_ports N: N loopback TCP ports nobody listens on now (the kernel's choice, so tests that
# run side by side do not collide).
free_ports() {
    python - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# cast: the usual set of the EES tests -- ecs1 and ecs2 (signing key k1 each), ees1..ees3, EECs
# eec-1 (GPSI1), eec-2 (GPSI2) and eec-3 (no GPSI); the subscriber table SUBS (the AAnF stand-in:
# the GPSIs and A-KIDs of eec-1 and eec-2); ports P_ECS1 P_ECS2 P_EES1 P_EES2 P_EES3 and HOSTS.
GPSI1=msisdn-491700000001
GPSI2=msisdn-491700000002
cast() {
    local n
    for n in ecs1.edge.test ecs2.edge.test ees1.edge.test ees2.edge.test ees3.edge.test; do
        pki node --fqdn $n
    done
    pki signkey --ecs ecs1.edge.test --kid k1
    pki signkey --ecs ecs2.edge.test --kid k1
    pki eec --eec-id eec-1 --gpsi $GPSI1
    pki eec --eec-id eec-2 --gpsi $GPSI2
    pki eec --eec-id eec-3
    SUBS='"subscribers": [
  {"akid": "atid-1@rid1.akma.edge.test", "kakma": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
   "gpsi": "msisdn-491700000001", "eecId": "eec-1"},
  {"akid": "atid-2@rid1.akma.edge.test", "kakma": "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000",
   "gpsi": "msisdn-491700000002", "eecId": "eec-2"}]'
    read -r P_ECS1 P_ECS2 P_EES1 P_EES2 P_EES3 <<<"$(free_ports 5)"
    HOSTS="{\"ecs1.edge.test\": \"127.0.0.1:$P_ECS1\", \"ecs2.edge.test\": \"127.0.0.1:$P_ECS2\",
  \"ees1.edge.test\": \"127.0.0.1:$P_EES1\",
  \"ees2.edge.test\": \"127.0.0.1:$P_EES2\", \"ees3.edge.test\": \"127.0.0.1:$P_EES3\"}"
}

# ---- node configs (nodes/README.md), each written to $T/NAME.json (its path on stdout). The
# hosts map is $HOSTS and the subscriber table $SUBS ("" for none).

# server_config NAME PORT MEMBERS: the common keys of a server node NAME on 127.0.0.1:PORT,
# then its own MEMBERS.
server_config() {
    cat >"$T/$1.json" <<EOF
{
  "node": "$1", "listen": {"addr": "127.0.0.1", "port": $2}, "hosts": $HOSTS,
  "tls": {"ca": "pki/ca.crt", "cert": "pki/$1.crt", "key": "pki/$1.key"},
  "keylog": "$1.keylog", "evlog": "$1.events.jsonl",${SUBS:+ $SUBS,}
  $3
}
EOF
    echo "$T/$1.json"
}

# ecs_config NAME PORT [EXTRA_MEMBERS]: edge-ecs NAME, its signing keys in pki/ unless
# EXTRA_MEMBERS give "signing".
ecs_config() {
    local extra=${3:-}
    case "$extra" in *'"signing"'*) ;; *) extra='"signing": {"dir": "pki"}'${extra:+, $extra} ;; esac
    server_config "$1" "$2" "$extra"
}

# ees_config NAME PORT ECS [EXTRA_MEMBERS]: edge-ees NAME at ECS; it serves eas-video and
# eas-game unless EXTRA_MEMBERS give "easIds".
ees_config() {
    local extra=${4:-}
    case "$extra" in *'"easIds"'*) ;; *) extra='"easIds": ["eas-video", "eas-game"]'${extra:+, $extra} ;; esac
    server_config "$1" "$2" "\"ecs\": \"$3\", $extra"
}

# eec_config NAME [EXTRA_MEMBERS]: edge-eec NAME (its EEC ID) at ecs1.edge.test, with the
# certificate eec-NAME from pki/, unless EXTRA_MEMBERS give "psk" (AKMA PSK mode).
eec_config() {
    local tls="\"tls\": {\"ca\": \"pki/ca.crt\", \"cert\": \"pki/eec-$1.crt\", \"key\": \"pki/eec-$1.key\"}"
    case "${2:-}" in *'"psk"'*) tls='"tls": {"ca": "pki/ca.crt"}' ;; esac
    cat >"$T/$1.json" <<EOF
{
  "node": "$1", "hosts": $HOSTS, $tls,
  "keylog": "$1.keylog", "evlog": "$1.events.jsonl", "ecs": "ecs1.edge.test"${2:+, $2}
}
EOF
    echo "$T/$1.json"
}

# ---- nodes

pid_var() { echo "$1" | tr -c 'a-zA-Z0-9\n' _; }

# launch PROGRAM NAME CONFIG: run edge-PROGRAM (or the test binary PROGRAM) as node NAME, its
# output in $T/NAME.out, its control socket $T/NAME.sock; return once the socket is there (the
# node has read its config). The PID goes to PID_<NAME with _ for punctuation>.
launch() {
    local prog=$BIN/edge-$1 name=$2 sock=$T/$2.sock i pid
    [ -x "$prog" ] || prog=$BIN/$1
    rm -f "$sock"
    "$prog" --config "$3" --ctl "$sock" >>"$T/$name.out" 2>&1 &
    pid=$!
    PIDS+=($pid)
    NODES+=("$name")
    unset "DONE[$name]"
    eval "PID_$(pid_var "$name")=$pid"
    for i in $(seq 1 400); do
        [ -S "$sock" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.025
    done
}
# ready NAME: wait (at most 10 s) for node NAME's ready event (an EES: once registered at its ECS).
ready() { "$BIN/edge-ctl" "$T/$1.sock" --wait-ready --timeout 10000 >/dev/null; }
# start PROGRAM NAME CONFIG: launch, then wait until it is ready; a node that does not get
# ready ends the test.
start() {
    launch "$@"
    ready "$2" || { echo "$1 $2 did not get ready:"; cat "$T/$2.out"; exit 1; }
}
# stop NAME [ctl|SIGNAL]: stop node NAME (SIGTERM, the control command "stop", or another
# signal such as KILL) and wait for its exit; its status in STOPPED. finish leaves it alone.
stop() {
    local v="PID_$(pid_var "$1")"
    case "${2:-TERM}" in
    ctl) "$BIN/edge-ctl" "$T/$1.sock" stop >/dev/null 2>&1 ;;
    *) kill -"${2:-TERM}" "${!v}" 2>/dev/null ;;
    esac
    wait "${!v}"
    STOPPED=$?
    DONE[$1]=1
}

# ctl NAME CMD [ARGS]: the node's reply (one JSON line) on stdout.
ctl() { "$BIN/edge-ctl" "$T/$1.sock" "$2" "${3:-{\}}" --timeout 15000; }
# ctl_out NAME CMD [ARGS]: the same, the reply kept in OUT for checks.
ctl_out() { OUT=$(ctl "$@"); }

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
    await "$T/$1.ctl" listening || { echo "cannot listen on $1's control socket"; exit 1; }
}
# ctl_events NAME KIND: the events of that kind received so far, as a JSON array.
ctl_events() {
    python -c '
import json, sys
print(json.dumps([e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == sys.argv[2]]))' \
        "$T/$1.ctl" "$2"
}
# ctl_wait NAME KIND N [SECONDS]: wait (default at most 5 s) until N events of that kind came;
# print them.
ctl_wait() {
    local i ev
    for i in $(seq 1 $((${4:-5} * 20))); do
        ev=$(ctl_events "$1" "$2")
        [ "$(jget "$ev" 'len(d)')" -ge "$3" ] && break
        sleep 0.05
    done
    echo "$ev"
}
# await FILE TEXT [SECONDS]: wait (default at most 5 s) until FILE holds TEXT; 1 when it does not.
await() {
    local i
    for i in $(seq 1 $((${3:-5} * 40))); do
        grep -q -F "$2" "$1" 2>/dev/null && return 0
        sleep 0.025
    done
    return 1
}
# log_has NAME TEXT [SECONDS]: await TEXT in node NAME's event log.
log_has() { await "$T/$1.events.jsonl" "$2" "${3:-5}"; }

# silent PORT [NAME]: a peer on 127.0.0.1:PORT that accepts every connection and never answers.
# With NAME it speaks TLS with NAME's certificate and notes the request line of each request it
# reads in $T/silent-NAME.log (a server that hangs after the request); without, it says nothing
# at all (one that hangs in the handshake). Returns once it listens.
silent() {
    "$PY" -S - "$1" "${2:+$PKI/$2}" "$T/silent-${2:-tcp}.log" <<'PY' &
import socket, ssl, sys
port, cred, log = int(sys.argv[1]), sys.argv[2], open(sys.argv[3], "w", buffering=1)
ctx = None
if cred:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cred + ".crt", cred + ".key")
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(8)
log.write("listening\n")
held = []
while True:
    c, _ = s.accept()
    held.append(c)
    if ctx is None:
        continue
    try:
        t = ctx.wrap_socket(c, server_side=True)
        held.append(t)
        log.write(t.recv(65536).split(b"\r\n", 1)[0].decode() + "\n")
    except (OSError, ssl.SSLError) as e:
        log.write("error %s\n" % e)
PY
    PIDS+=($!)
    await "$T/silent-${2:-tcp}.log" listening || { echo "cannot listen on port $1"; exit 1; }
}

# ---- HTTPS with curl

# req AS METHOD HOST:PORT PATH [CONTENT-TYPE BODY] [extra curl args, starting with -...]: one
# HTTPS request with AS's certificate (a file stem in $PKI). Sets STATUS, BODY and HDRS.
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
# cause: the ProblemDetails cause of the last answer.
cause() { jget "$BODY" 'd["cause"]'; }

# ---- EDGEAPP bodies and steps, with curl

# conforms NAME TYPE JSON: JSON decodes with the EDGEAPP field table TYPE (a type name of
# tests/edgeapp/cases.txt), as the node that receives it decodes it.
conforms() {
    local out
    printf '%s\tok\t%s\n' "$2" "$(printf '%s' "$3" | tr -d '\n')" >"$T/conforms.txt"
    if out=$("$BIN/edgeapp_test" "$T/conforms.txt" 2>&1); then
        pass "$1"
    else
        fail "$1: $(grep -m1 FAIL <<<"$out")"
    fi
}

# ees_reg NAME EASIDS_JSON [EXTRA_PROFILE_MEMBERS]: an EESRegistration body for EES NAME.
ees_reg() {
    echo "{\"eesProf\":{\"eesId\":\"$1\",\"endPt\":{\"uri\":\"https://$1:8443\"},\"easIds\":$2,\"eecRegConf\":true${3:+,$3}}}"
}

# provision EEC [UEID]: EDGE-4 at ecs1 (or at $PROV_ECS: ecs1 or ecs2) with curl as the EEC;
# sets TOK_<ees with _> for each EES the answer carries a token for.
provision() {
    local ue="" ecs=${PROV_ECS:-ecs1.edge.test} port=$P_ECS1 line
    [ "$ecs" = ecs2.edge.test ] && port=$P_ECS2
    [ -n "${2:-}" ] && ue=",\"ueId\":\"$2\""
    req "eec-$1" POST "$ecs:$port" /eecs-serviceprovisioning/v1/request \
        application/json "{\"eecId\":\"$1\"$ue,\"acProfs\":[{\"acId\":\"ac-1\",\"eass\":[{\"easId\":\"eas-video\"}]}]}"
    while read -r line; do
        [ -n "$line" ] && eval "TOK_${line%%=*}=${line#*=}"
    done < <(jget "$BODY" '"\n".join(e["eesId"].replace(".", "_").replace("-", "_") + "=" + e["accessToken"] for c in d["ednCnfgInfo"] for e in c["eess"] if "accessToken" in e)')
}

# eec_register EEC EES_NAME PORT TOKEN [BODY_EXTRA]: EDGE-1 registration with curl.
eec_register() {
    local auth=()
    [ -n "$4" ] && auth=(-H "Authorization: Bearer $4")
    req "eec-$1" POST "$2:$3" /eees-eecregistration/v1/registrations application/json \
        "{\"eecId\":\"$1\"${5:+,$5}}" "${auth[@]}"
}
