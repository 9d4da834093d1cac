package org.edgegateway.web;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client bundles (archives written by {@link org.edgegateway.keys.ClientBundleFiles}: a generated key
 * pair and the server's certificate naming the endpoint) waiting for their one download. Thread-safe.
 *
 * <p>The gateway never keeps a client's secret key: the zip lives in memory until it is downloaded
 * once by the admin who generated it, or expires, and is then wiped.
 */
final class Bundles {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 100;

    /** An archive waiting for its download. */
    record Bundle(String owner, String fileName, String contentType, byte[] archive, Instant expiresAt) {
    }

    private final Map<String, Bundle> pending = new ConcurrentHashMap<>();
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Bundles(Clock clock) {
        this.clock = clock;
    }

    /** Keeps {@code archive} for one download by {@code owner}; returns the id to fetch it with. */
    String put(String owner, String fileName, String contentType, byte[] archive) {
        purgeExpired();
        if (pending.size() >= MAX_PENDING) {
            throw new ApiException(503, "TOO_MANY_BUNDLES",
                    "too many bundles wait for download; download or let them expire (" + LIFETIME + ")");
        }
        byte[] idBytes = new byte[24];
        random.nextBytes(idBytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
        pending.put(id, new Bundle(owner, fileName, contentType, archive, clock.instant().plus(LIFETIME)));
        return id;
    }

    /** Removes and returns the bundle {@code id} when {@code owner} made it and it has not expired. */
    Optional<Bundle> take(String id, String owner) {
        purgeExpired();
        Bundle bundle = pending.get(id);
        if (bundle == null || !bundle.owner().equals(owner) || !pending.remove(id, bundle)) {
            return Optional.empty();
        }
        return Optional.of(bundle);
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        pending.values().removeIf(b -> {
            boolean expired = !b.expiresAt().isAfter(now);
            if (expired) {
                Arrays.fill(b.archive(), (byte) 0);
            }
            return expired;
        });
    }
}
