#!/usr/bin/env bash
# forward_test.sh -- token requests forwarded between ECSes (TR 33.739 6.27 after TS 33.501
# 13.4.1.1.3), the ECS-to-ECS lookup (EDGE-10 Eecs_ECSServiceProvisioning) and target EES
# discovery, with four real edge-ecs processes and one configured peer that is down:
#   ecs1 (peers ecs2, ecs4=down) -- ecs2 (peers ecs1, ecs3) -- ecs3 (peers ecs2 and ecs1, whose
#   authentication of an S-EES it trusts; maxForwardHops 0)
#   ecs5 (peer ecs2, which does not list ecs5)
# EES ees<i> is registered at ecs<i>; curl plays the EESes and, for crafted forwards, an ECS.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs

pki eec --eec-id eec-0001
for i in 1 2 3 4 5; do
    pki node --fqdn ecs$i.edge.test
    pki node --fqdn ees$i.edge.test
    pki signkey --ecs ecs$i.edge.test --kid ecs$i-key
done
read -r P1 P2 P3 P4 P5 < <(free_ports 5)
h() { echo "\"ecs$1.edge.test\": \"127.0.0.1:$2\""; }
# ecs1's deadlines are short, so that a silent peer is answered for within curl's patience.
start ecs ecs1.edge.test "$(HOSTS="{$(h 2 $P2), $(h 4 $P4)}" ecs_config ecs1.edge.test $P1 '"peers": ["ecs2.edge.test","ecs4.edge.test"], "deadlines": {"requestMs": 3500, "replyMarginMs": 500}')"
start ecs ecs2.edge.test "$(HOSTS="{$(h 1 $P1), $(h 3 $P3)}" ecs_config ecs2.edge.test $P2 '"peers": ["ecs1.edge.test","ecs3.edge.test"]')"
start ecs ecs3.edge.test "$(HOSTS="{$(h 2 $P2), $(h 1 $P1)}" ecs_config ecs3.edge.test $P3 '"peers": ["ecs2.edge.test", "ecs1.edge.test"], "maxForwardHops": 0')"
start ecs ecs5.edge.test "$(HOSTS="{$(h 2 $P2)}" ecs_config ecs5.edge.test $P5 '"peers": ["ecs2.edge.test"]')"
listen ecs2.edge.test
declare -A PORT=([1]=$P1 [2]=$P2 [3]=$P3 [5]=$P5)
for i in 1 2 3 5; do
    area=''
    [ $i = 3 ] && area='"svcArea":{"topServAr":{"ncgis":[{"plmnId":{"mcc":"001","mnc":"01"},"nrCellId":"000000003"}]}}'
    req ees$i.edge.test POST ecs$i.edge.test:${PORT[$i]} /eecs-eesregistration/v1/registrations \
        application/json "$(ees_reg ees$i.edge.test '["eas-1"]' "$area")"
    eq "ees$i registered at ecs$i" 201 "$STATUS"
done

F=application/x-www-form-urlencoded
G='grant_type=client_credentials&scope=eees-eeccontextreloc'
tok() { req "ees$1.edge.test" POST "ecs$1.edge.test:${PORT[$1]}" /oauth2/token $F "$2"; }
err() { echo "$STATUS $(jget "$BODY" 'd["error"]')"; }
jwks() {
    req ees$1.edge.test GET ecs$1.edge.test:${PORT[$1]} /oauth2/jwks
    echo "$BODY" >"$T/jwks$1.json"
}
jwks 1
jwks 2
jwks 3

