package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.edgegateway.core.testing.GatewayFixture.receive;
import static org.edgegateway.core.testing.GatewayFixture.receiveText;
import static org.edgegateway.core.testing.GatewayFixture.send;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/** The wire protocol against a real gateway over CURVE on loopback. */
class GatewayMessagingTest {
    @TempDir
    static Path dir;
    static GatewayFixture gw;
    static ZMQ.Socket sensor;

    @BeforeAll
    static void start() {
        gw = GatewayFixture.start(dir, c -> c.withMaxMessageSize(64 * 1024));
        sensor = gw.dealer(gw.enrol("sensor-1"));
    }

    @AfterAll
    static void stop() {
        gw.close();
    }

    @Test
    void seedExchangeGetsExactlyTwoFramesBack() {
        send(sensor, "JSON", "{\"temperature\": 25.5}");
        assertThat(receiveText(sensor)).containsExactly("ACK", "JSON received (21 bytes)");
        send(sensor, "STRING", "hello");
        assertThat(receiveText(sensor)).containsExactly("ACK", "STRING received (5 bytes)");
        send(sensor, "BINARY".getBytes(StandardCharsets.US_ASCII), new byte[] {0, (byte) 0xff, 7});
        assertThat(receiveText(sensor)).containsExactly("ACK", "BINARY received (3 bytes)");
    }

    @Test
    void badPayloadsAreRefusedWithTheirCode() {
        send(sensor, "JSON", "{\"temperature\": ");
        List<String> reply = receiveText(sensor);
        assertThat(reply).hasSize(2);
        assertThat(reply.get(0)).isEqualTo("ERROR");
        assertThat(reply.get(1)).startsWith("BAD_PAYLOAD: malformed JSON at line 1");

        send(sensor, "STRING".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xc3, (byte) 0x28});
        assertThat(receiveText(sensor)).containsExactly("ERROR", "BAD_PAYLOAD: STRING payload is not valid UTF-8");

        send(sensor, "CSV", "a,b");
        assertThat(receiveText(sensor)).containsExactly("ERROR", "UNKNOWN_TYPE: no handler for type CSV");
    }

    @Test
    void malformedFramesGetBadFrame() {
        send(sensor, "JSON");
        assertThat(receiveText(sensor)).containsExactly("ERROR", "BAD_FRAME: expected [TYPE, PAYLOAD], got 1 frame");
        send(sensor, "JSON", "{}", "extra");
        assertThat(receiveText(sensor)).containsExactly("ERROR", "BAD_FRAME: expected [TYPE, PAYLOAD], got 3 frames");
        send(sensor, new byte[] {(byte) 0x80, 1, 2}, new byte[] {1});
        assertThat(receiveText(sensor)).containsExactly("ERROR", "BAD_FRAME: type is not a token [A-Za-z0-9_.-]{1,32}");
        byte[][] many = new byte[20][];
        for (int i = 0; i < many.length; i++) {
            many[i] = new byte[] {(byte) i};
        }
        send(sensor, many);
        List<String> reply = receiveText(sensor);
        assertThat(reply.get(0)).isEqualTo("ERROR");
        assertThat(reply.get(1)).startsWith("BAD_FRAME: too many frames: 20");
    }

    @Test
    void payloadAboveTheLimitIsTooLarge() {
        send(sensor, "BINARY".getBytes(StandardCharsets.US_ASCII), new byte[64 * 1024 + 1]);
        assertThat(receiveText(sensor)).containsExactly("ERROR",
                "TOO_LARGE: payload of 65537 bytes is above the limit of 65536");
        send(sensor, "BINARY".getBytes(StandardCharsets.US_ASCII), new byte[64 * 1024]);
        assertThat(receiveText(sensor).get(0)).isEqualTo("ACK");
    }

    @Test
    void pingGetsPong() {
        send(sensor, "PING");
        assertThat(receiveText(sensor)).containsExactly("PONG", "");
    }

    @Test
    void reqClientGetsAWellFormedReply() {
        ZMQ.Socket req = gw.connect(SocketType.REQ, gw.enrol("req-sensor"), null);
        send(req, "JSON", "[1,2,3]");
        assertThat(receiveText(req)).containsExactly("ACK", "JSON received (7 bytes)");
        send(req, "PING");
        assertThat(receiveText(req)).containsExactly("PONG", "");
        send(req, "NOPE", "x");
        assertThat(receiveText(req)).containsExactly("ERROR", "UNKNOWN_TYPE: no handler for type NOPE");
    }

    @Test
    void versionedFramingPipelinesAndMatchesCorrelationIds() {
        ZMQ.Socket s = gw.dealer(gw.enrol("pipeliner"));
        int n = 200;
        for (int i = 0; i < n; i++) {
            send(s, "EGW/1", "id-" + i, i % 2 == 0 ? "JSON" : "STRING", i % 2 == 0 ? "{\"n\":" + i + "}" : "s" + i);
        }
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            List<String> reply = receiveText(s);
            assertThat(reply).hasSize(4);
            assertThat(reply.get(0)).isEqualTo("EGW/1");
            assertThat(reply.get(2)).isEqualTo("ACK");
            ids.add(reply.get(1));
        }
        assertThat(ids).hasSize(n).contains("id-0", "id-199");
        send(s, "EGW/1", "p1", "PING");
        assertThat(receiveText(s)).containsExactly("EGW/1", "p1", "PONG", "");
    }

    @Test
    void unknownVersionNamesTheSupportedOnes() {
        send(sensor, "EGW/7", "x", "JSON", "{}");
        assertThat(receiveText(sensor)).containsExactly("ERROR",
                "UNSUPPORTED_VERSION: EGW/7 is not supported; supported versions: EGW/1");
    }

    @Test
    void retryWithTheSameIdIsAnsweredOnceProcessed() {
        CountingHandler counter = new CountingHandler();
        try (GatewayFixture g = GatewayFixture.start(dir.resolve("dedup"), c -> c, counter)) {
            ZMQ.Socket s = g.dealer(g.enrol("retrier"));
            send(s, "EGW/1", "m-1", "COUNT", "a");
            assertThat(receiveText(s)).containsExactly("EGW/1", "m-1", "ACK", "count 1");
            send(s, "EGW/1", "m-1", "COUNT", "a");
            assertThat(receiveText(s)).containsExactly("EGW/1", "m-1", "ACK", "count 1");
            send(s, "EGW/1", "m-2", "COUNT", "b");
            assertThat(receiveText(s)).containsExactly("EGW/1", "m-2", "ACK", "count 2");
            assertThat(counter.calls()).isEqualTo(2);
            assertThat(g.gateway().metrics().duplicates()).isEqualTo(1);
        }
    }

    @Test
    void everyReplyCarriesTwoFramesForClassicClients() {
        send(sensor, "");
        List<byte[]> reply = receive(sensor);
        assertThat(reply).hasSize(2);
        assertThat(new String(reply.get(0), StandardCharsets.US_ASCII)).isEqualTo("ERROR");
    }

    static CurveKeyPair unused() {
        return CurveKeyPair.generate();
    }
}
