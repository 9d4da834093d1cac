package org.edgegateway.bench;

import java.util.Map;

/**
 * The parts of one side-by-side run that its blocks share: the command line's options, the work
 * folder, the processes started, the servers, the load runs and the report. Not thread-safe: the
 * run's main thread.
 */
record Harness(Map<String, String> options, Workspace files, Children children, Servers servers, LoadRuns loads,
               Report report) {

    /** The option {@code --key}, or {@code fallback}. */
    String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
