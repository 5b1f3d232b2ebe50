#!/bin/sh
# gen-creds.sh DIR -- test credentials made with the openssl command line (ECDSA P-256): a scenario
# CA, ECS/EES server certificates (SAN dNSName), an EEC certificate (SAN URIs with its EEC ID and
# GPSI), and a second CA with an EEC certificate of its own (the "other CA" case).
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

ca() { # name CN
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 2 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$1.crt"
}

leaf() { # name CA CN SAN
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$3" -days 2 -sha256 \
    -CA "$2.crt" -CAkey "$2.key" \
    -addext "basicConstraints=critical,CA:FALSE" \
    -addext "subjectAltName=$4" -out "$1.crt"
}

ca ca "edgesim test CA"
ca other-ca "some other CA"
leaf ecs ca ecs1.edge.test "DNS:ecs1.edge.test"
leaf ees ca ees1.edge.test "DNS:ees1.edge.test"
leaf eec ca eec-0001 "URI:urn:edgesim:eec:eec-0001,URI:urn:edgesim:gpsi:msisdn-491700000001"
leaf rogue-eec other-ca eec-0001 "URI:urn:edgesim:eec:eec-0001,URI:urn:edgesim:gpsi:msisdn-491700000001"
