#!/usr/bin/env bash
# twoecs_test.sh -- the S-EES and the T-EES at two ECSes (TR 33.739 6.27, TS 33.501 13.4.1.1.3):
# ees1 (at ecs1) asks its own ECS for an EDGE-9 token for ees2 (at ecs2); ecs1 forwards once,
# ecs2 signs (iss = ecs2), the answer's Via names both; ees2 accepts it with the keys of its own
# ECS. ACR end-to-end (T-EES given, and found by target EES discovery across the ECSes), and the
# pull on re-registration in the other direction. A token signed by ecs1 for ees2 is refused by
# ees2 (iss not its ECS).
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
cast

start ecs ecs1.edge.test "$(ecs_config ecs1.edge.test $P_ECS1 '"peers": ["ecs2.edge.test"]')"
start ecs ecs2.edge.test "$(ecs_config ecs2.edge.test $P_ECS2 '"peers": ["ecs1.edge.test"]')"
start ees ees1.edge.test "$(ees_config ees1.edge.test $P_EES1 ecs1.edge.test)"
start ees ees2.edge.test "$(ees_config ees2.edge.test $P_EES2 ecs2.edge.test '"easIds": ["eas-video", "eas-ar"]')"

# --- the token: forwarded once, signed by ecs2 ---
r=$(ctl ees1.edge.test request_token '{"target":"ees2.edge.test"}')
eq "token via both ECSes" '200 ["ecs2.edge.test", "ecs1.edge.test"]' "$(jget "$r" '"%s %s" % (d["result"]["status"], json.dumps(d["result"]["via"]))')"
c=$(claims "$(jget "$r" 'd["result"]["token"]')")
eq "signed by the T-EES's ECS" "ecs2.edge.test ees2.edge.test ees1.edge.test" \
    "$(jget "$c" '" ".join([d["iss"], d["aud"], d["sub"]])')"
has "via in the event log" 'via [\"ecs2.edge.test\",\"ecs1.edge.test\"]' "$(cat "$T/ees1.edge.test.events.jsonl")"

# --- ACR from ees1 to ees2 ---
provision eec-1 $GPSI1
eec_register eec-1 ees1.edge.test $P_EES1 "$TOK_ees1_edge_test" "\"ueId\":\"$GPSI1\""
C1=$(jget "$BODY" 'd["eecCntxId"]')
eq "EEC registered at ees1" 201 "$STATUS"
ACR=/eees-appctxtreloc/v1/initiate
body() {
    echo "{\"requestorId\":\"eec-1\",\"ueId\":\"$GPSI1\",\"easId\":\"$1\",\"tEasEndpoint\":{\"fqdn\":\"eas.t.edge.test\"},\"easNotifInd\":false,\"eecCtxtReloc\":{\"eecCtxtId\":\"$C1\"$2}}"
}
req eec-eec-1 POST "ees1.edge.test:$P_EES1" $ACR application/json "$(body eas-video ',"tEesId":"ees2.edge.test"')" \
    -H "Authorization: Bearer $TOK_ees1_edge_test"
eq "ACR across ECSes" "200 ACR_COMPLETE" "$STATUS $(jget "$BODY" 'd["eventId"]')"
has "ees2 accepted the ecs2 token" '"iss":"ecs2.edge.test"' "$(grep '"verdict":"accepted"' "$T/ees2.edge.test.events.jsonl")"
req eec-eec-1 POST "ees1.edge.test:$P_EES1" $ACR application/json "$(body eas-ar '')" \
    -H "Authorization: Bearer $TOK_ees1_edge_test"
eq "T-EES found at the peer ECS" "200 ees2.edge.test" "$STATUS $(jget "$BODY" 'd["trgtInfo"]["trgetEESInfo"]["eess"][0]["eesId"]')"

# --- a token of ecs1 for ees2: ees2 trusts its own ECS only ---
wrong=$("$BIN/edge-jwt" issue --key "$PKI/ecs1.edge.test.sig-k1.key" --kid k1 --iss ecs1.edge.test \
    --aud ees2.edge.test --scope eees-eeccontextreloc --client ees1.edge.test --profile ees)
r=$(ctl ees1.edge.test push "{\"target\":\"ees2.edge.test\",\"eecCntxId\":\"$C1\",\"token\":\"$wrong\"}")
has "token from the wrong ECS refused" "401 token." "$(jget "$r" '"%s %s" % (d["result"]["status"], d["result"]["problem"]["cause"])')"

# --- the other direction: re-registration at ees2 pulls from ees1 through ecs2 -> ecs1 ---
PROV_ECS=ecs2.edge.test provision eec-1 $GPSI1
eec_register eec-1 ees2.edge.test $P_EES2 "$TOK_ees2_edge_test" \
    "\"ueId\":\"$GPSI1\",\"eecCntxId\":\"$C1\",\"srcEesId\":\"ees1.edge.test\""
eq "pull across ECSes" "201 PULLED" "$STATUS $(jget "$BODY" 'd["cntxPull"]["result"]')"
has "pull token signed by ecs1" '"iss":"ecs1.edge.test"' "$(grep 'received' "$T/ees2.edge.test.events.jsonl")"
finish
