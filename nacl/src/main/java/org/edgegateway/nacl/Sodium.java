package org.edgegateway.nacl;

import java.util.ArrayList;
import java.util.List;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.encoders.Hex;

import com.sun.jna.Function;
import com.sun.jna.Memory;
import com.sun.jna.NativeLibrary;

/**
 * The host's libsodium (Debian's {@code libsodium23}) for Curve25519 multiplications by a point other
 * than the base point, the three a CURVE handshake cannot avoid on each side. libsodium's is more
 * than twice as fast as BouncyCastle's on the reference machine (80 against 190 us,
 * docs/PERFORMANCE.md); everything else stays on BouncyCastle (a call through JNA costs a few
 * microseconds, about what a small message's box does). Called through JNA's {@link Function}.
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

    private static final Choice CHOICE = choose(System.getProperty(PROPERTY, "auto").trim());

    private Sodium() {
    }

    /** What was chosen: libsodium's function (null for BouncyCastle) and a sentence for logs and {@code doctor}. */
    record Choice(Function scalarMult, String description) {
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
                    java.util.Arrays.fill(q, (byte) 0);
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
            return new Choice(null, "X25519 by BouncyCastle (" + PROPERTY + "=off)");
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
                Choice candidate = new Choice(library.getFunction("crypto_scalarmult_curve25519"), "");
                if (!agreesWithBouncyCastle(candidate)) {
                    // A library that computes something else must not take part in a handshake.
                    failures.add(name + ": its results differ from RFC 7748's");
                    continue;
                }
                String version = library.getFunction("sodium_version_string").invokeString(new Object[0], false);
                return new Choice(candidate.scalarMult(), "X25519 by libsodium " + version + " (" + library.getFile() + ")");
            } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
                failures.add(name + ": " + firstLine(e.getMessage()));
            } catch (RuntimeException e) {
                failures.add(name + ": " + e.getClass().getSimpleName() + " " + firstLine(e.getMessage()));
            }
        }
        return new Choice(null, "X25519 by BouncyCastle (libsodium not loaded: " + String.join("; ", failures) + ")");
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
            if (!java.util.Arrays.equals(byLibsodium, byBouncyCastle)
                    || !java.util.Arrays.equals(byLibsodium, Hex.decode(v[2]))) {
                return false;
            }
        }
        return true;
    }
}
