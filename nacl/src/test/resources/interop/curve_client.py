"""libzmq CURVE DEALER client for the nacl module's interop test.

Usage: curve_client.py ENDPOINT SERVER_PUBLIC_Z85 CLIENT_PUBLIC_Z85 CLIENT_SECRET_Z85 SEED

Sends [b"echo", payload, sha256(payload)] for a fixed list of sizes, expects
[b"echo", reversed payload] back for each, then sends [b"bye"] and expects [b"bye", b"from-jeromq"].
Prints "OK <count>" and exits 0 when every reply matched; exits 1 with a reason otherwise.
"""
import hashlib
import random
import sys

import zmq


def main():
    endpoint, server_public, client_public, client_secret, seed = sys.argv[1:6]
    rng = random.Random(int(seed))
    sizes = [0, 1, 31, 32, 33, 64, 1024, 4096, 65536, 1 << 20] + [rng.randrange(0, 8192) for _ in range(40)]
    ctx = zmq.Context()
    sock = ctx.socket(zmq.DEALER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, 20000)
    sock.setsockopt(zmq.SNDTIMEO, 20000)
    sock.curve_serverkey = server_public.encode("ascii")
    sock.curve_publickey = client_public.encode("ascii")
    sock.curve_secretkey = client_secret.encode("ascii")
    sock.connect(endpoint)
    try:
        for size in sizes:
            payload = rng.randbytes(size)
            sock.send_multipart([b"echo", payload, hashlib.sha256(payload).digest()])
            reply = sock.recv_multipart()
            if reply != [b"echo", payload[::-1]]:
                print("reply mismatch for size %d: %r" % (size, [len(f) for f in reply]), file=sys.stderr)
                return 1
        sock.send_multipart([b"bye"])
        reply = sock.recv_multipart()
        if reply != [b"bye", b"from-jeromq"]:
            print("bad goodbye: %r" % (reply,), file=sys.stderr)
            return 1
    except zmq.Again:
        print("timed out waiting for the JeroMQ server", file=sys.stderr)
        return 1
    finally:
        sock.close(0)
        ctx.term()
    print("OK %d" % len(sizes), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
