#!/usr/bin/env bash
# registration_test.sh -- edge-ecs EDGE-6 Eecs_EESRegistration (TS 29.558, TS 23.558 8.4.4) with
# curl as the EES: create / get / put / patch / delete, granted expiry and expiry, owner checks,
# refusals of bad bodies and wrong peers; the JWKS and the rotate command; a graceful stop.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs

pki node --fqdn ecs1.edge.test
pki node --fqdn ees1.edge.test
pki node --fqdn ees2.edge.test
pki eec --eec-id eec-0001 --gpsi msisdn-491700000001
pki signkey --ecs ecs1.edge.test --kid k1
pki signkey --ecs ecs1.edge.test --kid k2

read -r P1 < <(free_ports 1)
ECS=ecs1.edge.test:$P1
cfg=$(ecs_config ecs1.edge.test "$P1" '"peers": [], "signing": {"dir": "pki", "active": "k1"}, "registration": {"defaultExpiry": 30, "maxExpiry": 60}')
start ecs ecs1.edge.test "$cfg"
R=/eecs-eesregistration/v1/registrations
J=application/json

# --- create ---
now=$(date +%s)
req ees1.edge.test POST "$ECS" $R $J "$(ees_reg ees1.edge.test '["eas-1"]')"
eq "create: 201" 201 "$STATUS"
loc=$(hdr Location)
id1=${loc##*/}
has "create: Location is the resource URI" "https://ecs1.edge.test:$P1$R/" "$loc"
eq "create: registration ID is 32 hex" 32 "${#id1}"
exp=$(python -c 'import sys,datetime; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")).timestamp()))' "$(jget "$BODY" 'd["expTime"]')")
d=$((exp - now))
[ "$d" -ge 29 ] && [ "$d" -le 31 ] && pass "create: no expTime -> defaultExpiry (30 s)" ||
    fail "create: no expTime: granted $d s, expected 30"
eq "create: body echoes eesProf" ees1.edge.test "$(jget "$BODY" 'd["eesProf"]["eesId"]')"

# --- read, by the owner and by another EES ---
req ees1.edge.test GET "$ECS" "$R/$id1"
eq "get: 200" 200 "$STATUS"
eq "get: easIds" '["eas-1"]' "$(jget "$BODY" 'd["eesProf"]["easIds"]')"
req ees2.edge.test GET "$ECS" "$R/$id1"
eq "get by another EES: 403" 403 "$STATUS"
eq "get by another EES: cause" REGISTRATION_NOT_OWNED "$(jget "$BODY" 'd["cause"]')"
req ees1.edge.test GET "$ECS" "$R/0123456789abcdef0123456789abcdef"
eq "get unknown: 404" 404 "$STATUS"
eq "get unknown: cause" CONTEXT_NOT_FOUND "$(jget "$BODY" 'd["cause"]')"

# --- update (PUT) and modify (PATCH) ---
req ees1.edge.test PUT "$ECS" "$R/$id1" $J "$(ees_reg ees1.edge.test '["eas-1","eas-2"]')"
eq "put: 200" 200 "$STATUS"
eq "put: new easIds" '["eas-1", "eas-2"]' "$(jget "$BODY" 'd["eesProf"]["easIds"]')"
req ees2.edge.test PUT "$ECS" "$R/$id1" $J "$(ees_reg ees2.edge.test '["eas-9"]')"
eq "put by another EES: 403 REGISTRATION_NOT_OWNED" "403 REGISTRATION_NOT_OWNED" "$STATUS $(jget "$BODY" 'd["cause"]')"
want=$(date -u -d "@$(($(date +%s) + 20))" +%Y-%m-%dT%H:%M:%SZ)
req ees1.edge.test PATCH "$ECS" "$R/$id1" $J "{\"expTime\":\"$want\"}"
eq "patch as application/json: 415" 415 "$STATUS"
req ees1.edge.test PATCH "$ECS" "$R/$id1" application/merge-patch+json "{\"expTime\":\"$want\"}"
eq "patch: 200" 200 "$STATUS"
eq "patch: requested expTime granted" "$want" "$(jget "$BODY" 'd["expTime"]')"
eq "patch: profile kept" '["eas-1", "eas-2"]' "$(jget "$BODY" 'd["eesProf"]["easIds"]')"
req ees1.edge.test PATCH "$ECS" "$R/$id1" application/merge-patch+json '{"expTime":"2100-01-01T00:00:00Z"}'
exp=$(python -c 'import sys,datetime; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")).timestamp()))' "$(jget "$BODY" 'd["expTime"]')")
d=$((exp - $(date +%s)))
[ "$d" -ge 58 ] && [ "$d" -le 61 ] && pass "patch: far expTime capped at maxExpiry (60 s)" ||
    fail "patch: far expTime granted $d s, expected 60"
req ees1.edge.test PATCH "$ECS" "$R/$id1" application/merge-patch+json '{"expTime":"2001-01-01T00:00:00Z"}'
eq "patch: expTime in the past: 400 MANDATORY_IE_INCORRECT" "400 MANDATORY_IE_INCORRECT" "$STATUS $(jget "$BODY" 'd["cause"]')"

# --- bad bodies: 400 naming the field, 415, and who may register as whom ---
req ees1.edge.test POST "$ECS" $R $J '{"eesProf":{"eesId":"ees1.edge.test","endPt":{"uri":"https://ees1.edge.test"}}}'
eq "missing eecRegConf: 400 MANDATORY_IE_MISSING" "400 MANDATORY_IE_MISSING" "$STATUS $(jget "$BODY" 'd["cause"]')"
eq "missing eecRegConf: invalidParams names it" eesProf.eecRegConf "$(jget "$BODY" 'd["invalidParams"][0]["param"]')"
req ees1.edge.test POST "$ECS" $R $J "$(ees_reg ees1.edge.test '["eas-1"]' '"bogus":1')"
eq "unknown field: 400 INVALID_MSG_FORMAT" "400 INVALID_MSG_FORMAT" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test POST "$ECS" $R $J "$(ees_reg ees1.edge.test '"eas-1"')"
eq "easIds not an array: 400 MANDATORY_IE_INCORRECT" "400 MANDATORY_IE_INCORRECT" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test POST "$ECS" $R $J '{"eesProf":'
eq "malformed JSON: 400 INVALID_MSG_FORMAT" "400 INVALID_MSG_FORMAT" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test POST "$ECS" $R text/plain "$(ees_reg ees1.edge.test '["eas-1"]')"
eq "text/plain: 415" 415 "$STATUS"
req ees2.edge.test POST "$ECS" $R $J "$(ees_reg ees1.edge.test '["eas-1"]')"
eq "ees2 registering as ees1: 403 EES_ID_MISMATCH" "403 EES_ID_MISMATCH" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees2.edge.test POST "$ECS" $R $J '{"eesProf":{"eesId":"ees2.edge.test","endPt":{"uri":"https://ees1.edge.test"},"eecRegConf":false}}'
eq "endPt of another host: 403 EES_ENDPOINT_MISMATCH" "403 EES_ENDPOINT_MISMATCH" "$STATUS $(jget "$BODY" 'd["cause"]')"
req eec-eec-0001 POST "$ECS" $R $J "$(ees_reg ees1.edge.test '["eas-1"]')"
eq "an EEC certificate: 403 EES_ID_MISMATCH" "403 EES_ID_MISMATCH" "$STATUS $(jget "$BODY" 'd["cause"]')"
req ees1.edge.test POST "$ECS" $R $J "{\"eesProf\":$(jget "$(ees_reg ees1.edge.test '["eas-1"]')" 'd["eesProf"]'),\"expTime\":\"2001-01-01T00:00:00Z\"}"
eq "create with expTime in the past: 400" 400 "$STATUS"
req ees1.edge.test DELETE "$ECS" /eecs-eesregistration/v1/registrations
eq "DELETE on the collection: 405" 405 "$STATUS"

# --- re-registration replaces the old registration ---
req ees1.edge.test POST "$ECS" $R $J "$(ees_reg ees1.edge.test '["eas-3"]')"
eq "re-register: 201" 201 "$STATUS"
loc=$(hdr Location)
id2=${loc##*/}
req ees1.edge.test GET "$ECS" "$R/$id1"
eq "re-register: old registration gone (404)" 404 "$STATUS"
list=$(ctl ecs1.edge.test registrations)
eq "registrations: one entry, the new one" "[\"$id2\"]" "$(jget "$list" '[r["regId"] for r in d["result"]["registrations"]]')"
eq "registrations: eesId" ees1.edge.test "$(jget "$list" 'd["result"]["registrations"][0]["eesId"]')"
has "event log: replacement logged" "re-registered: old registration replaced" "$(cat "$T/ecs1.edge.test.events.jsonl")"

# --- delete ---
req ees2.edge.test DELETE "$ECS" "$R/$id2"
eq "delete by another EES: 403" 403 "$STATUS"
req ees1.edge.test DELETE "$ECS" "$R/$id2"
eq "delete: 204" 204 "$STATUS"
req ees1.edge.test GET "$ECS" "$R/$id2"
eq "deleted: 404" 404 "$STATUS"

# --- expiry: a registration granted 2 s disappears (polled with a deadline) ---
want=$(date -u -d "@$(($(date +%s) + 2))" +%Y-%m-%dT%H:%M:%SZ)
req ees2.edge.test POST "$ECS" $R $J "{\"eesProf\":$(jget "$(ees_reg ees2.edge.test '["eas-1"]')" 'd["eesProf"]'),\"expTime\":\"$want\"}"
eq "short registration: 201" 201 "$STATUS"
gone=no
for i in $(seq 1 50); do
    n=$(jget "$(ctl ecs1.edge.test registrations)" 'len(d["result"]["registrations"])')
    [ "$n" = 0 ] && { gone=yes; break; }
    sleep 0.1
done
eq "expiry: registration removed" yes "$gone"
has "event log: expiry logged" "expired: registration removed" "$(cat "$T/ecs1.edge.test.events.jsonl")"

# --- JWKS and rotation ---
req ees1.edge.test GET "$ECS" /oauth2/jwks
eq "jwks: 200" 200 "$STATUS"
eq "jwks: Content-Type" application/jwk-set+json "$(hdr Content-Type)"
eq "jwks: kids" '["k1", "k2"]' "$(jget "$BODY" 'sorted(k["kid"] for k in d["keys"])')"
eq "jwks: ES256 P-256 keys, no private part" '[["ES256", "P-256", false]]' \
    "$(jget "$BODY" 'sorted(set((k["alg"], k["crv"], "d" in k) for k in d["keys"]))')"
r=$(ctl ecs1.edge.test rotate '{"kid":"k2"}')
eq "rotate k2: active" k2 "$(jget "$r" 'd["result"]["active"]')"
eq "rotate k2: previous" k1 "$(jget "$r" 'd["result"]["previous"]')"
r=$(ctl ecs1.edge.test rotate '{"kid":"nope"}')
eq "rotate to a missing kid: refused" false "$(jget "$r" 'd["ok"]')"
pki signkey --ecs ecs1.edge.test --kid k3
r=$(ctl ecs1.edge.test rotate '{"kid":"k3"}')
eq "rotate to a key made while running" k3 "$(jget "$r" 'd["result"]["active"]')"
req ees1.edge.test GET "$ECS" /oauth2/jwks
eq "jwks after rotation: old keys kept, new one served" '["k1", "k2", "k3"]' "$(jget "$BODY" 'sorted(k["kid"] for k in d["keys"])')"

# --- a bad config is refused with the file and field named ---
read -r P9 < <(free_ports 1)
sed 's/"peers": \[\]/"peers": ["ecs7.edge.test"]/; s/"port": [0-9]*/"port": '"$P9"'/' "$cfg" >"$T/bad1.json"
out=$("$BIN/edge-ecs" --config "$T/bad1.json" --ctl "$T/bad.sock" 2>&1)
eq "bad config (peer not in hosts): exit 1" 1 "$?"
has "bad config: names the field" "bad1.json: peers[0]: no address for ecs7.edge.test" "$out"
sed 's/"peers": \[\]/"peers": [], "maxForwardHops": 99/' "$cfg" >"$T/bad2.json"
out=$("$BIN/edge-ecs" --config "$T/bad2.json" --ctl "$T/bad.sock" 2>&1)
has "bad config: maxForwardHops range" "bad2.json: maxForwardHops" "$out"
sed 's/"active": "k1"/"active": "k7"/; s/"port": [0-9]*/"port": '"$P9"'/' "$cfg" >"$T/bad3.json"
out=$("$BIN/edge-ecs" --config "$T/bad3.json" --ctl "$T/bad.sock" 2>&1)
has "bad config: unknown active kid" "bad3.json: signing.active" "$out"

# --- graceful stop ---
stop ecs1.edge.test ctl
eq "stop: exit 0" 0 "$STOPPED"
finish
