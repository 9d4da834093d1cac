package org.edgegateway.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFilesTest {
    @TempDir
    Path dir;

    private Path folder(String client) {
        try {
            return Files.createDirectories(dir.resolve(client));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void rotatesBySizeAndKeepsTheNewestFiles() throws Exception {
        try (RotatingFiles files = new RotatingFiles(this::folder, "data.log", 12, 2)) {
            for (int i = 0; i < 10; i++) {
                files.append("a", ("rec-" + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        try (var list = Files.list(dir.resolve("a"))) {
            assertThat(list.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("data.log", "data.log.3", "data.log.4");
        }
        assertThat(Files.readString(dir.resolve("a/data.log"))).isEqualTo("rec-8\nrec-9\n");
        assertThat(Files.readString(dir.resolve("a/data.log.4"))).isEqualTo("rec-6\nrec-7\n");
    }

    @Test
    void fromSettingsSizesByThePluginsSettingsAndSchedulesTheIdleCheck() throws Exception {
        var scheduler = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
        try (RotatingFiles files = RotatingFiles.fromSettings(this::folder, "data.log",
                Map.of("file-size", "12", "keep-files", "1"), 1 << 20, scheduler)) {
            for (int i = 0; i < 6; i++) {
                files.append("a", ("rec-" + i + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(scheduler.getQueue()).as("the idle check, scheduled").hasSize(1);
        } finally {
            scheduler.shutdownNow();
        }
        try (var list = Files.list(dir.resolve("a"))) {
            assertThat(list.map(p -> p.getFileName().toString()).sorted()).containsExactly("data.log", "data.log.2");
        }
        assertThat(Files.readString(dir.resolve("a/data.log"))).isEqualTo("rec-4\nrec-5\n");
    }

    @Test
    void aFileClosedUnderneathIsOpenedAgainAndAppendsContinue() throws Exception {
        RotatingFiles files = new RotatingFiles(this::folder, "x.bin", 1 << 20, 1);
        files.append("c", new byte[] {1});
        assertThat(files.openFiles()).isEqualTo(1);
        files.closeIdle(0);
        assertThat(files.openFiles()).isZero();
        files.append("c", new byte[] {2});
        files.close();
        files.append("c", new byte[] {3});
        files.close();
        assertThat(Files.readAllBytes(dir.resolve("c/x.bin"))).containsExactly(1, 2, 3);
    }

    @Test
    void concurrentAppendsToOneClientNeverInterleaveRecords() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (RotatingFiles files = new RotatingFiles(this::folder, "lines", 1 << 20, 3)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        files.append("shared", ("t" + thread + "-" + i + "-" + "x".repeat(40) + "\n")
                                .getBytes(StandardCharsets.US_ASCII));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> lines = Files.readAllLines(dir.resolve("shared/lines"));
        assertThat(lines).hasSize(2000).allMatch(l -> l.matches("t[0-3]-\\d+-x{40}"));
    }

    @Test
    void settingsNameTheKeyAtFault() {
        assertThat(PluginSettings.wholeNumber(Map.of(), "file-size", 7)).isEqualTo(7);
        assertThat(PluginSettings.wholeNumber(Map.of("file-size", " 12 "), "file-size", 7)).isEqualTo(12);
        assertThatThrownBy(() -> PluginSettings.wholeNumber(Map.of("file-size", "-1"), "file-size", 7))
                .hasMessage("plugin setting file-size must be a whole number >= 0, got '-1'");
        assertThatThrownBy(() -> new RotatingFiles(this::folder, "../x", 1, 1)).hasMessageContaining("plain name");
    }
}