# --- one forward: ees1 at ecs1 asks for ees2 at ecs2; ecs2 signs ---
# ecs1 names eec-0001 in a token only once it provisioned that EEC with ees1.
tok 1 "$G&targetEesFqdn=ees2.edge.test&eec_id=eec-0001"
eq "eec_id of an EEC not provisioned with the S-EES: invalid_request" "400 invalid_request" "$(err)"
req eec-eec-0001 POST ecs1.edge.test:$P1 /eecs-serviceprovisioning/v1/request application/json '{"eecId":"eec-0001"}'
eq "eec-0001 provisioned by ecs1 with ees1" '200 ["ees1.edge.test"]' "$STATUS $(jget "$BODY" '[e["eesId"] for e in d["ednCnfgInfo"][0]["eess"]]')"
tok 1 "$G&targetEesFqdn=ees2.edge.test&eec_id=eec-0001"
eq "forwarded once: 200" 200 "$STATUS"
eq "forwarded once: Via, the signer first" "ecs2.edge.test, ecs1.edge.test" "$(hdr Via)"
eq "forwarded once: no-store relayed" no-store "$(hdr Cache-Control)"
jwt=$(jget "$BODY" 'd["access_token"]')
c=$(claims "$jwt")
eq "forwarded once: iss = ECS-2, aud = T-EES, sub = client_id = S-EES" \
    "ecs2.edge.test ees2.edge.test ees1.edge.test ees1.edge.test eec-0001" \
    "$(jget "$c" '" ".join([d["iss"], d["aud"], d["sub"], d["client_id"], d["eec_id"]])')"
eq "forwarded once: signed with ECS-2's key" ecs2-key \
    "$(python -c 'import base64,json,sys; h=sys.argv[1].split(".")[0]; print(json.loads(base64.urlsafe_b64decode(h+"="*(-len(h)%4)))["kid"])' "$jwt")"
out=$("$BIN/edge-jwt" verify "$jwt" --jwks "$T/jwks2.json" --iss ecs2.edge.test --aud ees2.edge.test \
    --scope eees-eeccontextreloc --client ees1.edge.test --profile ees 2>&1)
eq "verify with ECS-2's JWKS: ok" 0 "$?"
out=$("$BIN/edge-jwt" verify "$jwt" --jwks "$T/jwks1.json" --iss ecs2.edge.test --aud ees2.edge.test \
    --client ees1.edge.test --profile ees 2>&1)
has "verify with ECS-1's JWKS: refused" token. "$out"
[ "$(printf '%s' "$out" | grep -c token.ok)" = 0 ] && pass "ECS-1's keys do not verify ECS-2's token" ||
    fail "ECS-1's keys verified ECS-2's token"
log1=$(cat "$T/ecs1.edge.test.events.jsonl")
has "ecs1 log: the hop, both ECSes named" "forwarded from ECS ecs1.edge.test to ECS ecs2.edge.test" "$log1"
has "ecs1 log: the answer relayed" "relayed from ECS ecs2.edge.test through ECS ecs1.edge.test" "$log1"
ev=$(ctl_wait ecs2.edge.test token 1)
eq "ecs2 ctl event: issued by ecs2, the JWT" "issued ecs2.edge.test $jwt" \
    "$(jget "$ev" '" ".join([d[0]["verdict"], d[0]["issuer"], d[0]["jwt"]])')"

# --- two forwards: ees1 at ecs1 asks for ees3 at ecs3, through ecs2 ---
tok 1 "$G&targetEesFqdn=ees3.edge.test"
eq "forwarded twice: 200" 200 "$STATUS"
eq "forwarded twice: Via" "ecs3.edge.test, ecs2.edge.test, ecs1.edge.test" "$(hdr Via)"
jwt3=$(jget "$BODY" 'd["access_token"]')
eq "forwarded twice: iss = ecs3" ecs3.edge.test "$(jget "$(claims "$jwt3")" 'd["iss"]')"
"$BIN/edge-jwt" verify "$jwt3" --jwks "$T/jwks3.json" --iss ecs3.edge.test --aud ees3.edge.test \
    --client ees1.edge.test --profile ees >/dev/null 2>&1
eq "forwarded twice: verifies with ecs3's JWKS" 0 "$?"
has "ecs2 log: the second hop, its location cached from the lookup ecs2 passed on" "forwarded from ECS ecs2.edge.test to ECS ecs3.edge.test (hop 2 of at most 2, location cached)" \
    "$(cat "$T/ecs2.edge.test.events.jsonl")"

# --- refusals ---
tok 3 "$G&targetEesFqdn=ees1.edge.test"
eq "hop limit (maxForwardHops 0 at ecs3): invalid_request" "400 invalid_request" "$(err)"
has "hop limit: says so" "hops" "$(jget "$BODY" 'd["error_description"]')"
req ecs1.edge.test POST ecs2.edge.test:$P2 /oauth2/token $F "$G&requesterFqdn=ees1.edge.test&targetEesFqdn=ees3.edge.test" \
    -H 'Via: ecs1.edge.test' -H '3gpp-Sbi-Max-Forward-Hops: 0'
