#!/usr/bin/env bash
# edge_jwt_test.sh -- edge-jwt end to end: keys from the openssl command in edge-pki's file
# layout, a JWKS, tokens of both profiles issued, decoded and verified; exit codes 0/1/2 and
# the rule names printed (TS 33.558 6.2, TR 33.739 6.27).
set -uo pipefail
jwt=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
now=1767225600
expect() { # exit-code rule-or-text command...
  local want=$1 text=$2; shift 2
  local out rc
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" != "$want" ] || ! grep -qF -- "$text" <<<"$out"; then
    echo "FAIL: $* -> exit $rc (want $want), output lacks '$text':"; echo "$out" | head -5; fail=1
  else
    echo "ok   exit $rc  $text"
  fi
}
for kid in 2026-01 2026-02; do
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$dir/ecs1.edge.test.sig-$kid.key" 2>/dev/null
  openssl pkey -in "$dir/ecs1.edge.test.sig-$kid.key" -pubout -out "$dir/ecs1.edge.test.sig-$kid.pub"
done
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-384 -out "$dir/p384.key" 2>/dev/null

"$jwt" jwks --dir "$dir" --iss ecs1.edge.test >"$dir/jwks.json" || { echo "FAIL: jwks --dir"; fail=1; }
"$jwt" jwks --key "$dir/ecs1.edge.test.sig-2026-01.pub" --kid 2026-01 >"$dir/jwks-old.json" ||
  { echo "FAIL: jwks --key"; fail=1; }
expect 0 '"kid": "2026-02"' cat "$dir/jwks.json"
expect 0 '"crv": "P-256"' cat "$dir/jwks-old.json"

eec=$("$jwt" issue --key "$dir/ecs1.edge.test.sig-2026-01.key" --kid 2026-01 --iss ecs1.edge.test \
      --aud ees1.edge.test --scope "eees-eecreg eees-easdisc" --client eec-0001 \
      --gpsi msisdn-491700000001 --now $now --lifetime 300)
e9=$("$jwt" issue --profile ees --key "$dir/ecs1.edge.test.sig-2026-02.key" --kid 2026-02 \
     --iss ecs1.edge.test --aud ees2.edge.test --scope eees-appctxtreloc --client ees1.edge.test \
     --eec-id eec-0001 --now $now)

expect 0 'profile: EEC -> EES (TS 33.558 6.2)' "$jwt" decode "$eec"
expect 0 'exp  2026-01-01T00:05:00Z' "$jwt" decode "$eec"
expect 0 'profile: EDGE-9 S-EES -> T-EES' "$jwt" decode - <<<"$e9"
expect 1 'not three dot-separated segments' "$jwt" decode abc.def

v=(--jwks "$dir/jwks.json" --iss ecs1.edge.test --now $((now + 10)))
expect 0 'token.ok' "$jwt" verify "$eec" "${v[@]}" --aud ees1.edge.test --scope eees-eecreg \
  --client eec-0001 --gpsi msisdn-491700000001 --profile eec
expect 0 'token.ok' "$jwt" verify "${v[@]}" --aud ees2.edge.test --scope eees-appctxtreloc \
  --client ees1.edge.test --profile ees - <<<"$e9"
expect 1 'token.aud_mismatch' "$jwt" verify "$eec" "${v[@]}" --aud ees2.edge.test --client eec-0001
expect 1 'WWW-Authenticate: Bearer error="insufficient_scope"' "$jwt" verify "$eec" "${v[@]}" \
  --aud ees1.edge.test --scope eees-appctxtreloc --client eec-0001
expect 1 'token.client_mismatch' "$jwt" verify "$eec" "${v[@]}" --aud ees1.edge.test --client eec-0002
expect 1 'token.sub_mismatch' "$jwt" verify "$eec" "${v[@]}" --aud ees1.edge.test --client eec-0001 \
  --gpsi msisdn-491700000002
expect 1 'token.expired' "$jwt" verify "$eec" --jwks "$dir/jwks.json" --iss ecs1.edge.test \
  --now 2026-01-01T00:05:30Z --aud ees1.edge.test --client eec-0001
expect 1 'token.iss_untrusted' "$jwt" verify "$eec" --jwks "$dir/jwks.json" --iss ecs2.edge.test \
  --now $now --aud ees1.edge.test --client eec-0001
# The old key alone does not verify the new key's token.
expect 1 'token.kid_unknown' "$jwt" verify "$e9" --jwks "$dir/jwks-old.json" --iss ecs1.edge.test \
  --now $now --aud ees2.edge.test --client ees1.edge.test --profile ees
# alg none, built by hand.
none="$(printf '{"alg":"none","typ":"JWT","kid":"2026-01"}' | openssl base64 -A | tr '+/' '-_' | tr -d '=').${eec#*.}"
none="${none%.*}."
expect 1 'token.alg_not_allowed' "$jwt" verify "$none" "${v[@]}" --aud ees1.edge.test --client eec-0001
# 9 MiB on stdin: refused by size, no crash.
expect 1 'token.too_large' bash -c "head -c 9437184 /dev/zero | tr '\\0' A | \"$jwt\" verify ${v[*]} --aud ees1.edge.test"

expect 2 'usage' "$jwt" verify "$eec" --aud ees1.edge.test
expect 2 'usage' "$jwt" frobnicate
expect 2 '--profile: expected "eec" or "ees", got "xyz"' "$jwt" verify "$eec" "${v[@]}" --aud ees1.edge.test --profile xyz
expect 1 'not an EC P-256 key' "$jwt" issue --key "$dir/p384.key" --kid k1 --iss ecs1.edge.test \
  --aud ees1.edge.test --scope x --client eec-0001
expect 1 'is not the one bound' "$jwt" issue --key "$dir/ecs1.edge.test.sig-2026-01.key" --kid k1 \
  --iss ecs1.edge.test --aud ees1.edge.test --scope x --client eec-0001 --gpsi ''
exit $fail
