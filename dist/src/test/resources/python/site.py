"""A site of libzmq CURVE sensors behind one address (one process, one context), and an attacker
beside it: for the bundle's test of a whole site that reconnects at once.

usage: site.py ENDPOINT SERVER_PUBLIC_CERT CLIENT_SECRET_CERT...

Each sensor connects one DEALER at start and keeps it; libzmq reconnects it on its own when the
gateway goes away and comes back. Commands come on standard input, one a line, and each is answered
with one line on standard output:

  send TAG SECONDS  each sensor sends [EGW/1, TAG-I-N, STRING, TAG], again every 3 s while it has no
                    ACK for TAG, until every one has one or SECONDS pass:
                    "TAG acked=N missing=I,J,..." ("missing=-" when none is missing)
  attack COUNT      COUNT DEALERs one after the other, each with a fresh key nobody enrolled, each
                    given 300 ms to try its handshake (libzmq tries again on its own): "attacked=COUNT"
  probe TAG SECONDS a new DEALER with the first sensor's key sends one message:
                    "TAG ACK" or "TAG TIMEOUT"

The process ends at the end of its input.
"""
import sys
import time

import zmq
import zmq.auth

endpoint, server_cert = sys.argv[1:3]
server_public, _ = zmq.auth.load_certificate(server_cert)
keys = [zmq.auth.load_certificate(c) for c in sys.argv[3:]]
ctx = zmq.Context()


def dealer(public, secret):
    s = ctx.socket(zmq.DEALER)
    s.curve_publickey, s.curve_secretkey, s.curve_serverkey = public, secret, server_public
    s.linger = 0
    s.connect(endpoint)
    return s


def acked(reply, tag):
    return len(reply) >= 3 and reply[0] == b"EGW/1" and reply[1].startswith(tag + b"-") and reply[2] == b"ACK"


sensors = [dealer(public, secret) for public, secret in keys]
poller = zmq.Poller()
for s in sensors:
    poller.register(s, zmq.POLLIN)
index = {s: i for i, s in enumerate(sensors)}


def send(tag, seconds):
    waiting = set(range(len(sensors)))
    deadline = time.monotonic() + seconds
    attempt = 0
    next_send = 0.0
    while waiting and time.monotonic() < deadline:
        if time.monotonic() >= next_send:
            attempt += 1
            for i in waiting:
                try:
                    sensors[i].send_multipart([b"EGW/1", b"%s-%d-%d" % (tag, i, attempt), b"STRING", tag], zmq.NOBLOCK)
                except zmq.Again:
                    pass
            next_send = time.monotonic() + 3
        for s, _ in poller.poll(200):
            while True:
                try:
                    reply = s.recv_multipart(zmq.NOBLOCK)
                except zmq.Again:
                    break
                if acked(reply, tag):
                    waiting.discard(index[s])
    missing = ",".join(str(i) for i in sorted(waiting)) or "-"
    return "%s acked=%d missing=%s" % (tag.decode(), len(sensors) - len(waiting), missing)


def attack(count):
    for _ in range(count):
        public, secret = zmq.curve_keypair()
        s = dealer(public, secret)
        s.send_multipart([b"STRING", b"let me in"], zmq.NOBLOCK)
        time.sleep(0.3)
        s.close()
    return "attacked=%d" % count


def probe(tag, seconds):
    public, secret = keys[0]
    s = dealer(public, secret)
    s.rcvtimeo = int(seconds * 1000)
    s.send_multipart([b"EGW/1", tag + b"-probe", b"STRING", tag])
    try:
        answer = "ACK" if acked(s.recv_multipart(), tag) else "OTHER"
    except zmq.Again:
        answer = "TIMEOUT"
    s.close()
    return "%s %s" % (tag.decode(), answer)


for line in sys.stdin:
    words = line.split()
    if not words:
        continue
    if words[0] == "send":
        result = send(words[1].encode(), float(words[2]))
    elif words[0] == "attack":
        result = attack(int(words[1]))
    elif words[0] == "probe":
        result = probe(words[1].encode(), float(words[2]))
    else:
        result = "unknown command " + words[0]
    print(result, flush=True)
for s in sensors:
    s.close()
ctx.term()
