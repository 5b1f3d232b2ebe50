#!/usr/bin/env bash
# eec_fake_test.sh BIN -- what edge-eec sends and keeps, against scripted HTTPS peers
# (eec_fake_server) that record every request: ECSServProvReq and the kept EESInfo tokens
# (TS 33.558 6.2, edgesim's EESInfo.accessToken), EECRegistration with the provisioned bearer
# token / none / a literal one, regId from Location, EAS discovery filters, PUT/DELETE on the
# registration, AcrInitReq with eecCtxtReloc and the implicit registration from implReg, and
# malformed answers reported as errors, never kept.
. "$(dirname "$0")/../lib.sh" "$1" edge-eec eec_fake_server

for f in ecs1.edge.test ees1.edge.test ees2.edge.test; do pki node --fqdn $f; done
pki eec --eec-id eec-0001 --gpsi msisdn-491700000001
read -r P0 P1 P2 <<<"$(free_ports 3)"
HOSTS="\"ecs1.edge.test\": \"127.0.0.1:$P0\", \"ees1.edge.test\": \"127.0.0.1:$P1\",
       \"ees2.edge.test\": \"127.0.0.1:$P2\""
REG=/eees-eecregistration/v1/registrations
DISC=/eees-easdiscovery/v1/eas-profiles/request-discovery
ACR=/eees-appctxtreloc/v1/initiate

fake_conf() { # name port routes
    cat >"$T/$1.json" <<EOF
{"node": "$1", "listen": {"addr": "127.0.0.1", "port": $2},
 "tls": {"ca": "pki/ca.crt", "cert": "pki/$1.crt", "key": "pki/$1.key"},
 "record": "$1.requests.jsonl", "routes": $3}
EOF
}

fake_conf ecs1.edge.test "$P0" '[
 {"method": "POST", "path": "/eecs-serviceprovisioning/v1/request", "status": 200, "body":
  {"ednCnfgInfo": [{"ednConInfo": {"dnn": "edge"}, "eess": [
   {"eesId": "ees1.edge.test", "endPt": {"uri": "https://ees1.edge.test:'"$P1"'"},
    "easIds": ["eas1"], "eecRegConf": true, "eesAuthMethods": ["TLS_CLIENT_SERVER_CERTIFICATE"],
    "accessToken": "eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJlZXMxIn0.c2ln"},
   {"eesId": "ees2.edge.test", "endPt": {"fqdn": "ees2.edge.test"}, "eecRegConf": false}]}]}}]'
fake_conf ees1.edge.test "$P1" '[
 {"method": "POST", "path": "'$REG'", "status": 201,
  "location": "https://ees1.edge.test:'"$P1$REG"'/reg-1",
  "body": {"eecId": "eec-0001", "eecCntxId": "ctx-1", "expTime": "2030-01-01T00:00:00Z"}},
 {"method": "PUT", "path": "'$REG'/{id}", "status": 200,
  "body": {"eecId": "eec-0001", "expTime": "2031-01-01T00:00:00Z"}},
 {"method": "DELETE", "path": "'$REG'/{id}", "status": 204},
 {"method": "POST", "path": "'$DISC'", "status": 200,
  "body": {"discoveredEas": [{"eas": {"easId": "eas1", "endPt": {"uri": "https://eas1.edge.test"}}}]}},
 {"method": "POST", "path": "'$ACR'", "status": 200,
  "body": {"subId": "acr-1", "easId": "eas1", "eventId": "ACR_COMPLETE",
           "acrStatus": {"acrRes": true, "tEasEndpoint": {"uri": "https://eas2.edge.test"}},
           "eecCtxtReloc": {"implReg": {"regId": "reg-T", "expTime": "2030-01-01T00:00:00Z"}}}}]'
fake_conf ees2.edge.test "$P2" '[
 {"method": "POST", "path": "'$REG'", "status": 201, "body": {"eecId": "eec-0001"}},
 {"method": "POST", "path": "'$DISC'", "status": 200, "body": "{not json"}]'
