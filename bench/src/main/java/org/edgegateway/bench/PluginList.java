package org.edgegateway.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running gateway's plugins as its control CLI lists them ({@code bin/edge-gateway --home DIR plugins
 * list}: a header, then {@code ID VERSION TYPES STATE DETAIL} per plugin). Immutable.
 *
 * @param text  what the CLI printed (or why it could not be run)
 * @param exit  the CLI's exit code
 * @param rows  plugin id to its row
 */
record PluginList(String text, int exit, Map<String, Row> rows) {

    /** One plugin: its state as the CLI prints it (started, stopped, failed, refused) and the rest of its line. */
    record Row(String id, String types, String state, String detail) {
    }

    /** Runs the CLI of {@code bundle} against {@code home} (60 s at most). */
    static PluginList read(Path bundle, Path home) throws IOException, InterruptedException {
        NativeBuild.Result r = NativeBuild.exec(List.of(bundle.resolve("bin/edge-gateway").toString(), "--home",
                home.toString(), "plugins", "list"), Duration.ofSeconds(60));
        Map<String, Row> rows = new LinkedHashMap<>();
        if (r.exit() == 0) {
            for (String line : r.output().lines().toList()) {
                String[] w = line.strip().split("\\s+", 5);
                if (w.length < 4 || w[0].equals("ID")) {
                    continue;
                }
                rows.put(w[0], new Row(w[0], w[2], w[3], w.length > 4 ? w[4] : ""));
            }
        }
        return new PluginList(r.output(), r.exit(), Map.copyOf(rows));
    }

    /** The plugin's state, or a note saying why there is none. */
    String state(String id) {
        if (exit != 0) {
            return "(plugins list failed, exit " + exit + ")";
        }
        Row row = rows.get(id);
        return row == null ? "(not listed)" : row.state();
    }

    /** The plugin's state and detail, for a table cell. */
    String describe(String id) {
        Row row = rows.get(id);
        if (row == null) {
            return state(id);
        }
        return row.state() + (row.detail().isEmpty() ? "" : ": " + row.detail().replace("|", "/"));
    }
}
