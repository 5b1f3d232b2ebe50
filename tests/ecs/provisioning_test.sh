#!/usr/bin/env bash
# provisioning_test.sh -- edge-ecs EDGE-4 POST /eecs-serviceprovisioning/v1/request (TS 24.558
# 7.2.2, TS 33.558 6.2) with curl as the EEC: EES selection by EAS ID and location, one
# token-based and one local-policy EES (exact claims of the token), GPSI bound / not bound /
# unknown, EEC ID mismatch, local EEC policy, 204, bad bodies, and the AKMA PSK mode (openssl
# s_client with K_AF as the TLS 1.3 external PSK).
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs

for n in ecs1 ees1 ees2 ees3; do pki node --fqdn $n.edge.test; done
pki eec --eec-id eec-0001 --gpsi msisdn-491700000001
pki eec --eec-id eec-0002
pki eec --eec-id eec-0003 --gpsi msisdn-491700000003
pki eec --eec-id eec-0009
pki signkey --ecs ecs1.edge.test --kid k1
KAKMA=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
AKID=atid-0004@rid1.akma.edge.test

read -r P1 < <(free_ports 1)
ECS=ecs1.edge.test:$P1
cfg=$(ecs_config ecs1.edge.test "$P1" '"signing": {"dir": "pki"}, "tokenLifetime": 2,
  "eesAuth": {"ees1.edge.test": "token", "ees2.edge.test": "local"},
  "eesScopes": {"ees1.edge.test": "eees-eecregistration eees-easdiscovery"},
  "eecPolicy": {"allow": ["eec-0001", "eec-0002", "eec-0003", "eec-0004"]},
  "subscribers": [
    {"akid": "atid-0001@rid1.akma.edge.test", "kakma": "'$KAKMA'", "gpsi": "msisdn-491700000001", "eecId": "eec-0001"},
    {"akid": "'$AKID'", "kakma": "'$KAKMA'", "gpsi": "msisdn-491700000004", "eecId": "eec-0004"}]')
start ecs ecs1.edge.test "$cfg"
listen ecs1.edge.test

cell() { echo "{\"plmnId\":{\"mcc\":\"001\",\"mnc\":\"01\"},\"nrCellId\":\"00000000$1\"}"; }
R=/eecs-eesregistration/v1/registrations
req ees1.edge.test POST "$ECS" $R application/json \
    "$(ees_reg ees1.edge.test '["eas-1"]' "\"svcArea\":{\"topServAr\":{\"ncgis\":[$(cell 1)]}}")"
eq "ees1 (token, cell 1) registered" 201 "$STATUS"
req ees2.edge.test POST "$ECS" $R application/json "$(ees_reg ees2.edge.test '["eas-1","eas-2"]')"
eq "ees2 (local, everywhere) registered" 201 "$STATUS"
req ees3.edge.test POST "$ECS" $R application/json "$(ees_reg ees3.edge.test '["eas-3"]')"
eq "ees3 (default: token) registered" 201 "$STATUS"

SP=/eecs-serviceprovisioning/v1/request
prov() { req "eec-$1" POST "$ECS" $SP application/json "$2"; }
ac() { echo "\"acProfs\":[{\"acId\":\"ac-1\",\"eass\":[{\"easId\":\"$1\"}]}]"; }
ees_of() { jget "$BODY" "sorted(e[\"eesId\"] for e in d[\"ednCnfgInfo\"][0][\"eess\"])"; }
info() { jget "$BODY" "[e for e in d[\"ednCnfgInfo\"][0][\"eess\"] if e[\"eesId\"] == \"$1\"][0]$2"; }
cause() { echo "$STATUS $(jget "$BODY" 'd["cause"]')"; }

