"""Enrol a pyzmq sensor on an Edge Gateway claim (docs/PROTOCOL.md, "Enrolment").

usage: enrol_sensor.py CLAIM_FILE NAME OUT_DIR

Makes this sensor's CURVE key pair here (the secret key never leaves this host), writes the bundle
OUT_DIR/NAME.key, OUT_DIR/NAME.key_secret (mode 0600) and OUT_DIR/server.key, and sends
[ENROL, claim-secret, NAME] to the claim's enrolment endpoint over CURVE with the new key: the
gateway enrols the key the connection authenticated with. Once enrolled (not pending), it sends one
STRING message to the sensors' endpoint with the new bundle and prints the answer.

Exit codes: 0 enrolled (or pending approval), 1 refused (the bundle is deleted), 3 no answer.
"""
import os
import re
import sys

import zmq
import zmq.auth


def read_claim(path):
    """The claim file's properties as {"section.name": value}; it is ZPL, as CURVE certificates are."""
    props, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if not line.startswith(" "):
                section = line.strip()
                continue
            m = re.match(r'\s+([\w.-]+)\s*=\s*"([^"]*)"', line)
            if m:
                props[section + "." + m.group(1)] = m.group(2)
    return props


def request(ctx, endpoint, server_public, public, secret, frames, timeout_ms=15000):
    sock = ctx.socket(zmq.DEALER)
    sock.curve_serverkey = server_public
    sock.curve_publickey = public
    sock.curve_secretkey = secret
    sock.linger = 0
    sock.rcvtimeo = timeout_ms
    sock.connect(endpoint)
    sock.send_multipart(frames)
    try:
        return [f.decode("utf-8", "replace") for f in sock.recv_multipart()]
    except zmq.Again:
        return None
    finally:
        sock.close()


def main(claim_file, name, out_dir):
    claim = read_claim(claim_file)
    server_public = claim["gateway.public-key"].encode("ascii")

    # The key pair is born here; the files are owner-only from their first byte.
    os.makedirs(out_dir, mode=0o700, exist_ok=True)
    old_umask = os.umask(0o077)
    try:
        public_file, secret_file = zmq.auth.create_certificates(out_dir, name, metadata={"name": name})
        server_file = os.path.join(out_dir, "server.key")
        with open(server_file, "x", encoding="utf-8") as f:
            f.write("#   ZeroMQ CURVE Public Certificate\n\nmetadata\n    endpoint = \"%s\"\ncurve\n"
                    "    public-key = \"%s\"\n" % (claim["gateway.endpoint"], claim["gateway.public-key"]))
    finally:
        os.umask(old_umask)
    os.chmod(public_file, 0o644)
    os.chmod(server_file, 0o644)
    public, secret = zmq.auth.load_certificate(secret_file)

    ctx = zmq.Context()
    try:
        reply = request(ctx, claim["gateway.enrol-endpoint"], server_public, public, secret,
                        [b"ENROL", claim["claim.secret"].encode("utf-8"), name.encode("utf-8")])
        if reply is None or reply[0] not in ("ENROLLED", "PENDING"):
            for path in (public_file, secret_file, server_file):
                os.remove(path)
            print("TIMEOUT" if reply is None else " | ".join(reply))
            return 3 if reply is None else 1
        print(" | ".join(reply))
        if reply[0] == "ENROLLED":
            answer = request(ctx, claim["gateway.endpoint"], server_public, public, secret,
                             [b"STRING", b"hello from " + name.encode("utf-8")])
            print("TIMEOUT" if answer is None else " | ".join(answer))
        return 0
    finally:
        ctx.term()


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
