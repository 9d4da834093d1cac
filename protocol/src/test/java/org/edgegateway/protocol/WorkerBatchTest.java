package org.edgegateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The packed frame of batched workers: round trips, the byte layout, the cap, and every malformed frame refused. */
class WorkerBatchTest {

    @Property(tries = 300)
    void requestsComeBackAsPacked(@ForAll("requestLists") List<WorkerBatch.Request> requests) throws Exception {
        WorkerBatch.Packer p = new WorkerBatch.Packer(Integer.MAX_VALUE - 16);
        for (WorkerBatch.Request r : requests) {
            p.request(r.id(), ascii(r.type()), r.client().getBytes(StandardCharsets.UTF_8), r.payload());
        }
        assertThat(p.count()).isEqualTo(requests.size());
        List<WorkerBatch.Request> back = WorkerBatch.requests(p.take());
        assertThat(back).hasSameSizeAs(requests);
        for (int i = 0; i < requests.size(); i++) {
            assertThat(back.get(i).id()).isEqualTo(requests.get(i).id());
            assertThat(back.get(i).type()).isEqualTo(requests.get(i).type());
            assertThat(back.get(i).client()).isEqualTo(requests.get(i).client());
            assertThat(back.get(i).payload()).isEqualTo(requests.get(i).payload());
        }
        assertThat(p.count()).as("take() empties the packer").isZero();
    }

    @Property(tries = 300)
    void repliesComeBackAsPacked(@ForAll("replyLists") List<WorkerBatch.Reply> replies) throws Exception {
        WorkerBatch.Packer p = new WorkerBatch.Packer(Integer.MAX_VALUE - 16);
        for (WorkerBatch.Reply r : replies) {
            p.reply(r.id(), r.ack(), r.detail().getBytes(StandardCharsets.UTF_8));
        }
        assertThat(WorkerBatch.replies(p.take())).containsExactlyElementsOf(replies);
    }

    @Property(tries = 300)
    void everyCutOfAValidFrameIsRefusedWhole(@ForAll("replyLists") List<WorkerBatch.Reply> replies,
                                            @ForAll("fractions") double where) throws Exception {
        WorkerBatch.Packer p = new WorkerBatch.Packer(Integer.MAX_VALUE - 16);
        WorkerBatch.Packer q = new WorkerBatch.Packer(Integer.MAX_VALUE - 16);
        List<Integer> ends = new ArrayList<>();
        for (WorkerBatch.Reply r : replies) {
            p.reply(r.id(), r.ack(), r.detail().getBytes(StandardCharsets.UTF_8));
            q.reply(r.id(), r.ack(), r.detail().getBytes(StandardCharsets.UTF_8));
            ends.add(q.size());
        }
        byte[] frame = p.take();
        int cut = (int) (where * frame.length);
        byte[] shorter = Arrays.copyOf(frame, cut);
        if (cut == 0) {
            assertThatThrownBy(() -> WorkerBatch.replies(shorter)).isInstanceOf(ProtocolException.class);
        } else if (ends.contains(cut)) {
            // A cut between two entries leaves a valid, shorter batch.
            assertThat(WorkerBatch.replies(shorter)).containsExactlyElementsOf(replies.subList(0, ends.indexOf(cut) + 1));
        } else {
            assertThatThrownBy(() -> WorkerBatch.replies(shorter)).isInstanceOf(ProtocolException.class)
                    .hasMessageContaining("runs past the end");
        }
        byte[] requestFrame = Arrays.copyOf(frame, cut);
        try {
            WorkerBatch.requests(requestFrame);
        } catch (ProtocolException expected) {
            // Garbage read as requests is refused, never thrown as anything else.
        }
    }

