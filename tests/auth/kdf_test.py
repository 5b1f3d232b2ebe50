#!/usr/bin/env python3
"""kdf_test.py -- K_AF, Ks_NAF and the B-TID of common/auth (through kdf_tool) against values
computed here, independently, with Python's hmac over the KDF input S built by hand from the
specs: TS 33.220 B.2.2 (S = FC || P0 || L0 || ... , HMAC-SHA-256), B.3 (Ks_NAF), Annex H (Ua
security protocol identifier of shared-key TLS 1.3), 4.5.2 (B-TID); TS 33.535 A.4 (K_AF).
Neither TS 33.220 nor TS 33.535 gives a worked example of these derivations, so the reference
here is the spec text itself. Rows: kdf_rows.txt. Exit 0 when every row holds."""
import base64
import hashlib
import hmac
import subprocess
import sys

UA_TLS13 = bytes([0x01, 0x00, 0x00, 0x00, 0x07])


def s_input(fc, *params):
    """TS 33.220 B.2.2: FC || P0 || L0 || ... || Pn || Ln, Li two octets big-endian."""
    out = bytes([fc])
    for p in params:
        out += p + len(p).to_bytes(2, "big")
    return out


def expected(kind, args):
    if kind == "kaf":
        key, fqdn = bytes.fromhex(args[0]), args[1].encode("utf-8")
        return hmac.new(key, s_input(0x82, fqdn + UA_TLS13), hashlib.sha256).hexdigest()
    if kind == "ksnaf":
        ks, rand = bytes.fromhex(args[0]), bytes.fromhex(args[1])
        impi, naf_id = args[2].encode("utf-8"), args[3].encode("utf-8") + UA_TLS13
        s = s_input(0x01, b"gba-me", rand, impi, naf_id)
        return hmac.new(ks, s, hashlib.sha256).hexdigest()
    if kind == "btid":
        return base64.b64encode(bytes.fromhex(args[0])).decode() + "@" + args[1]
    raise ValueError("unknown row kind " + kind)


def main():
    tool, rows = sys.argv[1], sys.argv[2]
    fails = checks = 0
    seen = {}
    with open(rows, encoding="utf-8") as f:
        lines = [ln.split() for ln in f if ln.strip() and not ln.startswith("#")]
    for row in lines:
        refuse = row[0] == "refuse"
        kind, args = (row[1], row[2:]) if refuse else (row[0], row[1:])
        run = subprocess.run([tool, kind] + args, capture_output=True, text=True)
        got = run.stdout.strip()
        checks += 1
        if refuse:
            ok = run.returncode == 1 and run.stderr.startswith("kdf_tool: ")
            what = "refused: " + run.stderr.strip() if ok else "accepted: " + got
        else:
            want = expected(kind, args)
            ok = run.returncode == 0 and got == want
            what = got if ok else "got %r (%s), want %s" % (got, run.stderr.strip(), want)
            if ok and kind != "btid":
                # Key separation: no two rows with different inputs give one key.
                ok = seen.setdefault(got, tuple(args)) == tuple(args)
                what += "" if ok else " (same key as %s)" % (seen[got],)
        print("%s %s %s: %s" % ("ok  " if ok else "FAIL", kind, " ".join(args)[:60], what))
        fails += not ok
    print("kdf: %d checks, %d failed" % (checks, fails))
    return 1 if fails or checks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
