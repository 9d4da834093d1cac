"""A seed-style sensor on libzmq's own CURVE: sends each message given on the command line and prints the replies.

usage: sensor.py ENDPOINT CLIENT_SECRET_CERT SERVER_PUBLIC_CERT SOCKET_TYPE TYPE=PAYLOAD...
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
for item in sys.argv[5:]:
    kind, _, payload = item.partition("=")
    sock.send_multipart([kind.encode(), payload.encode()])
    try:
        reply = sock.recv_multipart()
    except zmq.Again:
        print("TIMEOUT")
        sys.exit(3)
    print(" | ".join(frame.decode("utf-8", "replace") for frame in reply))
sock.close()
ctx.term()
