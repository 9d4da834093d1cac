package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.WorkerInfo;
import org.edgegateway.core.workers.WorkerView;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * What the worker tests do around a running gateway: enrol worker keys and write their bundles,
 * enrol sensors and connect them, read a worker's counters, wait for a condition. Owned by one test's
 * thread; the sockets belong to the test's context.
 */
final class WorkerFixture {
    static final Actor ADMIN = new Actor("test", "local");

    private final Gateway gateway;
    private final CurveKeyPair serverKeys;
    private final ZContext sockets;
    private final Path bundles;

    WorkerFixture(Gateway gateway, CurveKeyPair serverKeys, ZContext sockets, Path bundles) {
        this.gateway = gateway;
        this.serverKeys = serverKeys;
        this.sockets = sockets;
        this.bundles = bundles;
    }

    /** Enrols a worker key and writes its bundle as {@code edge-gateway workers add --generate} does. */
    Path workerBundle(String name) throws IOException {
        Path out = bundles.resolve(name);
        CurveKeyPair pair = CurveKeyPair.generate();
        ZCertFiles.writePair(out, name, pair, Map.of("name", name));
        ZCertFiles.writePublic(out.resolve("server.key"),
                ZCert.ofPublic(serverKeys.publicKey(), Map.of("endpoint", gateway.workers().boundEndpoint())));
        WorkerInfo w = gateway.admin().enrolWorker(name, pair.publicZ85(), ADMIN);
        assertThat(w.status()).isEqualTo("active");
        return out;
    }

    /** Enrols a sensor key and connects a DEALER with it to the sensors' port. */
    ZMQ.Socket sensor(String name) {
        CurveKeyPair keys = CurveKeyPair.generate();
        gateway.admin().enrol(name, keys.publicZ85(), ADMIN);
        return dealer(keys, gateway.boundEndpoint());
    }

    /** A CURVE DEALER with {@code keys}, connected to {@code endpoint} of this gateway. */
    ZMQ.Socket dealer(CurveKeyPair keys, String endpoint) {
        ZMQ.Socket s = sockets.createSocket(SocketType.DEALER);
        s.setLinger(0);
        s.setHandshakeIvl(3000);
        s.setReceiveTimeOut(30_000);
        s.setCurveServerKey(serverKeys.publicKey());
        s.setCurvePublicKey(keys.publicKey());
        s.setCurveSecretKey(keys.secretKey());
        s.connect(endpoint);
        return s;
    }

    WorkerInfo info(String name) {
        return gateway.admin().workers().stream().filter(w -> w.name().equals(name)).findFirst().orElseThrow();
    }

    int connected(String name) {
        return info(name).connections().size();
    }

    long served(String name) {
        return info(name).connections().stream().mapToLong(WorkerView::served).sum();
    }

    int inFlight(String name) {
        return info(name).connections().stream().mapToInt(WorkerView::inFlight).sum();
    }

    /** Polls {@code condition} every 20 ms for up to 60 s. */
    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(20);
        }
    }
}
