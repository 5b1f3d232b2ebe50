#!/usr/bin/env bash
# acr_test.sh -- application context relocation between two edge-ees at one edge-ecs
# (TS 24.558 Eees_AppContextRelocation /initiate, TS 23.558 8.8 / 8.9.1.1, TR 33.739 6.27): the
# EEC (curl, then the real edge-eec) initiates ACR at the S-EES, which finds the T-EES (given, or
# by target EES discovery at the ECS), gets an EDGE-9 token from the ECS and pushes the context;
# the answer carries implReg. Re-registration at a T-EES pulls the context (or makes a fresh one
# when the pull fails). Failures name the step: no T-EES, token refused, T-EES down.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
cast

ECS=ecs1.edge.test
start ecs $ECS "$(ecs_config $ECS $P_ECS1)"
start ees ees1.edge.test "$(ees_config ees1.edge.test $P_EES1 $ECS)"
start ees ees2.edge.test "$(ees_config ees2.edge.test $P_EES2 $ECS '"easIds": ["eas-video", "eas-ar"]')"
start ees ees3.edge.test "$(ees_config ees3.edge.test $P_EES3 $ECS)"
E1=ees1.edge.test:$P_EES1
ACR=/eees-appctxtreloc/v1/initiate

provision eec-1 $GPSI1
T1=$TOK_ees1_edge_test
T2=$TOK_ees2_edge_test
T3=$TOK_ees3_edge_test
eec_register eec-1 ees1.edge.test $P_EES1 "$T1" "\"ueId\":\"$GPSI1\""
C1=$(jget "$BODY" 'd["eecCntxId"]')
eq "EEC registered at the S-EES" 201 "$STATUS"

# acr EEC TOKEN RELOC_JSON [EASID]: POST /initiate at ees1 with curl as the EEC.
acr() {
    local auth=()
    [ -n "$2" ] && auth=(-H "Authorization: Bearer $2")
    req "eec-$1" POST "$E1" $ACR application/json \
        "{\"requestorId\":\"$1\",\"ueId\":\"$GPSI1\",\"easId\":\"${4:-eas-video}\",\"tEasEndpoint\":{\"fqdn\":\"eas.t.edge.test\"},\"easNotifInd\":false,\"eecCtxtReloc\":$3}" \
        "${auth[@]}"
}

# --- T-EES named by the EEC ---
acr eec-1 "$T1" "{\"eecCtxtId\":\"$C1\",\"tEesId\":\"ees2.edge.test\"}"
eq "ACR: 200 ACR_COMPLETE" "200 ACR_COMPLETE" "$STATUS $(jget "$BODY" 'd["eventId"]')"
conforms "ACR: the answer is an ACRInfoNotification" acr_info_notification "$BODY"
IMPL=$(jget "$BODY" 'd["eecCtxtReloc"]["implReg"]["regId"]')
r=$(ctl ees2.edge.test contexts)
eq "T-EES registered the EEC implicitly" "$IMPL eec-1 push" \
    "$(jget "$r" '"%s %s %s" % tuple(d["result"]["contexts"][0][k] for k in ("regId", "eecId", "origin"))')"
has "the push carried an EDGE-9 token" '"verdict":"accepted"' "$(grep eees-eeccontextreloc "$T/ees2.edge.test.events.jsonl")"

# --- T-EES found by target EES discovery at the ECS (only ees2 serves eas-ar) ---
acr eec-1 "$T1" "{\"eecCtxtId\":\"$C1\"}" eas-ar
eq "ACR by discovery" "200 ees2.edge.test" "$STATUS $(jget "$BODY" 'd["trgtInfo"]["trgetEESInfo"]["eess"][0]["eesId"]')"
acr eec-1 "$T1" "{\"eecCtxtId\":\"$C1\"}" eas-unknown
eq "no other EES serves the EAS" "404 ACR_TARGET_NOT_FOUND" "$STATUS $(cause)"
eq "the failed step is named" target_discovery "$(jget "$BODY" 'd["upstream"]["step"]')"

# --- refusals at the S-EES ---
acr eec-1 "" "{\"eecCtxtId\":\"$C1\",\"tEesId\":\"ees2.edge.test\"}"
eq "ACR without a token" "401 token.missing" "$STATUS $(cause)"
acr eec-1 "$T1" '{"eecCtxtId":"cntx-0000000000000000","tEesId":"ees2.edge.test"}'
eq "ACR of an unknown context" "404 CONTEXT_NOT_FOUND" "$STATUS $(cause)"
provision eec-2 $GPSI2
req eec-eec-2 POST "$E1" $ACR application/json \
    "{\"requestorId\":\"eec-2\",\"tEasEndpoint\":{\"fqdn\":\"eas.t.edge.test\"},\"easNotifInd\":false,\"eecCtxtReloc\":{\"eecCtxtId\":\"$C1\",\"tEesId\":\"ees2.edge.test\"}}" \
    -H "Authorization: Bearer $TOK_ees1_edge_test"
