package org.edgegateway.dist;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.edgegateway.core.health.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

/**
 * {@code run}: the gateway in the foreground until SIGTERM or SIGINT, then a graceful stop and exit 0;
 * or until one of its owner threads dies, then a stop and exit {@value Main#FAILED}, so that the
 * service manager starts it again ({@code Restart=on-failure}). Used by the main thread only.
 */
@Command(name = "run", description = "Run the gateway in the foreground; SIGTERM or Ctrl-C stops it gracefully.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** A stop after a death that takes longer than this ends the process at once, with the same exit code. */
    static final long STOP_AFTER_DEATH_SECONDS = 60;

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        AtomicReference<Health.Death> died = new AtomicReference<>();
        // Handling the signals (rather than a shutdown hook alone) lets a stop requested by the
        // service manager end with exit code 0 after the graceful shutdown.
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try (GatewayApp app = GatewayApp.start(main.home(), System.getenv())) {
            app.onDeath(d -> {
                // Whoever wins between a signal and a death: a death seen before the stop ends it non-zero.
                died.compareAndSet(null, d);
                stop.countDown();
            });
            LOG.info("gateway: running; send SIGTERM or press Ctrl-C to stop");
            stop.await();
            Health.Death d = died.get();
            if (d != null) {
                LOG.error("gateway: stopping because {}; exiting with code {} so that the service manager restarts it",
                        d.describe(), Main.FAILED);
                haltIfStuck();
            } else {
                LOG.info("gateway: stop requested");
            }
        }
        return died.get() == null ? Main.OK : Main.FAILED;
    }

    /** A broken gateway may not stop cleanly: past the limit the process ends anyway, non-zero. */
    private static void haltIfStuck() {
        Thread t = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(STOP_AFTER_DEATH_SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            LOG.error("gateway: did not stop within {} s after an owner thread died; halting", STOP_AFTER_DEATH_SECONDS);
            Runtime.getRuntime().halt(Main.FAILED);
        }, "egw-exit");
        t.setDaemon(true);
        t.start();
    }
}
