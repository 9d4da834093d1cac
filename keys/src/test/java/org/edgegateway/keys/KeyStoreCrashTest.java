package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committed enrolment survives SIGKILL of the JVM that made it: a child JVM enrols clients and
 * prints each name once its transaction has committed; we kill it mid-stream and check that every
 * printed name is in the store with its audit row. Also checks that a second process cannot open
 * a store that is in use.
 */
class KeyStoreCrashTest {

    private static final int NAMES_BEFORE_KILL = 300;
    private static final String EOF = "\u0000EOF";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void committedEnrolmentsSurviveSigkill() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("child-stderr.txt");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), data.toString())
                .redirectError(stderr.toFile())
                .start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the child died mid-line: the partial line is not a commit
            } finally {
                lines.add(EOF);
            }
        }, "crash-child-reader");
        reader.setDaemon(true);
        reader.start();

        List<String> committed = new ArrayList<>();
        try {
            boolean checkedLock = false;
            while (committed.size() < NAMES_BEFORE_KILL) {
                String line = lines.poll(60, TimeUnit.SECONDS);
                if (line == null || line.equals(EOF)) {
                    throw new AssertionError("child stopped after " + committed.size() + " names; stderr:\n"
                            + Files.readString(stderr));
                }
                if (line.startsWith("COMMITTED ")) {
                    committed.add(line.substring("COMMITTED ".length()));
                    if (!checkedLock) {
                        checkedLock = true;
                        assertThatThrownBy(() -> KeyStore.open(KeyStore.fileUrl(data)).close())
                                .isInstanceOfSatisfying(KeyStoreException.class, e ->
                                        assertThat(e.reason()).isEqualTo(KeyStoreException.Reason.STORAGE))
                                .hasMessageContaining("is in use by another process");
                    }
                }
            }
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child killed").isTrue();
        }
        reader.join(TimeUnit.SECONDS.toMillis(30));
        for (String line = lines.poll(); line != null && !line.equals(EOF); line = lines.poll()) {
            if (line.startsWith("COMMITTED ")) {
                committed.add(line.substring("COMMITTED ".length()));
            }
        }
        assertThat(child.exitValue()).as("killed, not exited by itself").isNotZero();

        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(data))) {
            Set<String> names = new HashSet<>();
            store.clients().list().forEach(c -> names.add(c.name()));
            assertThat(names).containsAll(committed);

            Set<String> audited = new HashSet<>();
            long before = Long.MAX_VALUE;
            for (List<AuditEntry> page = store.audit().page(before, 1000); !page.isEmpty();
                 page = store.audit().page(before, 1000)) {
                for (AuditEntry e : page) {
                    if (e.action().equals(AuditActions.CLIENT_ENROL)) {
                        audited.add(e.subject());
                    }
                }
                before = page.get(page.size() - 1).id();
            }
            assertThat(audited).containsAll(committed);
            // every client that is in the store, committed or not yet printed, has its audit row
            assertThat(audited).containsAll(names);
        }
    }
}
