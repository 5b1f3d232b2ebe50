#!/bin/sh
# pcap_decrypt.sh EDGE_RUN SCENARIO OUT -- TAP mode only: run edge9-cross-ecs, then decrypt the
# backhaul capture with the run's key log (tshark) and find, in clear and as HTTP/2 (the nodes'
# default), the token request that ECS 1 forwarded to ECS 2 with its Via, and the EDGE-9 context
# push with its bearer token; the pcapng with embedded secrets must decrypt on its own (no key
# log given). Exit 127 when TAP cannot run here.
set -u
run=$1 scn=$2 out=$3
[ "$(id -u)" -eq 0 ] || { echo "SKIP: TAP mode needs root"; exit 127; }
command -v tshark >/dev/null || { echo "SKIP: no tshark"; exit 127; }
"$run" run "$scn" --net tap --out "$out"
rc=$?
[ $rc -eq 127 ] && exit 127
pcap="$out/pcap/backhaul.pcap"
[ -s "$pcap" ] || { echo "FAIL: no capture $pcap"; exit 1; }
[ -s "$out/keylog.txt" ] || { echo "FAIL: no key log"; exit 1; }
fields="-T fields -E separator=| -e http2.headers.method -e http2.headers.path -e http2.headers.authority -e http2.headers.authorization -e http2.headers.via"
requests="http2.headers.method"
clear=$(tshark -r "$pcap" -o "tls.keylog_file:$out/keylog.txt" -Y "$requests" $fields 2>&1)
echo "$clear"
fail=0
echo "$clear" | grep -q '^POST|/oauth2/token|ecs2.edge.test' ||
    { echo "FAIL: the forwarded token request ECS 1 -> ECS 2 is not in clear on the backhaul"; fail=1; }
echo "$clear" | grep '^POST|/oauth2/token|ecs2.edge.test' | grep -q '|.*ecs1.edge.test' ||
    { echo "FAIL: the forwarded token request does not show ECS 1 in its Via"; fail=1; }
echo "$clear" | grep -q '^POST|/eees-eeccontextreloc/v1/eec-contexts|ees2.edge.test|Bearer ' ||
    { echo "FAIL: the EDGE-9 push with its bearer token is not in clear on the backhaul"; fail=1; }
# Without the key log nothing is readable; with the pcapng's embedded secrets all of it is.
plain=$(tshark -r "$pcap" -Y "$requests" -T fields -e http2.headers.path 2>&1 | grep -c /)
[ "$plain" -eq 0 ] || { echo "FAIL: $plain HTTP requests readable without the key log"; fail=1; }
if [ -s "$pcap"ng ]; then
    inner=$(tshark -r "$pcap"ng -Y "$requests" -T fields -e http2.headers.path 2>&1 | grep -c /oauth2/token)
    [ "$inner" -ge 1 ] || { echo "FAIL: the pcapng does not decrypt with its embedded secrets"; fail=1; }
else
    echo "FAIL: no pcapng with embedded secrets"; fail=1
fi
[ $rc -eq 0 ] || { echo "FAIL: the scenario itself failed (exit $rc)"; fail=1; }
[ $fail -eq 0 ] && echo "ok: forwarded token request and EDGE-9 push decrypted"
exit $fail
