#!/usr/bin/env bash
# eecreg_test.sh -- EDGE-1 at edge-ees (TS 24.558 Eees_EECRegistration / Eees_EASDiscovery,
# TS 33.558 6.3): curl as the EEC with the token edge-ecs issued in provisioning. A valid token
# registers (201, Location, eecCntxId); no token, another EES's token, another EEC's token, a
# token without the GPSI sent, a narrow scope, an expired token are refused with the token rule;
# a GPSI or eecId the certificate does not bind is 403; the registration resource answers only
# its owner; EAS discovery needs a registration (or an EES with an EDGE-9 token); local policy
# without tokens; single-use tokens are not accepted twice.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
cast

ECS=ecs1.edge.test
start ecs $ECS "$(ecs_config $ECS $P_ECS1 '"eesAuth": {"ees2.edge.test": "local"}')"
start ees ees1.edge.test "$(ees_config ees1.edge.test $P_EES1 $ECS)"
start ees ees2.edge.test "$(ees_config ees2.edge.test $P_EES2 $ECS \
    '"authorization": "local", "policy": {"allowEecs": ["eec-1"]}')"
start ees ees3.edge.test "$(ees_config ees3.edge.test $P_EES3 $ECS '"tokenReplay": "single-use"')"
E1=ees1.edge.test:$P_EES1
REG=/eees-eecregistration/v1/registrations
UE1="\"ueId\":\"$GPSI1\""
AC='"acProfs":[{"acId":"ac-1","eass":[{"easId":"eas-video"}]},{"acId":"ac-2","eass":[{"easId":"eas-none"}]}]'

provision eec-1 $GPSI1
eq "provisioning" 200 "$STATUS"
T1=$TOK_ees1_edge_test
T3=$TOK_ees3_edge_test
eq "no token for the local-policy EES" "" "${TOK_ees2_edge_test:-}"

