package org.edgegateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The request codec: the allocation-free view and the records agree, and bad input always gets an answer. */
class FramesTest {

    @Test
    void classicDataRefersToTheFramesWithoutCopying() {
        byte[] type = ascii("JSON");
        byte[] payload = ascii("{}");
        RequestView v = new RequestView();
        Frames.decodeRequest(new byte[][] {type, payload}, 2, 2, v);
        assertThat(v.kind()).isEqualTo(RequestView.Kind.DATA);
        assertThat(v.type()).isSameAs(type);
        assertThat(v.payload()).isSameAs(payload);
        assertThat(v.version()).isZero();
        assertThat(v.delimiter()).isFalse();
    }

    @Test
    void versionedRequestsFromReqSocketsKeepDelimiterAndId() {
        RequestView v = new RequestView();
        Frames.decodeRequest(new byte[][] {new byte[0], ascii("EGW/1"), ascii("id-7"), ascii("STRING"), ascii("x")}, 5,
                5, v);
        assertThat(v.kind()).isEqualTo(RequestView.Kind.DATA);
        assertThat(v.delimiter()).isTrue();
        assertThat(v.version()).isEqualTo(1);
        assertThat(new String(v.correlationId(), StandardCharsets.US_ASCII)).isEqualTo("id-7");
    }

    @Test
    void tooManyFramesAreAnsweredInTheEnvelopeTheFirstFramesDescribe() {
        byte[][] frames = {ascii("EGW/1"), ascii("id-1"), ascii("JSON"), ascii("{}"), ascii("a"), ascii("b"),
            ascii("c"), ascii("d")};
        RequestView v = new RequestView();
        Frames.decodeRequest(frames, 8, 20, v);
        assertThat(v.kind()).isEqualTo(RequestView.Kind.MALFORMED);
        assertThat(v.code()).isEqualTo(ErrorCode.BAD_FRAME);
        assertThat(v.detail()).isEqualTo("too many frames: 20");
        assertThat(v.version()).isEqualTo(1);
        assertThat(v.correlationId()).isEqualTo(ascii("id-1"));
    }

    @Test
    void aViewIsReusedWithoutLeftovers() {
        RequestView v = new RequestView();
        Frames.decodeRequest(new byte[][] {new byte[0], ascii("EGW/1"), ascii("id"), ascii("PING")}, 4, 4, v);
        assertThat(v.kind()).isEqualTo(RequestView.Kind.PING);
        Frames.decodeRequest(new byte[][] {ascii("STRING"), ascii("x")}, 2, 2, v);
        assertThat(v.kind()).isEqualTo(RequestView.Kind.DATA);
        assertThat(v.delimiter()).isFalse();
        assertThat(v.version()).isZero();
        assertThat(v.correlationId()).isEmpty();
    }

    @Property(tries = 3000)
    void anyFramesDecodeToExactlyOneAnswerableShape(@ForAll("requests") List<byte[]> frames) {
        Inbound in = Frames.decodeRequest(frames);
        assertThat(in).isNotNull();
        assertThat(in.envelope()).isNotNull();
        if (in instanceof Inbound.Malformed m) {
            assertThat(m.code()).isNotNull();
            assertThat(m.detail()).isNotBlank();
        }
        RequestView v = new RequestView();
        Frames.decodeRequest(frames.toArray(new byte[0][]), frames.size(), frames.size(), v);
        assertThat(v.toInbound()).usingRecursiveComparison().isEqualTo(in);
        // Replies always encode, in the request's own framing.
        List<byte[]> reply = Frames.encodeReply(Reply.error(in.envelope(), ErrorCode.BUSY, "x"));
        assertThat(reply).hasSizeBetween(2, 5);
    }

    @Provide
    Arbitrary<List<byte[]>> requests() {
        Arbitrary<byte[]> frame = Arbitraries.oneOf(
                Arbitraries.of(new byte[0], ascii("EGW/1"), ascii("EGW/2"), ascii("EGW/x"), ascii("PING"),
                        ascii("JSON"), ascii("STRING"), ascii("id-1"), ascii("bad type!")),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(70));
        return frame.list().ofMinSize(1).ofMaxSize(7).map(ArrayList::new);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
