package org.edgegateway.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;

/**
 * Client bundles (a generated key pair, the server's public certificate and the endpoint, zipped)
 * waiting for their one download. Thread-safe.
 *
 * <p>The gateway never keeps a client's secret key: the zip lives in memory until it is downloaded
 * once by the admin who generated it, or expires, and is then wiped.
 */
final class Bundles {

    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final int MAX_PENDING = 100;

    /** A zip waiting for its download. */
    record Bundle(String owner, String fileName, byte[] zip, Instant expiresAt) {
    }

    private final Map<String, Bundle> pending = new ConcurrentHashMap<>();
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    Bundles(Clock clock) {
        this.clock = clock;
    }

    /** Keeps {@code zip} for one download by {@code owner}; returns the id to fetch it with. */
    String put(String owner, String fileName, byte[] zip) {
        purgeExpired();
        if (pending.size() >= MAX_PENDING) {
            throw new ApiException(503, "TOO_MANY_BUNDLES",
                    "too many bundles wait for download; download or let them expire (" + LIFETIME + ")");
        }
        byte[] idBytes = new byte[24];
        random.nextBytes(idBytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(idBytes);
        pending.put(id, new Bundle(owner, fileName, zip, clock.instant().plus(LIFETIME)));
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
                Arrays.fill(b.zip(), (byte) 0);
            }
            return expired;
        });
    }

    /**
     * The zip for client {@code name}: {@code NAME.key}, {@code NAME.key_secret}, {@code server.key}
     * and {@code endpoint.txt}. The certificates are written by {@link ZCertFiles} into a private
     * temporary directory that is deleted before this returns.
     */
    static byte[] zip(String name, CurveKeyPair pair, String serverPublicKey, String endpoint) throws IOException {
        Path dir = Files.createTempDirectory("egw-bundle-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            ZCertFiles.writePair(dir, name, pair, Map.of("name", name));
            ZCertFiles.writePublic(dir.resolve("server.key"),
                    ZCert.ofPublic(Z85.decodeKey(serverPublicKey), Map.of("name", "edge-gateway")));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
                for (String file : new String[] {name + ".key", name + ".key_secret", "server.key"}) {
                    zip.putNextEntry(new ZipEntry(name + "/" + file));
                    byte[] content = Files.readAllBytes(dir.resolve(file));
                    zip.write(content);
                    Arrays.fill(content, (byte) 0);
                    zip.closeEntry();
                }
                zip.putNextEntry(new ZipEntry(name + "/endpoint.txt"));
                zip.write((endpoint + "\n").getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return bytes.toByteArray();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }
}
