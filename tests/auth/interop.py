#!/usr/bin/env python3
"""interop.py -- edgesim's ES256 tokens against an independent JOSE implementation of RFC 7515/7518
(pyca/cryptography): a token edge-jwt issues verifies there (raw R||S, base64url, signing input),
and a token built there verifies with edge-jwt. Exit 127 when python3-cryptography is absent."""
import base64, json, os, subprocess, sys, tempfile

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import (
        decode_dss_signature, encode_dss_signature)
except ImportError:
    print("skip: python3 cryptography is not installed")
    sys.exit(127)

jwt = sys.argv[1]
NOW = 1767225600
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
unb64 = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
fail = 0

def check(cond, what):
    global fail
    print(("ok   " if cond else "FAIL ") + what)
    fail |= not cond

with tempfile.TemporaryDirectory() as d:
    key = ec.generate_private_key(ec.SECP256R1())
    kpath, ppath = os.path.join(d, "k.key"), os.path.join(d, "k.pub")
    open(kpath, "wb").write(key.private_bytes(serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    open(ppath, "wb").write(key.public_key().public_bytes(serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo))
    jwks = subprocess.run([jwt, "jwks", "--key", ppath, "--kid", "k1"], check=True,
                          capture_output=True, text=True).stdout
    open(os.path.join(d, "jwks.json"), "w").write(jwks)
    jwk = json.loads(jwks)["keys"][0]
    nums = key.public_key().public_numbers()
    check(unb64(jwk["x"]) == nums.x.to_bytes(32, "big") and
          unb64(jwk["y"]) == nums.y.to_bytes(32, "big"), "JWKS x/y are the key's coordinates")

    # 1. edgesim signs, cryptography verifies (50 tokens: some R or S have a leading zero byte).
    good = 0
    for i in range(50):
        tok = subprocess.run([jwt, "issue", "--key", kpath, "--kid", "k1", "--iss",
                              "ecs1.edge.test", "--aud", "ees1.edge.test", "--scope", "eees-eecreg",
                              "--client", "eec-0001", "--now", str(NOW)],
                             check=True, capture_output=True, text=True).stdout.strip()
        h, p, s = tok.split(".")
        sig = unb64(s)
        if len(sig) != 64 or json.loads(unb64(h))["alg"] != "ES256":
            continue
        r, s_ = int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big")
        try:
            key.public_key().verify(encode_dss_signature(r, s_), f"{h}.{p}".encode(),
                                    ec.ECDSA(hashes.SHA256()))
            good += 1
        except Exception:
            pass
    check(good == 50, f"{good}/50 edge-jwt tokens verify with pyca/cryptography")

    # 2. cryptography signs, edge-jwt verifies.
    hdr = b64(json.dumps({"alg": "ES256", "typ": "JWT", "kid": "k1"}).encode())
    claims = {"iss": "ecs1.edge.test", "aud": "ees1.edge.test", "client_id": "eec-0001",
              "scope": "eees-eecreg", "iat": NOW, "exp": NOW + 300, "jti": "interop-1"}
    pl = b64(json.dumps(claims).encode())
    r, s_ = decode_dss_signature(key.sign(f"{hdr}.{pl}".encode(), ec.ECDSA(hashes.SHA256())))
    tok = f"{hdr}.{pl}.{b64(r.to_bytes(32, 'big') + s_.to_bytes(32, 'big'))}"
    out = subprocess.run([jwt, "verify", tok, "--jwks", os.path.join(d, "jwks.json"), "--aud",
                          "ees1.edge.test", "--iss", "ecs1.edge.test", "--client", "eec-0001",
                          "--profile", "eec", "--now", str(NOW)], capture_output=True, text=True)
    check(out.returncode == 0 and out.stdout.startswith("token.ok"),
          "token signed by pyca/cryptography verifies with edge-jwt: " + out.stdout.strip())
sys.exit(1 if fail else 0)
