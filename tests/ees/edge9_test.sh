#!/usr/bin/env bash
# edge9_test.sh -- EDGE-9 between edge-ees instances at one edge-ecs (TS 29.558
# Eees_EECContextRelocation, TR 33.739 6.27): push and pull through the control socket with
# tokens the S-EES gets from its ECS (claims checked, cached per target), and curl as another
# EES: no token, a token for another EES (aud), someone else's token (client), another ECS's
# token, an ees-id or eesId that is not the caller, a token bound to another EEC, bad bodies.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
cast

ECS=ecs1.edge.test
start ecs $ECS "$(ecs_config $ECS $P_ECS1)"
for n in 1 2 3; do
    p=P_EES$n
    start ees ees$n.edge.test "$(ees_config ees$n.edge.test ${!p} $ECS)"
done
E1=ees1.edge.test:$P_EES1
CNTX=/eees-eeccontextreloc/v1/eec-contexts

provision eec-1 $GPSI1
eec_register eec-1 ees1.edge.test $P_EES1 "$TOK_ees1_edge_test" "\"ueId\":\"$GPSI1\""
C1=$(jget "$BODY" 'd["eecCntxId"]')
eq "EEC registered at ees1" 201 "$STATUS"

# --- push from ees1 to ees2, token fetched from the ECS ---
r=$(ctl ees1.edge.test push "{\"target\":\"ees2.edge.test\",\"eecCntxId\":\"$C1\"}")
eq "push: 200" 200 "$(jget "$r" 'd["result"]["status"]')"
has "push: implicit registration" "reg-" "$(jget "$r" 'd["result"]["body"]["implReg"]["regId"]')"
conforms "push: the answer is an EECContextPushRes" eec_context_push_res "$(jget "$r" 'd["result"]["body"]')"
TOK=$(jget "$r" 'd["result"]["token"]')
c=$(claims "$TOK")
eq "EDGE-9 token claims" "ecs1.edge.test ees2.edge.test ees1.edge.test ees1.edge.test eees-eeccontextreloc eec-1" \
    "$(jget "$c" '" ".join([d["iss"], d["aud"], d["client_id"], d["sub"], d["scope"], d["eec_id"]])')"
r=$(ctl ees2.edge.test contexts)
eq "ees2 holds the pushed context" "$C1 push ees1.edge.test True" \
    "$(jget "$r" '"%s %s %s %s" % tuple(d["result"]["contexts"][0][k] for k in ("eecCntxId", "origin", "srcEesId", "implicit"))')"
r=$(ctl ees1.edge.test push "{\"target\":\"ees2.edge.test\",\"eecCntxId\":\"$C1\"}")
eq "second push reuses the cached token" "$TOK" "$(jget "$r" 'd["result"]["token"]')"
r=$(ctl ees1.edge.test request_token '{"target":"ees2.edge.test","eecId":"eec-1","cached":true}')
eq "request_token from the cache" "true 200" "$(jget "$r" '"%s %s" % (str(d["result"]["cached"]).lower(), d["result"]["status"])')"
r=$(ctl ees1.edge.test request_token '{"target":"ees3.edge.test"}')
eq "request_token: via" '["ecs1.edge.test"]' "$(jget "$r" 'd["result"]["via"]')"
TOK13=$(jget "$r" 'd["result"]["token"]')

# --- refused pushes (the T-EES's answer comes back in the result) ---
r=$(ctl ees1.edge.test push "{\"target\":\"ees2.edge.test\",\"eecCntxId\":\"$C1\",\"token\":\"none\"}")
eq "push without token" "401 token.missing" "$(jget "$r" '"%s %s" % (d["result"]["status"], d["result"]["problem"]["cause"])')"
r=$(ctl ees1.edge.test push "{\"target\":\"ees2.edge.test\",\"eecCntxId\":\"$C1\",\"token\":\"$TOK13\"}")
eq "push with ees3's token" "401 token.aud_mismatch" "$(jget "$r" '"%s %s" % (d["result"]["status"], d["result"]["problem"]["cause"])')"
r=$(ctl ees1.edge.test push '{"target":"ees2.edge.test","eecCntxId":"cntx-nope"}')
eq "push of an unknown context" ees.no_context "$(jget "$r" 'd["error"]["code"]')"

