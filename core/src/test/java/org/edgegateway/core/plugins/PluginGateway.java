package org.edgegateway.core.plugins;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A real gateway whose handlers come from a {@link HandlerLookup} such as a {@link PluginHost}: H2
 * key store in a temporary folder, CURVE ROUTER on an ephemeral loopback port, real CURVE clients.
 * Not thread-safe; the lookup stays the caller's.
 */
final class PluginGateway implements AutoCloseable {
    private static final Actor ADMIN = new Actor("test-admin", "local");

    private final KeyStore store;
    private final CurveKeyPair serverKeys = CurveKeyPair.generate();
    private final ZContext clients = new ZContext(1);
    private final List<ZMQ.Socket> sockets = new ArrayList<>();
    private final Gateway gateway;

    PluginGateway(Path dir, HandlerLookup handlers, int workers) {
        this(dir, handlers, workers, java.time.Duration.ofSeconds(5));
    }

    /** With {@code handlerTimeout} as {@code handlers.timeout} (equal to {@code plugins.timeout}, as by default). */
    PluginGateway(Path dir, HandlerLookup handlers, int workers, java.time.Duration handlerTimeout) {
        this(dir, handlers, workers, handlerTimeout, org.edgegateway.core.admission.AdmissionConfig.defaults());
    }

    /** With flood defence set by {@code admission}. */
    PluginGateway(Path dir, HandlerLookup handlers, int workers, java.time.Duration handlerTimeout,
                  org.edgegateway.core.admission.AdmissionConfig admission) {
        this.store = KeyStore.open(KeyStore.fileUrl(dir.resolve("keystore")));
        GatewayConfig c = GatewayConfig.defaults("tcp://127.0.0.1:*");
        GatewayConfig config = c.withHandlers(workers, handlerTimeout, c.queue(), c.queueBytes());
        this.gateway = Gateway.start(config, admission, store, serverKeys, handlers, Clock.systemUTC());
    }

    Gateway gateway() {
        return gateway;
    }

    CurveKeyPair serverKeys() {
        return serverKeys;
    }

    /** A CURVE DEALER for a freshly enrolled client {@code name}; receive timeout 15 s. */
    ZMQ.Socket dealer(String name) {
        CurveKeyPair keys = CurveKeyPair.generate();
        gateway.admin().enrol(name, keys.publicZ85(), ADMIN);
        ZMQ.Socket s = clients.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setReceiveTimeOut(15_000);
        s.setSendTimeOut(10_000);
        s.setHandshakeIvl(2000);
        s.setCurveServerKey(serverKeys.publicKey());
        s.setCurvePublicKey(keys.publicKey());
        s.setCurveSecretKey(keys.secretKey());
        s.connect(gateway.boundEndpoint());
        sockets.add(s);
        return s;
    }

    static void send(ZMQ.Socket s, String type, byte[] payload) {
        s.send(type.getBytes(StandardCharsets.US_ASCII), ZMQ.SNDMORE);
        s.send(payload, 0);
    }

    /** Sends one message of text frames, e.g. a versioned {@code EGW/1, ID, TYPE, PAYLOAD}. */
    static void send(ZMQ.Socket s, String... frames) {
        for (int i = 0; i < frames.length; i++) {
            s.send(frames[i].getBytes(StandardCharsets.UTF_8), i < frames.length - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    static void send(ZMQ.Socket s, String type, String payload) {
        send(s, type, payload.getBytes(StandardCharsets.UTF_8));
    }

    /** One reply as text frames, or null after the receive timeout. */
    static List<String> receive(ZMQ.Socket s) {
        byte[] first = s.recv(0);
        if (first == null) {
            return null;
        }
        List<String> out = new ArrayList<>();
        out.add(new String(first, StandardCharsets.UTF_8));
        while (s.hasReceiveMore()) {
            out.add(new String(s.recv(0), StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Sends and waits for the reply. */
    static List<String> exchange(ZMQ.Socket s, String type, String payload) {
        send(s, type, payload);
        return receive(s);
    }

    @Override
    public void close() {
        for (ZMQ.Socket s : sockets) {
            s.close();
        }
        clients.close();
        gateway.close();
        store.close();
    }
}
