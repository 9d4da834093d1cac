package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.edgegateway.core.testing.GatewayFixture;
import org.zeromq.ZMQ;

/** Nothing a client sends stops the gateway: random frame sequences and raw TCP garbage. */
class RobustnessTest {
    static Path dir;
    static GatewayFixture gw;
    static ZMQ.Socket fuzzer;
    static ZMQ.Socket good;

    @BeforeContainer
    static void start() throws Exception {
        dir = Files.createTempDirectory("egw-fuzz");
        gw = GatewayFixture.start(dir);
        fuzzer = gw.dealer(gw.enrol("fuzzer"));
        fuzzer.setReceiveTimeOut(0);
        // Never block on the fuzzer: flood defence may quarantine it for its malformed frames, and
        // then its messages have nowhere to go. What matters is that the good client is served.
        fuzzer.setSendTimeOut(0);
        good = gw.dealer(gw.enrol("good"));
    }

    @AfterContainer
    static void stop() {
        gw.close();
    }

    @Provide
    Arbitrary<List<byte[]>> frames() {
        Arbitrary<byte[]> frame = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.of("JSON", "STRING", "BINARY", "PING", "EGW/1", "EGW/", "EGW/99999", "", "{}", "\u0000")
                        .map(String::getBytes),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1000).ofMaxSize(70_000));
        return frame.list().ofMinSize(1).ofMaxSize(12);
    }

    @Property(tries = 300)
    void randomFrameSequencesNeverStopTheGateway(@ForAll("frames") List<byte[]> frames) {
        send(fuzzer, frames.toArray(new byte[0][]));
        while (fuzzer.recv(ZMQ.DONTWAIT) != null) {
            // drain whatever came back
        }
        send(good, "JSON", "{\"ok\":true}");
        List<String> reply = receiveText(good);
        assertThat(reply).containsExactly("ACK", "JSON received (11 bytes)");
    }

    @Property(tries = 1)
    void rawTcpGarbageIsSurvived() throws Exception {
        String endpoint = gw.endpoint();
        int port = Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
        Random random = new Random(42);
        byte[][] payloads = {
                new byte[] {(byte) 0xff, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f},           // ZMTP signature start
                {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f},
                "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(),
                new byte[4096],
        };
        for (int i = 0; i < 40; i++) {
            try (Socket raw = new Socket()) {
                raw.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                raw.setSoTimeout(500);
                OutputStream out = raw.getOutputStream();
                byte[] junk;
                if (i < payloads.length) {
                    junk = payloads[i];
                } else {
                    junk = new byte[1 + random.nextInt(2048)];
                    random.nextBytes(junk);
                }
                try {
                    out.write(junk);
                    out.flush();
                    raw.getInputStream().read(new byte[256]);
                } catch (java.io.IOException e) {
                    // The gateway closed the connection, or waits for more: either way it must keep serving.
                }
            }
        }
        assertThat(gw.gateway().metrics().messagesIn()).isPositive();
        send(good, "STRING", "still here");
        assertThat(receiveText(good)).containsExactly("ACK", "STRING received (10 bytes)");
    }
}
