package org.edgegateway.core.router;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.RecentMessage;

/**
 * The last messages of each client on one lane, for the admin UI. Not thread-safe: written by
 * {@code egw-router} as it answers, read through a router command. Cheap to write: each client has a
 * ring of {@code perClient} slots filled in place, a payload of at most {@value #PREVIEW} bytes is
 * referenced rather than copied (larger ones have their first bytes copied), and the preview text is
 * only decoded when the UI asks. Bounded: {@code perClient} messages for each of the
 * {@code clients} most recently active clients.
 */
final class RecentLog {
    static final int PREVIEW = 256;

    private final int perClient;
    private final Map<String, Ring> rings;

    RecentLog(int perClient, int clients) {
        this.perClient = perClient;
        this.rings = new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Ring> eldest) {
                return size() > clients;
            }
        };
    }

    /**
     * The recent messages of {@code client} in all {@code logs}, newest first, at most {@code limit}.
     * Messages read in one router turn share their receive time; among them the one recorded later
     * (answered later, and for one client's calls in one lane received later) comes first.
     */
    static List<RecentMessage> newestFirst(Iterable<RecentLog> logs, String client, int limit) {
        List<Entry> all = new ArrayList<>();
        for (RecentLog log : logs) {
            log.collect(client, all);
        }
        all.sort(Comparator.comparing((Entry e) -> e.message.receivedAt()).thenComparingLong(e -> e.order).reversed());
        List<RecentMessage> out = new ArrayList<>(Math.min(limit, all.size()));
        for (int k = 0; k < all.size() && k < limit; k++) {
            out.add(all.get(k).message);
        }
        return out;
    }

    private record Entry(long order, RecentMessage message) {
    }

    /** {@code order} ranks records across all logs of one router: it grows with each record. */
    void record(long order, String client, String type, Instant at, byte[] payload, String outcome, String detail) {
        if (perClient == 0) {
            return;
        }
        Ring r = rings.get(client);
        if (r == null) {
            r = new Ring(perClient);
            rings.put(client, r);
        }
        int i = r.next;
        r.order[i] = order;
        r.type[i] = type;
        r.at[i] = at;
        r.size[i] = payload.length;
        r.head[i] = payload.length <= PREVIEW ? payload : Arrays.copyOf(payload, PREVIEW);
        r.outcome[i] = outcome;
        r.detail[i] = detail;
        r.next = (i + 1) % perClient;
        if (r.count < perClient) {
            r.count++;
        }
    }

    /** Adds the client's recent messages to {@code out}, oldest first, with previews decoded now. */
    private void collect(String client, List<Entry> out) {
        Ring r = rings.get(client);
        if (r == null) {
            return;
        }
        for (int k = 0; k < r.count; k++) {
            int i = (r.next - r.count + k + perClient) % perClient;
            byte[] h = r.head[i];
            out.add(new Entry(r.order[i], new RecentMessage(client, r.type[i], r.at[i], r.size[i],
                    new String(h, 0, Math.min(h.length, PREVIEW), StandardCharsets.UTF_8), r.outcome[i], r.detail[i])));
        }
    }

    private static final class Ring {
        final long[] order;
        final String[] type;
        final Instant[] at;
        final int[] size;
        final byte[][] head;
        final String[] outcome;
        final String[] detail;
        int next;
        int count;

        Ring(int n) {
            order = new long[n];
            type = new String[n];
            at = new Instant[n];
            size = new int[n];
            head = new byte[n][];
            outcome = new String[n];
            detail = new String[n];
        }
    }
}
