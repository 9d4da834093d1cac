package org.edgegateway.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The load generator of {@link SideBySide}, run as its own process: JeroMQ DEALERs with CURVE, each
 * with its own enrolled key, sending the classic {@code [TYPE, PAYLOAD]} and expecting
 * {@code [ACK, detail]} in order. Three modes, chosen by the first argument:
 *
 * <ul>
 * <li>{@code load ENDPOINT SERVER_KEY KEYS OFFSET CLIENTS WINDOW SIZE}: one thread per DEALER keeps
 * WINDOW requests in flight. After every DEALER had one answer it prints {@code CONNECTED}, waits
 * for {@code GO START_MS END_MS} (epoch milliseconds) on standard input, loads from then on, records
 * the latency of every answer that arrives between START_MS and END_MS, drains and prints
 * {@code RESULT key=value ...}.</li>
 * <li>{@code handshake ENDPOINT SERVER_KEY KEYS OFFSET COUNT CONCURRENCY}: CONCURRENCY threads each
 * open a DEALER (keys taken in turn from the COUNT keys at OFFSET), connect, send one message, wait
 * for its answer and close the socket, again and again; same {@code CONNECTED} / {@code GO} /
 * {@code RESULT} protocol, counting the connections completed in the window.</li>
 * <li>{@code hold ENDPOINT SERVER_KEY KEYS OFFSET COUNT}: opens COUNT DEALERs, each answered once
 * ({@code HELD ...}), and keeps them open. Then, for every {@code PROBE T0_MS TIMEOUT_MS} line,
 * sends one message on every DEALER and prints when the answers came back ({@code PROBED ...},
 * times from T0_MS); {@code QUIT} closes them.</li>
 * </ul>
 *
 * KEYS is a file of {@code PUBLIC_Z85 SECRET_Z85} lines. Not thread-safe as a whole; each DEALER is
 * owned by one thread. Prints to standard output, which is read by {@link SideBySide}.
 */
public final class LoadClient {
    private static final long HIGHEST_MICROS = 60_000_000L;
    private static final int HOLD_CHUNK = 100;
    private static final long RESEND_MILLIS = 15_000;
    /** Pause between sweeps of a probe that found nothing: the resolution of its answer times. */
    private static final long SWEEP_MILLIS = 50;

