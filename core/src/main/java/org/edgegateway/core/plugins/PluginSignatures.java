package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Detached Ed25519 signatures of plugin files, and the key files publishers and admins handle.
 * Stateless and thread-safe.
 *
 * <p>Formats, all one line of ASCII:
 * <ul>
 * <li>public key ({@code *.pub}): {@code ed25519 <base64 of the 32-byte key> [comment]}</li>
 * <li>private key: {@code edge-gateway-ed25519-private <base64 of the 32-byte seed>}, written
 * owner-only; it never leaves the publisher's machine</li>
 * <li>signature ({@code <plugin file>.sig}): {@code edge-gateway-signature-v1 ed25519 <base64 public
 * key> <base64 signature>}</li>
 * </ul>
 *
 * <p>What is signed is not the file itself but {@code "edge-gateway-plugin-v1\n" || SHA-512(file)}:
 * the prefix keeps a plugin signature from being valid for anything else the key might sign, and the
 * digest lets a large file be verified without holding it in memory. The signature names its key
 * only so that a refusal can say which key signed; trust comes from the admin's list of keys, never
 * from the signature file.
 */
public final class PluginSignatures {
    static final String SIGNATURE_MAGIC = "edge-gateway-signature-v1";
    static final String PRIVATE_MAGIC = "edge-gateway-ed25519-private";
    static final String PUBLIC_MAGIC = "ed25519";
    private static final byte[] CONTEXT = "edge-gateway-plugin-v1\n".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private PluginSignatures() {
    }

    /** A publisher's public key. Immutable. */
    public record PublicKey(byte[] bytes) {
        public PublicKey {
            if (bytes == null || bytes.length != 32) {
                throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, got "
                        + (bytes == null ? "none" : bytes.length));
            }
            bytes = bytes.clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        /** The first 16 bytes of the key's SHA-256 in hex: how logs, lists and file names name the key. */
        public String fingerprint() {
            return HexFormat.of().formatHex(sha("SHA-256", bytes), 0, 16);
        }

        /** The public key file line. */
        public String toFileLine(String comment) {
            String c = comment == null || comment.isBlank() ? "" : " " + comment.replaceAll("[\\r\\n]", " ").trim();
            return PUBLIC_MAGIC + " " + Base64.getEncoder().encodeToString(bytes) + c + "\n";
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof PublicKey k && java.util.Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "ed25519:" + fingerprint();
        }
    }

    /**
     * Generates a key pair and writes it: the private key owner-only, the public key readable.
     * Refuses to overwrite either file.
     *
     * @return the public key
     */
    public static PublicKey generate(Path privateKeyFile, Path publicKeyFile, String comment) {
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(RANDOM);
        PublicKey pub = new PublicKey(key.generatePublicKey().getEncoded());
        try {
            if (Files.exists(privateKeyFile) || Files.exists(publicKeyFile)) {
                throw new IllegalArgumentException("refusing to overwrite an existing key file: "
                        + (Files.exists(privateKeyFile) ? privateKeyFile : publicKeyFile));
            }
            createParents(privateKeyFile);
            createParents(publicKeyFile);
            Files.createFile(privateKeyFile);
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.setPosixFilePermissions(privateKeyFile, PosixFilePermissions.fromString("rw-------"));
            }
            Files.writeString(privateKeyFile, PRIVATE_MAGIC + " " + Base64.getEncoder().encodeToString(key.getEncoded())
                    + "\n", StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
            Files.writeString(publicKeyFile, pub.toFileLine(comment), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write key files " + privateKeyFile + ", " + publicKeyFile
                    + ": " + e.getMessage(), e);
        }
        return pub;
    }

    /**
     * Generates a key pair into {@code privateKeyFile} and {@code privateKeyFile.pub} (the layout of
     * {@code plugins keygen}); refuses to overwrite either.
     *
     * @return the public key
     */
    public static PublicKey generate(Path privateKeyFile, String comment) {
        return generate(privateKeyFile, privateKeyFile.resolveSibling(privateKeyFile.getFileName() + ".pub"), comment);
    }

    /** Reads a public key file. */
    public static PublicKey readPublicKey(Path file) {
        return parsePublicKey(firstLine(file), file.toString());
    }

