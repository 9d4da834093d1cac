package zmq;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zmq.util.Errno;

/**
 * The project's {@code zmq.Signaler}: every signal is received once, waits end on a signal, and the
 * descriptor a loop may watch is never readable before its signal is counted, even when the writer
 * and the watcher share one CPU (in a child JVM under {@code taskset}: there the watcher, woken by the
 * byte, runs before the writer has finished {@code send()}).
 */
class SignalerIT {
    private Ctx ctx;
    private Signaler signaler;
    private Errno errno;

    @BeforeEach
    void open() {
        ctx = new Ctx();
        errno = new Errno();
        signaler = new Signaler(ctx, 7, errno);
    }

    @AfterEach
    void close() throws Exception {
        signaler.close();
        ctx.terminate();
    }

    @Test
    void everySignalIsReceivedOnceAndThenThereIsNone() {
        assertThat(signaler.waitEvent(0)).isFalse();
        assertThat(errno.get()).isEqualTo(ZError.EAGAIN);
        for (int i = 0; i < 3; i++) {
            signaler.send();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(signaler.waitEvent(0)).as("signal %d", i).isTrue();
            signaler.recv();
        }
        assertThat(signaler.waitEvent(0)).isFalse();
        assertThat(errno.get()).isEqualTo(ZError.EAGAIN);
        long start = System.nanoTime();
        assertThat(signaler.waitEvent(30)).as("a bounded wait with nothing sent").isFalse();
        assertThat(errno.get()).isEqualTo(ZError.EAGAIN);
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(25));
        assertThat(signaler.toString()).isEqualTo("Signaler[7]");
    }

    @Test
    void aWaitWithoutLimitEndsOnASignalFromAnotherThread() throws Exception {
        AtomicReference<Boolean> result = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            boolean got = signaler.waitEvent(-1);
            if (got) {
                signaler.recv();
            }
            result.set(got);
        });
        reader.start();
        Thread.sleep(50);
        signaler.send();
        reader.join(10_000);
        assertThat(result.get()).isTrue();
        assertThat(signaler.waitEvent(0)).isFalse();
    }

    @Test
    void anInterruptBecomesEintrAndClosesNothing() throws Exception {
        Thread.currentThread().interrupt();
        assertThat(signaler.waitEvent(1_000)).isFalse();
        assertThat(errno.get()).isEqualTo(ZError.EINTR);
        assertThat(Thread.interrupted()).as("the interrupt is consumed, as in JeroMQ").isFalse();

        // pending while the pipe is written and read: the pipe stays open, the status is kept
        Thread.currentThread().interrupt();
        signaler.send();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(signaler.waitEvent(0)).isTrue();
        Thread.currentThread().interrupt();
        signaler.recv();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(signaler.getFd().isOpen()).isTrue();
        signaler.send();
        assertThat(signaler.waitEvent(1_000)).isTrue();
        signaler.recv();
    }

    @Test
    void fourWritersAHundredThousandSignalsOneReader() throws Exception {
        int writers = 4;
        int each = 25_000;
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < writers; t++) {
            Thread w = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    signaler.send();
                }
            });
            threads.add(w);
            w.start();
        }
        int received = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (received < writers * each && System.nanoTime() < deadline) {
            if (signaler.waitEvent(1_000)) {
                signaler.recv();
                received++;
            }
        }
        for (Thread w : threads) {
            w.join(10_000);
        }
        assertThat(received).isEqualTo(writers * each);
        assertThat(signaler.waitEvent(0)).isFalse();
        try (Selector probe = Selector.open()) {
            signaler.getFd().register(probe, SelectionKey.OP_READ);
            assertThat(probe.selectNow()).as("no byte left in the pipe").isZero();
        }
    }

    @Test
    void theDescriptorIsNeverReadableBeforeItsSignalIsCountedOnOneCpu() throws Exception {
        String cpu = firstAllowedCpu();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process child = new ProcessBuilder("taskset", "-c", cpu, java, "-Xmx64m", "-XX:+UseSerialGC", "-cp", classPath,
                Watch.class.getName(), "5000")
                .redirectErrorStream(true)
                .start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        }
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(String.join("\n", lines)).isZero();
        assertThat(lines).as("the child's report").contains("rounds=5000 readable-before-counted=0");
    }

    private static String firstAllowedCpu() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring(line.indexOf(':') + 1).strip().split("[,-]")[0];
            }
        }
        throw new IllegalStateException("no Cpus_allowed_list in /proc/self/status");
    }

    /**
     * The child: a writer sends one signal a round; a watcher waits on the signaler's descriptor in its
     * own selector, as a socket's user waits on {@code ZMQ_FD}, and on each wake-up asks the signaler
     * whether a signal is there without a system call ({@code waitEvent(0)}), then takes it.
     */
    public static final class Watch {
        public static void main(String[] args) throws Exception {
            int rounds = Integer.parseInt(args[0]);
            Ctx ctx = new Ctx();
            Errno errno = new Errno();
            Signaler signaler = new Signaler(ctx, 1, errno);
            Semaphore next = new Semaphore(0);
            AtomicInteger early = new AtomicInteger();
            Thread writer = new Thread(() -> {
                for (int i = 0; i < rounds; i++) {
                    next.acquireUninterruptibly();
                    signaler.send();
                }
            }, "writer");
            writer.start();
            int done = 0;
            try (Selector watch = Selector.open()) {
                signaler.getFd().register(watch, SelectionKey.OP_READ);
                while (done < rounds) {
                    next.release();
                    while (watch.select(10_000) == 0) {
                        // only the byte ends this wait
                    }
                    watch.selectedKeys().clear();
                    if (!signaler.waitEvent(0)) {
                        early.incrementAndGet();
                        if (!signaler.waitEvent(10_000)) {
                            System.out.println("no signal after a readable descriptor");
                            System.exit(1);
                        }
                    }
                    signaler.recv();
                    done++;
                }
            }
            writer.join(10_000);
            System.out.println("rounds=" + done + " readable-before-counted=" + early.get());
            signaler.close();
            ctx.terminate();
        }
    }
}