# --- pull by ees3 from ees1 ---
r=$(ctl ees3.edge.test pull "{\"source\":\"ees1.edge.test\",\"eecCntxId\":\"$C1\"}")
eq "pull: 200 with the context" "200 eec-1 $C1" "$(jget "$r" '"%s %s %s" % (d["result"]["status"], d["result"]["body"]["eecId"], d["result"]["body"]["cntxId"])')"
r=$(ctl ees3.edge.test pull '{"source":"ees1.edge.test","eecCntxId":"cntx-0000000000000000"}')
eq "pull of an unknown context" "404 CONTEXT_NOT_FOUND" "$(jget "$r" '"%s %s" % (d["result"]["status"], d["result"]["problem"]["cause"])')"

# --- curl as ees2 (its token from the ECS's token endpoint, curl too) ---
req ees2.edge.test POST "$ECS:$P_ECS1" /oauth2/token application/x-www-form-urlencoded \
    "grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees1.edge.test"
eq "token endpoint" 200 "$STATUS"
T2=$(jget "$BODY" 'd["access_token"]')
req ees2.edge.test GET "$E1" "$CNTX?ees-id=ees2.edge.test&eec-cntx-id=$C1" -H "Authorization: Bearer $T2"
eq "curl pull with its token" "200 $C1" "$STATUS $(jget "$BODY" 'd["cntxId"]')"
req ees2.edge.test GET "$E1" "$CNTX?ees-id=ees2.edge.test&eec-cntx-id=$C1"
eq "pull without token" "401 token.missing" "$STATUS $(cause)"
req ees2.edge.test GET "$E1" "$CNTX?ees-id=ees3.edge.test&eec-cntx-id=$C1" -H "Authorization: Bearer $T2"
eq "ees-id is not the caller" "403 EES_ID_MISMATCH" "$STATUS $(cause)"
req ees2.edge.test GET "$E1" "$CNTX?eec-cntx-id=$C1" -H "Authorization: Bearer $T2"
eq "ees-id missing" "400 INVALID_QUERY_PARAM" "$STATUS $(cause)"
req ees3.edge.test GET "$E1" "$CNTX?ees-id=ees3.edge.test&eec-cntx-id=$C1" -H "Authorization: Bearer $T2"
eq "ees2's token presented by ees3" "401 token.client_mismatch" "$STATUS $(cause)"
req eec-eec-1 GET "$E1" "$CNTX?ees-id=ees2.edge.test&eec-cntx-id=$C1" -H "Authorization: Bearer $T2"
eq "an EEC on EDGE-9" "403 PEER_NOT_AN_EES" "$STATUS $(cause)"
pki signkey --ecs ecs9.edge.test --kid k1
forged=$("$BIN/edge-jwt" issue --key "$PKI/ecs9.edge.test.sig-k1.key" --kid k1 --iss ecs9.edge.test \
    --aud ees1.edge.test --scope eees-eeccontextreloc --client ees2.edge.test --profile ees)
req ees2.edge.test GET "$E1" "$CNTX?ees-id=ees2.edge.test&eec-cntx-id=$C1" -H "Authorization: Bearer $forged"
has "another ECS's token" "401 token." "$STATUS $(cause)"
# The ECS names eec-2 in ees2's token only once it provisioned eec-2 with ees2.
provision eec-2 "$GPSI2"
req ees2.edge.test POST "$ECS:$P_ECS1" /oauth2/token application/x-www-form-urlencoded \
    "grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees1.edge.test&eec_id=eec-2"
T2B=$(jget "$BODY" 'd["access_token"]')
req ees2.edge.test GET "$E1" "$CNTX?ees-id=ees2.edge.test&eec-cntx-id=$C1" -H "Authorization: Bearer $T2B"
eq "token bound to another EEC" "403 EEC_ID_MISMATCH" "$STATUS $(cause)"

# --- curl push as ees2 ---
push="{\"eesId\":\"ees2.edge.test\",\"eecCntx\":{\"eecId\":\"eec-2\",\"cntxId\":\"cntx-abc\",\"ueId\":\"$GPSI2\"}}"
req ees2.edge.test POST "$E1" $CNTX application/json "$push" -H "Authorization: Bearer $T2"
eq "curl push" 200 "$STATUS"
has "curl push: implReg" '"implReg":{"regId":"reg-' "$BODY"
req ees2.edge.test POST "$E1" $CNTX application/json '{"eesId":"ees2.edge.test"}' -H "Authorization: Bearer $T2"
eq "push without eecCntx" "400 MANDATORY_IE_MISSING" "$STATUS $(cause)"
req ees2.edge.test POST "$E1" $CNTX application/json "${push/ees2.edge.test/ees3.edge.test}" -H "Authorization: Bearer $T2"
eq "push in another EES's name" "403 EES_ID_MISMATCH" "$STATUS $(cause)"
finish
