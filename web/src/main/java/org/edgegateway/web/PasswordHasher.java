package org.edgegateway.web;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format
 * ({@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH}, unpadded base64), as the reference
 * implementation and libsodium write them. Thread-safe and stateless apart from its parameters.
 *
 * <p>The default cost (19 MiB, 2 passes, 1 lane) is OWASP's recommended minimum for Argon2id.
 * Verification reads the cost from the stored string, so raising it later keeps old hashes valid.
 */
public final class PasswordHasher {

    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,64})\\$([A-Za-z0-9+/]{16,128})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    /** Upper bound on the memory a stored hash may ask for, so a tampered row cannot exhaust the heap. */
    private static final int MAX_MEMORY_KIB = 1 << 20;

    private final int memoryKiB;
    private final int iterations;
    private final int parallelism;
    private final SecureRandom random = new SecureRandom();

    public PasswordHasher() {
        this(19_456, 2, 1);
    }

    public PasswordHasher(int memoryKiB, int iterations, int parallelism) {
        if (memoryKiB < 8 * parallelism || memoryKiB > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("argon2 memory " + memoryKiB + " KiB is out of range");
        }
        if (iterations < 1 || iterations > 100) {
            throw new IllegalArgumentException("argon2 iterations " + iterations + " is out of range 1..100");
        }
        if (parallelism < 1 || parallelism > 16) {
            throw new IllegalArgumentException("argon2 parallelism " + parallelism + " is out of range 1..16");
        }
        this.memoryKiB = memoryKiB;
        this.iterations = iterations;
        this.parallelism = parallelism;
    }

    /** The PHC string of a fresh salted hash of {@code password}. */
    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return phc(salt, derive(password, salt, memoryKiB, iterations, parallelism, HASH_BYTES));
    }

    /**
     * A well-formed PHC string with this hasher's cost, a random salt and a random hash that no
     * password derives (but with probability 2^-256): checking a password against it costs what
     * checking against a real hash costs, and is false. Computes no Argon2, so it costs nothing to make.
     */
    public String unmatchable() {
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        return phc(salt, hash);
    }

    private String phc(byte[] salt, byte[] hash) {
        return "$argon2id$v=19$m=" + memoryKiB + ",t=" + iterations + ",p=" + parallelism
                + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /** Whether {@code password} matches the PHC string {@code stored}; false for a malformed string. */
    public boolean verify(char[] password, String stored) {
        if (stored == null) {
            return false;
        }
        Matcher m = PHC.matcher(stored);
        if (!m.matches()) {
            return false;
        }
        int mem = Integer.parseInt(m.group(1));
        int t = Integer.parseInt(m.group(2));
        int p = Integer.parseInt(m.group(3));
        if (mem > MAX_MEMORY_KIB || mem < 8 * p || t < 1 || p < 1) {
            return false;
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = B64D.decode(m.group(4));
            expected = B64D.decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] actual = derive(password, salt, mem, t, p, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    private static byte[] derive(char[] password, byte[] salt, int mem, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(mem)
                .withIterations(t)
                .withParallelism(p)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] utf8 = toUtf8(password);
        byte[] out = new byte[length];
        try {
            generator.generateBytes(utf8, out);
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
        return out;
    }

    private static byte[] toUtf8(char[] password) {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
        return bytes;
    }
}
