package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The publisher's wake-up pipe: a pending signal always has a byte in the pipe, whatever the interleaving. */
class WakeUpTest {

    @Test
    void aPendingSignalIsNeverLeftWithAnEmptyPipe() throws Exception {
        try (WakeUp wake = new WakeUp("test"); Selector selector = Selector.open()) {
            wake.channel().register(selector, SelectionKey.OP_READ);
            AtomicBoolean running = new AtomicBoolean(true);
            List<Thread> producers = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    while (running.get()) {
                        try {
                            wake.signal();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                });
                t.start();
                producers.add(t);
            }
            int lost = 0;
            try {
                long end = System.nanoTime() + 3_000_000_000L;
                while (System.nanoTime() < end && lost == 0) {
                    if (wake.pending()) {
                        wake.clear();
                    }
                    if (wake.pending() && !byteArrives(selector)) {
                        lost++;
                    }
                }
            } finally {
                running.set(false);
                for (Thread t : producers) {
                    t.join(5000);
                }
            }
            assertThat(lost).as("signals pending with nothing in the pipe (lost wake-ups)").isZero();
        }
    }

    @Test
    void anInterruptedSignallerDoesNotCloseThePipe() throws Exception {
        try (WakeUp wake = new WakeUp("test")) {
            Thread.currentThread().interrupt();
            wake.signal();
            assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
            wake.clear();
            wake.signal();
            assertThat(wake.channel().isOpen()).isTrue();
        }
    }

    /** Whether the pipe becomes readable within 2 s (a producer that won the flag may still be writing). */
    private static boolean byteArrives(Selector selector) throws java.io.IOException {
        long until = System.nanoTime() + 2_000_000_000L;
        while (System.nanoTime() < until) {
            if (selector.selectNow() > 0) {
                selector.selectedKeys().clear();
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }
}