    @Test
    void theByteLayoutIsTheDocumentedOne() {
        WorkerBatch.Packer p = new WorkerBatch.Packer(1024);
        p.request(0x0102030405060708L, ascii("T"), ascii("ab"), new byte[] {9, 8, 7});
        ByteBuffer b = ByteBuffer.wrap(p.take());
        assertThat(b.getLong()).isEqualTo(0x0102030405060708L);
        assertThat(b.get()).isEqualTo((byte) 1);
        assertThat(b.get()).isEqualTo((byte) 'T');
        assertThat(b.getShort()).isEqualTo((short) 2);
        assertThat(b.get()).isEqualTo((byte) 'a');
        assertThat(b.get()).isEqualTo((byte) 'b');
        assertThat(b.getInt()).isEqualTo(3);
        assertThat(b.get()).isEqualTo((byte) 9);
        assertThat(b.remaining()).isEqualTo(2);

        p.reply(7, false, ascii("no"));
        b = ByteBuffer.wrap(p.take());
        assertThat(b.getLong()).isEqualTo(7);
        assertThat(b.get()).as("ERROR").isEqualTo((byte) 1);
        assertThat(b.getInt()).isEqualTo(2);
        assertThat(b.remaining()).isEqualTo(2);
    }

    @Test
    void theCapHoldsExceptForOneLargeEntryAlone() {
        WorkerBatch.Packer p = new WorkerBatch.Packer(100);
        byte[] big = new byte[500];
        assertThat(p.fits(WorkerBatch.Packer.requestBytes(ascii("T"), ascii("c"), big))).as("an empty packer takes any").isTrue();
        p.request(1, ascii("T"), ascii("c"), big);
        assertThat(p.fits(WorkerBatch.Packer.requestBytes(ascii("T"), ascii("c"), new byte[1]))).isFalse();
        p.take();
        int small = WorkerBatch.Packer.requestBytes(ascii("T"), ascii("c"), new byte[10]);
        int n = 0;
        while (p.fits(small)) {
            p.request(n++, ascii("T"), ascii("c"), new byte[10]);
        }
        assertThat(n).isEqualTo(100 / small);
        assertThat(p.size()).isLessThanOrEqualTo(100);
    }

    @Test
    void malformedFramesAreRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> WorkerBatch.replies(new byte[0])).isInstanceOf(ProtocolException.class)
                .hasMessage("BATCH holds no entry");
        // A detail length far past the end (and past any int).
        byte[] longDetail = ByteBuffer.allocate(13 + 3).putLong(1).put((byte) 0).putInt(-1).put(ascii("abc")).array();
        assertThatThrownBy(() -> WorkerBatch.replies(longDetail)).isInstanceOf(ProtocolException.class)
                .hasMessage("BATCH entry at byte 0: detail of 4294967295 bytes runs past the end of the frame (3 left)");
        byte[] badStatus = ByteBuffer.allocate(13).putLong(1).put((byte) 'A').putInt(0).array();
        assertThatThrownBy(() -> WorkerBatch.replies(badStatus)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("status 65 is neither 0 (ACK) nor 1 (ERROR)");
        byte[] noType = ByteBuffer.allocate(15).putLong(1).put((byte) 0).putShort((short) 0).putInt(0).array();
        assertThatThrownBy(() -> WorkerBatch.requests(noType)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("type length 0 is not 1 to 32");
        byte[] shortId = {0, 0, 0, 1};
        assertThatThrownBy(() -> WorkerBatch.requests(shortId)).isInstanceOf(ProtocolException.class)
                .hasMessageContaining("request-id of 8 bytes runs past the end");
        assertThatThrownBy(() -> new WorkerBatch.Packer(1).request(1, new byte[33], new byte[0], new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Provide
    Arbitrary<List<WorkerBatch.Request>> requestLists() {
        Arbitrary<WorkerBatch.Request> one = Combinators.combine(
                Arbitraries.longs(),
                Arbitraries.strings().withChars("ABCXYZabc019_.-").ofMinLength(1).ofMaxLength(32),
                Arbitraries.strings().withCharRange((char) 0, (char) 0xD7FF).ofMaxLength(80),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(600))
                .as(WorkerBatch.Request::new);
        return one.list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<List<WorkerBatch.Reply>> replyLists() {
        Arbitrary<WorkerBatch.Reply> one = Combinators.combine(Arbitraries.longs(), Arbitraries.of(true, false),
                Arbitraries.strings().withCharRange((char) 0, (char) 0xD7FF).ofMaxLength(200)).as(WorkerBatch.Reply::new);
        return one.list().ofMinSize(1).ofMaxSize(40);
    }

    @Provide
    Arbitrary<Double> fractions() {
        return Arbitraries.doubles().between(0, 1).filter(d -> d < 1);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
