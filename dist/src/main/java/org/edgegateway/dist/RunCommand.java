package org.edgegateway.dist;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import sun.misc.Signal;

/** {@code run}: the gateway in the foreground until SIGTERM or SIGINT, then a graceful stop and exit 0. */
@Command(name = "run", description = "Run the gateway in the foreground; SIGTERM or Ctrl-C stops it gracefully.")
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        // Handling the signals (rather than a shutdown hook alone) lets a stop requested by the
        // service manager end with exit code 0 after the graceful shutdown.
        Signal.handle(new Signal("TERM"), s -> stop.countDown());
        Signal.handle(new Signal("INT"), s -> stop.countDown());
        try (GatewayApp app = GatewayApp.start(main.home(), System.getenv())) {
            LOG.info("gateway: running; send SIGTERM or press Ctrl-C to stop");
            stop.await();
            LOG.info("gateway: stop requested");
        }
        return Main.OK;
    }
}
