# lib.sh -- what the edge-ees integration tests share: a temp dir with edge-pki credentials (an
# ECS with its signing key, EESes, EECs), free loopback ports, real edge-ecs / edge-ees processes
# driven through their control sockets, curl as an EEC or as another EES with its certificate,
# and checks that print "expected X, got Y".
#
# Source it with the build's bin directory as $1. Exit status of a test: 0 all checks held,
# 1 a check failed, 127 cannot run here (no curl, python3 or edge-ecs).
set -uo pipefail

BIN=$(cd "$1" && pwd)
for tool in curl python3; do
    command -v $tool >/dev/null || { echo "skip: no $tool"; exit 127; }
done
for b in edge-ees edge-ecs edge-pki edge-ctl edge-jwt; do
    [ -x "$BIN/$b" ] || { echo "skip: $BIN/$b not built"; exit 127; }
done

T=$(mktemp -d /tmp/ees-test.XXXXXX)
PIDS=()
NODES=()
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
# finish: stop every node still running (SIGTERM: each must exit 0), look for sanitizer reports in
# their output, print the summary and exit.
finish() {
    local i n v
    for ((i = ${#NODES[@]} - 1; i >= 0; i--)); do # the EESes before their ECS
        n=${NODES[i]}
        v="PID_$(echo "$n" | tr -c 'a-zA-Z0-9\n' _)"
        kill -0 "${!v}" 2>/dev/null || continue
        stop "$n"
        eq "$n exits 0 on SIGTERM" 0 "$STOPPED"
    done
    if grep -l -E "AddressSanitizer|LeakSanitizer|runtime error" "$T"/*.out >/dev/null 2>&1; then
        fail "sanitizer report in $(grep -l -E "AddressSanitizer|LeakSanitizer|runtime error" "$T"/*.out | tr '\n' ' ')"
    fi
    echo "$CHECKS checks, $FAILS failed"
    [ "$FAILS" -eq 0 ]
    exit $?
}

# jget JSON PYEXPR: PYEXPR evaluated on the parsed JSON d; strings bare, the rest as JSON; ""
# when it fails (a missing key, say).
jget() {
    python3 -c '
import json, sys
try:
    d = json.loads(sys.argv[1])
    v = eval(sys.argv[2])
except Exception:
    sys.exit(0)
print(v if isinstance(v, str) else json.dumps(v, sort_keys=True))' "$1" "$2"
}

# claims JWT: the token's claims (compact JSON, sorted keys), from edge-jwt decode.
claims() {
    "$BIN/edge-jwt" decode "$1" | python3 -c '
import json, sys
text = sys.stdin.read()
i = text.find("claims:")
if i < 0: sys.exit(1)
o, _ = json.JSONDecoder().raw_decode(text[i + len("claims:"):].lstrip())
print(json.dumps(o, sort_keys=True))'
}

# Ports the kernel hands out now, so that tests running side by side do not collide.
free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

# Credentials: one CA; ecs1 and ecs2, each with signing key k1; ees1..ees3; EECs eec-1 (GPSI bound), eec-2
# (another GPSI), eec-3 (no GPSI).
PKI=$T/pki
pki() { "$BIN/edge-pki" "$@" --dir "$PKI" >/dev/null || { echo "edge-pki $* failed"; exit 1; }; }
pki ca
for n in ecs1.edge.test ecs2.edge.test ees1.edge.test ees2.edge.test ees3.edge.test; do
    pki node --fqdn $n
done
pki signkey --ecs ecs1.edge.test --kid k1
pki signkey --ecs ecs2.edge.test --kid k1
pki eec --eec-id eec-1 --gpsi msisdn-491700000001
pki eec --eec-id eec-2 --gpsi msisdn-491700000002
pki eec --eec-id eec-3
GPSI1=msisdn-491700000001
GPSI2=msisdn-491700000002

# The subscriber table (AAnF stand-in) both servers know: the GPSIs of eec-1 and eec-2.
SUBS='"subscribers": [
  {"akid": "atid-1@rid1.akma.edge.test", "kakma": "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
   "gpsi": "msisdn-491700000001", "eecId": "eec-1"},
  {"akid": "atid-2@rid1.akma.edge.test", "kakma": "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000",
   "gpsi": "msisdn-491700000002", "eecId": "eec-2"}]'

read -r P_ECS1 P_ECS2 P_EES1 P_EES2 P_EES3 <<<"$(free_ports 5)"
HOSTS="{\"ecs1.edge.test\": \"127.0.0.1:$P_ECS1\", \"ecs2.edge.test\": \"127.0.0.1:$P_ECS2\",
  \"ees1.edge.test\": \"127.0.0.1:$P_EES1\",
  \"ees2.edge.test\": \"127.0.0.1:$P_EES2\", \"ees3.edge.test\": \"127.0.0.1:$P_EES3\"}"

# ecs_config NAME PORT [EXTRA_MEMBERS]: config file of edge-ecs NAME (path on stdout).
ecs_config() {
    cat >"$T/$1.json" <<EOF
{
  "node": "$1", "listen": {"addr": "127.0.0.1", "port": $2}, "hosts": $HOSTS,
  "tls": {"ca": "pki/ca.crt", "cert": "pki/$1.crt", "key": "pki/$1.key"},
  "keylog": "keylog.txt", "evlog": "$1.events.jsonl", $SUBS,
  "signing": {"dir": "pki"}${3:+, $3}
}
EOF
    echo "$T/$1.json"
}

# ees_config NAME PORT ECS [EXTRA_MEMBERS]: config file of edge-ees NAME (path on stdout); it
# serves eas-video and eas-game unless EXTRA_MEMBERS give "easIds".
ees_config() {
    local ids='"easIds": ["eas-video", "eas-game"]'
    case "${4:-}" in *'"easIds"'*) ids='"refresh": true' ;; esac
    cat >"$T/$1.json" <<EOF
{
  "node": "$1", "listen": {"addr": "127.0.0.1", "port": $2}, "hosts": $HOSTS,
  "tls": {"ca": "pki/ca.crt", "cert": "pki/$1.crt", "key": "pki/$1.key"},
  "keylog": "keylog.txt", "evlog": "$1.events.jsonl", $SUBS,
  "ecs": "$3", $ids${4:+, $4}
}
EOF
    echo "$T/$1.json"
}

# start KIND NAME CONFIG: run edge-KIND, wait for its ready event (an EES is ready once it is
# registered at its ECS). The PID goes to PID_<name with _ for punctuation>.
start() {
    local kind=$1 name=$2 sock=$T/$2.sock i pid
    rm -f "$sock"
    "$BIN/edge-$kind" --config "$3" --ctl "$sock" >>"$T/$name.out" 2>&1 &
    pid=$!
    PIDS+=($pid)
    NODES+=("$name")
    eval "PID_$(echo "$name" | tr -c 'a-zA-Z0-9\n' _)=$pid"
    # The socket file appears once the node has bound it; the ready event is then awaited.
    for i in $(seq 1 200); do
        [ -S "$sock" ] && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.025
    done
    "$BIN/edge-ctl" "$sock" --wait-ready --timeout 8000 >/dev/null ||
        { echo "edge-$kind $name did not get ready:"; cat "$T/$name.out"; exit 1; }
}
# stop NAME: SIGTERM and wait for the exit; its status in STOPPED.
stop() {
    local v="PID_$(echo "$1" | tr -c 'a-zA-Z0-9\n' _)"
    kill "${!v}" 2>/dev/null
    wait "${!v}"
    STOPPED=$?
}

ctl() { "$BIN/edge-ctl" "$T/$1.sock" "$2" "${3:-{\}}" --timeout 10000; }

# req AS METHOD HOST:PORT PATH [CONTENT-TYPE BODY] [extra curl args...]: one HTTPS request with
# AS's certificate (a file stem in $PKI); CONTENT-TYPE never starts with '-'. Sets STATUS, BODY
# and HDRS.
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
cause() { jget "$BODY" 'd["cause"]'; }

# provision EEC [UEID]: EDGE-4 at ecs1 (or at $PROV_ECS: ecs1 or ecs2) with curl as the EEC;
# sets TOK_<ees with _> for each EES the answer carries a token for.
provision() {
    local ue="" ecs=${PROV_ECS:-ecs1.edge.test} port=$P_ECS1
    [ "$ecs" = ecs2.edge.test ] && port=$P_ECS2
    [ -n "${2:-}" ] && ue=",\"ueId\":\"$2\""
    req "eec-$1" POST "$ecs:$port" /eecs-serviceprovisioning/v1/request \
        application/json "{\"eecId\":\"$1\"$ue,\"acProfs\":[{\"acId\":\"ac-1\",\"eass\":[{\"easId\":\"eas-video\"}]}]}"
    local line
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
