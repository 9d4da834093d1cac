package org.edgegateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a JFR recording's CPU samples ({@code jdk.ExecutionSample}) fall: top frames, threads, and
 * the share of samples with a frame of a given kind anywhere on the stack. Reads the output of
 * {@code jfr print --json --events jdk.ExecutionSample}. Stateless, thread-safe.
 */
final class JfrSummary {
    /** Kinds of frames, by class-name prefix, in the order they are reported. */
    private static final Map<String, List<String>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("CURVE crypto (jnacl, BouncyCastle, nacl stand-in)",
                List.of("com.neilalexander.", "org.bouncycastle.", "org.edgegateway.nacl."));
        KINDS.put("JeroMQ (zmq, org.zeromq)", List.of("zmq.", "org.zeromq."));
        KINDS.put("gateway (org.edgegateway.core)", List.of("org.edgegateway.core."));
        KINDS.put("plugins (PF4J, org.edgegateway.plugins)", List.of("org.pf4j.", "org.edgegateway.plugins."));
        KINDS.put("NIO (sun.nio, java.nio)", List.of("sun.nio.", "java.nio."));
        KINDS.put("logging (ch.qos.logback, org.slf4j)", List.of("ch.qos.logback.", "org.slf4j."));
    }

    private JfrSummary() {
    }

    /** A Markdown summary of {@code recording}, at most {@code top} rows per table. */
    static String summarise(Path recording, int top) throws IOException, InterruptedException {
        Path json = recording.resolveSibling(recording.getFileName() + ".json");
        Process p = new ProcessBuilder("jfr", "print", "--json", "--events", "jdk.ExecutionSample", recording.toString())
                .redirectOutput(json.toFile()).redirectErrorStream(false).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            return "(jfr print failed for " + recording + ")\n";
        }
        JsonNode events = new ObjectMapper().readTree(json.toFile()).path("recording").path("events");
        Map<String, Integer> topFrames = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> kinds = new LinkedHashMap<>();
        KINDS.keySet().forEach(k -> kinds.put(k, 0));
        int samples = 0;
        for (JsonNode e : events) {
            JsonNode v = e.path("values");
            JsonNode frames = v.path("stackTrace").path("frames");
            if (!frames.isArray() || frames.isEmpty()) {
                continue;
            }
            samples++;
            threads.merge(v.path("sampledThread").path("javaName").asText("?"), 1, Integer::sum);
            topFrames.merge(frameName(frames.get(0)), 1, Integer::sum);
            for (Map.Entry<String, List<String>> kind : KINDS.entrySet()) {
                for (JsonNode f : frames) {
                    String type = f.path("method").path("type").path("name").asText("").replace('/', '.');
                    if (kind.getValue().stream().anyMatch(type::startsWith)) {
                        kinds.merge(kind.getKey(), 1, Integer::sum);
                        break;
                    }
                }
            }
        }
        Files.deleteIfExists(json);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d CPU samples (jdk.ExecutionSample).%n%n", samples));
        if (samples == 0) {
            return out.toString();
        }
        out.append("| samples with a frame of | share |\n|---|---|\n");
        for (Map.Entry<String, Integer> k : kinds.entrySet()) {
            out.append(String.format(Locale.ROOT, "| %s | %.1f%% |%n", k.getKey(), 100.0 * k.getValue() / samples));
        }
        out.append("\n| thread | share |\n|---|---|\n");
        appendTop(out, threads, samples, top);
        out.append("\n| top frame | share |\n|---|---|\n");
        appendTop(out, topFrames, samples, top);
        return out.toString();
    }

    private static void appendTop(StringBuilder out, Map<String, Integer> counts, int samples, int top) {
        List<Map.Entry<String, Integer>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> e : sorted.subList(0, Math.min(top, sorted.size()))) {
            out.append(String.format(Locale.ROOT, "| `%s` | %.1f%% |%n", e.getKey(), 100.0 * e.getValue() / samples));
        }
    }

    private static String frameName(JsonNode frame) {
        JsonNode method = frame.path("method");
        String type = method.path("type").path("name").asText("?").replace('/', '.');
        return type + "." + method.path("name").asText("?");
    }
}
