package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher keys an admin trusts, one {@code <fingerprint>.pub} file each in
 * {@code HOME/keys/publishers/}. Thread-safe: every call reads the folder afresh, so a key trusted
 * with the CLI counts for the next plugin loaded, without a restart.
 */
public final class TrustedPublishers {
    private static final Logger LOG = LoggerFactory.getLogger(TrustedPublishers.class);

    private final Path folder;

    public TrustedPublishers(Path folder) {
        this.folder = folder;
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
        PluginSignatures.PublicKey key = PluginSignatures.readPublicKey(publicKeyFile);
        try {
            Files.createDirectories(folder);
            Files.writeString(folder.resolve(key.fingerprint() + ".pub"), line + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + folder + ": " + e.getMessage(), e);
        }
        LOG.info("plugins: trusting publisher key {} from {}", key.fingerprint(), publicKeyFile);
        return key;
    }

    /** Removes a trusted key by fingerprint; false when it was not trusted. Loaded plugins stay loaded. */
    public boolean distrust(String fingerprint) {
        if (!fingerprint.matches("[0-9a-f]{32}")) {
            throw new IllegalArgumentException("not a key fingerprint: " + fingerprint);
        }
        try {
            return Files.deleteIfExists(folder.resolve(fingerprint + ".pub"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete from " + folder + ": " + e.getMessage(), e);
        }
    }

    /** The trusted keys; a file in the folder that is not a key is logged and skipped. */
    public Set<PluginSignatures.PublicKey> keys() {
        Set<PluginSignatures.PublicKey> keys = new LinkedHashSet<>();
        if (!Files.isDirectory(folder)) {
            return keys;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.pub")) {
            for (Path f : files) {
                try {
                    keys.add(PluginSignatures.readPublicKey(f));
                } catch (RuntimeException e) {
                    LOG.warn("plugins: ignoring {} among the trusted publisher keys: {}", f, e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
        return keys;
    }
}