eq "hop limit from the header (0 left): invalid_request" "400 invalid_request" "$(err)"
has "hop limit from the header: says so" "2 ECS hops" "$(jget "$BODY" 'd["error_description"]')"
req ecs1.edge.test POST ecs2.edge.test:$P2 /oauth2/token $F "$G&requesterFqdn=ees1.edge.test&targetEesFqdn=ees2.edge.test" \
    -H 'Via: ecs2.edge.test, ecs1.edge.test'
eq "loop (itself in Via): invalid_request" "400 invalid_request" "$(err)"
has "loop: says so" "forwarding loop" "$(jget "$BODY" 'd["error_description"]')"
req ecs1.edge.test POST ecs2.edge.test:$P2 /oauth2/token $F "$G&requesterFqdn=ees1.edge.test&targetEesFqdn=ees2.edge.test" \
    -H 'Via: ecs1.edge.test' -H '3gpp-Sbi-Max-Forward-Hops: 1'
eq "a crafted forward from a peer ECS: 200" 200 "$STATUS"
eq "a crafted forward: client is the requesterFqdn" ees1.edge.test "$(jget "$(claims "$(jget "$BODY" 'd["access_token"]')")" 'd["client_id"]')"
req ecs5.edge.test POST ecs2.edge.test:$P2 /oauth2/token $F "$G&requesterFqdn=ees5.edge.test&targetEesFqdn=ees2.edge.test" \
    -H 'Via: ecs5.edge.test'
eq "forward from an ECS that is not a peer of ECS-2: invalid_client" "400 invalid_client" "$(err)"
req ecs2.edge.test POST ecs3.edge.test:$P3 /oauth2/token $F "$G&requesterFqdn=ees5.edge.test&targetEesFqdn=ees3.edge.test" \
    -H 'Via: ecs5.edge.test, ecs2.edge.test'
eq "forward by a peer, the S-EES authenticated by a non-peer (ecs5): invalid_client" "400 invalid_client" "$(err)"
has "the authenticating ECS named" "authenticated by ecs5.edge.test" "$(jget "$BODY" 'd["error_description"]')"
tok 5 "$G&targetEesFqdn=ees2.edge.test"
eq "ecs5 -> ecs2, not a peer of ecs2: invalid_request" "400 invalid_request" "$(err)"
has "not a peer: ECS-2's refusal named" "is not a peer ECS of ecs2.edge.test" "$(jget "$BODY" 'd["error_description"]')"
req ecs1.edge.test POST ecs2.edge.test:$P2 /oauth2/token $F "$G&requesterFqdn=ees1.edge.test&targetEesFqdn=ees9.edge.test" \
    -H 'Via: ecs1.edge.test' -H '3gpp-Sbi-Max-Forward-Hops: 1'
eq "T-EES registered nowhere: invalid_request" "400 invalid_request" "$(err)"
has "T-EES registered nowhere: says so" "registered neither at ecs2.edge.test nor at a peer ECS" "$(jget "$BODY" 'd["error_description"]')"
tok 2 "$G&targetEesFqdn=ees9.edge.test"
eq "T-EES not found, and ecs1's peer ecs4 is down: 504 TARGET_NF_NOT_REACHABLE" "504 TARGET_NF_NOT_REACHABLE" "$STATUS $(jget "$BODY" 'd["cause"]')"
has "not found, a peer further on down: names the peer that said so" "ecs1.edge.test" "$(jget "$BODY" 'd["detail"]')"
tok 1 "$G&targetEesFqdn=ees9.edge.test"
eq "peer ECS down, T-EES not found: 504 TARGET_NF_NOT_REACHABLE" "504 TARGET_NF_NOT_REACHABLE" "$STATUS $(jget "$BODY" 'd["cause"]')"
has "peer ECS down: names it" "ecs4.edge.test" "$(jget "$BODY" 'd["detail"]')"

