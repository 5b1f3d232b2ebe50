#!/usr/bin/env bash
# eec_e2e_test.sh BIN cert|psk -- edge-eec against the real edge-ecs and edge-ees on loopback, in
# certificate or AKMA-PSK mode (TS 33.558 6.2/6.3): provision (one token-based EES, one with local
# policy; exact claims of the EEC's token), register with the provisioned token, discover, update,
# ACR from ees1 to ees2 with the implicit registration, re-registration at ees2 pulling the
# context, deregister; refusals: no token at the token-based EES (401), a GPSI not bound to the
# credential (403 at the ECS and at the EES). Skipped (127) until both servers are in the build.
BIN=$1
MODE=${2:-cert}
. "$(dirname "$0")/lib.sh"
for b in edge-ecs edge-ees edge-jwt; do
    [ -x "$BIN/$b" ] || {
        echo "skip: $b is not built"
        exit 127
    }
done
eec_setup

GPSI=msisdn-491700000001
AKID=atid-0001@rid1.akma.edge.test
KAKMA=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
eec_pki ca
for f in ecs1.edge.test ees1.edge.test ees2.edge.test; do eec_pki node --fqdn $f; done
eec_pki eec --eec-id eec-0001 --gpsi $GPSI
eec_pki signkey --ecs ecs1.edge.test --kid k1
P0=$(eec_port)
P1=$(eec_port)
P2=$(eec_port)
HOSTS="{\"ecs1.edge.test\": \"127.0.0.1:$P0\", \"ees1.edge.test\": \"127.0.0.1:$P1\",
        \"ees2.edge.test\": \"127.0.0.1:$P2\"}"
# The AAnF stand-in: binds the GPSI to the A-KID (PSK mode), and says the GPSI is known.
SUBS="[{\"akid\": \"$AKID\", \"kakma\": \"$KAKMA\", \"gpsi\": \"$GPSI\", \"eecId\": \"eec-0001\"}]"

cat >"$EEC_TMP/ecs1.json" <<EOF
{"node": "ecs1.edge.test", "listen": {"addr": "127.0.0.1", "port": $P0}, "hosts": $HOSTS,
 "tls": {"ca": "pki/ca.crt", "cert": "pki/ecs1.edge.test.crt", "key": "pki/ecs1.edge.test.key"},
 "evlog": "events.jsonl", "subscribers": $SUBS,
 "signing": {"dir": "pki", "kids": ["k1"]},
 "eesAuth": {"ees1.edge.test": "token", "ees2.edge.test": "local"}}
EOF
ees_conf() { # name port authorization easId
    cat >"$EEC_TMP/$1.json" <<EOF
{"node": "$1", "listen": {"addr": "127.0.0.1", "port": $2}, "hosts": $HOSTS,
 "tls": {"ca": "pki/ca.crt", "cert": "pki/$1.crt", "key": "pki/$1.key"},
 "evlog": "events.jsonl", "subscribers": $SUBS,
 "ecs": "ecs1.edge.test", "authorization": "$3", "easIds": ["$4"]}
EOF
}
ees_conf ees1.edge.test "$P1" token eas1
ees_conf ees2.edge.test "$P2" local eas1
if [ "$MODE" = psk ]; then
    CRED="\"tls\": {\"ca\": \"pki/ca.crt\"}, \"psk\": {\"akid\": \"$AKID\", \"kakma\": \"$KAKMA\"}"
else
    CRED="\"tls\": {\"ca\": \"pki/ca.crt\", \"cert\": \"pki/eec-eec-0001.crt\", \"key\": \"pki/eec-eec-0001.key\"}"
fi
cat >"$EEC_TMP/eec.json" <<EOF
{"node": "eec-0001", "hosts": $HOSTS, $CRED,
 "evlog": "events.jsonl", "keylog": "keylog.txt",
 "ecs": "ecs1.edge.test", "gpsi": "$GPSI",
 "acProfs": [{"acId": "ac1", "eass": [{"easId": "eas1"}]}]}
EOF
eec_start ecs1 "$BIN/edge-ecs" "$EEC_TMP/ecs1.json"
eec_start ees1 "$BIN/edge-ees" "$EEC_TMP/ees1.edge.test.json" # ready once registered at the ECS
eec_start ees2 "$BIN/edge-ees" "$EEC_TMP/ees2.edge.test.json"
eec_start eec "$BIN/edge-eec" "$EEC_TMP/eec.json"