eq "ACR of another EEC's context" "403 REGISTRATION_NOT_OWNED" "$STATUS $(cause)"
acr eec-1 "$T1" "{\"eecCtxtId\":\"$C1\",\"tEesId\":\"ees9.edge.test\"}"
eq "T-EES registered nowhere: token refused" "502 ACR_TOKEN_REFUSED token 400" \
    "$STATUS $(cause) $(jget "$BODY" '"%s %s" % (d["upstream"]["step"], d["upstream"]["status"])')"

# --- re-registration at a T-EES pulls the context (TS 23.558 8.9.1.1) ---
eec_register eec-1 ees3.edge.test $P_EES3 "$T3" "\"ueId\":\"$GPSI1\",\"eecCntxId\":\"$C1\",\"srcEesId\":\"ees1.edge.test\""
eq "registration with pull" "201 $C1 PULLED" "$STATUS $(jget "$BODY" '"%s %s" % (d["eecCntxId"], d["cntxPull"]["result"])')"
r=$(ctl ees3.edge.test contexts)
eq "ees3 context pulled from ees1" "pull ees1.edge.test" "$(jget "$r" '"%s %s" % (d["result"]["contexts"][0]["origin"], d["result"]["contexts"][0]["srcEesId"])')"
eec_register eec-1 ees3.edge.test $P_EES3 "$T3" "\"ueId\":\"$GPSI1\",\"eecCntxId\":\"cntx-gone\",\"srcEesId\":\"ees1.edge.test\""
eq "pull fails: fresh context" "201 FAILED 404 CONTEXT_NOT_FOUND" \
    "$STATUS $(jget "$BODY" '"%s %s %s" % (d["cntxPull"]["result"], d["cntxPull"]["status"], d["cntxPull"]["cause"])')"
[ "$(jget "$BODY" 'd["eecCntxId"]')" != cntx-gone ] && pass "a new context ID" || fail "kept cntx-gone"
has "pull failure logged" "a new context is created" "$(cat "$T/ees3.edge.test.events.jsonl")"

# --- the T-EES is down (killed, still registered at the ECS) ---
stop ees3.edge.test KILL
acr eec-1 "$T1" "{\"eecCtxtId\":\"$C1\",\"tEesId\":\"ees3.edge.test\"}"
eq "T-EES down" "504 ACR_PEER_UNREACHABLE push" "$STATUS $(cause) $(jget "$BODY" 'd["upstream"]["step"]')"
eec_register eec-1 ees2.edge.test $P_EES2 "$T2" "\"ueId\":\"$GPSI1\",\"eecCntxId\":\"$C1\",\"srcEesId\":\"ees3.edge.test\""
eq "pull from a dead source: fresh context" "201 FAILED 0" "$STATUS $(jget "$BODY" '"%s %s" % (d["cntxPull"]["result"], d["cntxPull"]["status"])')"

# --- the real edge-eec drives the same flow over its control socket ---
if [ -x "$BIN/edge-eec" ]; then
    start eec eec-2 "$(eec_config eec-2 "\"gpsi\": \"$GPSI2\",
  \"acProfs\": [{\"acId\": \"ac-1\", \"eass\": [{\"easId\": \"eas-video\"}]}]")"
    r=$(ctl eec-2 provision)
    eq "edge-eec provision" 200 "$(jget "$r" 'd["result"]["status"]')"
    r=$(ctl eec-2 register '{"ees":"ees1.edge.test"}')
    eq "edge-eec register at ees1" 201 "$(jget "$r" 'd["result"]["status"]')"
    r=$(ctl eec-2 relocate '{"ees":"ees1.edge.test","tEes":"ees2.edge.test","easId":"eas-video","tEasEndpoint":{"fqdn":"eas.t.edge.test"}}')
    eq "edge-eec relocate: 200" 200 "$(jget "$r" 'd["result"]["status"]')"
    has "edge-eec learns implReg" "reg-" "$(jget "$r" 'd["result"]["implReg"]["regId"]')"
else
    echo "note: edge-eec not built, its section skipped"
fi
finish
