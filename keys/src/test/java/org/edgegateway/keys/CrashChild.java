package org.edgegateway.keys;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The child JVM of {@link KeyStoreCrashTest}: enrols clients in a loop and prints
 * {@code COMMITTED name} after each enrolment has committed, until it is killed. It stops by itself
 * after two minutes, or when its standard input closes (its parent is gone).
 */
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // wait for EOF
                }
            } catch (IOException e) {
                // parent gone
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(data))) {
            out.println("OPEN");
            for (int i = 0; System.nanoTime() < deadline; i++) {
                String name = "crash-" + i;
                store.clients().enrol(name, CurveKeyPair.generate().publicZ85(), "crash-test", "child");
                out.println("COMMITTED " + name);
            }
        }
    }
}
