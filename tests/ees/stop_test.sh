#!/usr/bin/env bash
# stop_test.sh -- edge-ees stopped with exchanges still in flight: an EDGE-9 push sent to a T-EES
# that never answers (with the control command that asked for it, and an EEC's ACR held for the
# push), then token requests and a target discovery at an ECS that does not answer. Each stop must
# exit 0 at once (the deregistration waits 2 s at most), end the waiting runner and EEC, and leave
# no sanitizer report: every request, control request and connection is released.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
cast

ECS=ecs1.edge.test
start ecs $ECS "$(ecs_config $ECS $P_ECS1)"
start ees ees1.edge.test "$(ees_config ees1.edge.test $P_EES1 $ECS)"
start ees ees2.edge.test "$(ees_config ees2.edge.test $P_EES2 $ECS)"

# ees3 is a TLS server with ees3's certificate that reads each request and never answers
# (lib.sh silent). curl registers it at the ECS, so that the ECS issues EDGE-9 tokens for it.
silent "$P_EES3" ees3.edge.test
req ees3.edge.test POST $ECS:$P_ECS1 /eecs-eesregistration/v1/registrations application/json \
    "$(ees_reg ees3.edge.test '["eas-video"]')"
eq "the silent ees3 registered at the ECS" 201 "$STATUS"

provision eec-1 $GPSI1
eec_register eec-1 ees1.edge.test $P_EES1 "$TOK_ees1_edge_test" "\"ueId\":\"$GPSI1\""
C1=$(jget "$BODY" 'd["eecCntxId"]')
eq "EEC registered at ees1" 201 "$STATUS"

# --- ees1 stops with a push (control command) and an ACR (held EEC request) waiting on ees3 ---
"$BIN/edge-ctl" "$T/ees1.edge.test.sock" push "{\"target\":\"ees3.edge.test\",\"eecCntxId\":\"$C1\"}" \
    --timeout 20000 >"$T/push.reply" 2>&1 &
ctl_pid=$!
PIDS+=($ctl_pid)
curl -s --cacert "$PKI/ca.crt" --cert "$PKI/eec-eec-1.crt" --key "$PKI/eec-eec-1.key" \
    --resolve "ees1.edge.test:$P_EES1:127.0.0.1" --max-time 20 -o /dev/null -w '%{http_code}' \
    -H "Authorization: Bearer $TOK_ees1_edge_test" -H 'Content-Type: application/json' \
    -d "{\"requestorId\":\"eec-1\",\"ueId\":\"$GPSI1\",\"easId\":\"eas-video\",\"easNotifInd\":false,
         \"tEasEndpoint\":{\"fqdn\":\"eas.t.edge.test\"},
         \"eecCtxtReloc\":{\"eecCtxtId\":\"$C1\",\"tEesId\":\"ees3.edge.test\"}}" \
    "https://ees1.edge.test:$P_EES1/eees-appctxtreloc/v1/initiate" >"$T/acr.status" &
curl_pid=$!
PIDS+=($curl_pid)
for i in $(seq 1 200); do
    [ "$(grep -c 'POST /eees-eeccontextreloc/v1/eec-contexts' "$T/silent-ees3.edge.test.log")" -ge 2 ] && break
    sleep 0.025
done
eq "both pushes reached the silent T-EES" 2 "$(grep -c 'POST /eees-eeccontextreloc/v1/eec-contexts' "$T/silent-ees3.edge.test.log")"
t0=$(date +%s%N)
stop ees1.edge.test
eq "ees1 stopped with two pushes in flight: exit 0" 0 "$STOPPED"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$ms" -lt 3000 ] && pass "ees1 stopped at once ($ms ms)" || fail "ees1 took $ms ms to stop"
eq "ees1: no sanitizer report" "" "$(grep -E 'Sanitizer|runtime error' "$T/ees1.edge.test.out")"
wait $ctl_pid
has "the runner's push ends with the node" "closed" "$(cat "$T/push.reply")"
wait $curl_pid
st=$(cat "$T/acr.status")
[ "$st" = 503 ] || [ "$st" = 000 ] && pass "the EEC's ACR ends at the stop ($st)" ||
    fail "the EEC's ACR: expected 503 or a closed connection, got [$st]"

# --- ees2 stops with token requests and a target discovery waiting on a frozen ECS ---
kill -STOP "$PID_ecs1_edge_test"
for cmd in "request_token {\"target\":\"ees3.edge.test\"}" \
    "pull {\"source\":\"ees3.edge.test\",\"eecCntxId\":\"cntx-1\"}" \
    "discover_target {\"easId\":\"eas-video\"}"; do
    "$BIN/edge-ctl" "$T/ees2.edge.test.sock" $cmd --timeout 20000 >/dev/null 2>&1 &
    PIDS+=($!)
done
asked() { grep '"dir":"out"' "$T/ees2.edge.test.events.jsonl" | grep -c -E "$1"; }
for i in $(seq 1 200); do
    [ "$(asked '/oauth2/token')" -ge 2 ] && [ "$(asked '/eecs-targeteesdiscovery/')" -ge 1 ] && break
    sleep 0.025
done
eq "ees2 asked the frozen ECS for two tokens and a target EES" "2 1" \
    "$(asked '/oauth2/token') $(asked '/eecs-targeteesdiscovery/')"
stop ees2.edge.test
eq "ees2 stopped with its ECS frozen: exit 0" 0 "$STOPPED"
eq "ees2: no sanitizer report" "" "$(grep -E 'Sanitizer|runtime error' "$T/ees2.edge.test.out")"
has "ees2 gave up the deregistration" "no answer to the EDGE-6 deregistration" \
    "$(cat "$T/ees2.edge.test.events.jsonl")"
kill -CONT "$PID_ecs1_edge_test"
finish