# ---- EDGE-4: a token for the token-based EES only, with the claims of TS 33.558 6.2
ctl eec provision
checks <<'EOF'
provision: 200 :: r["result"]["status"] :: 200
provision: both EESes :: sorted(r["result"]["eess"]) :: ["ees1.edge.test", "ees2.edge.test"]
provision: a token for ees1 only :: list(r["result"]["tokens"]) :: ["ees1.edge.test"]
EOF
TOK1=$(jget 'r["result"]["tokens"]["ees1.edge.test"]')
jwt_decode "$TOK1"
checks <<EOF
token: iss is the ECS :: r["claims"]["iss"] :: ecs1.edge.test
token: aud is ees1 :: r["claims"]["aud"] :: ees1.edge.test
token: client_id is the EEC ID :: r["claims"]["client_id"] :: eec-0001
token: sub is the authenticated GPSI :: r["claims"]["sub"] :: $GPSI
token: scope :: r["claims"]["scope"] :: eees-eecregistration eees-easdiscovery eees-appctxtreloc
token: lifetime 300 s :: r["claims"]["exp"] - r["claims"]["iat"] :: 300
token: jti :: len(r["claims"]["jti"]) > 0 :: True
token: ES256, typ JWT, kid k1 :: [r["header"]["alg"], r["header"]["typ"], r["header"]["kid"]] :: ["ES256", "JWT", "k1"]
EOF

# ---- EDGE-1 at the token-based EES
ctl eec register '{"ees": "ees1.edge.test", "token": "none"}'
checks <<'EOF'
register without token: 401 :: r["result"]["status"] :: 401
register without token: nothing registered :: r["result"]["regId"] :: None
EOF
ctl eec register '{"ees": "ees1.edge.test", "ueId": "msisdn-491700000099"}'
checks <<'EOF'
register with a GPSI not bound to the credential: 403 :: r["result"]["status"] :: 403
register with a GPSI not bound: cause :: r["result"]["problem"]["cause"] :: GPSI_NOT_AUTHENTICATED
EOF
ctl eec register '{"ees": "ees1.edge.test"}'
checks <<EOF
register: 201 :: r["result"]["status"] :: 201
register: the provisioned token :: r["result"]["token"] :: $TOK1
register: a registration ID :: r["result"]["regId"] is not None :: True
register: an EEC context :: r["result"]["eecCntxId"] is not None :: True
EOF
CNTX=$(jget 'r["result"]["eecCntxId"]')
ctl eec discover '{"ees": "ees1.edge.test"}'
checks <<'EOF'
discover: 200 :: r["result"]["status"] :: 200
discover: eas1 :: r["result"]["easIds"] :: ["eas1"]
EOF
ctl eec update '{"ees": "ees1.edge.test"}'
check "update: 200" 'r["result"]["status"]' 200

# ---- ACR: ees1 pushes the context to ees2 (EDGE-9 token from the ECS), implicit registration
ctl eec relocate '{"ees": "ees1.edge.test", "tEes": "ees2.edge.test", "easId": "eas1",
                   "tEasEndpoint": {"uri": "https://ees2.edge.test/eas/eas1"}}'
checks <<'EOF'
relocate: 200 :: r["result"]["status"] :: 200
relocate: implicit registration at ees2 :: r["result"]["implReg"] is not None and bool(r["result"]["implReg"]["regId"]) :: True
EOF
ctl eec registrations
check "registrations: ees1 explicit, ees2 implicit" \
    'sorted((x["eesId"], x["implicit"]) for x in r["result"]["registrations"])' \
    '[["ees1.edge.test", false], ["ees2.edge.test", true]]'

# ---- re-registration at ees2 (local policy: no token) naming the context at ees1: pull
ctl eec register "{\"ees\": \"ees2.edge.test\", \"eecCntxId\": \"$CNTX\", \"srcEesId\": \"ees1.edge.test\"}"
checks <<'EOF'
re-register at ees2: 201 :: r["result"]["status"] :: 201
re-register at ees2: no token for a local-policy EES :: r["result"]["token"] :: None
re-register at ees2: context pulled :: r["result"]["cntxPull"]["result"] :: PULLED
EOF

