package org.edgegateway.transport;

import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/** Sockets of the integration tests: no linger, a time limit on receiving, loopback only. */
final class Sockets {
    private Sockets() {
    }

    static ZMQ.Socket open(ZMQ.Context context, SocketType type, int receiveTimeoutMillis) {
        ZMQ.Socket s = context.socket(type);
        s.setLinger(0);
        s.setReceiveTimeOut(receiveTimeoutMillis);
        return s;
    }

    /** Bound to a free port of 127.0.0.1: its endpoint is {@code getLastEndpoint()}. */
    static ZMQ.Socket bound(ZMQ.Context context, SocketType type, int receiveTimeoutMillis) {
        ZMQ.Socket s = open(context, type, receiveTimeoutMillis);
        s.bind("tcp://127.0.0.1:*");
        return s;
    }
}
