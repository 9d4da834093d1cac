package org.edgegateway.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Compiles the benchmark's C programs ({@code curve_echo.c}, {@code load.c}) with gcc against the
 * system's libzmq, and runs short commands with a time limit. Stateless, thread-safe.
 */
final class NativeBuild {
    private static final Duration COMPILE_LIMIT = Duration.ofSeconds(180);

    /** The compiled programs and the libzmq version they were built against. */
    record Programs(Path echo, Path load, String zmqVersion) {
    }

    /** A finished command: exit code and standard output and error together. */
    record Result(int exit, String output) {
    }

    private NativeBuild() {
    }

    /** Compiles {@code source/curve_echo.c} and {@code source/load.c} into {@code bin}. */
    static Programs compile(Path source, Path bin) throws IOException, InterruptedException {
        Files.createDirectories(bin);
        Path echo = compileOne(source.resolve("curve_echo.c"), bin.resolve("curve_echo"));
        Path load = compileOne(source.resolve("load.c"), bin.resolve("load"));
        Result version = exec(List.of("sh", "-c", "pkg-config --modversion libzmq 2>/dev/null || echo unknown"),
                Duration.ofSeconds(30));
        return new Programs(echo, load, version.output().strip());
    }

    private static Path compileOne(Path source, Path out) throws IOException, InterruptedException {
        if (!Files.isRegularFile(source)) {
            throw new IllegalStateException("C source " + source + " not found (run from the repository root, or pass "
                    + "--c-src DIR)");
        }
        List<String> cmd = List.of("gcc", "-std=c11", "-O2", "-Wall", "-Wextra", "-o", out.toString(), source.toString(),
                "-lzmq", "-lpthread");
        Result r;
        try {
            r = exec(cmd, COMPILE_LIMIT);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run gcc to compile " + source + " (install the Debian package gcc): "
                    + e.getMessage(), e);
        }
        if (r.exit() != 0) {
            if (r.output().contains("zmq.h") || r.output().contains("-lzmq")) {
                throw new IllegalStateException("cannot compile " + source + ": libzmq's header or library is missing;"
                        + " install the Debian package libzmq3-dev (apt-get install libzmq3-dev). gcc said:\n" + r.output());
            }
            throw new IllegalStateException("cannot compile " + source + " (gcc exit " + r.exit() + "):\n" + r.output());
        }
        if (!r.output().isBlank()) {
            System.err.println("gcc warnings for " + source + ":\n" + r.output());
        }
        return out;
    }

    /** Runs {@code command}, killing it past {@code limit}; fails if it does not end. */
    static Result exec(List<String> command, Duration limit) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        // read on a thread of its own, so that the limit bounds the whole wait
        byte[][] out = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = ("(output unreadable: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
            }
        }, "exec-" + command.get(0));
        reader.setDaemon(true);
        reader.start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + limit);
        }
        reader.join(10_000);
        String text = out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8);
        return new Result(p.exitValue(), text);
    }
}