# --- the ECS-to-ECS lookup itself: EDGE-10 Eecs_ECSServiceProvisioning ---
LK=/eecs-ecsserviceprovisioning/v1/request
J=application/json
req ecs1.edge.test POST ecs2.edge.test:$P2 $LK $J '{"requestorEcs":"ecs1.edge.test","eesIds":["ees2.edge.test"]}'
eq "lookup by a peer: 200" 200 "$STATUS"
eq "lookup: the EES, its ECS, 0 hops, its authorization method" '[["ees2.edge.test", "ecs2.edge.test", 0, "TOKEN"]]' \
    "$(jget "$BODY" '[[e["eesId"], e["regEcs"], e["ecsHops"], e["authzMethod"]] for e in d["ednCnfgInfo"][0]["eess"]]')"
req ecs1.edge.test POST ecs2.edge.test:$P2 $LK $J '{"requestorEcs":"ecs1.edge.test","easIds":["eas-1"]}' \
    -H '3gpp-Sbi-Max-Forward-Hops: 1' -H 'Via: ecs1.edge.test'
eq "lookup with a hop left: also ecs3's EES, not the asker's" '[["ees2.edge.test", 0], ["ees3.edge.test", 1]]' \
    "$(jget "$BODY" 'sorted([e["eesId"], e["ecsHops"]] for e in d["ednCnfgInfo"][0]["eess"])')"
req ecs1.edge.test POST ecs2.edge.test:$P2 $LK $J '{"requestorEcs":"ecs1.edge.test","eesIds":["ees7.edge.test"]}' \
    -H '3gpp-Sbi-Max-Forward-Hops: 0' -H 'Via: ecs1.edge.test'
eq "lookup, nothing found: 204" 204 "$STATUS"
req ees1.edge.test POST ecs2.edge.test:$P2 $LK $J '{"requestorEcs":"ees1.edge.test","eesIds":["ees2.edge.test"]}'
eq "lookup by an EES: 403 NOT_A_PEER_ECS" "403 NOT_A_PEER_ECS" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ecs5.edge.test POST ecs2.edge.test:$P2 $LK $J '{"requestorEcs":"ecs5.edge.test","eesIds":["ees2.edge.test"]}'
eq "lookup by a non-peer ECS: 403 NOT_A_PEER_ECS" "403 NOT_A_PEER_ECS" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ecs1.edge.test POST ecs2.edge.test:$P2 $LK $J '{"requestorEcs":"ecs3.edge.test","eesIds":["ees2.edge.test"]}'
eq "lookup naming another ECS as requestor: 403 REQUESTOR_ECS_MISMATCH" "403 REQUESTOR_ECS_MISMATCH" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ecs1.edge.test POST ecs2.edge.test:$P2 $LK $J '{"eesIds":["ees2.edge.test"]}'
eq "lookup without requestorEcs: 400" 400 "$STATUS"

# --- target EES discovery (TS 29.558 Eecs_TargetEESDiscovery) ---
TD=/eecs-targeteesdiscovery/v1/ees-profiles
req ees1.edge.test GET ecs1.edge.test:$P1 "$TD?ees-id=ees1.edge.test&eas-id=eas-1"
eq "target discovery: 200" 200 "$STATUS"
eq "target discovery: T-EESes here and at peers, not the S-EES" '["ees2.edge.test", "ees3.edge.test"]' \
    "$(jget "$BODY" 'sorted(e["eesId"] for e in d["ednCnfgInfo"][0]["eess"])')"
loc='{"nwAreaInfo":{"ncgis":[{"plmnId":{"mcc":"001","mnc":"01"},"nrCellId":"000000009"}]}}'
req ees1.edge.test GET ecs1.edge.test:$P1 "$TD?ees-id=ees1.edge.test&eas-id=eas-1" -G --data-urlencode "ue-location=$loc"
eq "target discovery with ue-location: ees3's area excludes it" '["ees2.edge.test"]' \
    "$(jget "$BODY" 'sorted(e["eesId"] for e in d["ednCnfgInfo"][0]["eess"])')"
