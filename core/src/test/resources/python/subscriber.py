"""A subscriber on libzmq's own CURVE: subscribes to a prefix and prints every message it receives.

usage: subscriber.py ENDPOINT CLIENT_SECRET_CERT SERVER_PUBLIC_CERT PREFIX

Prints "READY" once set up, then one line per message, "TOPIC|PAYLOAD", flushed at once; runs
until killed or until its standard input is closed.
"""
import sys

import zmq
import zmq.auth

endpoint, client_cert, server_cert, prefix = sys.argv[1:5]
client_public, client_secret = zmq.auth.load_certificate(client_cert)
server_public, _ = zmq.auth.load_certificate(server_cert)

ctx = zmq.Context()
sock = ctx.socket(zmq.SUB)
sock.curve_publickey = client_public
sock.curve_secretkey = client_secret
sock.curve_serverkey = server_public
sock.linger = 0
sock.setsockopt(zmq.SUBSCRIBE, prefix.encode())
sock.connect(endpoint)
poller = zmq.Poller()
poller.register(sock, zmq.POLLIN)
poller.register(sys.stdin, zmq.POLLIN)
print("READY", flush=True)
while True:
    events = dict(poller.poll(1000))
    if sock in events:
        frames = sock.recv_multipart()
        print("|".join(f.decode("utf-8", "replace") for f in frames), flush=True)
    if sys.stdin.fileno() in events or sys.stdin in events:
        if not sys.stdin.readline():
            break
sock.close()
ctx.term()
