package org.edgegateway.nacl;

import java.security.SecureRandom;
import java.util.concurrent.atomic.LongAdder;

import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.bouncycastle.util.Arrays;
import org.bouncycastle.util.Pack;

/**
 * NaCl's {@code crypto_box} (curve25519xsalsa20poly1305) and {@code crypto_secretbox}
 * (xsalsa20poly1305) on BouncyCastle's X25519, Salsa20/XSalsa20 and Poly1305, with the host's
 * libsodium for the Curve25519 multiplications by a variable point and for the secretbox when it
 * has one ({@link Sodium}: the same bytes, faster). Thread-safe: each
 * thread has its own cipher and MAC, re-keyed at the start of every call (a box on the I/O thread's
 * path allocates no engine), and no call depends on what an earlier one left in them.
 *
 * <p>The functions follow the original NaCl calling convention that JeroMQ 0.6.0 uses through
 * {@code com.neilalexander.jnacl}: a plaintext starts with {@link #ZERO_BYTES} bytes of padding,
 * a box starts with {@link #BOX_ZERO_BYTES} zero bytes, lengths count the padding, and the result
 * is {@code 0} on success or {@code -1} when a box does not authenticate or is shorter than the
 * padding. The outputs are the same, byte for byte, as those of {@code eu.neilalexander:jnacl}
 * 1.0.0, with one deliberate difference: a box is authenticated on all 16 bytes of its Poly1305
 * tag, where jnacl compares only the first 15.
 *
 * <p>Public keys are read as NaCl's reference {@code crypto_scalarmult} reads them: all 256 bits
 * count, so a key with the top bit set stands for {@code u + 2^255} (mod p). Keys made by any
 * NaCl, libsodium or JeroMQ key generator never have that bit set. A point of small order gives
 * the shared secret {@code 2^255 - 19} as in jnacl, where libsodium would refuse it.
 *
 * <p>A CurveZMQ handshake computes two of its shared keys twice on each side (the server opens
 * HELLO and boxes WELCOME with the same key pair, and opens INITIATE with the pair it then keeps for
 * the messages; the client likewise). Each thread therefore remembers its last two shared keys,
 * found again only by the same public key and the same secret key (compared in constant time): 3
 * Curve25519 multiplications per side of a handshake instead of 5. A remembered key is overwritten
 * by the next one.
 *
 * <p>Exceptions carry only lengths, never key, nonce or message bytes. Nothing here logs.
 */
public final class NaclCrypto {

    /** Bytes of a Curve25519 public key, secret key and precomputed shared key. */
    public static final int KEY_BYTES = 32;
    /** Bytes of an XSalsa20 nonce. */
    public static final int NONCE_BYTES = 24;
    /** Zero bytes in front of a plaintext. */
    public static final int ZERO_BYTES = 32;
    /** Zero bytes in front of a box. */
    public static final int BOX_ZERO_BYTES = 16;

    private static final int TAG_BYTES = 16;
    /**
     * The smallest box libsodium computes when the host has it: below this the JNI call and
     * libsodium's second key-stream set-up on opening cost more than BouncyCastle's cipher
     * (docs/PERFORMANCE.md, "Tenth run": even at 128 bytes, 4x faster at 1 KiB).
     */
    static final int SECRETBOX_BY_LIBSODIUM_FROM = 128;
    private static final int[] SIGMA = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
    /** The words of the Salsa20 core's output that make HSalsa20's. */
    private static final int[] HSALSA20_WORDS = {0, 5, 10, 15, 6, 7, 8, 9};
    private static final SecureRandom RANDOM = new SecureRandom();
    /** p = 2^255 - 19, little-endian. */
    private static final byte[] P_LE = {
        (byte) 0xed, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
        -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0x7f};

    /** The calling thread's cipher and MAC; every call initialises both before it reads anything from them. */
    private static final ThreadLocal<Engines> ENGINES = ThreadLocal.withInitial(Engines::new);

    /** Curve25519 multiplications by a point other than the base point, in every thread. */
    private static final LongAdder SCALAR_MULTS = new LongAdder();

    private NaclCrypto() {
    }

    /** The number of Curve25519 multiplications by a point other than the base point so far, all threads. */
    static long scalarMults() {
        return SCALAR_MULTS.sum();
    }

