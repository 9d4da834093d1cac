package org.edgegateway.core.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Real threads, real sched_setaffinity: what each thread may run on is read back from /proc. */
class CpuPlacementTest {

    /** The CPUs the calling thread may run on, from /proc/thread-self/status. */
    private static List<Integer> allowedHere() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                List<Integer> cpus = new ArrayList<>();
                for (String part : line.substring(line.indexOf(':') + 1).strip().split(",")) {
                    String[] range = part.split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                    for (int c = from; c <= to; c++) {
                        cpus.add(c);
                    }
                }
                return cpus;
            }
        }
        throw new IllegalStateException("no Cpus_allowed_list in /proc/thread-self/status");
    }

    /** Runs {@code place} on a new thread, then returns the CPUs that thread may run on. */
    private static List<Integer> placedThread(Consumer<CpuPlacement> place, CpuPlacement placement) throws Exception {
        AtomicReference<Object> seen = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                place.accept(placement);
                seen.set(allowedHere());
            } catch (Exception | Error e) {
                seen.set(e);
            }
        });
        t.start();
        t.join(10_000);
        assertThat(seen.get()).isInstanceOf(List.class);
        @SuppressWarnings("unchecked")
        List<Integer> cpus = (List<Integer>) seen.get();
        return cpus;
    }

    @Test
    void theIoThreadGetsTheLastCpuAloneAndTheRouterAllTheOthers() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/status")), "Linux only");
        List<Integer> process = allowedHere();
        assumeTrue(process.size() >= 2, "needs two CPUs");
        CpuPlacement placement = CpuPlacement.choose("auto");
        assertThat(placement.active()).as(placement.description()).isTrue();

        int last = process.get(process.size() - 1);
        assertThat(placedThread(CpuPlacement::placeIoThread, placement)).containsExactly(last);
        List<Integer> others = new ArrayList<>(process);
        others.remove(Integer.valueOf(last));
        assertThat(placedThread(CpuPlacement::placeRouterThread, placement)).containsExactlyElementsOf(others);
        assertThat(placement.description()).contains("I/O thread on CPU " + last)
                .contains("router on CPU " + CpuPlacement.ranges(others));
        assertThat(allowedHere()).as("the calling thread is left alone").isEqualTo(process);
    }

    @Test
    void offLeavesEveryThreadToTheKernel() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/status")), "Linux only");
        List<Integer> process = allowedHere();
        CpuPlacement off = CpuPlacement.choose("off");
        assertThat(off.active()).isFalse();
        assertThat(off.description()).startsWith("off");
        assertThat(placedThread(CpuPlacement::placeIoThread, off)).isEqualTo(process);
        assertThat(placedThread(CpuPlacement::placeRouterThread, off)).isEqualTo(process);
    }

    @Test
    void masksReadAsCpuListsAndRanges() {
        long[] mask = new long[16];
        mask[0] = 0b100111L;
        mask[1] = 1L;
        assertThat(CpuPlacement.cpus(mask)).containsExactly(0, 1, 2, 5, 64);
        assertThat(CpuPlacement.ranges(List.of(0, 1, 2, 5, 64))).isEqualTo("0-2,5,64");
        assertThat(CpuPlacement.ranges(List.of(3))).isEqualTo("3");
    }
}
