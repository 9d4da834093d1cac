package org.edgegateway.core.workers;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.edgegateway.core.router.RemoteCall;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.protocol.ProtocolException;
import org.edgegateway.protocol.WorkerBatch;
import org.junit.jupiter.api.Test;

/** Least recently used with credit, the wait, and requests of a worker that went away, with recording fakes. */
class WorkerDispatchTest {
    private final WorkerStatsBook stats = new WorkerStatsBook();
    /** Every REQUEST sent: the worker's name and the call's payload. */
    private final List<String> sent = new ArrayList<>();
    private final List<Long> sentIds = new ArrayList<>();
    private final Set<String> unreachable = new HashSet<>();
    private WorkerDispatch dispatch;
    /** The requests' time limit: a batched worker's window halves past a quarter of it. */
    private static final long TIMEOUT = 2_000_000_000L;

    private WorkerDispatch dispatch(int maxInFlight) {
        return dispatch(maxInFlight, maxInFlight);
    }

    /** A dispatch whose batched workers get at most {@code batchLimit} requests per frame. */
    private WorkerDispatch dispatch(int maxInFlight, int batchLimit) {
        dispatch = new WorkerDispatch(maxInFlight, maxInFlight, batchLimit, TIMEOUT, stats, new WorkerDispatch.Link() {
            @Override
            public boolean send(ConnectedWorker w, byte[][] frames) {
                if (unreachable.contains(w.name)) {
                    return false;
                }
                if (Arrays.equals(frames[0], WorkerBatch.BATCH)) {
                    try {
                        List<String> payloads = new ArrayList<>();
                        for (WorkerBatch.Request r : WorkerBatch.requests(frames[1])) {
                            payloads.add(new String(r.payload(), StandardCharsets.UTF_8));
                            sentIds.add(r.id());
                        }
                        sent.add(w.name + ":" + String.join("+", payloads));
                    } catch (ProtocolException e) {
                        throw new AssertionError(e);
                    }
                    return true;
                }
                sent.add(w.name + ":" + new String(frames[3], StandardCharsets.UTF_8));
                sentIds.add(ByteBuffer.wrap(frames[1]).getLong());
                return true;
            }

            @Override
            public void unreachable(ConnectedWorker w) {
                dispatch.withdraw(w);
            }
        });
        return dispatch;
    }

    @Test
    void callsGoToTheLeastRecentlyUsedWorkerWithCreditAndWaitWhenNoneHasAny() {
        WorkerDispatch d = dispatch(1);
        ConnectedWorker a = worker("a", "T");
        ConnectedWorker b = worker("b", "T");
        FakeCall c1 = call("1");
        FakeCall c2 = call("2");
        FakeCall c3 = call("3");
        d.place(c1);
        d.place(c2);
        d.place(c3);
        assertThat(sent).containsExactly("a:1", "b:2");
        assertThat(d.served()).containsExactly("T");

        d.answered(a, sentIds.get(0), HandlerResult.ack("one"));
        assertThat(c1.result).isEqualTo(HandlerResult.ack("one"));
        assertThat(sent).containsExactly("a:1", "b:2", "a:3");
        assertThat(a.served).isEqualTo(1);
        assertThat(stats.worker("a").served()).isEqualTo(1);
        assertThat(stats.type("T").inFlight()).isEqualTo(2);
        assertThat(b.inFlight).hasSize(1);
    }

    @Test
    void theRequestsOfAWorkerThatWentAwayGoFirstInLine() {
        WorkerDispatch d = dispatch(1);
        ConnectedWorker a = worker("a", "T");
        ConnectedWorker b = worker("b", "T");
        d.place(call("1"));
        d.place(call("2"));
        d.place(call("3"));

        d.withdraw(a);
        assertThat(stats.worker("a").failed()).as("a request taken back counts against the worker").isEqualTo(1);
        assertThat(stats.type("T").inFlight()).isEqualTo(1);
        d.answered(b, sentIds.get(1), HandlerResult.badPayload("no"));
        assertThat(b.served).as("BAD_PAYLOAD is the worker's answer, not its failure").isEqualTo(1);
        assertThat(sent).containsExactly("a:1", "b:2", "b:1");
        assertThat(d.served()).containsExactly("T");
    }

    @Test
    void anUnreachableWorkerIsTakenOutAndTheNextOneTried() {
        WorkerDispatch d = dispatch(4);
        worker("a", "T");
        worker("b", "T");
        unreachable.add("a");
        d.place(call("1"));
        assertThat(sent).containsExactly("b:1");
        d.place(call("2"));
        assertThat(sent).containsExactly("b:1", "b:2");
    }

    @Test
    void aWorkerTakenOutIsNeverGivenCreditAgain() {
        WorkerDispatch d = dispatch(1);
        worker("a", "T");
        ConnectedWorker b = worker("b", "T");
        d.withdraw(b);
        // the hub's heartbeat pass walks a copy of the workers taken before b was removed
        d.credit(b);
        d.place(call("1"));
        d.place(call("2"));
        assertThat(sent).containsExactly("a:1");
    }