    /** One thread's last two shared keys ({@code crypto_box_beforenm} results) and the key pairs they came from. */
    private static final class SharedKeys {
        private static final int SLOTS = 2;
        private final byte[][] pk = new byte[SLOTS][KEY_BYTES];
        private final byte[][] sk = new byte[SLOTS][KEY_BYTES];
        private final byte[][] k = new byte[SLOTS][KEY_BYTES];
        private final boolean[] used = new boolean[SLOTS];
        private int next;

        /** Copies the remembered key of {@code (pk, sk)} into {@code out}; false when there is none. */
        boolean recall(byte[] pkIn, byte[] skIn, byte[] out) {
            for (int i = 0; i < SLOTS; i++) {
                // The public key first (no secret in it), then the secret key in constant time.
                if (used[i] && java.util.Arrays.equals(pk[i], 0, KEY_BYTES, pkIn, 0, KEY_BYTES)
                        && Arrays.constantTimeAreEqual(KEY_BYTES, sk[i], 0, skIn, 0)) {
                    System.arraycopy(k[i], 0, out, 0, KEY_BYTES);
                    return true;
                }
            }
            return false;
        }

        void remember(byte[] pkIn, byte[] skIn, byte[] kIn) {
            int i = next;
            next = (next + 1) % SLOTS;
            System.arraycopy(pkIn, 0, pk[i], 0, KEY_BYTES);
            System.arraycopy(skIn, 0, sk[i], 0, KEY_BYTES);
            System.arraycopy(kIn, 0, k[i], 0, KEY_BYTES);
            used[i] = true;
        }
    }

    /**
     * One thread's XSalsa20 key stream, Poly1305 and the scratch the two box functions need: re-keyed
     * for every box without allocating (BouncyCastle's {@code XSalsa20Engine.init} takes new
     * parameter objects that copy the key and nonce, and allocates in its own set-up, for every
     * message on the I/O thread's path).
     */
    private static final class Engines {
        final XSalsa20Stream stream = new XSalsa20Stream();
        final Poly1305 mac = new Poly1305();
        /** The Poly1305 key; {@link KeyParameter#getKey()} is the parameter's own array, written in place. */
        final KeyParameter macParameter = new KeyParameter(new byte[ZERO_BYTES]);
        final byte[] tag = new byte[TAG_BYTES];
        final SharedKeys sharedKeys = new SharedKeys();

        XSalsa20Stream stream(byte[] n, byte[] k) {
            requireLength("n", n, NONCE_BYTES);
            requireLength("k", k, KEY_BYTES);
            stream.init(n, k);
            return stream;
        }

        /** Keys Poly1305 with {@code key[0..32)}; the caller clears the returned key when done. */
        byte[] macKey() {
            return macParameter.getKey();
        }

        void initMac() {
            mac.init(macParameter);
        }
    }

    /**
     * XSalsa20 (NaCl's {@code crypto_stream_xsalsa20}): HSalsa20 of the key and the nonce's first 16
     * bytes gives a sub-key, and Salsa20/20 with that sub-key, the nonce's last 8 bytes and a block
     * counter from 0 gives the key stream, 64 bytes at a time. One per thread, re-used.
     */
    private static final class XSalsa20Stream {
        private final int[] input = new int[16];
        private final int[] output = new int[16];
        private final byte[] block = new byte[64];
        private final byte[] subKey = new byte[KEY_BYTES];
        private int used;

        void init(byte[] n, byte[] k) {
            hsalsa20(subKey, k, n, input, output);
            input[0] = SIGMA[0];
            Pack.littleEndianToInt(subKey, 0, input, 1, 4);
            input[5] = SIGMA[1];
            input[6] = Pack.littleEndianToInt(n, 16);
            input[7] = Pack.littleEndianToInt(n, 20);
            input[8] = 0;
            input[9] = 0;
            input[10] = SIGMA[2];
            Pack.littleEndianToInt(subKey, 16, input, 11, 4);
            input[15] = SIGMA[3];
            java.util.Arrays.fill(subKey, (byte) 0);
            used = block.length;
        }

