"""A seed-style central node on pyzmq (libzmq CURVE), the user's alternative to the gateway.

The classic DEALER-ROUTER server: a CURVE ROUTER whose ZAP handler (pyzmq's ThreadAuthenticator)
admits the public certificates found in a folder, answering every [TYPE, PAYLOAD] with
[ACK, "TYPE received (N bytes)"]; a STRING payload is checked to be UTF-8 and a JSON one parsed, as
such a node would, and refused with [ERROR, "BAD_PAYLOAD: ..."].

usage: central_node.py ENDPOINT SERVER_SECRET_CERT PUBLIC_CERTS_DIR
prints "READY ENDPOINT" once bound; SIGTERM or SIGINT stops it.
"""
import json
import signal
import sys

import zmq
import zmq.auth
from zmq.auth.thread import ThreadAuthenticator


def main():
    endpoint, server_cert, public_dir = sys.argv[1:4]
    ctx = zmq.Context()
    auth = ThreadAuthenticator(ctx)
    auth.start()
    auth.configure_curve(domain="central", location=public_dir)

    server_public, server_secret = zmq.auth.load_certificate(server_cert)
    router = ctx.socket(zmq.ROUTER)
    router.curve_secretkey = server_secret
    router.curve_publickey = server_public
    router.curve_server = True
    router.zap_domain = b"central"
    router.linger = 0
    router.sndhwm = 10000
    router.rcvhwm = 10000
    router.heartbeat_ivl = 5000
    router.heartbeat_timeout = 15000
    router.bind(endpoint)

    running = [True]

    def stop(signum, frame):
        running[0] = False

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print("READY " + router.getsockopt_string(zmq.LAST_ENDPOINT), flush=True)

    poller = zmq.Poller()
    poller.register(router, zmq.POLLIN)
    while running[0]:
        if not poller.poll(250):
            continue
        while True:
            try:
                frames = router.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            identity = frames[0]
            if len(frames) < 3:
                router.send_multipart([identity, b"ERROR", b"BAD_FRAME: expected [TYPE, PAYLOAD]"])
                continue
            kind, payload = frames[1], frames[2]
            try:
                if kind == b"STRING":
                    payload.decode("utf-8")
                elif kind == b"JSON":
                    json.loads(payload)
            except ValueError as e:
                router.send_multipart([identity, b"ERROR", ("BAD_PAYLOAD: %s" % e).encode()])
                continue
            detail = b"%s received (%d bytes)" % (kind, len(payload))
            router.send_multipart([identity, b"ACK", detail])
    router.close()
    auth.stop()
    ctx.term()


if __name__ == "__main__":
    main()