    private LoadClient() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String endpoint = args[1];
        byte[] serverKey = ZMQ.Curve.z85Decode(args[2]);
        List<String> keyLines = Files.readAllLines(Path.of(args[3]));
        int offset = Integer.parseInt(args[4]);
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        switch (mode) {
            case "load" -> load(endpoint, serverKey, keyLines, offset, Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), Integer.parseInt(args[7]), stdin);
            case "handshake" -> handshake(endpoint, serverKey, keyLines, offset, Integer.parseInt(args[5]),
                    Integer.parseInt(args[6]), stdin);
            case "hold" -> hold(endpoint, serverKey, keyLines, offset, Integer.parseInt(args[5]), stdin);
            default -> throw new IllegalArgumentException("unknown mode: " + mode);
        }
        System.exit(0);
    }

    private static ZMQ.Socket dealer(ZContext context, byte[] serverKey, String keyLine, int handshakeMillis) {
        String[] words = keyLine.strip().split("\\s+");
        ZMQ.Socket s = context.createSocket(SocketType.DEALER);
        s.setCurveServerKey(serverKey);
        s.setCurvePublicKey(ZMQ.Curve.z85Decode(words[0]));
        s.setCurveSecretKey(ZMQ.Curve.z85Decode(words[1]));
        s.setLinger(0);
        s.setSndHWM(100_000);
        s.setRcvHWM(100_000);
        // JeroMQ client connections occasionally never finish the greeting: give up and retry.
        s.setHandshakeIvl(handshakeMillis);
        s.setReconnectIVL(100);
        s.setReconnectIVLMax(1_000);
        return s;
    }

    private static byte[] payload(int size) {
        byte[] p = new byte[size];
        for (int i = 0; i < size; i++) {
            p[i] = (byte) ('a' + i % 26);
        }
        return p;
    }

    private static long[] awaitGo(BufferedReader stdin) throws Exception {
        System.out.println("CONNECTED");
        System.out.flush();
        String line = stdin.readLine();
        if (line == null || !line.startsWith("GO ")) {
            throw new IllegalStateException("expected GO START_MS END_MS, got " + line);
        }
        String[] w = line.split(" ");
        return new long[] {Long.parseLong(w[1]), Long.parseLong(w[2])};
    }

    // ---------------------------------------------------------------- load

    private static void load(String endpoint, byte[] serverKey, List<String> keys, int offset, int clients,
            int window, int size, BufferedReader stdin) throws Exception {
        byte[] type = "STRING".getBytes(StandardCharsets.US_ASCII);
        byte[] body = payload(size);
        Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
        LongAdder inWindow = new LongAdder();
        LongAdder errors = new LongAdder();
        LongAdder timeouts = new LongAdder();
        LongAdder total = new LongAdder();
        long[] go = new long[2];
        CountDownLatch connected = new CountDownLatch(clients);
        CountDownLatch started = new CountDownLatch(1);
        try (ZContext context = new ZContext(Math.min(2, clients))) {
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                ZMQ.Socket s = dealer(context, serverKey, keys.get(offset + c), 3_000);
                s.setReceiveTimeOut(10_000);
                s.connect(endpoint);
                Thread t = new Thread(() -> {
                    try {
                        runClient(s, type, body, window, go, connected, started, recorder, inWindow, errors,
                                timeouts, total);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "load-" + c);
                t.start();
                threads.add(t);
            }
            if (!connected.await(60, TimeUnit.SECONDS)) {
                System.out.println("RESULT failed=connect connected=" + (clients - connected.getCount()));
                System.exit(1);
            }
            long[] window0 = awaitGo(stdin);
            go[0] = window0[0];
            go[1] = window0[1];
            started.countDown();
            for (Thread t : threads) {
                t.join(go[1] - System.currentTimeMillis() + 30_000);
            }
            Histogram h = recorder.getIntervalHistogram();
            double seconds = (go[1] - go[0]) / 1000.0;
            System.out.printf(Locale.ROOT,
                    "RESULT replies=%d rate=%.1f p50=%d p95=%d p99=%d max=%d errors=%d timeouts=%d total=%d%n",
                    inWindow.sum(), inWindow.sum() / seconds, h.getValueAtPercentile(50), h.getValueAtPercentile(95),
                    h.getValueAtPercentile(99), h.getMaxValue(), errors.sum(), timeouts.sum(), total.sum());
            System.out.flush();
        }
    }

    private static void runClient(ZMQ.Socket s, byte[] type, byte[] body, int window, long[] go,
            CountDownLatch connected, CountDownLatch started, Recorder recorder, LongAdder inWindow,
            LongAdder errors, LongAdder timeouts, LongAdder total) throws InterruptedException {
        // one round trip to be sure the handshake is done
        s.sendMore(type);
        s.send(body, 0);
        if (receiveReply(s) == null) {
            timeouts.increment();
            return;
        }
        connected.countDown();
        started.await();
        ArrayDeque<Long> sent = new ArrayDeque<>(window);
        long end = go[1];
        while (true) {
            long nowMs = System.currentTimeMillis();
            boolean sending = nowMs < end;
            while (sending && sent.size() < window) {
                sent.addLast(System.nanoTime());
                s.sendMore(type);
                s.send(body, 0);
            }
            if (sent.isEmpty()) {
                return;
            }
            byte[] first = receiveReply(s);
            if (first == null) {
                timeouts.increment();
                return;
            }
            long nanos = System.nanoTime() - sent.removeFirst();
            long at = System.currentTimeMillis();
            total.increment();
            if (first[0] != 'A') {
                errors.increment();
            }
            if (at >= go[0] && at < go[1]) {
                inWindow.increment();
                recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, nanos / 1000)));
            }
        }
    }

    /** The first frame of the next reply (the rest read and dropped), or null on time-out. */
    private static byte[] receiveReply(ZMQ.Socket s) {
        byte[] first = s.recv(0);
        if (first == null) {
            return null;
        }
        while (s.hasReceiveMore()) {
            s.recv(0);
        }
        return first.length == 0 ? new byte[] {'?'} : first;
    }

    // ----------------------------------------------------------- handshake

    private static void handshake(String endpoint, byte[] serverKey, List<String> keys, int offset, int count,
            int concurrency, BufferedReader stdin) throws Exception {
        byte[] type = "STRING".getBytes(StandardCharsets.US_ASCII);
        byte[] body = payload(16);
        Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
        LongAdder inWindow = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicLong nextKey = new AtomicLong();
        long[] go = {Long.MAX_VALUE, Long.MAX_VALUE};
        CountDownLatch started = new CountDownLatch(1);
        try (ZContext context = new ZContext(2)) {
            context.getContext().setMaxSockets(65_536);
            // warm the client side (JIT, context) with one connection before reporting CONNECTED
            ZMQ.Socket probe = dealer(context, serverKey, keys.get(offset), 2_000);
            probe.setReceiveTimeOut(10_000);
            probe.connect(endpoint);
            probe.sendMore(type);
            probe.send(body, 0);
            if (receiveReply(probe) == null) {
                System.out.println("RESULT failed=connect");
                System.exit(1);
            }
            context.destroySocket(probe);
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < concurrency; c++) {
                Thread t = new Thread(() -> {
                    try {
                        started.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (System.currentTimeMillis() < go[1]) {
                        String key = keys.get(offset + (int) (nextKey.getAndIncrement() % count));
                        long begin = System.nanoTime();
                        ZMQ.Socket s = dealer(context, serverKey, key, 2_000);
                        s.setReceiveTimeOut(5_000);
                        s.connect(endpoint);
                        s.sendMore(type);
                        s.send(body, 0);
                        byte[] first = receiveReply(s);
                        long at = System.currentTimeMillis();
                        context.destroySocket(s);
                        if (at < go[0] || at >= go[1]) {
                            continue;
                        }
                        if (first == null || first[0] != 'A') {
                            failed.increment();
                        } else {
                            inWindow.increment();
                            recorder.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (System.nanoTime() - begin) / 1000)));
                        }
                    }
                }, "handshake-" + c);
                t.start();
                threads.add(t);
            }
            long[] window0 = awaitGo(stdin);
            go[1] = window0[1];
            go[0] = window0[0];
            started.countDown();
            for (Thread t : threads) {
                t.join(go[1] - System.currentTimeMillis() + 30_000);
            }
            Histogram h = recorder.getIntervalHistogram();
            double seconds = (go[1] - go[0]) / 1000.0;
            System.out.printf(Locale.ROOT, "RESULT replies=%d rate=%.1f p50=%d p95=%d p99=%d max=%d errors=%d%n",
                    inWindow.sum(), inWindow.sum() / seconds, h.getValueAtPercentile(50), h.getValueAtPercentile(95),
                    h.getValueAtPercentile(99), h.getMaxValue(), failed.sum());
            System.out.flush();
        }
    }

    // ---------------------------------------------------------------- hold

    private static void hold(String endpoint, byte[] serverKey, List<String> keys, int offset, int count,
            BufferedReader stdin) throws Exception {
        byte[] type = "STRING".getBytes(StandardCharsets.US_ASCII);
        byte[] body = payload(16);
        try (ZContext context = new ZContext(1)) {
            context.getContext().setMaxSockets(count + 64);
            ZMQ.Socket[] sockets = new ZMQ.Socket[count];
            long begin = System.currentTimeMillis();
            long ok = 0;
            long last = -1;
            // connect in chunks, each answered before the next, so a slow server is not flooded first
            for (int from = 0; from < count; from += HOLD_CHUNK) {
                int n = Math.min(HOLD_CHUNK, count - from);
                ZMQ.Socket[] chunk = new ZMQ.Socket[n];
                for (int i = 0; i < n; i++) {
                    chunk[i] = dealer(context, serverKey, keys.get(offset + from + i), 5_000);
                    chunk[i].setReconnectIVLMax(10_000);
                    chunk[i].connect(endpoint);
                    sockets[from + i] = chunk[i];
                }
                long[] r = probe(chunk, type, body, begin, System.currentTimeMillis() + 120_000);
                ok += r[0];
                last = Math.max(last, r[4]);
            }
            System.out.printf(Locale.ROOT, "HELD ok=%d of=%d last_ms=%d%n", ok, count, last);
            System.out.flush();
            String line;
            while ((line = stdin.readLine()) != null) {
                if (line.startsWith("PROBE ")) {
                    String[] w = line.split(" ");
                    long t0 = Long.parseLong(w[1]);
                    long[] r = probe(sockets, type, body, t0, System.currentTimeMillis() + Long.parseLong(w[2]));
                    System.out.printf(Locale.ROOT, "PROBED ok=%d of=%d p50_ms=%d p90_ms=%d p99_ms=%d last_ms=%d%n",
                            r[0], count, r[1], r[2], r[3], r[4]);
                    System.out.flush();
                } else if (line.equals("QUIT")) {
                    break;
                }
            }
            for (ZMQ.Socket s : sockets) {
                context.destroySocket(s);
            }
        }
    }

    /**
     * Sends one message on every socket and sweeps them for answers until all came or the deadline.
     *
     * @return {answered, p50, p90, p99, last} with times in ms after {@code t0}
     */
    private static long[] probe(ZMQ.Socket[] sockets, byte[] type, byte[] body, long t0, long deadline)
            throws InterruptedException {
        for (ZMQ.Socket s : sockets) {
            s.sendMore(type);
            s.send(body, 0);
        }
        long[] at = new long[sockets.length];
        Arrays.fill(at, -1);
        int pending = sockets.length;
        int[] open = new int[sockets.length];
        for (int i = 0; i < open.length; i++) {
            open[i] = i;
        }
        long resendAt = System.currentTimeMillis() + RESEND_MILLIS;
        while (pending > 0 && System.currentTimeMillis() < deadline) {
            if (System.currentTimeMillis() >= resendAt) {
                // a message written while the old connection was being torn down can be lost with it
                for (int j = 0; j < pending; j++) {
                    sockets[open[j]].sendMore(type);
                    sockets[open[j]].send(body, ZMQ.DONTWAIT);
                }
                resendAt = System.currentTimeMillis() + RESEND_MILLIS;
            }
            int kept = 0;
            boolean any = false;
            for (int j = 0; j < pending; j++) {
                int i = open[j];
                byte[] first = sockets[i].recv(ZMQ.DONTWAIT);
                if (first != null) {
                    while (sockets[i].hasReceiveMore()) {
                        sockets[i].recv(0);
                    }
                    at[i] = System.currentTimeMillis() - t0;
                    any = true;
                } else {
                    open[kept++] = i;
                }
            }
            pending = kept;
            if (!any) {
                // a sweep of thousands of sockets is not free: sweeping every 2 ms took more than a core
                // across the holders during a storm, on the cores the server needs
                Thread.sleep(SWEEP_MILLIS);
            }
        }
        long[] done = Arrays.stream(at).filter(v -> v >= 0).sorted().toArray();
        if (done.length == 0) {
            return new long[] {0, -1, -1, -1, -1};
        }
        return new long[] {done.length, done[(int) (done.length * 0.5)], done[Math.min(done.length - 1, (int) (done.length * 0.9))],
                done[Math.min(done.length - 1, (int) (done.length * 0.99))], done[done.length - 1]};
    }
}
