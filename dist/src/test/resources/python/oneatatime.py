"""A libzmq CURVE DEALER that sends N messages one at a time, each after the answer to the last.

usage: oneatatime.py ENDPOINT CLIENT_SECRET_CERT SERVER_PUBLIC_CERT N
Prints "acks=A other=O" at the end; exits 3 if an answer does not come within 15 s.
"""
import sys

import zmq
import zmq.auth

endpoint, client_cert, server_cert, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
client_public, client_secret = zmq.auth.load_certificate(client_cert)
server_public, _ = zmq.auth.load_certificate(server_cert)

ctx = zmq.Context()
sock = ctx.socket(zmq.DEALER)
sock.curve_publickey = client_public
sock.curve_secretkey = client_secret
sock.curve_serverkey = server_public
sock.linger = 0
sock.rcvtimeo = 15000
sock.connect(endpoint)
acks = other = 0
for n in range(count):
    sock.send_multipart([b"STRING", b"reading %d" % n])
    try:
        reply = sock.recv_multipart()
    except zmq.Again:
        print("TIMEOUT after %d answers" % n)
        sys.exit(3)
    if reply[0] == b"ACK":
        acks += 1
    else:
        other += 1
print("acks=%d other=%d" % (acks, other))
sock.close()
ctx.term()
