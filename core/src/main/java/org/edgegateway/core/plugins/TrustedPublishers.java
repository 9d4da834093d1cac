package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher keys the gateway trusts. Thread-safe: every call reads the folders afresh, so a key
 * trusted or untrusted with the CLI counts for the next plugin loaded, without a restart.
 *
 * <p>Two sources, never mixed up:
 * <ul>
 * <li>the keys an admin trusts, one {@code <fingerprint>.pub} file each in {@code HOME/keys/publishers/}
 * ({@code plugins trust}, {@code plugins untrust}); they count for every plugin;</li>
 * <li>the bundle's own keys in {@code BASE/conf/publishers/}, which signed its built-in plugins: the
 * release key ({@value #RELEASE_KEY_FILE}) or, in a development or CI build, a key made for that one
 * build ({@value #DEV_KEY_FILE}). They count for the bundle's own plugins only and are never copied
 * into the home, so replacing the bundle replaces them: no build key outlives its bundle.</li>
 * </ul>
 */
public final class TrustedPublishers {
    private static final Logger LOG = LoggerFactory.getLogger(TrustedPublishers.class);

    /** The bundle's publisher key file of a release build. */
    public static final String RELEASE_KEY_FILE = "release.pub";
    /** The bundle's publisher key file of a development or CI build (a key made for that build). */
    public static final String DEV_KEY_FILE = "dev-build.pub";
    /** The comment of the per-build keys that releases before this one copied into every home they ran on. */
    public static final String OLD_BUILD_KEY_COMMENT = "Edge Gateway built-in plugins";

    /** A trusted key: where it comes from, and what a reader should know about it. */
    public record Entry(PluginSignatures.PublicKey key, String comment, boolean bundled, Path file) {
        public String fingerprint() {
            return key.fingerprint();
        }

        /** The bundle's key of a development or CI build: its built-ins are not release-signed. */
        public boolean developmentKey() {
            return bundled && file.getFileName().toString().equals(DEV_KEY_FILE);
        }

        /** A per-build key an older release copied into the home: it no longer needs to be trusted. */
        public boolean copiedBuildKey() {
            return !bundled && OLD_BUILD_KEY_COMMENT.equals(comment);
        }
    }

    private final Path folder;
    private final Path bundleFolder;

    /** The keys of {@code folder} ({@code HOME/keys/publishers}) alone. */
    public TrustedPublishers(Path folder) {
        this(folder, null);
    }

    /** The keys of {@code folder}, and of the bundle's {@code bundleFolder} for its own plugins (may be null). */
    public TrustedPublishers(Path folder, Path bundleFolder) {
        this.folder = folder;
        this.bundleFolder = bundleFolder;
    }

    public Path folder() {
        return folder;
    }

    /**
     * {@code plugins trust PUBLIC_KEY_FILE}: checks the file is an Ed25519 public key and copies it
     * in as {@code <fingerprint>.pub}. Trusting a key twice is harmless.
     *
     * @return the key now trusted
     * @throws IllegalArgumentException when the file is not a public key (a private key is refused
     *                                  without echoing its content)
     */
    public PluginSignatures.PublicKey trust(Path publicKeyFile) {
        String line = PluginSignatures.firstLine(publicKeyFile);
        if (line.startsWith(PluginSignatures.PRIVATE_MAGIC)) {
            throw new IllegalArgumentException(publicKeyFile + " is a private key: trust the publisher's .pub file instead");
        }
        PluginSignatures.readPublicKey(publicKeyFile);
        return trust(line);
    }

    /**
     * Trusts the key of a public key file's line ({@code ed25519 BASE64 [comment]}).
     *
     * @throws IllegalArgumentException when it is not such a line (a private key is refused without
     *                                  echoing it)
     */
    public PluginSignatures.PublicKey trust(String publicKeyLine) {
        String line = publicKeyLine == null ? "" : publicKeyLine.strip();
        if (line.startsWith(PluginSignatures.PRIVATE_MAGIC)) {
            throw new IllegalArgumentException("that is a private key: trust the publisher's .pub file instead");
        }
        PluginSignatures.PublicKey key = PluginSignatures.parsePublicKey(line, "the key to trust");
        String comment = comment(line);
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(key.fingerprint() + ".pub"), key.toFileLine(comment), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + folder + ": " + e.getMessage(), e);
        }
        LOG.info("plugins: trusting publisher key {} ({})", key.fingerprint(), comment.isEmpty() ? "no comment" : comment);
        return key;
    }

    /**
     * Removes a key the admin trusted, by fingerprint; false when it was not trusted. Plugins it
     * verified stay loaded until their next reload or restart, where they are refused.
     *
     * @throws IllegalArgumentException for a malformed fingerprint, or one of the bundle's own keys
     *                                  (which is not stored in the home: nothing to remove)
     */
    public boolean distrust(String fingerprint) {
        checkRemovable(fingerprint);
        try {
            return Files.deleteIfExists(folder.resolve(fingerprint + ".pub"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete from " + folder + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks that {@code fingerprint} could name a key the admin trusted: well formed, and not one of
     * the bundle's own keys.
     *
     * @throws IllegalArgumentException saying which it is not
     */
    public void checkRemovable(String fingerprint) {
        if (fingerprint == null || !fingerprint.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("not a key fingerprint (32 lower-case hex digits, as `plugins trusted`"
                    + " lists them): " + fingerprint);
        }
        for (Entry e : bundleEntries()) {
            if (e.fingerprint().equals(fingerprint)) {
                throw new IllegalArgumentException("key " + fingerprint + " is the bundle's own (" + e.file()
                        + "): it is not stored in the home and counts only for the bundle's plugins, until the"
                        + " bundle is replaced");
            }
        }
    }

    /** The keys the admin trusts (for every plugin); a file in the folder that is not a key is logged and skipped. */
    public Set<PluginSignatures.PublicKey> keys() {
        Set<PluginSignatures.PublicKey> keys = new LinkedHashSet<>();
        for (Entry e : read(folder, false)) {
            keys.add(e.key());
        }
        return keys;
    }

    /** The keys a plugin is checked against: the admin's, and the bundle's own for a built-in plugin. */
    public Set<PluginSignatures.PublicKey> keysFor(boolean builtin) {
        Set<PluginSignatures.PublicKey> keys = keys();
        if (builtin) {
            for (Entry e : bundleEntries()) {
                keys.add(e.key());
            }
        }
        return keys;
    }

    /** Every trusted key: the admin's first, then the bundle's own. */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(read(folder, false));
        all.addAll(bundleEntries());
        return all;
    }

    /** The bundle's own keys. */
    public List<Entry> bundleEntries() {
        return bundleFolder == null ? List.of() : read(bundleFolder, true);
    }

    private static List<Entry> read(Path dir, boolean bundled) {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pub")) {
            for (Path f : files) {
                try {
                    String line = PluginSignatures.firstLine(f);
                    out.add(new Entry(PluginSignatures.parsePublicKey(line, f.toString()), comment(line), bundled, f));
                } catch (RuntimeException e) {
                    LOG.warn("plugins: ignoring {} among the trusted publisher keys: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(java.util.Comparator.comparing(Entry::fingerprint));
        return out;
    }

    /** What follows the key on a public key line. */
    private static String comment(String line) {
        String[] parts = line.strip().split("\\s+", 3);
        return parts.length < 3 ? "" : parts[2].replaceAll("[\\p{Cntrl}]", " ").strip();
    }
}
