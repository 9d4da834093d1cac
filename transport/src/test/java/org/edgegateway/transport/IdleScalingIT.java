package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;

/**
 * The I/O thread's cost of the same heartbeat traffic spread over 50 times as many idle connections.
 *
 * <p>A ROUTER with ZMTP heartbeats (each connection has its interval timer, and a time-out timer
 * while a PING is unanswered) and N idle DEALERs (in child processes) that only answer PINGs:
 * N = 100, then N = 5,000. The interval grows with N so that the server sends the same number of
 * PINGs a second in both runs (2,000/s, what 10,000 clients at the shipped 5 s interval send). The
 * work per PING is the same, so the server I/O thread's CPU time over the window should be too,
 * unless each turn of its loop costs more with more connections: JeroMQ's own poller copies and
 * sorts every timer and walks every channel on each turn, and fails this test (README.md has the
 * figures of both).
 *
 * <p>CPU time of that one thread (ThreadMXBean), not wall time, so a busy machine does not make it
 * fail; the bound is a factor of 3 plus 2% of a core. {@code -Dscaling.small}, {@code -Dscaling.large}
 * and {@code -Dscaling.window-ms} change the sizes.
 */
class IdleScalingIT {
    static final int SMALL = Integer.getInteger("scaling.small", 100);
    static final int LARGE = Integer.getInteger("scaling.large", 5_000);
    static final int PINGS_PER_SECOND = 2_000;
    static final long WINDOW_MS = Long.getLong("scaling.window-ms", 4_000);
    static final double FACTOR = 3.0;
    static final double SLACK_CORES = 0.02;
    static final int CLIENTS_PER_PROCESS = 2_500;

