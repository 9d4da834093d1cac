package org.edgegateway.nacl;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.encoders.Hex;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The host's libsodium (Debian's {@code libsodium23}) for the two things a CURVE socket spends its
 * time on: Curve25519 multiplications by a point other than the base point (the three a handshake
 * cannot avoid on each side; 80 against BouncyCastle's 190 us on the reference machine,
 * docs/PERFORMANCE.md), called through JNA's {@link Function}, and every message's box and open
 * (NaCl's {@code crypto_secretbox_xsalsa20poly1305} and {@code _open}), bound by JNA's direct
 * mapping ({@link SecretBox}: a JNI call without argument objects, which per message a
 * {@code Function} call would cost). Key generation, HSalsa20 and the base-point multiplication stay
 * on BouncyCastle.
 *
 * <p>Chosen once, at class initialisation, by the system property {@value #PROPERTY}:
 * <ul>
 *   <li>{@code auto} (the default): libsodium when it loads and agrees with BouncyCastle on RFC 7748's
 *       test vectors, else BouncyCastle;</li>
 *   <li>{@code off}: BouncyCastle only;</li>
 *   <li>a file name: that library, else BouncyCastle.</li>
 * </ul>
 * Either way the results are the same bytes (proven by {@code SodiumTest}); only the speed differs, so
 * a host without libsodium works as before. Why a library was not used is in {@link #description()}.
 *
 * <p>JNA unpacks its own small native stub to {@code jna.tmpdir} (the gateway sets it inside its home;
 * by default it is {@code ~/.cache/JNA}). Thread-safe: libsodium's functions are, once
 * {@code sodium_init} returned, and the choice never changes.
 */
final class Sodium {

    /** The system property that chooses: {@code auto}, {@code off} or a library file. */
    static final String PROPERTY = "org.edgegateway.nacl.libsodium";

    /** Names tried under {@code auto}: the development link, then the runtime package's soname. */
    private static final List<String> NAMES = List.of("sodium", "libsodium.so.23", "libsodium.so.26");

    /**
     * Each thread's native scratch: the result, the scalar and the point, zeroed after each call.
     * Declared before {@link #CHOICE}, whose choice multiplies through it.
     */
    private static final ThreadLocal<Memory> SCRATCH = ThreadLocal.withInitial(() -> {
        Memory m = new Memory(3L * NaclCrypto.KEY_BYTES);
        m.clear();
        return m;
    });

    /** Each thread's native scratch for boxes: see {@link BoxScratch}. */
    private static final ThreadLocal<BoxScratch> BOX_SCRATCH = ThreadLocal.withInitial(BoxScratch::new);

    private static final Choice CHOICE = choose(System.getProperty(PROPERTY, "auto").trim());

    private Sodium() {
    }

    /**
     * What was chosen: libsodium's multiplication (null for BouncyCastle), whether its boxes are
     * bound ({@link SecretBox}), and a sentence for logs and {@code doctor}.
     */
    record Choice(Function scalarMult, boolean secretBox, String description) {
        boolean usable() {
            return scalarMult != null;
        }

        /**
         * {@code q = n * p} by libsodium; {@code p} must already be reduced below 2^255 (the caller's
         * {@code reducedPoint}). A point of small order gives 32 zero bytes, as BouncyCastle's does:
         * libsodium refuses such a point and leaves {@code q} alone, so it is cleared here.
         */
        void multiply(byte[] q, byte[] n, byte[] p) {
            // The secret scalar and the shared point go through native memory this class owns and
            // zeroes after every call: JNA would copy Java arrays into memory it frees uncleared.
            Memory m = SCRATCH.get();
            try {
                m.write(N_AT, n, 0, NaclCrypto.KEY_BYTES);
                m.write(P_AT, p, 0, NaclCrypto.KEY_BYTES);
                if (scalarMult.invokeInt(new Object[] {m.share(Q_AT), m.share(N_AT), m.share(P_AT)}) != 0) {
                    Arrays.fill(q, (byte) 0);
                } else {
                    m.read(Q_AT, q, 0, NaclCrypto.KEY_BYTES);
                }
            } finally {
                m.clear();
            }
        }
    }

    private static final long Q_AT = 0;
    private static final long N_AT = 32;
    private static final long P_AT = 64;

    /** A copy of the calling thread's scratch, for tests: all zeros between calls. */
    static byte[] scratchOfThisThread() {
        return SCRATCH.get().getByteArray(0, 3 * NaclCrypto.KEY_BYTES);
    }

    /** A copy of the calling thread's box scratch, for tests: all zeros between calls. */
    static byte[] boxScratchOfThisThread() {
        BoxScratch s = BOX_SCRATCH.get();
        return s.memory.getByteArray(0, (int) s.memory.size());
    }

    /**
     * libsodium's NaCl-convention secretbox, registered on this class by {@link Native#register}
     * once a library is chosen. The arguments point into a {@link BoxScratch}; the box is computed
     * in place (libsodium XORs the key stream byte by byte and authenticates before it decrypts).
     */
    static final class SecretBox {
        private SecretBox() {
        }

        static native int crypto_secretbox_xsalsa20poly1305(Pointer c, Pointer m, long mlen, Pointer n, Pointer k);

        static native int crypto_secretbox_xsalsa20poly1305_open(Pointer m, Pointer c, long clen, Pointer n, Pointer k);
    }

    /**
     * One thread's native memory for boxes: the key, the nonce and the message, zeroed after every
     * call (JNA would otherwise copy the key into native memory it frees uncleared). Grows to the
     * largest message up to {@link #KEPT_BYTES}; a larger one gets memory of its own, zeroed and
     * freed after the call.
     */
    private static final class BoxScratch {
        static final int KEPT_BYTES = 64 * 1024;
        static final long KEY_AT = 0;
        static final long NONCE_AT = 32;
        static final long DATA_AT = 64;

        Memory memory = allocate(2048);
        Pointer key;
        Pointer nonce;
        Pointer data;

        BoxScratch() {
            share();
        }

        private static Memory allocate(int dataBytes) {
            Memory m = new Memory(DATA_AT + dataBytes);
            m.clear();
            return m;
        }

        private void share() {
            key = memory.share(KEY_AT, NaclCrypto.KEY_BYTES);
            nonce = memory.share(NONCE_AT, NaclCrypto.NONCE_BYTES);
            data = memory.share(DATA_AT);
        }

        /** Scratch for {@code len} bytes: this thread's, grown if need be, or a one-off for a large message. */
        Memory forLength(int len) {
            if (DATA_AT + len <= memory.size()) {
                return memory;
            }
            if (len > KEPT_BYTES) {
                return allocate(len);
            }
            memory.close();
            memory = allocate(Math.max(len, (int) Math.min(KEPT_BYTES, 2 * (memory.size() - DATA_AT))));
            share();
            return memory;
        }
    }

    /** Whether libsodium computes every message's box and open. */
    static boolean secretBoxUsable() {
        return CHOICE.secretBox();
    }

    /**
     * {@code crypto_secretbox} by libsodium (only when {@link #secretBoxUsable()}): {@code c[0..len)}
     * from {@code m[0..len)}, {@code len >= 32}, lengths checked by the caller.
     */
    static int secretbox(byte[] c, byte[] m, int len, byte[] n, byte[] k) {
        return secretBox(c, m, len, n, k, true);
    }

    /** {@code crypto_secretbox_open} by libsodium; {@code m} is written only when the box authenticates. */
    static int secretboxOpen(byte[] m, byte[] c, int len, byte[] n, byte[] k) {
        return secretBox(m, c, len, n, k, false);
    }

    private static int secretBox(byte[] out, byte[] in, int len, byte[] n, byte[] k, boolean seal) {
        BoxScratch s = BOX_SCRATCH.get();
        Memory m = s.forLength(len);
        boolean own = m == s.memory;
        Pointer data = own ? s.data : m.share(BoxScratch.DATA_AT);
        Pointer key = own ? s.key : m.share(BoxScratch.KEY_AT, NaclCrypto.KEY_BYTES);
        Pointer nonce = own ? s.nonce : m.share(BoxScratch.NONCE_AT, NaclCrypto.NONCE_BYTES);
        try {
            m.write(BoxScratch.KEY_AT, k, 0, NaclCrypto.KEY_BYTES);
            m.write(BoxScratch.NONCE_AT, n, 0, NaclCrypto.NONCE_BYTES);
            m.write(BoxScratch.DATA_AT, in, 0, len);
            int rc = seal
                    ? SecretBox.crypto_secretbox_xsalsa20poly1305(data, data, len, nonce, key)
                    : SecretBox.crypto_secretbox_xsalsa20poly1305_open(data, data, len, nonce, key);
            if (rc == 0) {
                m.read(BoxScratch.DATA_AT, out, 0, len);
            }
            return rc;
        } finally {
            m.setMemory(0, BoxScratch.DATA_AT + len, (byte) 0);
            if (!own) {
                m.close();
            }
        }
    }

    /** Whether libsodium computes the multiplications. */
    static boolean usable() {
        return CHOICE.usable();
    }

    /** Which implementation computes the multiplications, and why, in one sentence. */
    static String description() {
        return CHOICE.description();
    }

    /** {@code q = n * p} by the chosen libsodium (only when {@link #usable()}). */
    static void scalarMult(byte[] q, byte[] n, byte[] p) {
        CHOICE.multiply(q, n, p);
    }

    static Choice choose(String setting) {
        if (setting.equalsIgnoreCase("off")) {
            return new Choice(null, false, "X25519 and XSalsa20-Poly1305 by BouncyCastle (" + PROPERTY + "=off)");
        }
        List<String> names = setting.isEmpty() || setting.equalsIgnoreCase("auto") ? NAMES : List.of(setting);
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            try {
                NativeLibrary library = NativeLibrary.getInstance(name);
                if (library.getFunction("sodium_init").invokeInt(new Object[0]) < 0) {
                    failures.add(name + ": sodium_init failed");
                    continue;
                }
                Choice candidate = new Choice(library.getFunction("crypto_scalarmult_curve25519"), false, "");
                if (!agreesWithBouncyCastle(candidate)) {
                    // A library that computes something else must not take part in a handshake.
                    failures.add(name + ": its results differ from RFC 7748's");
                    continue;
                }
                String version = library.getFunction("sodium_version_string").invokeString(new Object[0], false);
                String where = version + " (" + library.getFile() + ")";
                String boxes = bindSecretBox(library);
                if (boxes != null) {
                    return new Choice(candidate.scalarMult(), false, "X25519 by libsodium " + where
                            + ", XSalsa20-Poly1305 by BouncyCastle (" + boxes + ")");
                }
                return new Choice(candidate.scalarMult(), true, "X25519 and XSalsa20-Poly1305 by libsodium " + where);
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                failures.add(name + ": " + firstLine(e.getMessage()));
            } catch (RuntimeException e) {
                failures.add(name + ": " + e.getClass().getSimpleName() + " " + firstLine(e.getMessage()));
            }
        }
        return new Choice(null, false, "X25519 and XSalsa20-Poly1305 by BouncyCastle (libsodium not loaded: "
                + String.join("; ", failures) + ")");
    }

    /**
     * Registers {@link SecretBox} on {@code library} and checks it against BouncyCastle on a box of
     * every length from 32 to 200 bytes and one of 70,000 (past the kept scratch); null when it
     * agrees, else why not.
     */
    private static String bindSecretBox(NativeLibrary library) {
        try {
            Native.register(SecretBox.class, library);
        } catch (UnsatisfiedLinkError | IllegalArgumentException e) {
            return "libsodium's secretbox not bound: " + firstLine(e.getMessage());
        }
        byte[] k = new byte[NaclCrypto.KEY_BYTES];
        byte[] n = new byte[NaclCrypto.NONCE_BYTES];
        for (int i = 0; i < k.length; i++) {
            k[i] = (byte) (7 * i + 1);
        }
        for (int i = 0; i < n.length; i++) {
            n[i] = (byte) (11 * i + 3);
        }
        int[] lengths = IntStream.concat(IntStream.rangeClosed(NaclCrypto.ZERO_BYTES, 200),
                IntStream.of(BoxScratch.KEPT_BYTES + 4_464)).toArray();
        for (int len : lengths) {
            byte[] m = new byte[len];
            for (int i = NaclCrypto.ZERO_BYTES; i < len; i++) {
                m[i] = (byte) (i * 31);
            }
            byte[] bySodium = new byte[len];
            byte[] byBouncyCastle = new byte[len];
            byte[] opened = new byte[len];
            if (secretbox(bySodium, m, len, n, k) != 0
                    || NaclCrypto.secretboxByBouncyCastle(byBouncyCastle, m, len, n, k) != 0
                    || !Arrays.equals(bySodium, byBouncyCastle)
                    || secretboxOpen(opened, bySodium, len, n, k) != 0
                    || !Arrays.equals(opened, m)) {
                return "libsodium's secretbox differs from NaCl's at " + len + " bytes";
            }
        }
        return null;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** RFC 7748, section 5.2's two vectors, by libsodium and by BouncyCastle. */
    private static boolean agreesWithBouncyCastle(Choice candidate) {
        String[][] vectors = {
            {"a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4",
             "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c",
             "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"},
            {"4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d",
             "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493",
             "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957"},
        };
        for (String[] v : vectors) {
            byte[] n = Hex.decode(v[0]);
            byte[] p = Hex.decode(v[1]);
            byte[] byLibsodium = new byte[NaclCrypto.KEY_BYTES];
            byte[] byBouncyCastle = new byte[NaclCrypto.KEY_BYTES];
            p[31] &= 0x7f; // RFC 7748 masks the top bit; both implementations are given the same point
            candidate.multiply(byLibsodium, n, p);
            X25519.scalarMult(n, 0, p, 0, byBouncyCastle, 0);
            if (!Arrays.equals(byLibsodium, byBouncyCastle)
                    || !Arrays.equals(byLibsodium, Hex.decode(v[2]))) {
                return false;
            }
        }
        return true;
    }
}
