"""A seed-style sensor on libzmq's own CURVE: sends each message given on the command line and prints the replies.

usage: sensor.py ENDPOINT CLIENT_SECRET_CERT SERVER_PUBLIC_CERT SOCKET_TYPE [--repeat N] TYPE=PAYLOAD...

With --repeat N each message is sent N times, each after the answer to the last, and only a count of
the answers is printed at the end: "acks=A other=O".
"""
import sys

import zmq
import zmq.auth

endpoint, client_cert, server_cert, socket_type = sys.argv[1:5]
client_public, client_secret = zmq.auth.load_certificate(client_cert)
server_public, _ = zmq.auth.load_certificate(server_cert)

ctx = zmq.Context()
sock = ctx.socket(zmq.REQ if socket_type == "REQ" else zmq.DEALER)
sock.curve_publickey = client_public
sock.curve_secretkey = client_secret
sock.curve_serverkey = server_public
sock.linger = 0
sock.rcvtimeo = 15000
sock.connect(endpoint)
items = sys.argv[5:]
repeat = None
if items[:1] == ["--repeat"]:
    repeat, items = int(items[1]), items[2:]
acks = other = 0
for item in items:
    kind, _, payload = item.partition("=")
    for _ in range(repeat or 1):
        sock.send_multipart([kind.encode(), payload.encode()])
        try:
            reply = sock.recv_multipart()
        except zmq.Again:
            print("TIMEOUT")
            sys.exit(3)
        if repeat is None:
            print(" | ".join(frame.decode("utf-8", "replace") for frame in reply))
        elif reply[0] == b"ACK":
            acks += 1
        else:
            other += 1
if repeat is not None:
    print("acks=%d other=%d" % (acks, other))
sock.close()
ctx.term()
