package org.edgegateway.keys;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.edgegateway.protocol.Zpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads and writes CURVE certificates in the ZPL format of czmq's {@code zcert} and pyzmq's
 * {@code zmq.auth}: {@code NAME.key} holds the public key, {@code NAME.key_secret} the public and
 * the secret key. Stateless and thread-safe.
 *
 * <pre>
 * #   ****  Generated on 2025-01-01T12:00:00Z by Edge Gateway  ****
 * #   ZeroMQ CURVE Public Certificate
 * #   ...
 *
 * metadata
 *     site = "lab-3"
 * curve
 *     public-key = "rq:rM&gt;}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
 * </pre>
 *
 * <p>Files are written atomically (a temporary file in the same directory, flushed to disk, then
 * published under its name) and never replace an existing file: the target appearing in the
 * meantime gives {@link FileAlreadyExistsException}. A secret file is created with mode 0600 from
 * its first byte, so the secret is never readable by others, not even for an instant.
 */
public final class ZCertFiles {

    /** Suffix of a public certificate file. */
    public static final String PUBLIC_SUFFIX = ".key";
    /** Suffix of a secret certificate file. */
    public static final String SECRET_SUFFIX = ".key_secret";

    private static final Logger LOG = LoggerFactory.getLogger(ZCertFiles.class);
    private static final long MAX_FILE_SIZE = 64 * 1024;
    private static final Set<PosixFilePermission> SECRET_MODE =
            PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> PUBLIC_MODE =
            PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<PosixFilePermission> DIR_MODE =
            PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> GROUP_OR_OTHER = EnumSet.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private ZCertFiles() {
    }

    // ---------------------------------------------------------------- reading