        /** {@code out[outOff..+len) = in[inOff..+len) XOR} the next {@code len} key-stream bytes. */
        void xor(byte[] in, int inOff, int len, byte[] out, int outOff) {
            for (int i = 0; i < len; i++) {
                if (used == block.length) {
                    Salsa20Engine.salsaCore(20, input, output);
                    Pack.intToLittleEndian(output, block, 0);
                    if (++input[8] == 0) {
                        ++input[9];
                    }
                    used = 0;
                }
                out[outOff + i] = (byte) (in[inOff + i] ^ block[used++]);
            }
        }

        /** Forgets the key: the state holds the sub-key, the block the last key stream. */
        void clear() {
            java.util.Arrays.fill(input, 0);
            java.util.Arrays.fill(output, 0);
            java.util.Arrays.fill(block, (byte) 0);
            used = block.length;
        }
    }

    /** {@code crypto_box_keypair}: a random secret key and its public key. */
    public static int boxKeypair(byte[] pk, byte[] sk) {
        requireLength("sk", sk, KEY_BYTES);
        requireLength("pk", pk, KEY_BYTES);
        RANDOM.nextBytes(sk);
        X25519.scalarMultBase(sk, 0, pk, 0);
        return 0;
    }

    /** {@code crypto_scalarmult_base}: the public key of secret key {@code sk}. */
    public static int boxPublicKey(byte[] pk, byte[] sk) {
        requireLength("sk", sk, KEY_BYTES);
        requireLength("pk", pk, KEY_BYTES);
        X25519.scalarMultBase(sk, 0, pk, 0);
        return 0;
    }

    /**
     * Which library computes the Curve25519 multiplications by a point other than the base point and
     * every message's XSalsa20-Poly1305 (libsodium when the host has it, else BouncyCastle; see
     * {@link Sodium}), and why, in one sentence for a start-up log or a health check.
     */
    public static String implementation() {
        return Sodium.description();
    }

    /** Whether the host's libsodium computes those multiplications. */
    public static boolean x25519ByLibsodium() {
        return Sodium.usable();
    }

    /** Whether the host's libsodium computes every message's box and open. */
    public static boolean secretboxByLibsodium() {
        return Sodium.secretBoxUsable();
    }

    /** {@code crypto_scalarmult}: Curve25519 of secret {@code n} and public point {@code p} into {@code q}. */
    public static int scalarMult(byte[] q, byte[] n, byte[] p) {
        requireLength("n", n, KEY_BYTES);
        requireLength("p", p, KEY_BYTES);
        requireLength("q", q, KEY_BYTES);
        if (Sodium.usable()) {
            Sodium.scalarMult(q, n, reducedPoint(p));
        } else {
            X25519.scalarMult(n, 0, reducedPoint(p), 0, q, 0);
        }
        SCALAR_MULTS.increment();
        zeroAsP(q);
        return 0;
    }

    /** {@link #scalarMult} on BouncyCastle whatever the host has: the reference of the tests. */
    static void scalarMultByBouncyCastle(byte[] q, byte[] n, byte[] p) {
        X25519.scalarMult(n, 0, reducedPoint(p), 0, q, 0);
        zeroAsP(q);
    }

    /**
     * NaCl's reference code (and jnacl) leave the result of a point of small order as
     * {@code 2^255 - 19}, not reduced to 0; libsodium refuses such points. Kept so that every
     * result is the same as jnacl's; selected without a branch on the result.
     */
    private static void zeroAsP(byte[] q) {
        int any = 0;
        for (int i = 0; i < KEY_BYTES; i++) {
            any |= q[i];
        }
        // mask is -1 when every byte was zero, else 0.
        int mask = ((any & 0xff) - 1) >> 8;
        for (int i = 0; i < KEY_BYTES; i++) {
            q[i] |= (byte) (mask & P_LE[i]);
        }
    }

