#!/usr/bin/env bash
# eec_ctl_test.sh BIN -- edge-eec's config checks and control-command validation: bad configs
# exit 1 naming the field; bad or missing arguments, unknown EESes and commands that need a
# registration answer stable ctl error codes; a provisioning with nobody listening answers
# status 0 with the reason; "stop" ends the node with exit 0, also while a provisioning waits on
# an ECS that never answers (the waiting runner is let go, nothing leaks).
. "$(dirname "$0")/../lib.sh" "$1" edge-eec

pki eec --eec-id eec-0001 --gpsi msisdn-491700000001
closed=$(free_ports 1) # nobody listens there

conf() { # conf FILE EXTRA_JSON_MEMBERS [ECS]
    cat >"$1" <<EOF
{
  "node": "eec-0001",
  "hosts": {"ecs1.edge.test": "127.0.0.1:$closed", "ees1.edge.test": "127.0.0.1:$closed",
            "ees2.edge.test": "127.0.0.1:$closed"},
  "tls": {"ca": "pki/ca.crt", "cert": "pki/eec-eec-0001.crt", "key": "pki/eec-eec-0001.key"},
  "evlog": "eec.events.jsonl",
  "ecs": "${3:-ecs1.edge.test}"$2
}
EOF
}

# ---- configuration errors: exit 1, message names file and field
bad_conf() { # what, extra members, text the message must contain
    conf "$T/bad.json" "$2" "${4:-}"
    local msg
    msg=$("$BIN/edge-eec" --config "$T/bad.json" --ctl "$T/bad.sock" 2>&1)
    local rc=$?
    if [ $rc -eq 1 ] && [[ "$msg" == *"$3"* ]]; then
        pass "config: $1"
    else
        fail "config: $1: rc $rc, message: $msg"
    fi
}
bad_conf "eecId differs from node" ', "eecId": "eec-0002"' 'eecId: "eec-0002" differs'
bad_conf "ecs not in hosts" '' 'ecs: no address for ecs9.edge.test' ecs9.edge.test
bad_conf "bad GPSI" ', "gpsi": "491700000001x"' 'gpsi:'
bad_conf "unknown key" ', "ecsx": 1' 'ecsx: unknown field'
bad_conf "AC profile without acId" ', "acProfs": [{"eass": []}]' 'acProfs[0].acId: missing required field'

# ---- a good node
conf "$T/eec.json" ', "eecId": "eec-0001", "gpsi": "msisdn-491700000001",
  "acProfs": [{"acId": "ac1", "eass": [{"easId": "eas1"}]}]'
start eec eec "$T/eec.json"

ctl_out eec status
check "status: ready" 'd["result"]["ready"]' True

# error code and a part of the message
ctl_error() { # what, cmd, args, code, message part
    ctl_out eec "$2" "$3"
    checks <<EOF
$1: code :: d["error"]["code"] :: $4
$1: message :: d["error"]["message"].find('$5') >= 0 :: True
EOF
}
ctl_error "provision ueId true" provision '{"ueId": true}' eec.bad_args "ueId: expected a GPSI or false"
ctl_error "provision ueId not a GPSI" provision '{"ueId": "foo@"}' eec.bad_args "ueId"
ctl_error "provision unknown arg" provision '{"ees": "ees1.edge.test"}' eec.bad_args "ees: unknown field"
ctl_error "provision bad acProfs" provision '{"acProfs": [{"acId": 5}]}' eec.bad_args "acProfs[0].acId"
ctl_error "register without ees" register '{}' eec.bad_args "ees: missing required field"
ctl_error "register unknown EES" register '{"ees": "nowhere.edge.test"}' eec.unknown_ees \
    "nowhere.edge.test: not provisioned, and no address for it in hosts"
ctl_error "register empty token" register '{"ees": "ees1.edge.test", "token": ""}' eec.bad_args \
    "token: a token is 1 to"
ctl_error "register token with a line break" register '{"ees": "ees1.edge.test", "token": "a\nb"}' \
    eec.bad_args "control characters"
