package org.edgegateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The report of a side-by-side run: each line to standard output (this is a command-line tool) and
 * to {@code WORK/results.md}, rewritten whole after each block; progress notes to standard error. Not
 * thread-safe: the run's main thread.
 */
final class Report {
    private final Path file;
    private final StringBuilder text = new StringBuilder();

    Report(Path file) {
        this.file = file;
    }

    void line(String line) {
        text.append(line).append('\n');
        System.out.println(line);
        System.out.flush();
    }

    /** A note on how the run goes, not part of the results. */
    void progress(String note) {
        System.err.println("[" + Instant.now() + "] " + note);
    }

    /** The load average before a block's measurements, and a blank line. */
    void loadAverageBefore() {
        line("Load average before: " + ProcStats.loadavg());
        line("");
    }

    /** The end of a block: a blank line, the load average after it, a blank line; then the report is written. */
    void endBlock() throws IOException {
        line("");
        line("Load average after: " + ProcStats.loadavg());
        line("");
        write();
    }

    /** Writes the report so far to its file. */
    void write() throws IOException {
        Files.writeString(file, text);
    }
}
