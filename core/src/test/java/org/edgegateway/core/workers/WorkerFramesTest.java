package org.edgegateway.core.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.junit.jupiter.api.Test;

/** The worker protocol's frames as docs/PROTOCOL.md ("Workers") writes them. */
class WorkerFramesTest {

    @Test
    void aReplyIsAnAckABadPayloadOrAHandlerFailure() {
        assertThat(WorkerFrames.reply(reply(7, "ACK", "done"))).isEqualTo(
                new WorkerFrames.Reply(7, HandlerResult.ack("done")));
        assertThat(WorkerFrames.reply(reply(8, "ERROR", "BAD_PAYLOAD: not UTF-8 text")).result())
                .isEqualTo(HandlerResult.badPayload("not UTF-8 text"));
        assertThat(WorkerFrames.reply(reply(9, "ERROR", "BAD_PAYLOAD")).result()).isEqualTo(HandlerResult.badPayload(""));
        assertThat(WorkerFrames.reply(reply(10, "ERROR", "disk full")).result()).isEqualTo(HandlerResult.failed("disk full"));
    }

    @Test
    void aReplyOfTheWrongShapeIsNone() {
        assertThat(WorkerFrames.reply(List.of(ascii("REPLY"), new byte[8], ascii("ACK")))).isNull();
        assertThat(WorkerFrames.reply(List.of(ascii("REPLY"), new byte[4], ascii("ACK"), ascii("x")))).isNull();
    }

    @Test
    void aRequestCarriesItsIdTypePayloadAndClient() {
        HandlerMessage m = new HandlerMessage("sensor-1", "KEY", "UPPER", ascii("hello"), Instant.EPOCH, "127.0.0.1:1");
        byte[][] frames = WorkerFrames.request(0x0102030405060708L, m);
        assertThat(frames.length).isEqualTo(5);
        assertThat(new String(frames[0], StandardCharsets.US_ASCII)).isEqualTo("REQUEST");
        assertThat(frames[1]).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(new String(frames[2], StandardCharsets.US_ASCII)).isEqualTo("UPPER");
        assertThat(frames[3]).isEqualTo(ascii("hello"));
        assertThat(new String(frames[4], StandardCharsets.UTF_8)).isEqualTo("sensor-1");
    }

    @Test
    void commandsAndAnnouncedTypes() {
        assertThat(WorkerFrames.command(ascii("READY"))).isEqualTo(WorkerFrames.Command.READY);
        assertThat(WorkerFrames.command(ascii("REPLY"))).isEqualTo(WorkerFrames.Command.REPLY);
        assertThat(WorkerFrames.command(ascii("HEARTBEAT"))).isEqualTo(WorkerFrames.Command.HEARTBEAT);
        assertThat(WorkerFrames.command(ascii("DISCONNECT"))).isEqualTo(WorkerFrames.Command.DISCONNECT);
        assertThat(WorkerFrames.command(ascii("ready"))).isEqualTo(WorkerFrames.Command.UNKNOWN);
        assertThat(WorkerFrames.announced(ascii(" A, ,B,A,"))).containsExactly("A", "B", "A");
    }

    @Test
    void aReadyIsClassicWithTwoFramesAndBatchedWithABatchThirdFrame() {
        assertThat(WorkerFrames.mode(List.of(ascii("READY"), ascii("T")))).isEqualTo(WorkerFrames.Mode.CLASSIC);
        assertThat(WorkerFrames.mode(List.of(ascii("READY"), ascii("T"), ascii("batch")))).isEqualTo(WorkerFrames.Mode.BATCH);
        assertThat(WorkerFrames.mode(List.of(ascii("READY"), ascii("T"), ascii("BATCH")))).isEqualTo(WorkerFrames.Mode.BAD);
        assertThat(WorkerFrames.mode(List.of(ascii("READY")))).isEqualTo(WorkerFrames.Mode.BAD);
        assertThat(WorkerFrames.mode(List.of(ascii("READY"), ascii("T"), ascii("batch"), ascii("x"))))
                .isEqualTo(WorkerFrames.Mode.BAD);
        assertThat(WorkerFrames.given(List.of("A", "B"), false).length).isEqualTo(2);
        assertThat(WorkerFrames.given(List.of("A", "B"), true)[2]).isEqualTo(ascii("batch"));
        assertThat(WorkerFrames.command(ascii("BATCH"))).isEqualTo(WorkerFrames.Command.BATCH);
        assertThat(WorkerFrames.result(false, "BAD_PAYLOAD: no")).isEqualTo(HandlerResult.badPayload("no"));
    }

    private static List<byte[]> reply(long id, String status, String detail) {
        return List.of(ascii("REPLY"), ByteBuffer.allocate(8).putLong(id).array(), ascii(status),
                detail.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