cat >"$T/eec.json" <<EOF
{"node": "eec-0001", "hosts": {$HOSTS},
 "tls": {"ca": "pki/ca.crt", "cert": "pki/eec-eec-0001.crt", "key": "pki/eec-eec-0001.key"},
 "evlog": "eec.events.jsonl", "ecs": "ecs1.edge.test", "gpsi": "msisdn-491700000001",
 "acProfs": [{"acId": "ac1", "eass": [{"easId": "eas1"}]}],
 "locInf": {"ncgi": {"plmnId": {"mcc": "001", "mnc": "01"}, "nrCellId": "000000001"}}}
EOF
for n in ecs1.edge.test ees1.edge.test ees2.edge.test; do
    start eec_fake_server "$n" "$T/$n.json"
done
start eec eec "$T/eec.json"

# records NAME: the requests NAME got, for the checks that follow (d is the list).
records() {
    OUT=$(jsonl "$T/$1.requests.jsonl")
}
TOK1=eyJhbGciOiJFUzI1NiJ9.eyJhdWQiOiJlZXMxIn0.c2ln

# ---- EDGE-4 provisioning
ctl_out eec provision
checks <<EOF
provision: 200 :: d["result"]["status"] :: 200
provision: eess :: d["result"]["eess"] :: ["ees1.edge.test", "ees2.edge.test"]
provision: the token of ees1 only :: d["result"]["tokens"] :: {"ees1.edge.test": "$TOK1"}
provision: no malformed body :: d["result"]["error"] :: None
EOF
records ecs1.edge.test
checks <<EOF
ECSServProvReq: path :: d[-1]["path"] :: /eecs-serviceprovisioning/v1/request
ECSServProvReq: eecId, ueId, acProfs, locInf from config :: sorted(d[-1]["body"]) :: ["acProfs", "eecId", "locInf", "ueId"]
ECSServProvReq: eecId :: d[-1]["body"]["eecId"] :: eec-0001
ECSServProvReq: ueId :: d[-1]["body"]["ueId"] :: msisdn-491700000001
ECSServProvReq: acProfs :: d[-1]["body"]["acProfs"] :: [{"acId": "ac1", "eass": [{"easId": "eas1"}]}]
ECSServProvReq: no bearer token to the ECS :: d[-1]["authorization"] :: None
ECSServProvReq: the ECS saw the EEC certificate :: d[-1]["peer"] :: {"eecId": "eec-0001", "gpsi": "msisdn-491700000001", "psk": ""}
EOF
ctl_out eec provision '{"ueId": false, "acProfs": [{"acId": "ac2"}], "locInf": {"ecgi": {"plmnId": {"mcc": "001", "mnc": "01"}, "eutraCellId": "0000001"}}}'
records ecs1.edge.test
checks <<'EOF'
provision ueId false: no ueId :: "ueId" in d[-1]["body"] :: False
provision args override acProfs :: d[-1]["body"]["acProfs"] :: [{"acId": "ac2"}]
provision args override locInf :: list(d[-1]["body"]["locInf"]) :: ["ecgi"]
EOF

# ---- EDGE-1 registration: provisioned token (default), none, literal + foreign GPSI + context
ctl_out eec register '{"ees": "ees1.edge.test"}'
checks <<EOF
register: 201 :: d["result"]["status"] :: 201
register: regId from Location :: d["result"]["regId"] :: reg-1
register: eecCntxId from the body :: d["result"]["eecCntxId"] :: ctx-1
register: the provisioned token was sent :: d["result"]["token"] :: $TOK1
EOF
records ees1.edge.test
checks <<EOF
EECRegistration: path :: d[-1]["path"] :: $REG
EECRegistration: bearer :: d[-1]["authorization"] :: Bearer $TOK1
EECRegistration: body :: sorted(d[-1]["body"]) :: ["acProfs", "eecId", "ueId"]
EECRegistration: ueId :: d[-1]["body"]["ueId"] :: msisdn-491700000001
EOF
ctl_out eec register '{"ees": "ees1.edge.test", "token": "none"}'
check "register none: result token null" 'd["result"]["token"]' None
records ees1.edge.test
check "register none: no Authorization" 'd[-1]["authorization"]' None
ctl_out eec register '{"ees": "ees1.edge.test", "token": "a.b.c", "ueId": "msisdn-491700000099",
                   "eecCntxId": "ctx-0", "srcEesId": "ees2.edge.test"}'