# --- selection, tokens for token-based EESes only, exact claims ---
prov eec-0001 "{\"eecId\":\"eec-0001\",\"ueId\":\"msisdn-491700000001\",$(ac eas-1),\"locInf\":{\"ncgi\":$(cell 1)}}"
eq "provision: 200" 200 "$STATUS"
eq "provision: EESes offering eas-1 whose area covers cell 1" '["ees1.edge.test", "ees2.edge.test"]' "$(ees_of)"
eq "token-based ees1: accessToken present" yes "$(info ees1.edge.test '["accessToken"] and "yes"')"
eq "local ees2: no accessToken" no "$(info ees2.edge.test '.get("accessToken") and "yes" or "no"')"
eq "eesAuthMethods: certificate" '["TLS_CLIENT_SERVER_CERTIFICATE"]' "$(info ees1.edge.test '["eesAuthMethods"]')"
eq "EESInfo: endPt, easIds, eecRegConf" '[{"uri": "https://ees1.edge.test:8443"}, ["eas-1"], true]' \
    "$(info ees1.edge.test '' | python -c 'import json,sys; e=json.load(sys.stdin); print(json.dumps([e["endPt"], e["easIds"], e["eecRegConf"]]))')"
has "lifeTime present" T "$(jget "$BODY" 'd["ednCnfgInfo"][0]["lifeTime"]')"
jwt=$(info ees1.edge.test '["accessToken"]')
c=$(claims "$jwt")
eq "claims: iss aud client_id sub scope" \
    "ecs1.edge.test|ees1.edge.test|eec-0001|msisdn-491700000001|eees-eecregistration eees-easdiscovery" \
    "$(jget "$c" '"|".join([d["iss"], d["aud"], d["client_id"], d["sub"], d["scope"]])')"
eq "claims: exp - iat = tokenLifetime (2 s)" 2 "$(jget "$c" 'd["exp"] - d["iat"]')"
req ees1.edge.test GET "$ECS" /oauth2/jwks
echo "$BODY" >"$T/jwks.json"
out=$("$BIN/edge-jwt" verify "$jwt" --jwks "$T/jwks.json" --iss ecs1.edge.test --aud ees1.edge.test \
    --scope eees-eecregistration --client eec-0001 --gpsi msisdn-491700000001 \
    --peer-gpsi msisdn-491700000001 --profile eec 2>&1)
eq "verify with the ECS's JWKS: ok" 0 "$?"
out=$("$BIN/edge-jwt" verify "$jwt" --jwks "$T/jwks.json" --iss ecs1.edge.test --aud ees1.edge.test \
    --client eec-0001 --profile eec --now $(($(jget "$c" 'd["exp"]') + 60)) 2>&1)
has "the 2 s token, a minute later: token.expired" token.expired "$out"
ev=$(ctl_wait ecs1.edge.test token 1)
eq "ctl event: issued, for ees1, the JWT" "issued ees1.edge.test $jwt" \
    "$(jget "$ev" '" ".join([d[0]["verdict"], d[0]["aud"], d[0]["jwt"]])')"

prov eec-0001 "{\"eecId\":\"eec-0001\",$(ac eas-1)}"
eq "no ueId: 200" 200 "$STATUS"
eq "no ueId: no sub in the token" absent "$(jget "$(claims "$(info ees1.edge.test '["accessToken"]')")" 'd.get("sub", "absent")')"
prov eec-0001 "{\"eecId\":\"eec-0001\",$(ac eas-1),\"locInf\":{\"ncgi\":$(cell 2)}}"
eq "UE in cell 2: only the EES without area" '["ees2.edge.test"]' "$(ees_of)"
prov eec-0002 "{\"eecId\":\"eec-0002\",$(ac eas-3)}"
eq "eas-3: ees3, default scope" "eees-eecregistration eees-easdiscovery eees-appctxtreloc" \
    "$(jget "$(claims "$(info ees3.edge.test '["accessToken"]')")" 'd["scope"]')"
prov eec-0002 '{"eecId":"eec-0002"}'
eq "no AC profile: every EES" '["ees1.edge.test", "ees2.edge.test", "ees3.edge.test"]' "$(ees_of)"
prov eec-0001 "{\"eecId\":\"eec-0001\",$(ac eas-9)}"
eq "no EES offers eas-9: 204" 204 "$STATUS"

