#!/usr/bin/env bash
# ecsreg_test.sh -- edge-ees at its ECS over EDGE-6 (TS 23.558 8.4.4): it waits for an ECS that
# is not up yet, registers (ready only then), keeps the registration alive, registers again on its
# own after the ECS restarted and lost it, reloads the ECS's JWKS when a token names a new kid
# (rate-limited), deregisters when stopped; bad configs are refused naming the field.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
cast

ECS=ecs1.edge.test
EES=ees1.edge.test

# --- a bad config: exit 1 naming file and field ---
cfg=$(ees_config $EES $P_EES1 $ECS '"tokenReplay": "sometimes"')
out=$("$BIN/edge-ees" --config "$cfg" --ctl "$T/bad.sock" 2>&1)
eq "bad config: exit 1" 1 $?
has "bad config: names the field" "tokenReplay" "$out"
cfg=$(ees_config $EES $P_EES1 $ECS '"authorization": "token", "colour": 1')
out=$("$BIN/edge-ees" --config "$cfg" --ctl "$T/bad.sock" 2>&1)
has "unknown key refused" "colour: unknown field" "$out"

# --- the EES starts before its ECS: it retries, and says ready once registered ---
ees_cfg=$(ees_config $EES $P_EES1 $ECS '"keepAlive": 1, "registrationExpiry": 60, "registrationRetryMax": 300')
launch ees $EES "$ees_cfg"
r=$(ctl $EES status)
eq "not ready while the ECS is down" false "$(jget "$r" 'd["result"]["ready"]')"
start ecs $ECS "$(ecs_config $ECS $P_ECS1)"
ready $EES
eq "ready once the ECS is up" 0 $?

r=$(ctl $EES registration)
eq "registration: registered" true "$(jget "$r" 'd["result"]["registered"]')"
eq "registration: at its ECS" $ECS "$(jget "$r" 'd["result"]["ecs"]')"
REG1=$(jget "$r" 'd["result"]["regId"]')
r=$(ctl $ECS registrations)
eq "the ECS holds it" "$REG1 $EES" "$(jget "$r" 'd["result"]["registrations"][0]["regId"] + " " + d["result"]["registrations"][0]["eesId"]')"
eq "EESProfile.easIds" '["eas-game", "eas-video"]' "$(jget "$r" 'sorted(d["result"]["registrations"][0]["easIds"])')"
has "expTime proposed (60 s)" "expiresIn" "$r"
left=$(jget "$r" 'd["result"]["registrations"][0]["expiresIn"]')
[ "$left" -le 60 ] && [ "$left" -ge 55 ] && pass "granted about 60 s ($left)" || fail "granted $left s"

# --- the ECS restarts and forgets it: the EES registers again on its own ---
listen $EES
stop $ECS
start ecs $ECS "$T/$ECS.json"
ctl_wait $EES registered 1 8 >/dev/null # the EES's own re-registration
eq "lost registration reported" '["lost"]' "$(jget "$(ctl_events $EES deregistered)" '[e["reason"] for e in d]')"
eq "registered again" '["again"]' "$(jget "$(ctl_events $EES registered)" '[e["reason"] for e in d]')"
r=$(ctl $ECS registrations)
eq "the restarted ECS holds it" "$EES" "$(jget "$r" 'd["result"]["registrations"][0]["eesId"]')"
REG2=$(jget "$r" 'd["result"]["registrations"][0]["regId"]')
[ -n "$REG2" ] && [ "$REG2" != "$REG1" ] && pass "a new registration ID" || fail "regId $REG1 -> $REG2"
has "logged" "REGISTRATION_LOST" "$(cat "$T/$EES.events.jsonl")"

# --- a new signing key: the EES meets its kid in a token and reloads the JWKS once ---
pki signkey --ecs $ECS --kid k2
r=$(ctl $ECS rotate '{"kid":"k2"}')
eq "ECS rotated to k2" k2 "$(jget "$r" 'd["result"]["active"]')"
provision eec-1 $GPSI1
TOK=$TOK_ees1_edge_test
has "token signed with k2" '"kid": "k2"' "$("$BIN/edge-jwt" decode "$TOK")"
eec_register eec-1 $EES $P_EES1 "$TOK" "\"ueId\":\"$GPSI1\""
eq "token with the new kid accepted" 201 "$STATUS"
has "JWKS reloaded for k2" "kid k2 unknown: reloading the JWKS" "$(cat "$T/$EES.events.jsonl")"
# A made-up kid right after: no second reload within jwksReloadInterval.
forged="$(printf '{"alg":"ES256","kid":"k9","typ":"JWT"}' | base64 -w0 | tr '+/' '-_' | tr -d '=').${TOK#*.}"
eec_register eec-1 $EES $P_EES1 "$forged" "\"ueId\":\"$GPSI1\""
eq "unknown kid: 401" 401 "$STATUS"
eq "unknown kid: rule" token.kid_unknown "$(cause)"
has "reload rate-limited" "JWKS_RELOAD_LIMITED" "$(cat "$T/$EES.events.jsonl")"

# --- stop: the EES deregisters, exits 0 ---
stop $EES
eq "EES exits 0" 0 "$STOPPED"
r=$(ctl $ECS registrations)
eq "deregistered at the ECS" "[]" "$(jget "$r" 'd["result"]["registrations"]')"
finish