    /** {@code crypto_box_beforenm}: HSalsa20 of the Curve25519 shared secret, into {@code k}. */
    public static int boxBeforenm(byte[] k, byte[] pk, byte[] sk) {
        requireLength("k", k, KEY_BYTES);
        requireLength("p", pk, KEY_BYTES);
        requireLength("n", sk, KEY_BYTES);
        SharedKeys remembered = ENGINES.get().sharedKeys;
        if (remembered.recall(pk, sk, k)) {
            return 0;
        }
        byte[] shared = new byte[KEY_BYTES];
        try {
            scalarMult(shared, sk, pk);
            hsalsa20(k, shared, new byte[16]);
        } finally {
            java.util.Arrays.fill(shared, (byte) 0);
        }
        remembered.remember(pk, sk, k);
        return 0;
    }

    /** {@code crypto_box}: {@link #boxBeforenm} then {@link #secretbox}. */
    public static int box(byte[] c, byte[] m, long mlen, byte[] n, byte[] pk, byte[] sk) {
        byte[] k = new byte[KEY_BYTES];
        try {
            boxBeforenm(k, pk, sk);
            return secretbox(c, m, mlen, n, k);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
    }

    /** {@code crypto_box_open}: {@link #boxBeforenm} then {@link #secretboxOpen}. */
    public static int boxOpen(byte[] m, byte[] c, long clen, byte[] n, byte[] pk, byte[] sk) {
        byte[] k = new byte[KEY_BYTES];
        try {
            boxBeforenm(k, pk, sk);
            return secretboxOpen(m, c, clen, n, k);
        } finally {
            java.util.Arrays.fill(k, (byte) 0);
        }
    }

    /**
     * {@code crypto_secretbox}: encrypts {@code m[0..mlen)} into {@code c[0..mlen)} with XSalsa20
     * and puts the Poly1305 tag of {@code c[32..mlen)} into {@code c[16..32)}; {@code c[0..16)}
     * becomes zero. {@code -1} when {@code mlen < 32}, and then {@code c} is left untouched.
     */
    public static int secretbox(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) {
        if (mlen < ZERO_BYTES) {
            return -1;
        }
        int len = checkedLength("mlen", mlen, m, c);
        return byLibsodium(len, n, k) ? Sodium.secretbox(c, m, len, n, k) : secretboxByBouncyCastle(c, m, len, n, k);
    }

    /**
     * Whether a box of {@code len} bytes goes to libsodium (from {@link #SECRETBOX_BY_LIBSODIUM_FROM}
     * bytes, when the host has it); checks the nonce and key it would be handed, as BouncyCastle's
     * path does.
     */
    private static boolean byLibsodium(int len, byte[] n, byte[] k) {
        if (len < SECRETBOX_BY_LIBSODIUM_FROM || !Sodium.secretBoxUsable()) {
            return false;
        }
        requireLength("n", n, NONCE_BYTES);
        requireLength("k", k, KEY_BYTES);
        return true;
    }

    /** {@link #secretbox} on BouncyCastle whatever the host has, {@code len} checked: the reference of the tests. */
    static int secretboxByBouncyCastle(byte[] c, byte[] m, int len, byte[] n, byte[] k) {
        Engines e = ENGINES.get();
        XSalsa20Stream stream = e.stream(n, k);
        stream.xor(m, 0, len, c, 0);
        stream.clear();
        // The one-time key is what the padding became; with zero padding, the first 32 key-stream bytes.
        byte[] macKey = e.macKey();
        System.arraycopy(c, 0, macKey, 0, ZERO_BYTES);
        Poly1305 mac = e.mac;
        e.initMac();
        mac.update(c, ZERO_BYTES, len - ZERO_BYTES);
        mac.doFinal(c, BOX_ZERO_BYTES);
        java.util.Arrays.fill(c, 0, BOX_ZERO_BYTES, (byte) 0);
        java.util.Arrays.fill(macKey, (byte) 0);
        return 0;
    }

    /**
     * {@code crypto_secretbox_open}: checks the tag in {@code c[16..32)} over {@code c[32..clen)} in
     * constant time, then decrypts into {@code m[0..clen)} and zeroes {@code m[0..32)}. {@code -1},
     * with {@code m} untouched, when {@code clen < 32} or the tag does not match.
     */
    public static int secretboxOpen(byte[] m, byte[] c, long clen, byte[] n, byte[] k) {
        if (clen < ZERO_BYTES) {
            return -1;
        }
        int len = checkedLength("clen", clen, c, m);
        return byLibsodium(len, n, k) ? Sodium.secretboxOpen(m, c, len, n, k)
                : secretboxOpenByBouncyCastle(m, c, len, n, k);
    }

    /** {@link #secretboxOpen} on BouncyCastle whatever the host has, {@code len} checked. */
    static int secretboxOpenByBouncyCastle(byte[] m, byte[] c, int len, byte[] n, byte[] k) {
        Engines e = ENGINES.get();
        XSalsa20Stream stream = e.stream(n, k);
        byte[] macKey = e.macKey();
        java.util.Arrays.fill(macKey, (byte) 0);
        stream.xor(macKey, 0, ZERO_BYTES, macKey, 0);
        Poly1305 mac = e.mac;
        e.initMac();
        mac.update(c, ZERO_BYTES, len - ZERO_BYTES);
        byte[] expected = e.tag;
        mac.doFinal(expected, 0);
        java.util.Arrays.fill(macKey, (byte) 0);
        if (!Arrays.constantTimeAreEqual(TAG_BYTES, expected, 0, c, BOX_ZERO_BYTES)) {
            stream.clear();
            return -1;
        }
        // The stream stands at key-stream position 32, where the ciphertext proper starts.
        stream.xor(c, ZERO_BYTES, len - ZERO_BYTES, m, ZERO_BYTES);
        stream.clear();
        java.util.Arrays.fill(m, 0, ZERO_BYTES, (byte) 0);
        return 0;
    }

    /** HSalsa20 (NaCl's {@code crypto_core_hsalsa20} with the "expand 32-byte k" constant). */
    static void hsalsa20(byte[] out, byte[] key, byte[] in16) {
        int[] state = new int[16];
        int[] x = new int[16];
        hsalsa20(out, key, in16, state, x);
        java.util.Arrays.fill(state, 0);
        java.util.Arrays.fill(x, 0);
    }

    /** HSalsa20 of {@code key} and {@code in16[0..16)} into {@code out}, with {@code state} and {@code x} as scratch. */
    private static void hsalsa20(byte[] out, byte[] key, byte[] in16, int[] state, int[] x) {
        state[0] = SIGMA[0];
        Pack.littleEndianToInt(key, 0, state, 1, 4);
        state[5] = SIGMA[1];
        Pack.littleEndianToInt(in16, 0, state, 6, 4);
        state[10] = SIGMA[2];
        Pack.littleEndianToInt(key, 16, state, 11, 4);
        state[15] = SIGMA[3];
        Salsa20Engine.salsaCore(20, state, x);
        // salsaCore adds the input words back in (the Salsa20 feed-forward); HSalsa20 has none.
        for (int i = 0; i < HSALSA20_WORDS.length; i++) {
            int w = HSALSA20_WORDS[i];
            Pack.intToLittleEndian(x[w] - state[w], out, 4 * i);
        }
    }

    /**
     * The point to hand to RFC 7748 X25519, which ignores bit 255: NaCl's reference code counts it,
     * so {@code u + 2^255} becomes {@code u + 19} (mod p), the same field element. Branches only on
     * the public key.
     */
    private static byte[] reducedPoint(byte[] p) {
        if ((p[31] & 0x80) == 0) {
            return p;
        }
        byte[] u = java.util.Arrays.copyOf(p, KEY_BYTES);
        u[31] &= 0x7f;
        addNineteen(u);
        if ((u[31] & 0x80) != 0) {
            u[31] &= 0x7f;
            addNineteen(u);
        }
        return u;
    }

    private static void addNineteen(byte[] u) {
        int carry = 19;
        for (int i = 0; i < KEY_BYTES && carry != 0; i++) {
            int sum = (u[i] & 0xff) + carry;
            u[i] = (byte) sum;
            carry = sum >>> 8;
        }
    }

    private static int checkedLength(String name, long len, byte[] in, byte[] out) {
        if (len > in.length || len > out.length) {
            throw new IllegalArgumentException(name + " " + len + " exceeds the input (" + in.length
                    + " bytes) or output (" + out.length + " bytes)");
        }
        return (int) len;
    }

    private static void requireLength(String name, byte[] array, int min) {
        if (array.length < min) {
            throw new IllegalArgumentException(name + " must hold at least " + min + " bytes: " + array.length);
        }
    }
}