# --- GPSI authentication (TS 33.558 6.2), EEC ID, local policy ---
prov eec-0002 "{\"eecId\":\"eec-0002\",\"ueId\":\"msisdn-491700000001\",$(ac eas-1)}"
eq "GPSI not bound to the certificate: 403" "403 GPSI_NOT_AUTHENTICATED" "$(cause)"
prov eec-0001 "{\"eecId\":\"eec-0001\",\"ueId\":\"msisdn-491700000002\",$(ac eas-1)}"
eq "another GPSI than the bound one: 403" "403 GPSI_NOT_AUTHENTICATED" "$(cause)"
prov eec-0003 "{\"eecId\":\"eec-0003\",\"ueId\":\"msisdn-491700000003\",$(ac eas-1)}"
eq "bound GPSI unknown to the subscriber data: 403" "403 GPSI_UNKNOWN" "$(cause)"
prov eec-0001 "{\"eecId\":\"eec-0002\",$(ac eas-1)}"
eq "eecId not the certificate's: 403" "403 EEC_ID_MISMATCH" "$(cause)"
prov eec-0009 "{\"eecId\":\"eec-0009\",$(ac eas-1)}"
eq "EEC outside the local policy: 403" "403 EEC_NOT_AUTHORIZED" "$(cause)"
req ees1.edge.test POST "$ECS" $SP application/json "{\"eecId\":\"eec-0001\",$(ac eas-1)}"
eq "an EES certificate: 403" "403 EEC_ID_MISMATCH" "$(cause)"
ev=$(ctl_wait ecs1.edge.test token 5)
eq "refusals issued no token (5 before them)" 5 "$(jget "$ev" 'len(d)')"

# --- bad bodies ---
prov eec-0001 "{$(ac eas-1)}"
eq "no eecId: 400 MANDATORY_IE_MISSING" "400 MANDATORY_IE_MISSING" "$(cause)"
prov eec-0001 '{"eecId":"eec-0001","ueId":"491700000001"}'
eq "ueId not a GPSI: 400 MANDATORY_IE_INCORRECT" "400 MANDATORY_IE_INCORRECT" "$(cause)"
eq "ueId not a GPSI: field named" ueId "$(jget "$BODY" 'd["invalidParams"][0]["param"]')"
prov eec-0001 '[1,2]'
eq "not an object: 400 INVALID_MSG_FORMAT" "400 INVALID_MSG_FORMAT" "$(cause)"

# --- AKMA PSK mode: the EEC authenticates with K_AF, the GPSI is the subscriber table's ---
if [ -x "$BIN/akma_kaf" ] && command -v openssl >/dev/null; then
    kaf=$("$BIN/akma_kaf" "$KAKMA" ecs1.edge.test)
    body="{\"eecId\":\"eec-0004\",\"ueId\":\"msisdn-491700000004\",$(ac eas-1)}"
    psk() {
        printf 'POST %s HTTP/1.1\r\nHost: ecs1.edge.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
            "$SP" "${#1}" "$1" |
            timeout 5 openssl s_client -connect "127.0.0.1:$P1" -tls1_3 -servername ecs1.edge.test \
                -psk_identity "$AKID" -psk "$2" -ign_eof -quiet 2>/dev/null
    }
    out=$(psk "$body" "$kaf")
    has "PSK: 200" "HTTP/1.1 200" "$out"
    resp=$(printf '%s' "$out" | sed -n '/^{/,$p')
    eq "PSK: eesAuthMethods TLS_WITH_AKMA" '["TLS_WITH_AKMA"]' \
        "$(jget "$resp" '[e for e in d["ednCnfgInfo"][0]["eess"] if e["eesId"] == "ees1.edge.test"][0]["eesAuthMethods"]')"
    tokp=$(jget "$resp" '[e for e in d["ednCnfgInfo"][0]["eess"] if e["eesId"] == "ees1.edge.test"][0]["accessToken"]')
    eq "PSK: token sub = the subscriber's GPSI, client_id its EEC ID" "msisdn-491700000004 eec-0004" \
        "$(jget "$(claims "$tokp")" 'd["sub"] + " " + d["client_id"]')"
    out=$(psk "{\"eecId\":\"eec-0004\",\"ueId\":\"msisdn-491700000001\",$(ac eas-1)}" "$kaf")
    has "PSK: another GPSI than the A-KID's: 403 GPSI_NOT_AUTHENTICATED" GPSI_NOT_AUTHENTICATED "$out"
else
    echo "skip: PSK checks (no akma_kaf or openssl)"
fi
finish