req ees1.edge.test GET ecs1.edge.test:$P1 "$TD?ees-id=ees1.edge.test&eas-id=eas-none"
eq "target discovery, no candidate: 404 TARGET_EES_NOT_FOUND" "404 TARGET_EES_NOT_FOUND" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test GET ecs1.edge.test:$P1 "$TD?ees-id=ees2.edge.test&eas-id=eas-1"
eq "target discovery as another EES: 403 EES_NOT_REGISTERED" "403 EES_NOT_REGISTERED" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test GET ecs1.edge.test:$P1 "$TD?ees-id=ees1.edge.test"
eq "target discovery without eas-id: 400" "400 MANDATORY_QUERY_PARAM_MISSING" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test GET ecs1.edge.test:$P1 "$TD?ees-id=ees1.edge.test&eas-id=eas-1&ue-location=%7B"
eq "target discovery, ue-location not JSON: 400" 400 "$STATUS"

# --- ECS-2 stops: ECS-1 answers with a clear error, and keeps serving ---
stop ecs2.edge.test ctl
eq "ECS-2 stopped: exit 0" 0 "$STOPPED"
tok 1 "$G&targetEesFqdn=ees2.edge.test"
eq "ECS-2 down: 504 TARGET_NF_NOT_REACHABLE" "504 TARGET_NF_NOT_REACHABLE" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test GET ecs1.edge.test:$P1 /oauth2/jwks
eq "ECS-1 still serves" 200 "$STATUS"
# --- ECS-1 stopped while a lookup is pending at a peer that never answers: ECS-1 exits 0 at
# once (no sanitizer report: checked by finish), the S-EES's request ends ---
silent "$P4"
# curl gives up after 5 s: ECS-1 must say why before that. ecs1's deadlines above (requestMs 3500,
# replyMarginMs 500: nodes/ecs/README.md "Deadlines") give it 3 s for a request that names no
# 3gpp-Sbi-Max-Rsp-Time, so the 504 comes at about 3 s, not when curl's own deadline fires.
t0=$(date +%s%N)
req ees1.edge.test POST ecs1.edge.test:$P1 /oauth2/token $F "$G&targetEesFqdn=ees9.edge.test" --max-time 5
ms=$((($(date +%s%N) - t0) / 1000000))
eq "silent peer ECS: the S-EES gets 504 TARGET_NF_NOT_REACHABLE" "504 TARGET_NF_NOT_REACHABLE" \
    "$STATUS $(jget "$BODY" 'd["cause"]')"
has "silent peer ECS: the detail names it" "ecs4.edge.test" "$(jget "$BODY" 'd["detail"]')"
[ "$ms" -ge 2500 ] && [ "$ms" -lt 4200 ] && pass "silent peer ECS: answered at the 3 s budget (${ms} ms)" ||
    fail "silent peer ECS: expected the answer after 2500..4200 ms (budget 3 s, S-EES 5 s), got ${ms} ms"
sent=$(grep -c '"peer":"ecs4.edge.test","dir":"out"' "$T/ecs1.edge.test.events.jsonl")
curl -s --cacert "$PKI/ca.crt" --cert "$PKI/ees1.edge.test.crt" --key "$PKI/ees1.edge.test.key" \
    --resolve "ecs1.edge.test:$P1:127.0.0.1" --max-time 8 -o /dev/null -w '%{http_code}' \
    -d "$G&targetEesFqdn=ees9.edge.test" "https://ecs1.edge.test:$P1/oauth2/token" >"$T/pending.status" &
curl_pid=$!
out4() { grep -c '"peer":"ecs4.edge.test","dir":"out"' "$T/ecs1.edge.test.events.jsonl"; }
for i in $(seq 1 100); do
    [ "$(out4)" -gt "$sent" ] && break
    sleep 0.05
done
[ "$(out4)" -gt "$sent" ] && pass "lookup sent to the silent ECS" || fail "no lookup sent to the silent ECS"
stop ecs1.edge.test ctl
eq "ECS-1 stopped with a lookup pending: exit 0" 0 "$STOPPED"
wait "$curl_pid"
# The held request is answered 503 by http_server_free, but the node runtime closes the
# connection before that answer is written: the S-EES sees the connection end (000), at once.
st=$(cat "$T/pending.status")
[ "$st" = 503 ] || [ "$st" = 000 ] && pass "the S-EES's pending request ends at the stop ($st)" ||
    fail "the S-EES's pending request: expected 503 or a closed connection, got [$st]"
finish
