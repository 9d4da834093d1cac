package org.edgegateway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The processes a side-by-side run started and has not stopped yet, so that each ends with its block,
 * or with the run when it fails. Their output goes to the logs folder as {@code NAME-N.out} and
 * {@code .err}, N counting the run's processes in start order. Not thread-safe: the run's main thread.
 */
final class Children {
    private final Path logs;
    private final List<Child> running = new ArrayList<>();
    private int started;

    Children(Path logs) {
        this.logs = logs;
    }

    Child start(String name, List<String> command, Map<String, String> env) throws IOException {
        Child c = Child.start(name + "-" + (++started), command, env, logs);
        running.add(c);
        return c;
    }

    /** SIGTERM, then SIGKILL after {@code grace}. */
    void stop(Child c, Duration grace) throws InterruptedException {
        c.stop(grace);
        running.remove(c);
    }

    /** Runs a command of the bundle's CLI that writes a key bundle ({@code clients add}, {@code workers add}). */
    void runUntilBundleWritten(List<String> command, Duration timeout) throws Exception {
        Child c = start("setup", command, Map.of());
        c.awaitLine("bundle written", timeout);
        stop(c, Duration.ofSeconds(30));
    }

    void stopAll() {
        for (Child c : running) {
            c.close();
        }
        running.clear();
    }
}