# --- a valid token ---
eec_register eec-1 ees1.edge.test $P_EES1 "$T1" "$UE1,$AC"
eq "valid token: 201" 201 "$STATUS"
loc=$(hdr Location)
has "Location names the registration" "https://ees1.edge.test:$P_EES1$REG/reg-" "$loc"
R1=${loc##*/}
C1=$(jget "$BODY" 'd["eecCntxId"]')
has "eecCntxId in the body" "cntx-" "$C1"
has "expTime granted" "T" "$(jget "$BODY" 'd["expTime"]')"
eq "unfulfilled AC profile" '[{"acId": "ac-2", "reason": "EAS_NOT_AVAILABLE"}]' "$(jget "$BODY" 'd["unfulfillAcProfs"]')"
c=$(claims "$T1")
eq "token claims" "ecs1.edge.test ees1.edge.test eec-1 $GPSI1" \
    "$(jget "$c" '" ".join([d["iss"], d["aud"], d["client_id"], d["sub"]])')"
has "token accepted in the event log" '"verdict":"accepted"' "$(cat "$T/ees1.edge.test.events.jsonl")"

# --- refusals by token rule (RFC 6750 3: 401 + WWW-Authenticate) ---
eec_register eec-1 ees1.edge.test $P_EES1 "" "$UE1"
eq "no token: 401" "401 token.missing" "$STATUS $(cause)"
eq "no token: bare challenge" "Bearer" "$(hdr WWW-Authenticate)"
eec_register eec-1 ees1.edge.test $P_EES1 "$T3" "$UE1"
eq "token for another EES" "401 token.aud_mismatch" "$STATUS $(cause)"
has "challenge names the error" 'error="invalid_token"' "$(hdr WWW-Authenticate)"
provision eec-1
T1_NOSUB=$TOK_ees1_edge_test
eec_register eec-1 ees1.edge.test $P_EES1 "$T1_NOSUB" "$UE1"
eq "GPSI sent, token has no sub" "401 token.sub_mismatch" "$STATUS $(cause)"
provision eec-2 $GPSI2
T2=$TOK_ees1_edge_test
eec_register eec-1 ees1.edge.test $P_EES1 "$T2" "$UE1"
eq "another EEC's token" "401 token.client_mismatch" "$STATUS $(cause)"
KEY=$PKI/ecs1.edge.test.sig-k1.key
narrow=$("$BIN/edge-jwt" issue --key "$KEY" --kid k1 --iss $ECS --aud ees1.edge.test \
    --scope eees-easdiscovery --client eec-1 --gpsi $GPSI1)
eec_register eec-1 ees1.edge.test $P_EES1 "$narrow" "$UE1"
eq "scope without eees-eecregistration" "403 token.scope_insufficient" "$STATUS $(cause)"
has "challenge names the scope" 'scope="eees-eecregistration"' "$(hdr WWW-Authenticate)"
old=$("$BIN/edge-jwt" issue --key "$KEY" --kid k1 --iss $ECS --aud ees1.edge.test \
    --scope eees-eecregistration --client eec-1 --gpsi $GPSI1 --now 2020-01-01T00:00:00Z)
eec_register eec-1 ees1.edge.test $P_EES1 "$old" "$UE1"
eq "expired token" "401 token.expired" "$STATUS $(cause)"
req ees2.edge.test POST "$E1" $REG application/json "{\"eecId\":\"eec-1\"}" -H "Authorization: Bearer $T1"
eq "an EES is no EEC" "403 EEC_ID_MISMATCH" "$STATUS $(cause)"

# --- GPSI / EEC ID authentication (TS 33.558 6.3), before the token is looked at ---
eec_register eec-1 ees1.edge.test $P_EES1 "$T1" "\"ueId\":\"$GPSI2\""
eq "GPSI not bound to the certificate" "403 GPSI_NOT_AUTHENTICATED" "$STATUS $(cause)"
req eec-eec-1 POST "$E1" $REG application/json "{\"eecId\":\"eec-2\"}" -H "Authorization: Bearer $T1"
eq "eecId not the certificate's" "403 EEC_ID_MISMATCH" "$STATUS $(cause)"

# --- bad bodies ---
req eec-eec-1 POST "$E1" $REG application/json '{"ueId":"msisdn-491700000001"}'
eq "eecId missing" "400 MANDATORY_IE_MISSING" "$STATUS $(cause)"
req eec-eec-1 POST "$E1" $REG application/json '{"eecId":"eec-1","expTime":"tomorrow"}'
eq "expTime malformed" "400 MANDATORY_IE_INCORRECT" "$STATUS $(cause)"
req eec-eec-1 POST "$E1" $REG application/json '{"eecId":"eec-1","color":1}'
eq "unknown member" "400 INVALID_MSG_FORMAT" "$STATUS $(cause)"
req eec-eec-1 POST "$E1" $REG text/plain 'eecId=eec-1'
eq "not JSON" 415 "$STATUS"

# --- the registration resource: PUT, PATCH, DELETE by its owner only ---
req eec-eec-1 PUT "$E1" $REG/$R1 application/json "{\"eecId\":\"eec-1\",$UE1}" -H "Authorization: Bearer $T1"
eq "PUT by the owner" 200 "$STATUS"
eq "PUT keeps the context" "$C1" "$(jget "$BODY" 'd["eecCntxId"]')"
req eec-eec-1 PATCH "$E1" $REG/$R1 application/merge-patch+json '{"ueType":"NORMAL_UE"}' -H "Authorization: Bearer $T1"
eq "PATCH by the owner" "200 NORMAL_UE" "$STATUS $(jget "$BODY" 'd["ueType"]')"
eec_register eec-2 ees1.edge.test $P_EES1 "$T2" "\"ueId\":\"$GPSI2\""
eq "eec-2 registers too" 201 "$STATUS"
R2=$(hdr Location)
R2=${R2##*/}
req eec-eec-2 PUT "$E1" $REG/$R1 application/json "{\"eecId\":\"eec-2\",\"ueId\":\"$GPSI2\"}" -H "Authorization: Bearer $T2"
eq "PUT by another EEC" "403 REGISTRATION_NOT_OWNED" "$STATUS $(cause)"
req eec-eec-2 DELETE "$E1" $REG/$R1 -H "Authorization: Bearer $T2"
eq "DELETE by another EEC" "403 EEC_ID_MISMATCH" "$STATUS $(cause)"
req eec-eec-1 DELETE "$E1" $REG/reg-0000000000000000 -H "Authorization: Bearer $T1"
eq "DELETE of an unknown registration" "404 CONTEXT_NOT_FOUND" "$STATUS $(cause)"

# --- EAS discovery (Eees_EASDiscovery) ---
DISC=/eees-easdiscovery/v1/eas-profiles/request-discovery
req eec-eec-1 POST "$E1" $DISC application/json \
    '{"requestorId":{"eecId":"eec-1"},"easDiscoveryFilter":{"easChars":[{"easId":"eas-game"}]}}' \
    -H "Authorization: Bearer $T1"
eq "discovery by a registered EEC" "200 [\"eas-game\"]" "$STATUS $(jget "$BODY" '[x["eas"]["easId"] for x in d["discoveredEas"]]')"
conforms "discovery: the answer is an EasDiscoveryResp" eas_discovery_resp "$BODY"
req eec-eec-1 POST "$E1" $DISC application/json '{"requestorId":{"eecId":"eec-1"}}'
eq "discovery without a token" "401 token.missing" "$STATUS $(cause)"
provision eec-3
req eec-eec-3 POST "$E1" $DISC application/json '{"requestorId":{"eecId":"eec-3"}}' \
    -H "Authorization: Bearer $TOK_ees1_edge_test"
eq "discovery by an unregistered EEC" "403 EEC_NOT_REGISTERED" "$STATUS $(cause)"
req eec-eec-1 DELETE "$E1" $REG/$R1 -H "Authorization: Bearer $T1"
eq "DELETE by the owner" 204 "$STATUS"
req eec-eec-1 PUT "$E1" $REG/$R1 application/json "{\"eecId\":\"eec-1\"}" -H "Authorization: Bearer $T1"
eq "gone after DELETE" 404 "$STATUS"
# An EES asks with an EDGE-9 token from its ECS (curl at the token endpoint as ees2).
req ees2.edge.test POST "$ECS:$P_ECS1" /oauth2/token application/x-www-form-urlencoded \
    "grant_type=client_credentials&scope=eees-easdiscovery&targetEesFqdn=ees1.edge.test"
eq "EDGE-9 token for discovery" 200 "$STATUS"
TE=$(jget "$BODY" 'd["access_token"]')
req ees2.edge.test POST "$E1" $DISC application/json '{"requestorId":{"eesId":"ees2.edge.test"}}' \
    -H "Authorization: Bearer $TE"
eq "discovery by an EES" "200 2" "$STATUS $(jget "$BODY" 'len(d["discoveredEas"])')"
req ees3.edge.test POST "$E1" $DISC application/json '{"requestorId":{"eesId":"ees2.edge.test"}}' \
    -H "Authorization: Bearer $TE"
eq "eesId not the TLS peer" "403 EES_ID_MISMATCH" "$STATUS $(cause)"

# --- local authorization policy (ees2): no token; allowEecs decides ---
eec_register eec-1 ees2.edge.test $P_EES2 "" "$UE1"
eq "local policy: allowed EEC" 201 "$STATUS"
eec_register eec-2 ees2.edge.test $P_EES2 "" "\"ueId\":\"$GPSI2\""
eq "local policy: other EEC" "403 EEC_NOT_AUTHORIZED" "$STATUS $(cause)"
eec_register eec-1 ees2.edge.test $P_EES2 "" "\"ueId\":\"$GPSI2\""
eq "local policy: GPSI still authenticated" "403 GPSI_NOT_AUTHENTICATED" "$STATUS $(cause)"

# --- single-use tokens (ees3) ---
eec_register eec-1 ees3.edge.test $P_EES3 "$T3" "$UE1"
eq "single-use: first use" 201 "$STATUS"
eec_register eec-1 ees3.edge.test $P_EES3 "$T3" "$UE1"
eq "single-use: replay" "401 token.replayed" "$STATUS $(cause)"

r=$(ctl ees1.edge.test contexts)
eq "contexts at ees1" '["eec-2"]' "$(jget "$r" '[c["eecId"] for c in d["result"]["contexts"]]')"

# --- AKMA PSK mode (the real edge-eec as eec-2 with its A-KID): the GPSI the subscriber table
# binds to the PSK identity is the authenticated one ---
if [ -x "$BIN/edge-eec" ]; then
    start eec eec-2 "$(eec_config eec-2 "\"gpsi\": \"$GPSI2\", \"psk\": {\"akid\": \"atid-2@rid1.akma.edge.test\",
  \"kakma\": \"0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000\"}")"
    r=$(ctl eec-2 provision)
    eq "PSK: provisioning" 200 "$(jget "$r" 'd["result"]["status"]')"
    r=$(ctl eec-2 register '{"ees":"ees1.edge.test"}')
    eq "PSK: registration with the GPSI of the A-KID" 201 "$(jget "$r" 'd["result"]["status"]')"
    r=$(ctl eec-2 register "{\"ees\":\"ees1.edge.test\",\"ueId\":\"$GPSI1\"}")
    eq "PSK: another GPSI" "403 GPSI_NOT_AUTHENTICATED" \
        "$(jget "$r" '"%s %s" % (d["result"]["status"], d["result"]["problem"]["cause"])')"
else
    echo "note: edge-eec not built, the PSK section skipped"
fi
finish
