package org.edgegateway.uplink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream's record: exactly once by (edge, id), across restarts and torn files. */
class UplinkReceiverTest {
    @TempDir
    Path dir;

    private static HandlerMessage fromEdge(String edge, UplinkEnvelope e) {
        return new HandlerMessage(edge, "KEY-OF-" + edge, UplinkEnvelope.TYPE, e.encode(), Instant.now(), "127.0.0.1:1");
    }

    private static UplinkEnvelope envelope(long seq, String payload) {
        return new UplinkEnvelope(String.format("%032x", seq), seq, "claimed-name", "sensor-" + seq % 3, "SENSORKEY",
                "JSON", Instant.parse("2026-01-01T00:00:00Z"), payload.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMessageSentAgainIsRecordedOnceEvenAfterARestart() throws IOException {
        UplinkReceiver r = UplinkReceiver.open(dir, Set.of(), Clock.systemUTC());
        assertThat(r.handle(fromEdge("edge-1", envelope(1, "{\"t\":1}"))).detail()).startsWith("recorded");
        assertThat(r.handle(fromEdge("edge-1", envelope(1, "{\"t\":1}"))).detail()).startsWith("already recorded");
        // The same id from another edge is another message.
        assertThat(r.handle(fromEdge("edge-2", envelope(1, "{\"t\":1}"))).isAck()).isTrue();
        r.stop();

        UplinkReceiver again = UplinkReceiver.open(dir, Set.of(), Clock.systemUTC());
        assertThat(again.handle(fromEdge("edge-1", envelope(1, "{\"t\":1}"))).detail()).startsWith("already recorded");
        assertThat(again.count()).isEqualTo(2);
        List<String> lines = Files.readAllLines(again.linesFile());
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"edge\":\"edge-1\"", "\"sensor\":\"sensor-1\"", "\"type\":\"JSON\"",
                "\"payload\":\"{\\\"t\\\":1}\"");
        // The recorded edge is the authenticated client, never the name the envelope claims.
        assertThat(lines.get(1)).contains("\"edge\":\"edge-2\"").doesNotContain("claimed-name");
        again.stop();
    }

    @Test
    void aTornLastLineIsCutAndMissingLinesAreRestoredFromTheDatabase() throws IOException {
        UplinkReceiver r = UplinkReceiver.open(dir, Set.of(), Clock.systemUTC());
        for (int i = 1; i <= 5; i++) {
            r.handle(fromEdge("edge-1", envelope(i, "v" + i)));
        }
        r.stop();
        Path file = dir.resolve("received.jsonl");
        List<String> lines = Files.readAllLines(file);
        // As after a crash between a commit and its line, in the middle of writing the line before it.
        Files.writeString(file, String.join("\n", lines.subList(0, 3)) + "\n" + lines.get(3).substring(0, 10),
                StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);

        UplinkReceiver reopened = UplinkReceiver.open(dir, Set.of(), Clock.systemUTC());
        assertThat(Files.readAllLines(file)).isEqualTo(lines);
        reopened.stop();
    }

    @Test
    void badEnvelopesAndEdgesNotAllowedAreRefused() {
        UplinkReceiver r = UplinkReceiver.open(dir, Set.of("edge-1"), Clock.systemUTC());
        HandlerResult notJson = r.handle(new HandlerMessage("edge-1", "K", UplinkEnvelope.TYPE,
                "nope".getBytes(StandardCharsets.UTF_8), Instant.now(), "127.0.0.1:1"));
        assertThat(notJson.outcome()).isEqualTo(HandlerResult.Outcome.BAD_PAYLOAD);
        assertThat(notJson.detail()).contains("not JSON");
        HandlerResult stranger = r.handle(fromEdge("sensor-9", envelope(1, "x")));
        assertThat(stranger.outcome()).isEqualTo(HandlerResult.Outcome.BAD_PAYLOAD);
        assertThat(stranger.detail()).contains("sensor-9");
        assertThat(r.count()).isZero();
        r.stop();
    }

    @Test
    void itServesUplinkBesideAnotherLookup() {
        UplinkReceiver r = UplinkReceiver.open(dir, Set.of(), Clock.systemUTC());
        try (org.edgegateway.core.plugins.PluginHost builtins =
                     org.edgegateway.core.testing.BuiltinPlugins.start(dir.resolve("plugin-host"))) {
            org.edgegateway.core.HandlerLookup both = r.servingWith(builtins,
                    org.edgegateway.core.router.LaneLimits.defaults());
            assertThat(both.route("UPLINK").handler()).isSameAs(r);
            assertThat(both.route("UPLINK").nonBlocking()).isFalse();
            assertThat(both.route("JSON")).isNotNull();
            assertThat(both.types()).contains("UPLINK", "JSON", "STRING", "BINARY");
        }
        r.stop();
    }

    @Test
    void binaryPayloadsTravelAsBase64() {
        byte[] bytes = {(byte) 0xff, 0, (byte) 0xfe};
        UplinkEnvelope e = new UplinkEnvelope("ab", 7, "e", "s", "k", "BINARY", Instant.EPOCH, bytes);
        String json = new String(e.encode(), StandardCharsets.UTF_8);
        assertThat(json).contains("\"payloadBase64\":\"/wD+\"").doesNotContain("\"payload\":");
        assertThat(UplinkEnvelope.decode(e.encode()).payload()).isEqualTo(bytes);
        assertThat(UplinkEnvelope.decode(e.encode()).seq()).isEqualTo(7);
    }
}