    @Test
    void callsTheRouterAnsweredAreNeitherSentNorCompletedAgain() {
        WorkerDispatch d = dispatch(1);
        ConnectedWorker a = worker("a", "T");
        FakeCall expired = call("x");
        expired.expired = true;
        d.place(expired);
        assertThat(sent).isEmpty();

        FakeCall c1 = call("1");
        FakeCall waiting = call("2");
        d.place(c1);
        d.place(waiting);
        waiting.expired = true;
        c1.expired = true;
        d.answered(a, sentIds.get(0), HandlerResult.ack("late"));
        assertThat(c1.result).as("the router answered it: the reply is dropped by the call").isNull();
        assertThat(sent).containsExactly("a:1");
        d.answered(a, sentIds.get(0), HandlerResult.ack("again"));
        assertThat(a.served).as("a reply to a request it no longer holds is ignored").isEqualTo(1);
    }

    @Test
    void aBatchedWorkerGetsTheRequestsOfATurnInOneFrameWithinItsCredit() {
        WorkerDispatch d = dispatch(3);
        ConnectedWorker a = batched("a", "T");
        ConnectedWorker b = batched("b", "T");
        for (int i = 1; i <= 8; i++) {
            d.place(call(Integer.toString(i)));
        }
        assertThat(sent).as("nothing leaves before the flush").isEmpty();
        assertThat(a.inFlight).as("packed requests count against the credit").hasSize(3);
        assertThat(d.unflushed()).isTrue();
        d.flush();
        assertThat(sent).containsExactly("a:1+3+5", "b:2+4+6");
        assertThat(d.unflushed()).isFalse();
        assertThat(stats.worker("a").batches()).isEqualTo(1);
        assertThat(stats.worker("a").batchedRequests()).isEqualTo(3);

        // Replies of one turn give credit back; the waiting calls leave together at the flush.
        assertThat(d.answered(a, sentIds.get(0), HandlerResult.ack("1"))).isTrue();
        assertThat(d.answered(a, sentIds.get(1), HandlerResult.ack("3"))).isTrue();
        assertThat(d.answered(a, sentIds.get(1), HandlerResult.ack("3 again"))).as("held no more").isFalse();
        d.flush();
        assertThat(sent).containsExactly("a:1+3+5", "b:2+4+6", "a:7+8");
    }

    @Test
    void aFrameHoldsAQuarterOfTheCreditSoThatSeveralAreInFlight() {
        assertThat(WorkerDispatch.batchLimit(16)).isEqualTo(4);
        assertThat(WorkerDispatch.batchLimit(3)).isEqualTo(1);
        WorkerDispatch d = dispatch(8, WorkerDispatch.batchLimit(8));
        ConnectedWorker a = batched("a", "T");
        for (int i = 1; i <= 5; i++) {
            d.place(call(Integer.toString(i)));
        }
        assertThat(sent).as("a full frame leaves before the next request is packed").containsExactly("a:1+2", "a:3+4");
        d.flush();
        assertThat(sent).containsExactly("a:1+2", "a:3+4", "a:5");
        assertThat(a.inFlight).hasSize(5);
        assertThat(stats.worker("a").batches()).isEqualTo(3);
        assertThat(stats.worker("a").batchedRequests()).isEqualTo(5);
    }

    @Test
    void aBatchedWorkersWindowGrowsWhileItAnswersFastUpToItsMaximumAndAClassicOneKeepsTheClassicCredit() {
        WorkerDispatch d = recordingDispatch(2, 8);
        ConnectedWorker classic = worker("c", "T");
        ConnectedWorker packed = batched("p", "T");
        for (int i = 0; i < 40; i++) {
            d.place(call(Integer.toString(i)));
        }
        d.flush();
        assertThat(classic.inFlight).as("workers.max-in-flight").hasSize(2);
        assertThat(packed.inFlight).as("a batched worker starts at the classic credit").hasSize(2);

        // Each request answered fast widens the window by one: it doubles every round trip, to 8.
        for (int round = 0; round < 4; round++) {
            long now = System.nanoTime();
            for (Long id : List.copyOf(packed.inFlight.keySet())) {
                assertThat(d.answered(packed, id, HandlerResult.ack("ok"), now)).isTrue();
            }
            d.flush();
        }
        assertThat(packed.credit).isEqualTo(8);
        assertThat(packed.inFlight).as("workers.batched-max-in-flight").hasSize(8);
        assertThat(classic.inFlight).hasSize(2);
    }

