#!/usr/bin/env bash
# token_test.sh -- edge-ecs POST /oauth2/token for EDGE-9 (TR 33.739 6.27, RFC 6749 4.4, RFC 8705)
# at one ECS, curl as the S-EES: a token issued (exact claims, headers, verified with the ECS's
# JWKS), every RFC 6749 error the endpoint gives, edge9Policy rules, and the ctl "token" events.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs

for n in ecs1 ees1 ees2 ees3; do pki node --fqdn $n.edge.test; done
pki eec --eec-id eec-0001 --gpsi msisdn-491700000001
pki signkey --ecs ecs1.edge.test --kid k1

read -r P1 < <(free_ports 1)
ECS=ecs1.edge.test:$P1
cfg=$(ecs_config ecs1.edge.test "$P1" '"signing": {"dir": "pki"}, "edge9TokenLifetime": 120,
  "edge9Policy": {"rules": [{"client": "ees1.edge.test", "target": "*", "scope": "eees-eeccontextreloc eees-easdiscovery"},
                            {"client": "ees2.edge.test", "target": "ees1.edge.test", "scope": "eees-easdiscovery"}]}')
start ecs ecs1.edge.test "$cfg"
listen ecs1.edge.test
R=/eecs-eesregistration/v1/registrations
for n in ees1 ees2; do
    req $n.edge.test POST "$ECS" $R application/json "$(ees_reg $n.edge.test '["eas-1"]')"
    eq "$n registered" 201 "$STATUS"
done

# The ECS signs an eec_id only for an EEC it provisioned with that S-EES (nodes/ecs/README.md).
req eec-eec-0001 POST "$ECS" /eecs-serviceprovisioning/v1/request application/json '{"eecId":"eec-0001"}'
eq "eec-0001 provisioned with ees1 and ees2" 200 "$STATUS"

F=application/x-www-form-urlencoded
tok() { req "$1" POST "$ECS" /oauth2/token $F "$2"; }
err() { echo "$STATUS $(jget "$BODY" 'd["error"]')"; }

# --- issued ---
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees2.edge.test&eec_id=eec-0001'
eq "token: 200" 200 "$STATUS"
eq "token: Cache-Control no-store (RFC 6749 5.1)" no-store "$(hdr Cache-Control)"
eq "token: Pragma no-cache" no-cache "$(hdr Pragma)"
eq "token: Via names the deciding ECS" ecs1.edge.test "$(hdr Via)"
eq "token: token_type" Bearer "$(jget "$BODY" 'd["token_type"]')"
eq "token: expires_in = edge9TokenLifetime" 120 "$(jget "$BODY" 'd["expires_in"]')"
jwt=$(jget "$BODY" 'd["access_token"]')
c=$(claims "$jwt")
eq "claims: iss aud sub client_id scope eec_id" \
    'ecs1.edge.test ees2.edge.test ees1.edge.test ees1.edge.test eees-eeccontextreloc eec-0001' \
    "$(jget "$c" '" ".join([d["iss"], d["aud"], d["sub"], d["client_id"], d["scope"], d["eec_id"]])')"
eq "claims: exp - iat = 120" 120 "$(jget "$c" 'd["exp"] - d["iat"]')"
eq "claims: jti of 128 bits" 22 "$(jget "$c" 'len(d["jti"])')"
req ees2.edge.test GET "$ECS" /oauth2/jwks
echo "$BODY" >"$T/jwks.json"
out=$("$BIN/edge-jwt" verify "$jwt" --jwks "$T/jwks.json" --iss ecs1.edge.test --aud ees2.edge.test \
    --scope eees-eeccontextreloc --client ees1.edge.test --profile ees 2>&1)
eq "verify with the ECS's JWKS: exit 0" 0 "$?"
has "verify: token.ok" token.ok "$out"
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-easdiscovery&targetNfInstanceId=ees2.edge.test&client_id=ees1.edge.test'
eq "token by targetNfInstanceId, with client_id: 200" 200 "$STATUS"
# The first two token events are the EEC tokens of the provisioning.
ev=$(ctl_wait ecs1.edge.test token 4 | python -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[2:]))')
eq "ctl events: two tokens issued" '["issued", "issued"]' "$(jget "$ev" '[e["verdict"] for e in d]')"
eq "ctl event: the JWT, issuer, aud" "$jwt ecs1.edge.test ees2.edge.test" \
    "$(jget "$ev" '" ".join([d[0]["jwt"], d[0]["issuer"], d[0]["aud"]])')"