    /** Parses a public key file's line, {@code ed25519 BASE64 [comment]}; {@code what} names it in a refusal. */
    public static PublicKey parsePublicKey(String line, String what) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length < 2 || !parts[0].equals(PUBLIC_MAGIC)) {
            throw new IllegalArgumentException(what + " is not an Ed25519 public key (expected 'ed25519 BASE64 [comment]')");
        }
        try {
            return new PublicKey(Base64.getDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " holds no valid base64 Ed25519 key");
        }
    }

    /** The public half of the private key in {@code privateKeyFile}. */
    public static PublicKey publicKeyOf(Path privateKeyFile) {
        Ed25519PrivateKeyParameters key = readPrivateKey(privateKeyFile);
        return new PublicKey(key.generatePublicKey().getEncoded());
    }

    private static Ed25519PrivateKeyParameters readPrivateKey(Path privateKeyFile) {
        String[] parts = firstLine(privateKeyFile).split("\\s+");
        if (parts.length != 2 || !parts[0].equals(PRIVATE_MAGIC)) {
            throw new IllegalArgumentException(privateKeyFile + " is not an Edge Gateway private key file");
        }
        byte[] seed = decode(parts[1], privateKeyFile);
        if (seed.length != 32) {
            throw new IllegalArgumentException(privateKeyFile + " does not hold a 32-byte Ed25519 key");
        }
        Ed25519PrivateKeyParameters key = new Ed25519PrivateKeyParameters(seed, 0);
        java.util.Arrays.fill(seed, (byte) 0);
        return key;
    }

    /**
     * Signs {@code pluginFile} with the private key in {@code privateKeyFile} and writes
     * {@code <pluginFile>.sig}, replacing an older one.
     *
     * @return the signature file
     */
    public static Path sign(Path pluginFile, Path privateKeyFile) {
        Ed25519PrivateKeyParameters key = readPrivateKey(privateKeyFile);
        Ed25519Signer signer = new Ed25519Signer();
        signer.init(true, key);
        byte[] message = message(pluginFile);
        signer.update(message, 0, message.length);
        byte[] signature = signer.generateSignature();
        Path sig = signatureFile(pluginFile);
        String line = SIGNATURE_MAGIC + " " + PUBLIC_MAGIC + " "
                + Base64.getEncoder().encodeToString(key.generatePublicKey().getEncoded()) + " "
                + Base64.getEncoder().encodeToString(signature) + "\n";
        try {
            Files.writeString(sig, line, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + sig + ": " + e.getMessage(), e);
        }
        return sig;
    }

    /** Where the detached signature of {@code pluginFile} lives. */
    public static Path signatureFile(Path pluginFile) {
        return pluginFile.resolveSibling(pluginFile.getFileName() + ".sig");
    }

    /** What checking a signature found. Immutable. */
    public record Verdict(boolean valid, PublicKey signer, String reason) {
        static Verdict ok(PublicKey signer) {
            return new Verdict(true, signer, "");
        }

        static Verdict refused(PublicKey signer, String reason) {
            return new Verdict(false, signer, reason);
        }
    }

    /**
     * Checks {@code signatureLine} (the content of the {@code .sig} file, or null when there is none)
     * over {@code file} against the trusted keys. Never throws for a bad signature: the verdict says
     * why it is refused.
     */
    static Verdict verify(Path file, String signatureLine, java.util.Set<PublicKey> trusted) {
        if (signatureLine == null) {
            return Verdict.refused(null, "unsigned: no " + file.getFileName() + ".sig next to it");
        }
        String[] parts = signatureLine.trim().split("\\s+");
        if (parts.length != 4 || !parts[0].equals(SIGNATURE_MAGIC) || !parts[1].equals(PUBLIC_MAGIC)) {
            return Verdict.refused(null, "malformed signature file " + file.getFileName() + ".sig");
        }
        PublicKey signer;
        byte[] signature;
        try {
            signer = new PublicKey(Base64.getDecoder().decode(parts[2]));
            signature = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException e) {
            return Verdict.refused(null, "malformed signature file " + file.getFileName() + ".sig: " + e.getMessage());
        }
        if (!trusted.contains(signer)) {
            return Verdict.refused(signer, "signed by untrusted publisher key " + signer.fingerprint()
                    + " (trust it with 'plugins trust KEY.pub')");
        }
        if (signature.length != Ed25519PrivateKeyParameters.SIGNATURE_SIZE) {
            return Verdict.refused(signer, "signature does not match the file (altered after signing?)");
        }
        Ed25519Signer verifier = new Ed25519Signer();
        verifier.init(false, new Ed25519PublicKeyParameters(signer.bytes, 0));
        byte[] message = message(file);
        verifier.update(message, 0, message.length);
        if (!verifier.verifySignature(signature)) {
            return Verdict.refused(signer, "signature by " + signer.fingerprint()
                    + " does not match the file (altered after signing?)");
        }
        return Verdict.ok(signer);
    }

    private static byte[] message(Path file) {
        MessageDigest digest = digest("SHA-512");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] d = digest.digest();
        byte[] m = new byte[CONTEXT.length + d.length];
        System.arraycopy(CONTEXT, 0, m, 0, CONTEXT.length);
        System.arraycopy(d, 0, m, CONTEXT.length, d.length);
        return m;
    }

    static String firstLine(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
            int nl = text.indexOf('\n');
            return nl < 0 ? text : text.substring(0, nl).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] decode(String base64, Path file) {
        try {
            return Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " holds no valid base64 key");
        }
    }

    private static void createParents(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static byte[] sha(String algorithm, byte[] data) {
        return digest(algorithm).digest(data);
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
