"""libzmq CURVE clients that each send COUNT versioned messages of SIZE bytes at once, then wait for
every answer, for the tests of the gateway's memory bounds.

usage: bigflood.py ENDPOINT SERVER_PUBLIC_CERT TYPE SIZE COUNT TIMEOUT_S CLIENT_SECRET_CERT...
prints one line: sent=N answered=N CODE=N ... (CODE is ACK or the error code before ':')
"""
import sys
import time

import zmq
import zmq.auth

endpoint, server_cert, kind, size, count, timeout = sys.argv[1:7]
size, count, timeout = int(size), int(count), float(timeout)
server_public, _ = zmq.auth.load_certificate(server_cert)
ctx = zmq.Context()
sockets = []
for cert in sys.argv[7:]:
    public, secret = zmq.auth.load_certificate(cert)
    s = ctx.socket(zmq.DEALER)
    s.curve_publickey, s.curve_secretkey, s.curve_serverkey = public, secret, server_public
    s.linger = 0
    s.sndhwm = count + 10
    s.rcvhwm = count + 10
    s.connect(endpoint)
    sockets.append(s)
payload = b"m" * size
sent = 0
for i in range(count):
    for s in sockets:
        s.send_multipart([b"EGW/1", b"m%d" % i, kind.encode(), payload], copy=False)
        sent += 1
poller = zmq.Poller()
for s in sockets:
    poller.register(s, zmq.POLLIN)
codes = {}
answered = 0
deadline = time.monotonic() + timeout
while answered < sent and time.monotonic() < deadline:
    for s, _ in poller.poll(1000):
        while True:
            try:
                reply = s.recv_multipart(zmq.NOBLOCK)
            except zmq.Again:
                break
            answered += 1
            code = "ACK" if reply[2] == b"ACK" else reply[3].split(b":", 1)[0].decode()
            codes[code] = codes.get(code, 0) + 1
print(" ".join(["sent=%d" % sent, "answered=%d" % answered] + ["%s=%d" % kv for kv in sorted(codes.items())]))
sys.stdout.flush()
for s in sockets:
    s.close()
ctx.term()
