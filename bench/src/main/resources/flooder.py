"""A libzmq CURVE client that sends as fast as its socket allows, for flood defence tests.

usage: flooder.py ENDPOINT CLIENT_SECRET_CERT SERVER_PUBLIC_CERT SECONDS
prints: sent=N replies=N quarantined=N rate_limited=N
"""
import sys
import time

import zmq
import zmq.auth

endpoint, client_cert, server_cert, seconds = sys.argv[1:5]
client_public, client_secret = zmq.auth.load_certificate(client_cert)
server_public, _ = zmq.auth.load_certificate(server_cert)

ctx = zmq.Context()
sock = ctx.socket(zmq.DEALER)
sock.curve_publickey = client_public
sock.curve_secretkey = client_secret
sock.curve_serverkey = server_public
sock.linger = 0
sock.sndhwm = 1000000
sock.rcvhwm = 1000000
sock.connect(endpoint)
message = [b"STRING", b"x" * 32]
sent = replies = quarantined = rate_limited = 0
end = time.monotonic() + float(seconds)
while time.monotonic() < end:
    for _ in range(256):
        try:
            sock.send_multipart(message, zmq.NOBLOCK)
            sent += 1
        except zmq.Again:
            break
    while True:
        try:
            reply = sock.recv_multipart(zmq.NOBLOCK)
        except zmq.Again:
            break
        replies += 1
        if len(reply) > 1 and reply[1].startswith(b"QUARANTINED"):
            quarantined += 1
        elif len(reply) > 1 and reply[1].startswith(b"RATE_LIMITED"):
            rate_limited += 1
print("sent=%d replies=%d quarantined=%d rate_limited=%d" % (sent, replies, quarantined, rate_limited))
sys.stdout.flush()
sock.close()
ctx.term()