check "register literal: result token" 'd["result"]["token"]' a.b.c
records ees1.edge.test
checks <<'EOF'
register literal: bearer :: d[-1]["authorization"] :: Bearer a.b.c
register literal: foreign GPSI sent :: d[-1]["body"]["ueId"] :: msisdn-491700000099
register with context: eecCntxId :: d[-1]["body"]["eecCntxId"] :: ctx-0
register with context: srcEesId :: d[-1]["body"]["srcEesId"] :: ees2.edge.test
EOF
ctl_out eec register '{"ees": "ees1.edge.test", "token": "provisioned"}'
check "register provisioned again" 'd["result"]["token"]' "$TOK1"

# ---- discovery, update: the registration's token by default
ctl_out eec discover '{"ees": "ees1.edge.test"}'
checks <<'EOF'
discover: 200 :: d["result"]["status"] :: 200
discover: easIds :: d["result"]["easIds"] :: ["eas1"]
EOF
records ees1.edge.test
checks <<EOF
EasDiscoveryReq: path :: d[-1]["path"] :: $DISC
EasDiscoveryReq: bearer :: d[-1]["authorization"] :: Bearer $TOK1
EasDiscoveryReq: requestorId :: d[-1]["body"]["requestorId"] :: {"eecId": "eec-0001"}
EasDiscoveryReq: filter from the AC profiles :: d[-1]["body"]["easDiscoveryFilter"] :: {"acChars": [{"acProf": {"acId": "ac1", "eass": [{"easId": "eas1"}]}}]}
EOF
ctl_out eec discover '{"ees": "ees1.edge.test", "easIds": ["eas1", "eas7"], "token": "none"}'
records ees1.edge.test
checks <<'EOF'
EasDiscoveryReq: filter from easIds :: d[-1]["body"]["easDiscoveryFilter"] :: {"easChars": [{"easId": "eas1"}, {"easId": "eas7"}]}
EasDiscoveryReq: token none :: d[-1]["authorization"] :: None
EOF
ctl_out eec update '{"ees": "ees1.edge.test"}'
checks <<'EOF'
update: 200 :: d["result"]["status"] :: 200
update: regId :: d["result"]["regId"] :: reg-1
EOF
records ees1.edge.test
checks <<EOF
update: PUT :: d[-1]["method"] :: PUT
update: path :: d[-1]["path"] :: $REG/reg-1
update: bearer of the registration :: d[-1]["authorization"] :: Bearer $TOK1
EOF

# ---- ACR: AcrInitReq at the S-EES, implicit registration at the T-EES
ctl_out eec relocate '{"ees": "ees1.edge.test", "tEes": "ees_2"}'
check "relocate: no T-EAS known and the T-EES no FQDN" 'd["error"]["code"]' eec.bad_args
ctl_out eec relocate '{"ees": "ees1.edge.test", "tEes": "ees2.edge.test"}'
records ees1.edge.test
check "AcrInitReq: nothing discovered at the T-EES: the T-EAS by the T-EES's FQDN" \
    'd[-1]["body"]["tEasEndpoint"]' '{"fqdn": "ees2.edge.test"}'
ctl_out eec relocate '{"ees": "ees1.edge.test", "tEes": "ees2.edge.test", "acId": "ac1", "easId": "eas1",
                   "tEasEndpoint": {"uri": "https://eas2.edge.test"}}'
checks <<'EOF'
relocate: 200 :: d["result"]["status"] :: 200
relocate: implReg :: d["result"]["implReg"] :: {"regId": "reg-T", "expTime": "2030-01-01T00:00:00Z"}
EOF
records ees1.edge.test
checks <<EOF
AcrInitReq: path :: d[-1]["path"] :: $ACR
AcrInitReq: bearer :: d[-1]["authorization"] :: Bearer $TOK1
AcrInitReq: requestorId :: d[-1]["body"]["requestorId"] :: eec-0001
AcrInitReq: easNotifInd :: d[-1]["body"]["easNotifInd"] :: False
AcrInitReq: eecCtxtReloc :: d[-1]["body"]["eecCtxtReloc"] :: {"eecCtxtId": "ctx-1", "sEesId": "ees1.edge.test", "tEesId": "ees2.edge.test"}
AcrInitReq: tEasEndpoint :: d[-1]["body"]["tEasEndpoint"] :: {"uri": "https://eas2.edge.test"}
AcrInitReq: ids :: [d[-1]["body"]["acId"], d[-1]["body"]["easId"], d[-1]["body"]["ueId"]] :: ["ac1", "eas1", "msisdn-491700000001"]
EOF
# The T-EAS endpoint defaults to the EAS discovered at the T-EES (here ees1 names itself).
ctl_out eec relocate '{"ees": "ees1.edge.test", "tEes": "ees1.edge.test"}'
records ees1.edge.test
check "AcrInitReq: tEasEndpoint from discovery" '[d[-1]["body"]["tEasEndpoint"], d[-1]["body"]["easId"]]' \
    '[{"uri": "https://eas1.edge.test"}, "eas1"]'
