"""libzmq CURVE ROUTER server for the nacl module's interop test.

Usage: curve_server.py ALLOWED_CLIENT_PUBLIC_Z85

Makes its own server key pair with libzmq, answers ZAP itself (only the allowed client key passes,
its Z85 text becomes the User-Id), binds tcp://127.0.0.1:* and prints
"READY <endpoint> <server public key Z85>". Then, for every [b"echo", payload, sha256(payload)]
it answers [b"echo", reversed payload, User-Id]; [b"bye"] ends it with exit code 0. A wrong digest
or 30 s without a message ends it with exit code 1.
"""
import hashlib
import sys
import threading

import zmq
from zmq.utils import z85


def zap_handler(ctx, allowed, ready):
    zap = ctx.socket(zmq.REP)
    zap.setsockopt(zmq.LINGER, 0)
    zap.bind("inproc://zeromq.zap.01")
    ready.set()
    while True:
        try:
            request = zap.recv_multipart()
        except zmq.ContextTerminated:
            break
        version, request_id, _domain, _address, _identity, mechanism = request[:6]
        key = request[6] if len(request) > 6 else b""
        if mechanism == b"CURVE" and z85.encode(key) == allowed:
            zap.send_multipart([version, request_id, b"200", b"OK", allowed, b""])
        else:
            zap.send_multipart([version, request_id, b"400", b"not enrolled", b"", b""])
    zap.close(0)


def main():
    allowed = sys.argv[1].encode("ascii")
    ctx = zmq.Context()
    ready = threading.Event()
    threading.Thread(target=zap_handler, args=(ctx, allowed, ready), daemon=True).start()
    ready.wait(10)
    public, secret = zmq.curve_keypair()
    sock = ctx.socket(zmq.ROUTER)
    sock.setsockopt(zmq.LINGER, 0)
    sock.setsockopt(zmq.RCVTIMEO, 30000)
    sock.curve_server = True
    sock.curve_secretkey = secret
    sock.zap_domain = b"interop"
    sock.bind("tcp://127.0.0.1:*")
    print("READY %s %s" % (sock.last_endpoint.decode(), public.decode()), flush=True)
    code = 1
    try:
        while True:
            frames = sock.recv_multipart(copy=False)
            user_id = frames[1].get("User-Id").encode("ascii")
            parts = [f.bytes for f in frames]
            routing_id, body = parts[0], parts[1:]
            if body == [b"bye"]:
                sock.send_multipart([routing_id, b"bye", user_id])
                code = 0
                break
            if len(body) != 3 or body[0] != b"echo" or hashlib.sha256(body[1]).digest() != body[2]:
                print("bad request: %r" % ([len(b) for b in body],), file=sys.stderr)
                break
            sock.send_multipart([routing_id, b"echo", body[1][::-1], user_id])
    except zmq.Again:
        print("no message for 30 s", file=sys.stderr)
    sock.close(0)
    ctx.term()
    return code


if __name__ == "__main__":
    sys.exit(main())
