package org.edgegateway.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * The CURVE identity of one sensor and the gateway it talks to, as loaded from the folder that
 * {@code edge-gateway clients add NAME --generate --out DIR} writes. Immutable.
 *
 * <p>The folder holds ZPL certificates in the czmq {@code zcert} / pyzmq {@code zmq.auth} format:
 * <ul>
 * <li>{@code NAME.key_secret}: this client's public and secret key (keep it mode 0600);</li>
 * <li>{@code NAME.key}: this client's public key (not needed here, checked when present);</li>
 * <li>{@code server.key}: the gateway's public key, pinned for the CURVE handshake; its
 * {@code metadata} section may name the {@code endpoint} to connect to.</li>
 * </ul>
 * {@link #toString()} never shows the secret key.
 */
public final class ClientBundle {
    private static final Logger LOG = LoggerFactory.getLogger(ClientBundle.class);
    static final String SERVER_CERTIFICATE = "server.key";
    private static final String SECRET_SUFFIX = ".key_secret";

    private final String name;
    private final byte[] publicKey;
    private final byte[] secretKey;
    private final byte[] serverKey;
    private final String endpoint;

    /**
     * A bundle from raw 32-byte keys.
     *
     * @param endpoint the endpoint from the server certificate's metadata, or null
     */
    public ClientBundle(String name, byte[] publicKey, byte[] secretKey, byte[] serverKey, String endpoint) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("client name is blank");
        }
        this.name = name;
        this.publicKey = requireKey(publicKey, "public key of " + name);
        this.secretKey = requireKey(secretKey, "secret key of " + name);
        this.serverKey = requireKey(serverKey, "server key");
        this.endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint.strip();
    }

    /**
     * Loads the bundle in {@code dir}, which must hold exactly one {@code *.key_secret} certificate
     * besides {@code server.key}.
     *
     * @throws BundleException naming the folder or file at fault
     */
    public static ClientBundle load(Path dir) {
        return load(dir, null);
    }

    /**
     * Loads the certificate {@code NAME.key_secret} (any single one when {@code name} is null) and
     * {@code server.key} from {@code dir}.
     *
     * @throws BundleException naming the folder or file at fault
     */
    public static ClientBundle load(Path dir, String name) {
        if (dir == null) {
            throw new BundleException("no bundle folder given");
        }
        if (!Files.isDirectory(dir)) {
            throw new BundleException(Files.exists(dir)
                    ? "bundle " + dir + " is not a folder"
                    : "bundle folder " + dir + " does not exist");
        }
        Path secretFile = name == null ? findSecret(dir) : dir.resolve(name + SECRET_SUFFIX);
        String clientName = secretFile.getFileName().toString();
        clientName = clientName.substring(0, clientName.length() - SECRET_SUFFIX.length());
        requireFile(secretFile, "client certificate");
        Path serverFile = dir.resolve(SERVER_CERTIFICATE);
        requireFile(serverFile, "gateway certificate");
        warnIfReadableByOthers(secretFile);

        Map<String, String> secret = BundleFiles.read(secretFile);
        byte[] publicKey = z85(secret, "curve/public-key", secretFile);
        byte[] secretKey = z85(secret, "curve/secret-key", secretFile);
        Path publicFile = dir.resolve(clientName + ".key");
        if (Files.isRegularFile(publicFile)) {
            byte[] published = z85(BundleFiles.read(publicFile), "curve/public-key", publicFile);
            if (!java.util.Arrays.equals(published, publicKey)) {
                throw new BundleException(publicFile + " and " + secretFile + " hold different public keys");
            }
        }
        Map<String, String> server = BundleFiles.read(serverFile);
        byte[] serverKey = z85(server, "curve/public-key", serverFile);
        return new ClientBundle(clientName, publicKey, secretKey, serverKey, server.get("metadata/endpoint"));
    }

    private static Path findSecret(Path dir) {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(p -> p.getFileName().toString().endsWith(SECRET_SUFFIX))
                    .filter(p -> !p.getFileName().toString().equals("server" + SECRET_SUFFIX))
                    .sorted()
                    .forEach(found::add);
        } catch (IOException e) {
            throw new BundleException("cannot list bundle folder " + dir + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new BundleException("bundle folder " + dir + " holds no client certificate (NAME" + SECRET_SUFFIX + ")");
        }
        if (found.size() > 1) {
            throw new BundleException("bundle folder " + dir + " holds several client certificates "
                    + found.stream().map(p -> p.getFileName().toString()).toList() + "; name the client to use");
        }
        return found.get(0);
    }

    private static void requireFile(Path file, String what) {
        if (!Files.isRegularFile(file)) {
            throw new BundleException(what + " " + file + " is missing");
        }
        if (!Files.isReadable(file)) {
            throw new BundleException(what + " " + file + " is not readable");
        }
    }

    private static void warnIfReadableByOthers(Path secretFile) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(secretFile, LinkOption.NOFOLLOW_LINKS);
            if (permissions.contains(PosixFilePermission.GROUP_READ) || permissions.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("client bundle: {} is readable by other users; chmod 600 it", secretFile);
            }
        } catch (UnsupportedOperationException | IOException e) {
            LOG.debug("client bundle: cannot read the permissions of {}", secretFile, e);
        }
    }

    private static byte[] z85(Map<String, String> properties, String key, Path file) {
        String text = properties.get(key);
        if (text == null) {
            throw new BundleException(file + " has no " + key.replace('/', '.') + " entry");
        }
        if (text.length() != ZMQ.Curve.KEY_SIZE_Z85) {
            throw new BundleException(file + ": " + key.replace('/', '.') + " is not a "
                    + ZMQ.Curve.KEY_SIZE_Z85 + "-character Z85 key");
        }
        try {
            return ZMQ.Curve.z85Decode(text);
        } catch (RuntimeException e) {
            throw new BundleException(file + ": " + key.replace('/', '.') + " is not valid Z85");
        }
    }

    private static byte[] requireKey(byte[] key, String what) {
        if (key == null || key.length != ZMQ.Curve.KEY_SIZE) {
            throw new IllegalArgumentException(what + " must be " + ZMQ.Curve.KEY_SIZE + " bytes, got "
                    + (key == null ? "null" : key.length));
        }
        return key.clone();
    }

    /** The client's name, from the certificate's file name. */
    public String name() {
        return name;
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    byte[] secretKey() {
        return secretKey.clone();
    }

    /** The gateway's public key, pinned for the handshake. */
    public byte[] serverKey() {
        return serverKey.clone();
    }

    /** The endpoint named in the server certificate's metadata, if any. */
    public Optional<String> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    @Override
    public String toString() {
        return "ClientBundle[name=" + name + ", publicKey=" + ZMQ.Curve.z85Encode(publicKey)
                + ", serverKey=" + ZMQ.Curve.z85Encode(serverKey) + ", endpoint=" + endpoint + "]";
    }
}