    @Test
    void aBatchedWorkersWindowHalvesOncePerRoundTripWhenItAnswersLate() {
        long timeout = 4_000_000L;
        WorkerDispatch d = recordingDispatch(8, 64, timeout);
        ConnectedWorker packed = batched("p", "T");
        packed.credit = 64;
        for (int i = 0; i < 100; i++) {
            d.place(call(Integer.toString(i)));
        }
        d.flush();
        assertThat(packed.inFlight).hasSize(64);
        // All 64 answered past a quarter of the time limit: one halving for the round trip, not 64.
        long late = packed.inFlight.values().stream().mapToLong(ConnectedWorker.Pending::sentAt).max().orElseThrow()
                + timeout / 4 + 1;
        for (Long id : List.copyOf(packed.inFlight.keySet())) {
            d.answered(packed, id, HandlerResult.ack("late"), late);
        }
        assertThat(packed.credit).isEqualTo(32);
        d.flush();
        assertThat(packed.inFlight).as("32 of the 36 waiting, within the halved window").hasSize(32);
        while (System.nanoTime() - late <= 0) {
            Thread.onSpinWait(); // what leaves from now on leaves after the halving
        }
        // One answered at once: the window widens by one and two more requests leave.
        Long first = packed.inFlight.keySet().iterator().next();
        d.answered(packed, first, HandlerResult.ack("fast"), packed.inFlight.get(first).sentAt());
        d.flush();
        assertThat(packed.credit).isEqualTo(33);
        assertThat(packed.inFlight).hasSize(33);

        // Late again: only the requests sent after the halving count, and halve it once more.
        long later = System.nanoTime() + timeout;
        for (Long id : List.copyOf(packed.inFlight.keySet())) {
            d.answered(packed, id, HandlerResult.ack("late"), later);
        }
        d.flush();
        assertThat(packed.credit).isEqualTo(16);
        assertThat(packed.inFlight).as("the last two waiting").hasSize(2);
    }

    /** A dispatch whose classic workers hold {@code classic} requests and batched ones up to {@code batched}. */
    private WorkerDispatch recordingDispatch(int classic, int batched) {
        return recordingDispatch(classic, batched, TIMEOUT);
    }

    private WorkerDispatch recordingDispatch(int classic, int batched, long timeout) {
        dispatch = new WorkerDispatch(classic, batched, timeout, stats, new WorkerDispatch.Link() {
            @Override
            public boolean send(ConnectedWorker w, byte[][] frames) {
                sent.add(w.name);
                return true;
            }

            @Override
            public void unreachable(ConnectedWorker w) {
                dispatch.withdraw(w);
            }
        });
        return dispatch;
    }

    @Test
    void theRequestsPackedForAWorkerThatCannotBeReachedGoToAnother() {
        WorkerDispatch d = dispatch(16);
        ConnectedWorker a = batched("a", "T");
        d.place(call("1"));
        d.place(call("2"));
        ConnectedWorker b = batched("b", "T");
        unreachable.add("a");
        d.flush();
        assertThat(a.withdrawn).isTrue();
        assertThat(b.inFlight).hasSize(2);
        d.flush();
        assertThat(sent).containsExactly("b:1+2");
    }

    @Test
    void aFrameFullToTheCapLeavesBeforeTheNextRequestIsPacked() {
        WorkerDispatch d = dispatch(16);
        batched("a", "T");
        String big = "x".repeat(WorkerBatch.MAX_FRAME_BYTES / 2);
        d.place(call(big));
        d.place(call(big));
        assertThat(sent).as("the second would take the frame past the cap").hasSize(1);
        d.flush();
        assertThat(sent).hasSize(2);
    }

    private ConnectedWorker batched(String name, String... types) {
        ConnectedWorker w = new ConnectedWorker(name.getBytes(StandardCharsets.US_ASCII), name, "KEY-" + name, name,
                "127.0.0.1:" + name.length(), Instant.EPOCH, 0, stats.worker(name), true);
        for (String t : types) {
            w.types.add(t);
            dispatch.serve(w, t);
        }
        return w;
    }

    private ConnectedWorker worker(String name, String... types) {
        ConnectedWorker w = new ConnectedWorker(name.getBytes(StandardCharsets.US_ASCII), name, "KEY-" + name, name,
                "127.0.0.1:" + name.length(), Instant.EPOCH, 0, stats.worker(name));
        for (String t : types) {
            w.types.add(t);
            dispatch.serve(w, t);
        }
        return w;
    }

    private static FakeCall call(String payload) {
        return new FakeCall(new HandlerMessage("sensor", "SENSOR-KEY", "T", payload.getBytes(StandardCharsets.UTF_8),
                Instant.EPOCH, "127.0.0.1:9"));
    }

    /** A call whose deadline the test decides: {@code expired} is the router having answered it. */
    private static final class FakeCall implements RemoteCall {
        private final HandlerMessage message;
        boolean expired;
        HandlerResult result;

        FakeCall(HandlerMessage message) {
            this.message = message;
        }

        @Override
        public HandlerMessage message() {
            return message;
        }

        @Override
        public boolean begin() {
            if (expired) {
                return false;
            }
            return true;
        }

        @Override
        public boolean pending() {
            return !expired && result == null;
        }

        @Override
        public void complete(HandlerResult r) {
            if (pending()) {
                result = r;
            }
        }

        @Override
        public long deadline() {
            return Long.MAX_VALUE;
        }
    }
}
