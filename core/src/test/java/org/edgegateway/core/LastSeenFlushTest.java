package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.edgegateway.core.admin.ConnectionView;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LastSeenFlushTest {
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    static ConnectionView connected(String name, Instant lastMessage) {
        return new ConnectionView(name, "key-" + name, "127.0.0.1", T0, lastMessage, 1, 10, 0);
    }

    /** The real store, and a record of every batch handed to it. */
    record Recording(KeyStore store, List<Map<String, Instant>> batches) implements Consumer<Map<String, Instant>> {
        @Override
        public void accept(Map<String, Instant> batch) {
            batches.add(Map.copyOf(batch));
            store.clients().touchLastSeen(batch);
        }
    }

    @Test
    void idleConnectedClientsAreWrittenOnceAndThenNoMore(@TempDir Path dir) {
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(dir))) {
            for (String name : List.of("a", "b", "c")) {
                store.clients().enrol(name, CurveKeyPair.generate().publicZ85(), "admin", "test");
            }
            Recording db = new Recording(store, new ArrayList<>());
            LastSeenFlush flush = new LastSeenFlush();
            List<ConnectionView> live = List.of(connected("a", T0), connected("b", T0.plusSeconds(1)),
                    connected("c", null));

            flush.flush(Map.of(), live, db);
            flush.flush(Map.of(), live, db);
            flush.flush(Map.of(), live, db);

            assertThat(db.batches()).as("one write; the idle flushes after it write nothing")
                    .containsExactly(Map.of("a", T0, "b", T0.plusSeconds(1)));
            assertThat(store.clients().findByName("b").orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(1));
            assertThat(store.clients().findByName("c").orElseThrow().lastSeen()).as("never said anything").isNull();

            // a says something again, b leaves: only those two are written
            flush.flush(Map.of("b", T0.plusSeconds(2)), List.of(connected("a", T0.plusSeconds(5)), connected("c", null)), db);
            assertThat(db.batches()).hasSize(2);
            assertThat(db.batches().get(1)).isEqualTo(Map.of("a", T0.plusSeconds(5), "b", T0.plusSeconds(2)));
            assertThat(store.clients().findByName("a").orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(5));
            assertThat(store.clients().findByName("b").orElseThrow().lastSeen()).isEqualTo(T0.plusSeconds(2));
        }
    }

    @Test
    void aFailedWriteIsTriedAgainWithTheDepartedClientsItCarried() {
        LastSeenFlush flush = new LastSeenFlush();
        List<Map<String, Instant>> tried = new ArrayList<>();
        Consumer<Map<String, Instant>> down = batch -> {
            tried.add(new HashMap<>(batch));
            throw new IllegalStateException("store closed");
        };
        flush.flush(Map.of("gone", T0), List.of(connected("here", T0.plusSeconds(1))), down);

        List<Map<String, Instant>> stored = new ArrayList<>();
        flush.flush(Map.of(), List.of(connected("here", T0.plusSeconds(1))), stored::add);
        flush.flush(Map.of(), List.of(connected("here", T0.plusSeconds(1))), stored::add);

        assertThat(tried).containsExactly(Map.of("gone", T0, "here", T0.plusSeconds(1)));
        assertThat(stored).as("the failed batch again, whole, then nothing")
                .containsExactly(Map.of("gone", T0, "here", T0.plusSeconds(1)));
    }
}
