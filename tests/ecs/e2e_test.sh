#!/usr/bin/env bash
# e2e_test.sh -- edge-ecs with the real edge-ees across two ECSes (TR 33.739 6.27): ees1 is
# registered at ecs1, ees2 at ecs2. The S-EES finds the T-EES through its ECS (target EES
# discovery reaching the peer ECS), gets an EDGE-9 token that ecs1 forwards to ecs2 (iss = ecs2,
# Via ecs2, ecs1), and pushes an EEC context that ees2 accepts with the key of its own ECS.
# Skipped (127) when edge-ees is not built.
. "$(dirname "$0")/../lib.sh" "$1" edge-ecs edge-ees
cast

start ecs ecs1.edge.test "$(ecs_config ecs1.edge.test $P_ECS1 '"peers": ["ecs2.edge.test"]')"
start ecs ecs2.edge.test "$(ecs_config ecs2.edge.test $P_ECS2 '"peers": ["ecs1.edge.test"]')"
listen ecs2.edge.test
# Each EES is ready once registered at its ECS.
start ees ees1.edge.test "$(ees_config ees1.edge.test $P_EES1 ecs1.edge.test '"easIds": ["eas-video"]')"
start ees ees2.edge.test "$(ees_config ees2.edge.test $P_EES2 ecs2.edge.test '"easIds": ["eas-video"]')"

r=$(ctl ecs1.edge.test registrations)
eq "ees1 registered itself at ecs1" '["ees1.edge.test"]' "$(jget "$r" '[x["eesId"] for x in d["result"]["registrations"]]')"
r=$(ctl ecs2.edge.test registrations)
eq "ees2 registered itself at ecs2" '["ees2.edge.test"]' "$(jget "$r" '[x["eesId"] for x in d["result"]["registrations"]]')"

# --- target EES discovery at ecs1 finds ees2 at ecs2 ---
r=$(ctl ees1.edge.test discover_target '{"easId":"eas-video"}')
eq "discover_target: 200" 200 "$(jget "$r" 'd["result"]["status"]')"
has "discover_target: ees2 at the peer ECS" ees2.edge.test "$(jget "$r" 'd["result"]["eess"]')"

# --- the EDGE-9 token, forwarded once, signed by ecs2 ---
r=$(ctl ees1.edge.test request_token '{"target":"ees2.edge.test","scope":"eees-eeccontextreloc"}')
eq "request_token: 200" 200 "$(jget "$r" 'd["result"]["status"]')"
eq "request_token: via ecs2, ecs1" '["ecs2.edge.test", "ecs1.edge.test"]' "$(jget "$r" 'd["result"]["via"]')"
jwt=$(jget "$r" 'd["result"]["token"]')
eq "token: iss ecs2, aud ees2, client_id ees1" "ecs2.edge.test ees2.edge.test ees1.edge.test" \
    "$(jget "$(claims "$jwt")" '" ".join([d["iss"], d["aud"], d["client_id"]])')"
ev=$(ctl_wait ecs2.edge.test token 1)
eq "ecs2 reported the token it signed" "issued $jwt" "$(jget "$ev" 'd[0]["verdict"] + " " + d[0]["jwt"]')"

# --- an EEC registers at ees1 with its provisioned token; ees1 pushes its context to ees2 ---
req eec-eec-1 POST ecs1.edge.test:$P_ECS1 /eecs-serviceprovisioning/v1/request application/json \
    '{"eecId":"eec-1","ueId":"msisdn-491700000001","acProfs":[{"acId":"ac-1","eass":[{"easId":"eas-video"}]}]}'
eq "provisioning at ecs1: 200, ees1 only (ees2 is another ECS's)" '200 ["ees1.edge.test"]' \
    "$STATUS $(jget "$BODY" '[e["eesId"] for e in d["ednCnfgInfo"][0]["eess"]]')"
t1=$(jget "$BODY" 'd["ednCnfgInfo"][0]["eess"][0]["accessToken"]')
req eec-eec-1 POST ees1.edge.test:$P_EES1 /eees-eecregistration/v1/registrations application/json \
    '{"eecId":"eec-1","ueId":"msisdn-491700000001"}' -H "Authorization: Bearer $t1"
eq "EEC registered at ees1 with the ECS's token" 201 "$STATUS"
cntx=$(jget "$BODY" 'd["eecCntxId"]')
r=$(ctl ees1.edge.test push "{\"target\":\"ees2.edge.test\",\"eecCntxId\":\"$cntx\"}")
s=$(jget "$r" 'd["result"]["status"]')
[ "$s" = 200 ] || [ "$s" = 204 ] && pass "push to ees2 with the ecs2 token: $s" ||
    fail "push to ees2 with the ecs2 token: expected 200 or 204, got [$s]: $r"
r=$(ctl ees2.edge.test contexts)
has "ees2 holds the pushed context" "\"$cntx\"" "$(jget "$r" 'd["result"]["contexts"]')"
has "ecs1 logged the hop with both ECS names" "forwarded from ECS ecs1.edge.test to ECS ecs2.edge.test" \
    "$(cat "$T/ecs1.edge.test.events.jsonl")"
finish
