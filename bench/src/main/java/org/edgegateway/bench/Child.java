package org.edgegateway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One OS process started by {@link SideBySide}: its standard output is copied to a log file and
 * offered line by line to {@link #awaitLine}; standard error goes to the same folder. Thread-safe
 * for {@link #awaitLine} from one reader thread and {@link #send} from another.
 */
final class Child implements AutoCloseable {
    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final PrintWriter stdin;

    private Child(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        this.stdin = new PrintWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII), true);
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                    Writer w = out) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.write(line);
                    w.write('\n');
                    w.flush();
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("EOF " + e.getMessage());
            }
            lines.add("EOF");
        }, "child-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    static Child start(String name, List<String> command, Map<String, String> env, Path logDir) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".err").toFile()));
        Process p = pb.start();
        return new Child(name, p, logDir.resolve(name + ".out"));
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The next output line containing {@code marker}; earlier lines are skipped. */
    String awaitLine(String marker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IllegalStateException(name + ": no line with '" + marker + "' within " + timeout);
            }
            if (line.contains(marker)) {
                return line;
            }
            if (line.startsWith("EOF")) {
                throw new IllegalStateException(name + ": ended (exit " + exitStatus() + ") before printing '" + marker
                        + "'; see its .out/.err logs");
            }
        }
    }

    void send(String line) {
        stdin.println(line);
    }

    /** The exit code, "still running" or "unknown". */
    String exitStatus() {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? String.valueOf(process.exitValue()) : "still running";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}; waits for the exit. */
    void stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        try {
            stop(Duration.ofSeconds(20));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
