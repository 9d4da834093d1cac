#!/usr/bin/env python3
"""An Edge Gateway worker on pyzmq: serves message types over CURVE (docs/PROTOCOL.md, "Workers").

usage: worker.py BUNDLE_DIR NAME TYPE[,TYPE...] [WORK]
BUNDLE_DIR is what `edge-gateway workers add NAME --generate --out BUNDLE_DIR` wrote. Each request is
answered ACK with its payload upper-cased, after WORK rounds of SHA-256 (a CPU-bound handler; default 0).
"""
import hashlib, os, re, sys, time
import zmq, zmq.auth

HEARTBEAT = 2.5  # seconds, as workers.heartbeat-interval; three missed and the gateway is gone

def handle(payload, work):
    digest = payload
    for _ in range(work):
        digest = hashlib.sha256(digest).digest()
    try:
        return b"ACK", payload.decode("utf-8").upper().encode("utf-8")
    except UnicodeDecodeError:
        return b"ERROR", b"BAD_PAYLOAD: not UTF-8 text"

def serve(ctx, folder, name, types, work):
    public, secret = zmq.auth.load_certificate(os.path.join(folder, name + ".key_secret"))
    server, _ = zmq.auth.load_certificate(os.path.join(folder, "server.key"))
    endpoint = re.search(r'endpoint\s*=\s*"([^"]+)"', open(os.path.join(folder, "server.key")).read()).group(1)
    s = ctx.socket(zmq.DEALER)
    s.curve_publickey, s.curve_secretkey, s.curve_serverkey, s.linger = public, secret, server, 0
    s.connect(endpoint)
    s.send_multipart([b"READY", types.encode()])
    heard = sent = time.monotonic()
    while time.monotonic() - heard < 3 * HEARTBEAT:
        if s.poll(int(HEARTBEAT * 500)):
            frames = s.recv_multipart()
            heard = time.monotonic()
            if frames[0] == b"REQUEST" and len(frames) == 5:
                status, detail = handle(frames[3], work)
                s.send_multipart([b"REPLY", frames[1], status, detail])
                sent = time.monotonic()
            elif frames[0] == b"HEARTBEAT":  # answered: the gateway's interval may be shorter than ours
                s.send(b"HEARTBEAT")
                sent = time.monotonic()
            elif frames[0] in (b"READY", b"ERROR"):
                print(frames[0].decode().lower(), frames[1].decode(), flush=True)
            elif frames[0] == b"DISCONNECT":
                break
        if time.monotonic() - sent >= HEARTBEAT:
            s.send(b"HEARTBEAT")
            sent = time.monotonic()
    s.close()

if __name__ == "__main__":
    ctx = zmq.Context()
    while True:  # the gateway gone or restarted: connect and announce again
        serve(ctx, sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
        print("reconnecting", flush=True)
        time.sleep(1)