    /**
     * Reads a public or secret certificate. The secret key is read if the file has one, and must
     * then belong to the public key.
     *
     * @throws ZCertFormatException if the file is not a valid certificate (naming file and line)
     * @throws IOException if it cannot be read
     */
    public static ZCert read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_SIZE) {
            throw new ZCertFormatException(file, 0,
                    "is " + size + " bytes, too large for a certificate (at most " + MAX_FILE_SIZE + ")");
        }
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ZCertFormatException(file, 0, "is not UTF-8 text");
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
        return parse(file, text);
    }

    static ZCert parse(Path file, String text) throws ZCertFormatException {
        List<Zpl.Property> properties;
        try {
            properties = Zpl.parse(text);
        } catch (Zpl.FormatException e) {
            throw new ZCertFormatException(file, e.line(), e.getMessage());
        }
        byte[] publicKey = null;
        byte[] secretKey = null;
        int publicLine = 0;
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Zpl.Property p : properties) {
            int lineNo = p.line();
            switch (p.path()) {
                case "curve/public-key" -> {
                    if (publicKey != null) {
                        throw new ZCertFormatException(file, lineNo, "public-key appears twice");
                    }
                    publicKey = decodeKey(file, lineNo, "public-key", p.value());
                    publicLine = lineNo;
                }
                case "curve/secret-key" -> {
                    if (secretKey != null) {
                        throw new ZCertFormatException(file, lineNo, "secret-key appears twice");
                    }
                    secretKey = decodeKey(file, lineNo, "secret-key", p.value());
                }
                default -> {
                    if (p.path().startsWith("metadata/") && p.path().indexOf('/', 9) < 0) {
                        String name = p.path().substring(9);
                        try {
                            ZCert.requireMetadataName(name);
                            ZCert.requireMetadataValue(name, p.value());
                        } catch (IllegalArgumentException e) {
                            throw new ZCertFormatException(file, lineNo, e.getMessage());
                        }
                        if (metadata.putIfAbsent(name, p.value()) != null) {
                            throw new ZCertFormatException(file, lineNo, "metadata '" + name + "' appears twice");
                        }
                    }
                }
            }
        }
        if (publicKey == null) {
            throw new ZCertFormatException(file, 0, "has no public-key in a 'curve' section");
        }
        try {
            return new ZCert(publicKey, secretKey, metadata);
        } catch (IllegalArgumentException e) {
            throw new ZCertFormatException(file, publicLine, "public-key does not belong to the secret-key");
        } finally {
            if (secretKey != null) {
                Arrays.fill(secretKey, (byte) 0);
            }
        }
    }

    private static byte[] decodeKey(Path file, int lineNo, String what, String value)
            throws ZCertFormatException {
        try {
            return Z85.decodeKey(value);
        } catch (IllegalArgumentException e) {
            throw new ZCertFormatException(file, lineNo, what + ": " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- writing

    /** The ZPL text of the public certificate for {@code cert} (its secret key left out). */
    static String formatPublic(ZCert cert, Clock clock) {
        return format(cert, false, clock);
    }

    /** The ZPL text of the secret certificate for {@code cert}. */
    static String formatSecret(ZCert cert, Clock clock) {
        if (!cert.hasSecret()) {
            throw new IllegalArgumentException("certificate " + cert.publicZ85()
                    + " is public-only: no secret certificate can be written for it");
        }
        return format(cert, true, clock);
    }

    private static String format(ZCert cert, boolean withSecret, Clock clock) {
        String when = DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS));
        return Zpl.certificate(when, cert.metadata(), cert.publicZ85(), withSecret ? cert.secretZ85() : null);
    }

    /**
     * Writes the public certificate of {@code cert} to {@code file} (mode 0644), atomically.
     *
     * @throws FileAlreadyExistsException if {@code file} exists: it is never replaced
     */
    public static void writePublic(Path file, ZCert cert) throws IOException {
        writeNew(file, formatPublic(cert, Clock.systemUTC()), PUBLIC_MODE);
    }

    /**
     * Writes the secret certificate of {@code cert} to {@code file}: created with mode 0600,
     * written atomically.
     *
     * @throws FileAlreadyExistsException if {@code file} exists: it is never replaced
     */
    public static void writeSecret(Path file, ZCert cert) throws IOException {
        writeNew(file, formatSecret(cert, Clock.systemUTC()), SECRET_MODE);
    }

    /**
     * Writes {@code dir/NAME.key} and {@code dir/NAME.key_secret} for {@code pair}, creating
     * {@code dir} (mode 0700) if it is missing. Refuses, writing nothing, if either file exists.
     *
     * @throws FileAlreadyExistsException naming the file that exists
     */
    public static void writePair(Path dir, String name, CurveKeyPair pair, Map<String, String> metadata)
            throws IOException {
        ClientNames.requireValid("certificate name", name);
        ZCert cert = ZCert.of(pair, metadata);
        Path publicFile = dir.resolve(name + PUBLIC_SUFFIX);
        Path secretFile = dir.resolve(name + SECRET_SUFFIX);
        createPrivateDirectories(dir);
        for (Path f : new Path[] {publicFile, secretFile}) {
            if (Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(f.toString(), null,
                        "refusing to overwrite an existing certificate file");
            }
        }
        writeSecret(secretFile, cert);
        boolean done = false;
        try {
            writePublic(publicFile, cert);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(secretFile);
            }
        }
    }

    /**
     * The key pair kept in {@code dir/NAME.key_secret}, generated and written (with
     * {@code NAME.key}) if neither file exists. Used for the gateway's own server key.
     *
     * <p>Refuses to use a secret file that group or others may read or write, and a public file
     * whose secret file is missing (generating a new pair then would silently change the
     * gateway's identity). A missing public file is written again from the secret.
     *
     * @throws IOException naming the file and the problem
     */
    public static CurveKeyPair loadOrGenerate(Path dir, String name) throws IOException {
        ClientNames.requireValid("certificate name", name);
        Path publicFile = dir.resolve(name + PUBLIC_SUFFIX);
        Path secretFile = dir.resolve(name + SECRET_SUFFIX);
        boolean hasPublic = Files.exists(publicFile);
        boolean hasSecret = Files.exists(secretFile);
        if (!hasSecret) {
            if (hasPublic) {
                throw new IOException(publicFile + " exists but its secret key file " + secretFile
                        + " is missing; restore " + secretFile + ", or remove " + publicFile
                        + " to generate a new key pair (clients must then be given the new public key)");
            }
            CurveKeyPair pair = CurveKeyPair.generate();
            writePair(dir, name, pair, Map.of());
            LOG.info("ZCertFiles: generated CURVE key pair {} in {}", pair.publicZ85(), secretFile);
            return pair;
        }
        requirePrivate(secretFile);
        ZCert secret = read(secretFile);
        if (!secret.hasSecret()) {
            throw new ZCertFormatException(secretFile, 0, "has no secret-key");
        }
        if (hasPublic) {
            ZCert pub = read(publicFile);
            if (!Arrays.equals(pub.publicKey(), secret.publicKey())) {
                throw new IOException(publicFile + " holds public key " + pub.publicZ85()
                        + " but " + secretFile + " holds the pair of " + secret.publicZ85());
            }
        } else {
            writePublic(publicFile, secret.publicOnly());
            LOG.info("ZCertFiles: wrote missing public certificate {}", publicFile);
        }
        return secret.keyPair();
    }

    /**
     * Checks that only the owner may access {@code secretFile}. Does nothing on a file system
     * without POSIX permissions.
     */
    static void requirePrivate(Path secretFile) throws IOException {
        if (!Files.isRegularFile(secretFile)) {
            throw new IOException(secretFile + " is not a regular file");
        }
        PosixFileAttributeView view = Files.getFileAttributeView(secretFile, PosixFileAttributeView.class);
        if (view == null) {
            return;
        }
        Set<PosixFilePermission> perms = view.readAttributes().permissions();
        Set<PosixFilePermission> extra = EnumSet.noneOf(PosixFilePermission.class);
        extra.addAll(perms);
        extra.retainAll(GROUP_OR_OTHER);
        if (!extra.isEmpty()) {
            throw new IOException("secret key file " + secretFile + " has mode "
                    + PosixFilePermissions.toString(perms)
                    + ": group or others may access it; refusing to use it. If the key may have been"
                    + " read by someone else, generate a new one; otherwise run: chmod 600 " + secretFile);
        }
    }

    private static void createPrivateDirectories(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            if (supportsPosix(parent)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    /**
     * Writes {@code content} to a new file {@code target} with mode {@code mode}: a temporary file
     * in the same directory, forced to disk, then published with a hard link (which, unlike a
     * rename, fails if the target exists), or with an atomic rename after a check where the file
     * system has no hard links.
     */
    private static void writeNew(Path target, String content, Set<PosixFilePermission> mode) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "refusing to overwrite an existing certificate file");
        }
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "directory does not exist");
        }
        FileAttribute<?>[] attrs = supportsPosix(dir)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(mode)}
                : new FileAttribute<?>[0];
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attrs);
        ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(content));
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(true);
            }
            publish(temp, file);
            syncDirectory(dir);
        } finally {
            if (bytes.hasArray()) {
                Arrays.fill(bytes.array(), (byte) 0);
            }
            Files.deleteIfExists(temp);
        }
    }

    private static void publish(Path temp, Path file) throws IOException {
        try {
            Files.createLink(file, temp);
            return;
        } catch (FileAlreadyExistsException e) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "refusing to overwrite an existing certificate file");
        } catch (UnsupportedOperationException | FileSystemException e) {
            LOG.debug("ZCertFiles: no hard link in {} ({}); publishing with an atomic rename",
                    file.getParent(), e.toString());
        }
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(file.toString(), null,
                    "refusing to overwrite an existing certificate file");
        }
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("ZCertFiles: cannot sync directory {}: {}", dir, e.toString());
        }
    }

    private static boolean supportsPosix(Path dir) {
        return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