has "event log: token issued with jti and jwt" "\"jwt\":\"$jwt\"" "$(cat "$T/ecs1.edge.test.events.jsonl")"

# --- RFC 6749 5.2 errors ---
tok ees1.edge.test 'scope=eees-eeccontextreloc&targetEesFqdn=ees2.edge.test'
eq "no grant_type: invalid_request" "400 invalid_request" "$(err)"
eq "refusal: no-store too" no-store "$(hdr Cache-Control)"
tok ees1.edge.test 'grant_type=password&scope=eees-eeccontextreloc&targetEesFqdn=ees2.edge.test'
eq "grant_type password: unsupported_grant_type" "400 unsupported_grant_type" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&targetEesFqdn=ees2.edge.test'
eq "no scope: invalid_request" "400 invalid_request" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc&scope=eees-easdiscovery&targetEesFqdn=ees2.edge.test'
eq "scope twice: invalid_request" "400 invalid_request" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc'
eq "no target: invalid_request" "400 invalid_request" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&scope=bad%21scope&targetEesFqdn=ees2.edge.test'
eq "malformed scope: invalid_scope" "400 invalid_scope" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-eecregistration&targetEesFqdn=ees2.edge.test'
eq "scope no rule grants: invalid_scope" "400 invalid_scope" "$(err)"
tok ees2.edge.test 'grant_type=client_credentials&scope=eees-easdiscovery&targetEesFqdn=ees1.edge.test'
eq "rule for ees2 -> ees1: 200" 200 "$STATUS"
tok ees2.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees1.edge.test'
eq "ees2 beyond its rule: invalid_scope" "400 invalid_scope" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees2.edge.test&client_id=ees2.edge.test'
eq "client_id of another EES: invalid_client" "400 invalid_client" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees2.edge.test&requesterFqdn=ees2.edge.test'
eq "requesterFqdn of another EES: invalid_client" "400 invalid_client" "$(err)"
tok eec-eec-0001 'grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees2.edge.test'
eq "an EEC certificate (no FQDN): invalid_client" "400 invalid_client" "$(err)"
tok ees3.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees2.edge.test'
eq "an EES not registered here: unauthorized_client" "400 unauthorized_client" "$(err)"
tok ees1.edge.test 'grant_type=client_credentials&scope=eees-eeccontextreloc&targetEesFqdn=ees9.edge.test'
eq "T-EES registered nowhere (no peers): invalid_request" "400 invalid_request" "$(err)"
has "T-EES registered nowhere: says so" "ees9.edge.test is not known" "$(jget "$BODY" 'd["error_description"]')"
tok ees1.edge.test 'grant_type=client_credentials&scope=x&targetEesFqdn=%zz'
eq "malformed form: invalid_request" "400 invalid_request" "$(err)"
req ees1.edge.test POST "$ECS" /oauth2/token application/json '{"grant_type":"client_credentials"}'
eq "JSON body: 415 ProblemDetails" "415 UNSUPPORTED_MEDIA_TYPE" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test GET "$ECS" /oauth2/token
eq "GET /oauth2/token: 405" 405 "$STATUS"
ev=$(ctl_wait ecs1.edge.test token 19)
eq "ctl events: refusals reported with their rule" unsupported_grant_type \
    "$(jget "$ev" '[e["rule"] for e in d if e["verdict"] == "refused"][1]')"
finish
