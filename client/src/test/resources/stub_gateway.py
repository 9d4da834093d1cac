"""A libzmq CURVE ROUTER speaking the Edge Gateway protocol, for the client's interop tests.

Usage: stub_gateway.py SERVER_PUBLIC_Z85 SERVER_SECRET_Z85 ALLOWED_CLIENT_Z85[,...]
Prints "READY <endpoint>" once bound, then serves until stdin closes.
Types: echo (ACK with the payload), fail (ERROR BAD_PAYLOAD), anything else ACK "ok".
Keeps a de-duplication window by (client key, correlation id) and counts processing per id,
printing "PROCESSED <hex id> <count>" for every message it processes.
"""
import sys
import threading

import zmq
from zmq.auth.thread import ThreadAuthenticator


def main():
    server_public, server_secret, allowed = sys.argv[1], sys.argv[2], sys.argv[3]
    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    allowed_keys = {k.encode() for k in allowed.split(",") if k}

    class Allowed:
        def callback(self, domain, key):
            return key in allowed_keys

    auth.configure_curve_callback(domain="*", credentials_provider=Allowed())
    router = ctx.socket(zmq.ROUTER)
    router.curve_server = True
    router.curve_publickey = server_public.encode()
    router.curve_secretkey = server_secret.encode()
    router.linger = 0
    router.bind("tcp://127.0.0.1:*")
    print("READY " + router.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)

    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    dedup = {}
    counts = {}
    poller = zmq.Poller()
    poller.register(router, zmq.POLLIN)
    while not stop.is_set():
        if not poller.poll(50):
            continue
        frames = router.recv_multipart(copy=False)
        rid = frames[0].bytes
        user = frames[1].get("User-Id") if len(frames) > 1 else ""
        parts = [f.bytes for f in frames[1:]]
        if len(parts) == 3 and parts[0] == b"EGW/1" and parts[2] == b"PING":
            router.send_multipart([rid, b"EGW/1", parts[1], b"PONG", b""])
            continue
        if len(parts) != 4 or parts[0] != b"EGW/1":
            router.send_multipart([rid, b"ERROR", b"BAD_FRAME: expected the versioned framing"])
            continue
        cid, mtype, payload = parts[1], parts[2], parts[3]
        key = (user, cid)
        if key in dedup:
            router.send_multipart([rid, b"EGW/1", cid] + dedup[key])
            continue
        counts[key] = counts.get(key, 0) + 1
        print("PROCESSED %s %d" % (cid.hex(), counts[key]), flush=True)
        if mtype == b"echo":
            reply = [b"ACK", payload]
        elif mtype == b"fail":
            reply = [b"ERROR", b"BAD_PAYLOAD: not JSON"]
        else:
            reply = [b"ACK", b"ok"]
        dedup[key] = reply
        router.send_multipart([rid, b"EGW/1", cid] + reply)
    auth.stop()
    router.close()
    ctx.term()


if __name__ == "__main__":
    main()
