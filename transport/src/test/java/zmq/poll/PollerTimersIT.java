package zmq.poll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

import org.junit.jupiter.api.Test;

/**
 * {@link PollerBase#executeTimers()} with a clock the test moves: which timers fire, in what order,
 * what it returns, and what a sink may do from its own timer event.
 */
class PollerTimersIT {

    /** A PollerBase whose worker is the test's own thread (so its thread assertions hold). */
    static final class ManualPoller extends PollerBase {
        long now = 1_000;

        ManualPoller() {
            super("manual", (runnable, name) -> Thread.currentThread());
        }

        @Override
        long clock() {
            return now;
        }

        @Override
        public void run() {
            throw new UnsupportedOperationException();
        }
    }

    /** Records its timer events; may act on each one. */
    static final class Sink implements IPollEvents {
        final String name;
        final List<String> log;
        IntConsumer onTimer = id -> { };

        Sink(String name, List<String> log) {
            this.name = name;
            this.log = log;
        }

        @Override
        public void timerEvent(int id) {
            log.add(name + id);
            onTimer.accept(id);
        }
    }

    @Test
    void noTimersMeansWaitForever() {
        ManualPoller p = new ManualPoller();
        assertThat(p.executeTimers()).isZero();
        assertThat(p.isEmpty()).isTrue();
    }

    @Test
    void firesWhatIsDueInOrderAndReturnsTheWaitForTheNext() {
        ManualPoller p = new ManualPoller();
        List<String> log = new ArrayList<>();
        Sink a = new Sink("a", log);
        Sink b = new Sink("b", log);
        p.addTimer(30, a, 1);
        p.addTimer(10, b, 1);
        p.addTimer(10, a, 2);
        p.addTimer(0, b, 2);

        assertThat(p.executeTimers()).as("b2 fired, 10 ms to the next").isEqualTo(10);
        assertThat(log).containsExactly("b2");
        p.now += 9;
        assertThat(p.executeTimers()).isEqualTo(1);
        p.now += 5;
        assertThat(p.executeTimers()).isEqualTo(16);
        assertThat(log).containsExactly("b2", "b1", "a2");
        p.now += 100;
        assertThat(p.executeTimers()).isZero();
        assertThat(log).containsExactly("b2", "b1", "a2", "a1");
        assertThat(p.isEmpty()).isTrue();
    }

    @Test
    void cancelledTimersNeverFire() {
        ManualPoller p = new ManualPoller();
        List<String> log = new ArrayList<>();
        Sink a = new Sink("a", log);
        p.addTimer(10, a, 1);
        p.addTimer(20, a, 2);
        p.cancelTimer(a, 1);
        p.cancelTimer(a, 7); // never set: nothing happens
        assertThat(p.executeTimers()).isEqualTo(20);
        p.now += 20;
        assertThat(p.executeTimers()).isZero();
        assertThat(log).containsExactly("a2");
    }

    @Test
    void settingATimerAgainMovesIt() {
        ManualPoller p = new ManualPoller();
        List<String> log = new ArrayList<>();
        Sink a = new Sink("a", log);
        p.addTimer(10, a, 1);
        p.addTimer(50, a, 1);
        p.now += 10;
        assertThat(p.executeTimers()).isEqualTo(40);
        assertThat(log).isEmpty();
        p.now += 40;
        p.executeTimers();
        assertThat(log).containsExactly("a1");
    }

    @Test
    void aSinkMayReArmCancelAndSetTimersFromItsTimerEvent() {
        ManualPoller p = new ManualPoller();
        List<String> log = new ArrayList<>();
        Sink hb = new Sink("hb", log);
        Sink other = new Sink("o", log);
        // a heartbeat: re-arms its interval timer, sets a timeout, and cancels another sink's timer
        hb.onTimer = id -> {
            if (id == 1) {
                p.addTimer(100, hb, 1);
                p.addTimer(30, hb, 2);
                p.cancelTimer(other, 1);
            }
        };
        p.addTimer(10, hb, 1);
        p.addTimer(10, other, 1);
        p.now += 10;
        assertThat(p.executeTimers()).isEqualTo(30);
        assertThat(log).containsExactly("hb1");
        p.cancelTimer(hb, 2); // the answer came
        assertThat(p.executeTimers()).isEqualTo(100);
        p.now += 100;
        assertThat(p.executeTimers()).isEqualTo(30);
        assertThat(log).containsExactly("hb1", "hb1");
    }

    @Test
    void aTimerSetDueFromATimerEventFiresInTheSameCall() {
        ManualPoller p = new ManualPoller();
        List<String> log = new ArrayList<>();
        Sink a = new Sink("a", log);
        a.onTimer = id -> {
            if (id == 1) {
                p.addTimer(0, a, 2);
            }
        };
        p.addTimer(5, a, 1);
        p.now += 5;
        assertThat(p.executeTimers()).isZero();
        assertThat(log).containsExactly("a1", "a2");
    }

    @Test
    void anExceptionFromASinkPropagatesAndTheOtherDueTimersStay() {
        ManualPoller p = new ManualPoller();
        List<String> log = new ArrayList<>();
        Sink a = new Sink("a", log);
        a.onTimer = id -> {
            if (id == 1) {
                throw new IllegalStateException("boom");
            }
        };
        p.addTimer(1, a, 1);
        p.addTimer(2, a, 2);
        p.now += 5;
        assertThatThrownBy(p::executeTimers).hasMessage("boom");
        assertThat(p.executeTimers()).isZero();
        assertThat(log).containsExactly("a1", "a2");
    }

    @Test
    void hugeAndNegativeTimeoutsDoNotOverflow() {
        ManualPoller p = new ManualPoller();
        List<String> log = new ArrayList<>();
        Sink a = new Sink("a", log);
        p.addTimer(Long.MAX_VALUE, a, 1);
        p.addTimer(-10, a, 2);
        assertThat(p.executeTimers()).isEqualTo(Long.MAX_VALUE - p.now);
        assertThat(log).containsExactly("a2");
    }
}