ctl_out eec registrations
check "registrations: explicit and implicit" \
    '[(x["eesId"], x["regId"], x["implicit"]) for x in d["result"]["registrations"]]' \
    '[["ees1.edge.test", "reg-T", true], ["ees2.edge.test", "reg-T", true]]'
# ees1 was both S-EES and T-EES in the last call: its registration is now the implicit one.
ctl_out eec register '{"ees": "ees1.edge.test"}'
ctl_out eec relocate '{"ees": "ees1.edge.test", "tEes": "ees2.edge.test", "tEasEndpoint": {"fqdn": "eas2.edge.test"}}'
records ees1.edge.test
check "AcrInitReq: acId and easId from the configured AC profile" \
    '[d[-1]["body"]["acId"], d[-1]["body"]["easId"]]' '["ac1", "eas1"]'
ctl_out eec registrations
check "registrations: S-EES and T-EES" \
    '[(x["eesId"], x["regId"], x["implicit"]) for x in d["result"]["registrations"]]' \
    '[["ees1.edge.test", "reg-1", false], ["ees2.edge.test", "reg-T", true]]'

# ---- deregistration
ctl_out eec deregister '{"ees": "ees1.edge.test"}'
check "deregister: 204" 'd["result"]["status"]' 204
records ees1.edge.test
check "deregister: DELETE on the registration" '[d[-1]["method"], d[-1]["path"], d[-1]["authorization"]]' \
    "[\"DELETE\", \"$REG/reg-1\", \"Bearer $TOK1\"]"
ctl_out eec registrations
check "registrations after deregister" '[x["eesId"] for x in d["result"]["registrations"]]' \
    '["ees2.edge.test"]'
ctl_out eec update '{"ees": "ees1.edge.test"}'
check "update after deregister" 'd["error"]["code"]' eec.not_registered

# ---- malformed answers: reported, nothing kept
ctl_out eec register '{"ees": "ees2.edge.test"}'
checks <<'EOF'
201 without Location: status kept :: d["result"]["status"] :: 201
201 without Location: error :: "Location" in d["result"]["error"] :: True
201 without Location: no regId :: d["result"]["regId"] :: None
201 without Location: no token for a local-policy EES :: d["result"]["token"] :: None
EOF
ctl_out eec discover '{"ees": "ees2.edge.test"}'
checks <<'EOF'
discovery body not JSON: error :: "malformed body" in d["result"]["error"] :: True
discovery body not JSON: no EAS :: d["result"]["easIds"] :: []
EOF
ctl_out eec relocate '{"ees": "ees2.edge.test", "tEes": "ees1.edge.test", "tEasEndpoint": {"fqdn": "eas2.edge.test"}}'
check "relocate at ees2: no context there (implicit registration only)" 'd["error"]["code"]' eec.not_registered

# ---- the event log holds each token received and presented
OUT=$(jsonl "$T/eec.events.jsonl")
checks <<EOF
evlog: token received from the ECS :: [e["data"]["jwt"] for e in d if e["kind"] == "token" and e["data"]["verdict"] == "received"][0] :: $TOK1
evlog: token presented to ees1 :: any(e["data"]["aud"] == "ees1.edge.test" for e in d if e["kind"] == "token" and e["data"]["verdict"] == "presented") :: True
evlog: registration line :: any(e["kind"] == "registration" and e["data"] and e["data"].get("regId") == "reg-1" for e in d) :: True
evlog: implicit registration line :: any(e["kind"] == "registration" and "implicitly" in e["summary"] for e in d) :: True
EOF
stop eec ctl
eq "eec stops: exit 0" 0 "$STOPPED"
finish
