package org.edgegateway.core.router;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

    void record(String client, String type, Instant at, byte[] payload, String outcome, String detail) {
        if (perClient == 0) {
            return;
        }
        Ring r = rings.get(client);
        if (r == null) {
            r = new Ring(perClient);
            rings.put(client, r);
        }
        int i = r.next;
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

    /** The client's recent messages, oldest first, with previews decoded now. */
    List<RecentMessage> of(String client) {
        Ring r = rings.get(client);
        if (r == null) {
            return List.of();
        }
        List<RecentMessage> out = new ArrayList<>(r.count);
        for (int k = 0; k < r.count; k++) {
            int i = (r.next - r.count + k + perClient) % perClient;
            byte[] h = r.head[i];
            out.add(new RecentMessage(client, r.type[i], r.at[i], r.size[i],
                    new String(h, 0, Math.min(h.length, PREVIEW), StandardCharsets.UTF_8), r.outcome[i], r.detail[i]));
        }
        return out;
    }

    private static final class Ring {
        final String[] type;
        final Instant[] at;
        final int[] size;
        final byte[][] head;
        final String[] outcome;
        final String[] detail;
        int next;
        int count;

        Ring(int n) {
            type = new String[n];
            at = new Instant[n];
            size = new int[n];
            head = new byte[n][];
            outcome = new String[n];
            detail = new String[n];
        }
    }
}
