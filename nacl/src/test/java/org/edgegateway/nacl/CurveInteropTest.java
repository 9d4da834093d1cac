package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMsg;

/**
 * Real JeroMQ 0.6.0 CURVE sockets, with this module's classes doing the crypto, against libzmq's
 * own CURVE (Debian's python3-zmq, run as {@code /usr/bin/python3} in a separate process): a
 * libzmq DEALER against a JeroMQ ROUTER, and a JeroMQ DEALER against a libzmq ROUTER that checks
 * the client's key through ZAP. Skipped only when {@code import zmq} fails there.
 */
@Timeout(120)
class CurveInteropTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePythonZmq() throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
        boolean done = probe.waitFor(30, TimeUnit.SECONDS);
        if (!done) {
            probe.destroyForcibly();
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(done && probe.exitValue() == 0,
                PYTHON + " -c 'import zmq' failed: python3-zmq is not installed");
    }

    @Test
    void jeromqUsesThisModulesClasses() throws Exception {
        Class<?> box = Class.forName("com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305");
        Path location = Path.of(box.getProtectionDomain().getCodeSource().getLocation().toURI());
        Class<?> seenByJeromq = Class.forName(box.getName(), false,
                zmq.io.mechanism.curve.Curve.class.getClassLoader());

        assertThat(location).isEqualTo(Path.of(System.getProperty("nacl.classes")));
        assertThat(seenByJeromq).isSameAs(box);
        assertThat(zmq.io.mechanism.curve.Curve.class.getClassLoader().getResource(
                "com/neilalexander/jnacl/crypto/poly1305.class")).as("a class only jnacl has").isNull();
    }

    @Test
    void libzmqDealerTalksToJeromqCurveRouter() throws Exception {
        ZMQ.Curve.KeyPair server = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket router = ctx.createSocket(SocketType.ROUTER);
            router.setLinger(0);
            router.setReceiveTimeOut(500);
            router.setSendTimeOut(10_000);
            assertThat(router.setCurveServer(true)).isTrue();
            assertThat(router.setCurveSecretKey(ZMQ.Curve.z85Decode(server.secretKey))).isTrue();
            int port = router.bindToRandomPort("tcp://127.0.0.1");

            Path log = dir.resolve("client.log");
            Process python = start(log, script("curve_client.py"), "tcp://127.0.0.1:" + port,
                    server.publicKey, client.publicKey, client.secretKey, "20240609");
            try {
                int verified = 0;
                int corrupt = 0;
                boolean bye = false;
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (!bye && System.nanoTime() < deadline && (python.isAlive() || verified == 0)) {
                    ZMsg request = ZMsg.recvMsg(router);
                    if (request == null) {
                        continue;
                    }
                    byte[] routingId = request.pop().getData();
                    List<byte[]> body = new ArrayList<>();
                    request.forEach(frame -> body.add(frame.getData()));
                    ZMsg reply = new ZMsg();
                    reply.add(routingId);
                    if (body.size() == 1 && Arrays.equals(body.get(0), bytes("bye"))) {
                        reply.add("bye");
                        reply.add("from-jeromq");
                        bye = true;
                    } else if (body.size() == 3 && Arrays.equals(body.get(0), bytes("echo"))
                            && Arrays.equals(sha256(body.get(1)), body.get(2))) {
                        verified++;
                        reply.add("echo");
                        reply.add(reversed(body.get(1)));
                    } else {
                        corrupt++;
                        reply.add("corrupt");
                    }
                    assertThat(reply.send(router)).as("send to the libzmq client").isTrue();
                }
                assertThat(python.waitFor(30, TimeUnit.SECONDS)).as("python client ends").isTrue();
                String output = Files.readString(log);

                assertThat(python.exitValue()).as("python client output: %s", output).isZero();
                assertThat(output).contains("OK 50");
                assertThat(verified).isEqualTo(50);
                assertThat(corrupt).isZero();
                assertThat(bye).isTrue();
            } finally {
                python.destroyForcibly();
            }
        }
    }

    @Test
    void jeromqDealerTalksToLibzmqCurveRouterAndPassesItsZap() throws Exception {
        ZMQ.Curve.KeyPair client = ZMQ.Curve.generateKeyPair();
        Path log = dir.resolve("server.log");
        Process python = start(log, script("curve_server.py"), client.publicKey);
        try (ZContext ctx = new ZContext()) {
            String[] ready = awaitReady(python, log);
            String endpoint = ready[1];
            String serverPublic = ready[2];

            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            dealer.setReceiveTimeOut(20_000);
            dealer.setSendTimeOut(20_000);
            // JeroMQ 0.6.0 clients leave a few percent of fresh connections stuck before the ZMTP
            // greeting; a short handshake limit makes them reconnect (see docs/ARCHITECTURE.md).
            dealer.setHandshakeIvl(2000);
            assertThat(dealer.setCurveServerKey(ZMQ.Curve.z85Decode(serverPublic))).isTrue();
            assertThat(dealer.setCurvePublicKey(ZMQ.Curve.z85Decode(client.publicKey))).isTrue();
            assertThat(dealer.setCurveSecretKey(ZMQ.Curve.z85Decode(client.secretKey))).isTrue();
            assertThat(dealer.connect(endpoint)).isTrue();

            Random random = new Random(7);
            int[] sizes = {0, 1, 31, 32, 33, 64, 1024, 4096, 65_536, 1 << 20, 17, 999, 3000};
            for (int size : sizes) {
                byte[] payload = new byte[size];
                random.nextBytes(payload);
                ZMsg request = new ZMsg();
                request.add("echo");
                request.add(payload);
                request.add(sha256(payload));
                assertThat(request.send(dealer)).isTrue();

                ZMsg reply = ZMsg.recvMsg(dealer);

                assertThat(reply).as("reply for %d bytes; python server: %s", size, Files.readString(log)).isNotNull();
                assertThat(reply.size()).isEqualTo(3);
                assertThat(reply.pop().getString(ZMQ.CHARSET)).isEqualTo("echo");
                assertThat(reply.pop().getData()).as("echo of %d bytes", size).isEqualTo(reversed(payload));
                assertThat(reply.pop().getString(ZMQ.CHARSET)).as("User-Id set by libzmq's ZAP")
                        .isEqualTo(client.publicKey);
            }
            ZMsg bye = new ZMsg();
            bye.add("bye");
            assertThat(bye.send(dealer)).isTrue();
            ZMsg reply = ZMsg.recvMsg(dealer);
            assertThat(reply).isNotNull();
            assertThat(reply.popString()).isEqualTo("bye");

            assertThat(python.waitFor(30, TimeUnit.SECONDS)).as("python server ends").isTrue();
            assertThat(python.exitValue()).as("python server output: %s", Files.readString(log)).isZero();
        } finally {
            python.destroyForcibly();
        }
    }

    @Test
    void libzmqRouterRefusesAJeromqClientWhoseKeyItDoesNotKnow() throws Exception {
        ZMQ.Curve.KeyPair enrolled = ZMQ.Curve.generateKeyPair();
        ZMQ.Curve.KeyPair stranger = ZMQ.Curve.generateKeyPair();
        Path log = dir.resolve("server-refuses.log");
        Process python = start(log, script("curve_server.py"), enrolled.publicKey);
        try (ZContext ctx = new ZContext()) {
            String[] ready = awaitReady(python, log);

            ZMQ.Socket dealer = ctx.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            dealer.setReceiveTimeOut(2_000);
            dealer.setHandshakeIvl(2000);
            // nothing is sent: a multipart message half written into a pipe that the refusal tears
            // down trips JeroMQ 0.6.0's assertion in LB.sendpipe (seen once in CI)
            assertThat(dealer.setCurveServerKey(ZMQ.Curve.z85Decode(ready[2]))).isTrue();
            assertThat(dealer.setCurvePublicKey(ZMQ.Curve.z85Decode(stranger.publicKey))).isTrue();
            assertThat(dealer.setCurveSecretKey(ZMQ.Curve.z85Decode(stranger.secretKey))).isTrue();
            assertThat(dealer.monitor("inproc://refused-monitor", ZMQ.EVENT_ALL)).isTrue();
            ZMQ.Socket monitor = ctx.createSocket(SocketType.PAIR);
            monitor.setReceiveTimeOut(10_000);
            monitor.connect("inproc://refused-monitor");
            dealer.connect(ready[1]);

            int outcome = 0;
            while (outcome == 0) {
                ZMQ.Event event = ZMQ.Event.recv(monitor);
                assertThat(event).as("a monitor event within 10 s").isNotNull();
                int e = event.getEvent();
                if ((e & (zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_SUCCEEDED | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
                        | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
                        | zmq.ZMQ.ZMQ_EVENT_DISCONNECTED)) != 0) {
                    outcome = e;
                }
            }
            assertThat(outcome).as("libzmq's ZAP refusal reaches the client as an authentication failure")
                    .isEqualTo(zmq.ZMQ.ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
            assertThat(ZMsg.recvMsg(dealer)).as("no reply without enrolment").isNull();
            assertThat(python.isAlive()).as("the server is still up: %s", Files.readString(log)).isTrue();
        } finally {
            python.destroyForcibly();
        }
    }

    private Process start(Path log, Path script, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static String[] awaitReady(Process python, Path log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            String output = Files.exists(log) ? Files.readString(log) : "";
            // Only whole lines: the file may be read while the line is still being written.
            String complete = output.substring(0, output.lastIndexOf('\n') + 1);
            for (String line : complete.split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length == 3 && fields[0].equals("READY")) {
                    assertThat(fields[2]).as("server public key in Z85").hasSize(40);
                    return fields;
                }
            }
            if (!python.isAlive()) {
                throw new AssertionError("python server ended before READY: " + output);
            }
            Thread.sleep(50);
        }
        throw new AssertionError("python server not READY within " + DEADLINE + ": " + Files.readString(log));
    }

    private Path script(String name) throws IOException, URISyntaxException {
        Path target = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/interop/" + name)) {
            if (in == null) {
                throw new IOException("test resource /interop/" + name + " missing");
            }
            Files.copy(in, target);
        }
        return target;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] reversed(byte[] data) {
        byte[] out = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            out[i] = data[data.length - 1 - i];
        }
        return out;
    }

    private static byte[] sha256(byte[] data) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(data);
    }
}
