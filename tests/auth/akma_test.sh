#!/usr/bin/env bash
# akma_test.sh -- K_AF from common/auth/akma.c equals HMAC-SHA-256(K_AKMA, S) with S built
# by hand from TS 33.535 A.4 / TS 33.220 B.2.2, computed by the openssl command.
set -euo pipefail
bin=$1
key=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
fail=0
check() { # fqdn, length-of-AF_ID as two printf escapes
  local fqdn=$1 len=$2 got want
  got=$("$bin" "$key" "$fqdn")
  want=$(printf "\x82%s\x01\x00\x00\x00\x07$len" "$fqdn" |
         openssl dgst -sha256 -mac HMAC -macopt "hexkey:$key" -r | cut -d' ' -f1)
  if [ "$got" = "$want" ]; then echo "ok   $fqdn $got"; else echo "FAIL $fqdn got $got want $want"; fail=1; fi
}
check ecs1.edge.test '\x00\x13'
check ees-a.mec.operator.example '\x00\x1f'
# Different AFs must get different keys (key separation per AF).
a=$("$bin" "$key" ecs1.edge.test); b=$("$bin" "$key" ecs2.edge.test)
[ "$a" != "$b" ] || { echo "FAIL: same K_AF for two AFs"; fail=1; }
# Bad input is refused with a message, not accepted.
if "$bin" 00ff ecs1.edge.test 2>/dev/null; then echo "FAIL: short key accepted"; fail=1; fi
exit $fail