# ---- deregistration; a foreign GPSI at the ECS
ctl eec deregister '{"ees": "ees1.edge.test"}'
check "deregister ees1: 204" 'r["result"]["status"]' 204
ctl eec deregister '{"ees": "ees2.edge.test"}'
check "deregister ees2: 204" 'r["result"]["status"]' 204
ctl eec registrations
check "registrations: none left" 'r["result"]["registrations"]' '[]'
ctl eec provision '{"ueId": "msisdn-491700000099"}'
checks <<'EOF'
provision with a GPSI not bound: 403 :: r["result"]["status"] :: 403
provision with a GPSI not bound: cause :: r["result"]["problem"]["cause"] :: GPSI_NOT_AUTHENTICATED
provision with a GPSI not bound: no token :: r["result"]["tokens"] :: {}
EOF

# ---- the same EDGE-4/EDGE-1 calls by hand with curl and the EEC's certificate (README commands)
if [ "$MODE" = cert ]; then
    cd "$EEC_TMP" || exit 1
    CURL=(curl -sS --cacert pki/ca.crt --cert pki/eec-eec-0001.crt --key pki/eec-eec-0001.key
        --resolve "ecs1.edge.test:$P0:127.0.0.1" --resolve "ees1.edge.test:$P1:127.0.0.1"
        -H 'Content-Type: application/json' -o body.json -D headers.txt -w '%{http_code}')
    curl_check() { # what, expected status, curl args...
        local what=$1 want=$2 got
        shift 2
        got=$("${CURL[@]}" "$@")
        expect_true "curl $what: $want" [ "$got" = "$want" ]
    }
    curl_check "provision" 200 -d '{"eecId": "eec-0001", "ueId": "'$GPSI'",
        "acProfs": [{"acId": "ac1", "eass": [{"easId": "eas1"}]}]}' \
        "https://ecs1.edge.test:$P0/eecs-serviceprovisioning/v1/request"
    TOKEN=$(python3 -S -c 'import json; print([e for e in json.load(open("body.json"))["ednCnfgInfo"][0]["eess"] if e["eesId"] == "ees1.edge.test"][0]["accessToken"])')
    curl_check "register" 201 -H "Authorization: Bearer $TOKEN" \
        -d '{"eecId": "eec-0001", "ueId": "'$GPSI'"}' \
        "https://ees1.edge.test:$P1/eees-eecregistration/v1/registrations"
    REGID=$(sed -n 's|^Location: .*/registrations/\([^[:space:]]*\).*|\1|ip' headers.txt)
    CNTX=$(python3 -S -c 'import json; print(json.load(open("body.json"))["eecCntxId"])')
    curl_check "discover" 200 -H "Authorization: Bearer $TOKEN" \
        -d '{"requestorId": {"eecId": "eec-0001"}}' \
        "https://ees1.edge.test:$P1/eees-easdiscovery/v1/eas-profiles/request-discovery"
    curl_check "update" 200 -X PUT -H "Authorization: Bearer $TOKEN" \
        -d '{"eecId": "eec-0001", "ueId": "'$GPSI'"}' \
        "https://ees1.edge.test:$P1/eees-eecregistration/v1/registrations/$REGID"
    curl_check "relocate" 200 -H "Authorization: Bearer $TOKEN" \
        -d '{"requestorId": "eec-0001", "easId": "eas1", "easNotifInd": false,
             "tEasEndpoint": {"uri": "https://ees2.edge.test/eas/eas1"},
             "eecCtxtReloc": {"eecCtxtId": "'$CNTX'", "sEesId": "ees1.edge.test",
                              "tEesId": "ees2.edge.test"}}' \
        "https://ees1.edge.test:$P1/eees-appctxtreloc/v1/initiate"
    curl_check "deregister" 204 -X DELETE -H "Authorization: Bearer $TOKEN" \
        "https://ees1.edge.test:$P1/eees-eecregistration/v1/registrations/$REGID"
    curl_check "register without token" 401 -d '{"eecId": "eec-0001"}' \
        "https://ees1.edge.test:$P1/eees-eecregistration/v1/registrations"
    cd - >/dev/null || exit 1
fi

# ---- the mode really was the one asked for (the ECS's view of the EEC, in its event log)
OUT=$(python3 -S -c 'import json,sys; print(json.dumps([json.loads(l) for l in open(sys.argv[1])]))' \
    "$EEC_TMP/events.jsonl")
if [ "$MODE" = psk ]; then
    check "TLS: PSK handshakes with the A-KID" \
        'any(e["kind"] == "tls" and "'$AKID'" in json.dumps(e) for e in r)' True
else
    check "TLS: no PSK handshake" 'any("'$AKID'" in json.dumps(e) and e["kind"] == "tls" for e in r)' False
fi
expect_true "key log written" test -s "$EEC_TMP/keylog.txt"
eec_stop eec
eec_done
