package org.edgegateway.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The answers of one C load client by code, from the {@code codes=NAME:IN_WINDOW:FROM_GO:MAX_US,...}
 * field of its RESULT line (see {@code bench/src/main/c/load.c}): ACK, or an ERROR's code such as
 * HANDLER_FAILED, BUSY or UNKNOWN_TYPE. Immutable.
 */
final class AnswerCodes {
    /** One code: answers in the measured window, answers from GO to the end, the largest latency of the latter. */
    record Count(long inWindow, long fromGo, long maxMicros) {
    }

    private final Map<String, Count> counts;

    private AnswerCodes(Map<String, Count> counts) {
        this.counts = counts;
    }

    /** From the {@code codes} field of a parsed RESULT line ({@code -} or absent: none). */
    static AnswerCodes of(Map<String, String> result) {
        Map<String, Count> counts = new LinkedHashMap<>();
        String text = result.getOrDefault("codes", "-");
        if (!text.equals("-")) {
            for (String entry : text.split(",")) {
                String[] f = entry.split(":");
                if (f.length != 4) {
                    throw new IllegalStateException("unexpected entry '" + entry + "' in the load client's codes=" + text);
                }
                counts.put(f[0], new Count(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])));
            }
        }
        return new AnswerCodes(counts);
    }

    /** {@code count (max µs)} of one code from GO to the end, or {@code 0}. */
    String cell(String code) {
        Count c = counts.get(code);
        return c == null ? "0" : String.format(Locale.ROOT, "%,d (%,d)", c.fromGo(), c.maxMicros());
    }

    /**
     * The codes not in {@code known} as {@code NAME count (max µs)}, joined by {@code ;}, or {@code 0}:
     * counts of the measured window, or from GO to the end. The max is always from GO to the end.
     */
    String others(Set<String> known, boolean windowOnly) {
        List<String> parts = new ArrayList<>();
        counts.forEach((name, c) -> {
            long n = windowOnly ? c.inWindow() : c.fromGo();
            if (!known.contains(name) && n > 0) {
                parts.add(String.format(Locale.ROOT, "%s %,d (%,d)", name, n, c.maxMicros()));
            }
        });
        return parts.isEmpty() ? "0" : String.join("; ", parts);
    }
}