ctl_error "register token not a string" register '{"ees": "ees1.edge.test", "token": 1}' \
    eec.bad_args "token: expected string"
ctl_error "register eecCntxId alone" register '{"ees": "ees1.edge.test", "eecCntxId": "c1"}' \
    eec.bad_args "eecCntxId and srcEesId go together"
ctl_error "update not registered" update '{"ees": "ees1.edge.test"}' eec.not_registered \
    "not registered at ees1.edge.test"
ctl_error "deregister not registered" deregister '{"ees": "ees1.edge.test"}' eec.not_registered \
    "not registered at ees1.edge.test"
ctl_error "deregister without ees" deregister '{}' eec.bad_args "ees: missing required field"
ctl_error "discover unknown EES" discover '{"ees": "ees9.edge.test"}' eec.unknown_ees "ees9.edge.test"
ctl_error "discover empty easIds" discover '{"ees": "ees1.edge.test", "easIds": []}' eec.bad_args \
    "easIds: must not be empty"
ctl_error "relocate without tEes" relocate '{"ees": "ees1.edge.test"}' eec.bad_args \
    "tEes: missing required field"
ctl_error "relocate without a context" relocate '{"ees": "ees1.edge.test", "tEes": "ees2.edge.test"}' \
    eec.not_registered "no EEC context at ees1.edge.test"
ctl_error "relocate bad tEasEndpoint" relocate \
    '{"ees": "ees1.edge.test", "tEes": "ees2.edge.test", "tEasEndpoint": {"uri": "http://x"}}' \
    eec.bad_args "tEasEndpoint: uri must be https://"
ctl_error "registrations takes no args" registrations '{"x": 1}' eec.bad_args "x: unknown field"
ctl_error "unknown command" fly '{}' ctl.unknown_command 'unknown command'

# ---- nobody listens at the ECS: an answer with status 0 and the reason, not a ctl error
ctl_out eec provision '{}'
checks <<'EOF'
provision refused: ok :: d["ok"] :: True
provision refused: status 0 :: d["result"]["status"] :: 0
provision refused: error names the ECS :: "ecs1.edge.test" in d["result"]["error"] :: True
provision refused: error cause :: d["result"]["error_cause"] :: CONNECT_REFUSED
provision refused: no EES :: d["result"]["eess"] :: []
EOF
ctl_out eec register '{"ees": "ees1.edge.test"}'
checks <<'EOF'
register refused: status 0 :: d["result"]["status"] :: 0
register refused: no token sent :: d["result"]["token"] :: None
register refused: no regId :: d["result"]["regId"] :: None
EOF
ctl_out eec registrations
check "registrations: none" 'd["result"]["registrations"]' '[]'

# ---- stop: exit 0
ctl_out eec registrations
stop eec ctl
eq "eec stops: exit 0" 0 "$STOPPED"
expect_true "event log written" grep -q '"kind":"node"' "$T/eec.events.jsonl"

# ---- stop while a provisioning waits on an ECS that accepts the connection and says nothing
hang=$(free_ports 1)
silent "$hang"
conf "$T/eec-silent.json" ''
sed -i "s/\"ecs1.edge.test\": \"127.0.0.1:$closed\"/\"ecs1.edge.test\": \"127.0.0.1:$hang\"/; s/eec.events.jsonl/eec-silent.events.jsonl/" \
    "$T/eec-silent.json"
start eec eec-silent "$T/eec-silent.json"
"$BIN/edge-ctl" "$T/eec-silent.sock" provision --timeout 20000 >"$T/provision.reply" 2>&1 &
ctl_pid=$!
PIDS+=($ctl_pid)
log_has eec-silent '"dir":"out","kind":"http","method":"POST"'
eq "provisioning sent to the silent ECS" 0 $?
stop eec-silent ctl
eq "eec stopped with a provisioning in flight: exit 0" 0 "$STOPPED"
eq "eec: no sanitizer report" "" "$(grep -E 'Sanitizer|runtime error' "$T/eec-silent.out")"
wait $ctl_pid
has "the runner's provisioning ends with the node" "closed" "$(cat "$T/provision.reply")"
finish