    record Run(int connections, int connected, int heartbeatMs, double ioCores, int setupDisconnects, int disconnects,
               String poller) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%,d idle connections (%,d connected), heartbeat every %d ms: server I/O thread"
                    + " %.4f cores (disconnects: %d while connecting, %d in the window; poller from %s)", connections,
                    connected, heartbeatMs, ioCores, setupDisconnects, disconnects, poller);
        }
    }

    @Test
    void ioThreadCpuForTheSameHeartbeatTrafficDoesNotGrowWithIdleConnections() throws Exception {
        Run small = measure(SMALL);
        Run large = measure(LARGE);
        String report = "\n  " + small + "\n  " + large + String.format(Locale.ROOT, "\n  ratio %.2f",
                large.ioCores() / Math.max(small.ioCores(), 1e-9));
        System.out.println("IdleScalingIT:" + report);

        assertThat(large.ioCores()).as("I/O thread CPU with %d connections vs %d%s", LARGE, SMALL, report)
                .isLessThanOrEqualTo(FACTOR * small.ioCores() + SLACK_CORES);
        assertThat(small.connected() + large.connected()).as("every client connected" + report)
                .isEqualTo(small.connections() + large.connections());
        assertThat(small.disconnects() + large.disconnects()).as("no connection dropped during a window" + report).isZero();
    }

    static Run measure(int connections) throws Exception {
        int heartbeatMs = Math.max(1, connections * 1000 / PINGS_PER_SECOND);
        List<Thread> ioThreads = new CopyOnWriteArrayList<>();
        ZMQ.Context serverContext = ZMQ.context(1);
        serverContext.setThreadFactor((runnable, name) -> {
            Thread t = new Thread(runnable, name);
            t.setDaemon(true);
            if (name.startsWith("iothread")) {
                ioThreads.add(t);
            }
            return t;
        });
        List<Process> clients = new ArrayList<>();
        AtomicInteger disconnects = new AtomicInteger();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = null;
        ZMQ.Socket router = null;
        ZMQ.Socket monitor = null;
        try {
            router = serverContext.socket(SocketType.ROUTER);
            router.setLinger(0);
            router.setHeartbeatIvl(heartbeatMs);
            router.setHeartbeatTimeout(10 * heartbeatMs + 5_000);
            router.setReceiveTimeOut(1_000);
            router.setRcvHWM(0);
            router.monitor("inproc://scaling-monitor-" + connections, ZMQ.EVENT_DISCONNECTED);
            monitor = serverContext.socket(SocketType.PAIR);
            monitor.setReceiveTimeOut(200);
            monitor.connect("inproc://scaling-monitor-" + connections);
            router.bind("tcp://127.0.0.1:*");
            String endpoint = router.getLastEndpoint();

            ZMQ.Socket events = monitor;
            watcher = new Thread(() -> {
                // never interrupted: an interrupt would close the socket's NIO channels
                while (watching.get()) {
                    ZMQ.Event event = ZMQ.Event.recv(events);
                    if (event != null && event.getEvent() == ZMQ.EVENT_DISCONNECTED) {
                        disconnects.incrementAndGet();
                    }
                }
            }, "scaling-monitor");
            watcher.setDaemon(true);
            watcher.start();

            // the idle clients live in processes of their own: each DEALER costs its process about 5 descriptors
            for (int left = connections; left > 0; left -= CLIENTS_PER_PROCESS) {
                clients.add(IdleClients.launch(endpoint, Math.min(left, CLIENTS_PER_PROCESS)));
            }
            // wait for every client's first message, or until none has come for 20 s (checked after
            // the measurement, so that a poller losing connections still shows its CPU figures)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int greeted = 0;
            while (greeted < connections && System.nanoTime() < deadline) {
                byte[] id = router.recv();
                if (id == null) {
                    for (Process p : clients) {
                        assertThat(p.isAlive()).as("client process (see its output above)").isTrue();
                    }
                    continue;
                }
                assertThat(router.recvStr()).isEqualTo("hello");
                greeted++;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            }

            // let every connection reach its heartbeat rhythm (first PING one interval after its handshake)
            Thread.sleep(Math.max(1_000, 2L * heartbeatMs));
            Thread.sleep(500); // the monitor's backlog of the connecting phase is counted by now
            int setupDisconnects = disconnects.get();

            assertThat(ioThreads).hasSize(1);
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long id = ioThreads.get(0).getId();
            long cpu0 = mx.getThreadCpuTime(id);
            long t0 = System.nanoTime();
            Thread.sleep(WINDOW_MS);
            long cpu1 = mx.getThreadCpuTime(id);
            long t1 = System.nanoTime();
            int windowDisconnects = disconnects.get() - setupDisconnects;
            double cores = (double) (cpu1 - cpu0) / (t1 - t0);

            String poller = String.valueOf(Class.forName("zmq.poll.Poller").getProtectionDomain().getCodeSource().getLocation());
            poller = poller.substring(poller.lastIndexOf('/', poller.length() - 2) + 1);
            return new Run(connections, greeted, heartbeatMs, cores, setupDisconnects, windowDisconnects, poller);
        } finally {
            if (watcher != null) {
                watching.set(false);
                watcher.join(5_000);
            }
            for (Process p : clients) {
                p.getOutputStream().close(); // the client process exits when its input ends
            }
            for (Process p : clients) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            if (monitor != null) {
                monitor.close();
            }
            if (router != null) {
                router.close();
            }
            serverContext.term();
        }
    }

    /** A process holding idle DEALERs connected to the endpoint until its standard input ends. */
    public static final class IdleClients {
        static Process launch(String endpoint, int count) throws Exception {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            return new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-cp", classPath, IdleClients.class.getName(), endpoint, Integer.toString(count))
                    .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
        }

        public static void main(String[] args) throws Exception {
            String endpoint = args[0];
            int count = Integer.parseInt(args[1]);
            ZMQ.Context context = ZMQ.context(1);
            context.setMaxSockets(count + 16);
            List<ZMQ.Socket> sockets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ZMQ.Socket dealer = context.socket(SocketType.DEALER);
                dealer.setLinger(0);
                // JeroMQ's own poller can lose a fresh connection's channel: retry such a handshake (not too
                // soon: 5,000 connecting at once can take seconds to be accepted on a busy machine)
                dealer.setHandshakeIvl(10_000);
                dealer.connect(endpoint);
                dealer.send("hello");
                sockets.add(dealer);
            }
            while (System.in.read() >= 0) {
                // idle: JeroMQ's I/O thread answers the server's PINGs
            }
            for (ZMQ.Socket s : sockets) {
                s.close();
            }
            context.term();
        }
    }
}
