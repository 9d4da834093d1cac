package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305;
import com.neilalexander.jnacl.crypto.xsalsa20poly1305;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * This module's classes against the original {@code eu.neilalexander:jnacl} 1.0.0 jar, loaded in
 * an isolated class loader: random keys, nonces and lengths from 0 B to 1 MiB must give the same
 * bytes, and tampered boxes must be refused the same way. The one intended difference is the 16th
 * byte of the Poly1305 tag, which jnacl does not compare and this module does.
 *
 * <p>The seed is printed in every failure message; run with {@code -Dnacl.seed=N} to repeat a run.
 */
@Timeout(120)
class JnaclDifferentialTest {

    private static final int MIB = 1 << 20;
    private static final int LAST_TAG_BYTE = 31;

    private static OriginalJnacl jnacl;
    private static long seed;
    private SplittableRandom random;

    @BeforeAll
    static void loadOriginal() throws ReflectiveOperationException {
        jnacl = new OriginalJnacl();
        seed = Long.getLong("nacl.seed", System.nanoTime());
    }

    @AfterAll
    static void closeOriginal() throws java.io.IOException {
        jnacl.close();
    }

    private SplittableRandom random() {
        if (random == null) {
            random = new SplittableRandom(seed);
        }
        return random;
    }

    @Test
    void theOriginalIsReallyAnotherClass() {
        assertThat(jnacl.boxClass()).isNotSameAs(curve25519xsalsa20poly1305.class);
        assertThat(jnacl.boxClass().getName()).isEqualTo(curve25519xsalsa20poly1305.class.getName());
        assertThat(jnacl.boxClass().getClassLoader()).isSameAs(jnacl.loader());
        assertThat(jnacl.boxClass().getProtectionDomain().getCodeSource().getLocation().getPath())
                .endsWith(".jar");
    }

    @Test
    void publicKeysFromRandomSecretKeysAreIdentical() throws Throwable {
        for (int i = 0; i < 64; i++) {
            byte[] sk = bytes(32);
            byte[] ours = new byte[32];
            byte[] theirs = new byte[32];

            int rcOurs = curve25519xsalsa20poly1305.crypto_box_getpublickey(ours, sk);
            int rcTheirs = jnacl.getPublicKey(theirs, sk);

            assertThat(rcOurs).as(context("rc getpublickey", i)).isEqualTo(rcTheirs);
            assertThat(ours).as(context("getpublickey", i)).isEqualTo(theirs);
        }
    }

    @Test
    void beforenmIsIdenticalForRandomAndOddPublicKeys() throws Throwable {
        List<byte[]> points = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        points.add(new byte[32]);
        points.add(hex.parseHex("0100000000000000000000000000000000000000000000000000000000000000"));
        // p itself, p + 1 and 2^255 - 1: non-canonical encodings below 2^255.
        points.add(hex.parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
        points.add(hex.parseHex("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
        points.add(hex.parseHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"));
        // Bit 255 set, including the largest values where u + 19 wraps past 2^255.
        points.add(hex.parseHex("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
        points.add(hex.parseHex("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
        points.add(hex.parseHex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
        points.add(hex.parseHex("0000000000000000000000000000000000000000000000000000000000000080"));
        // A point of small order (libsodium's box.c).
        points.add(hex.parseHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"));
        KnownAnswerTestKeys.addTo(points);
        for (int i = 0; i < 500; i++) {
            points.add(bytes(32));
        }
        for (int i = 0; i < points.size(); i++) {
            byte[] pk = points.get(i);
            byte[] sk = bytes(32);
            byte[] ours = new byte[32];
            byte[] theirs = new byte[32];

            int rcOurs = curve25519xsalsa20poly1305.crypto_box_beforenm(ours, pk, sk);
            int rcTheirs = jnacl.beforenm(theirs, pk, sk);

            assertThat(rcOurs).as(context("rc beforenm pk=" + hex.formatHex(pk), i)).isEqualTo(rcTheirs);
            assertThat(ours).as(context("beforenm pk=" + hex.formatHex(pk), i)).isEqualTo(theirs);
        }
    }

    /**
     * Shared keys asked for again, in the patterns a handshake and its neighbours make (the same
     * pair twice, pairs that share only the public or only the secret key, three pairs in turn past
     * what a thread remembers), are the keys jnacl computes for each pair.
     */
    @Test
    void beforenmAskedAgainGivesTheKeyOfTheSamePairOnly() throws Throwable {
        byte[] pkA = bytes(32);
        byte[] pkB = bytes(32);
        byte[] skA = bytes(32);
        byte[] skB = bytes(32);
        byte[] skC = java.util.Arrays.copyOf(skA, 32);
        skC[31] ^= 0x01;
        byte[][][] pairs = {
            {pkA, skA}, {pkA, skA}, {pkA, skB}, {pkA, skA}, {pkB, skA}, {pkA, skA}, {pkA, skC},
            {pkB, skB}, {pkA, skB}, {pkB, skA}, {pkA, skA}, {pkB, skB}, {pkA, skC}, {pkA, skA},
        };
        for (int i = 0; i < pairs.length; i++) {
            byte[] ours = new byte[32];
            byte[] theirs = new byte[32];
            curve25519xsalsa20poly1305.crypto_box_beforenm(ours, pairs[i][0], pairs[i][1]);
            jnacl.beforenm(theirs, pairs[i][0], pairs[i][1]);
            assertThat(ours).as(context("beforenm of pair", i)).isEqualTo(theirs);
        }
    }

    @Test
    void afternmAndOpenAfternmAreIdenticalFromZeroBytesToOneMebibyte() throws Throwable {
        List<Integer> plaintextLengths = new ArrayList<>(List.of(0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                127, 128, 1024, 4096, 65_536, MIB));
        for (int i = 0; i < 1000; i++) {
            plaintextLengths.add(random().nextInt(4097));
        }
        for (int i = 0; i < 64; i++) {
            plaintextLengths.add(random().nextInt(65_537));
        }
        for (int i = 0; i < 8; i++) {
            plaintextLengths.add(random().nextInt(MIB + 1));
        }
        for (int i = 0; i < plaintextLengths.size(); i++) {
            int mlen = plaintextLengths.get(i) + 32;
            byte[] k = bytes(32);
            byte[] n = bytes(24);
            byte[] m = bytes(mlen);
            // Mostly the zero padding JeroMQ sends; sometimes garbage, which must give the same garbage
            // (a box that neither implementation then opens).
            boolean zeroPadding = random().nextInt(8) != 0;
            if (zeroPadding) {
                Arrays.fill(m, 0, 32, (byte) 0);
            }
            byte[] filler = bytes(mlen + random().nextInt(17));
            byte[] ours = filler.clone();
            byte[] theirs = filler.clone();

            int rcOurs = curve25519xsalsa20poly1305.crypto_box_afternm(ours, m, mlen, n, k);
            int rcTheirs = jnacl.afternm(theirs, m, mlen, n, k);

            assertThat(rcOurs).as(context("rc afternm mlen=" + mlen, i)).isEqualTo(rcTheirs).isZero();
            assertThat(Arrays.equals(ours, theirs)).as(context("afternm bytes mlen=" + mlen, i)).isTrue();

            byte[] openFiller = bytes(mlen + random().nextInt(17));
            byte[] openedOurs = openFiller.clone();
            byte[] openedTheirs = openFiller.clone();

            int openOurs = curve25519xsalsa20poly1305.crypto_box_open_afternm(openedOurs, theirs, mlen, n, k);
            int openTheirs = jnacl.openAfternm(openedTheirs, ours, mlen, n, k);

            assertThat(openOurs).as(context("rc open mlen=" + mlen, i)).isEqualTo(openTheirs)
                    .isEqualTo(zeroPadding ? 0 : -1);
            assertThat(Arrays.equals(openedOurs, openedTheirs)).as(context("open bytes mlen=" + mlen, i)).isTrue();
            if (zeroPadding) {
                assertThat(Arrays.equals(openedOurs, 32, mlen, m, 32, mlen)).as(context("round trip", i)).isTrue();
            }
        }
    }

    @Test
    void lengthsBelowThePaddingAreRefusedByBoth() throws Throwable {
        byte[] k = bytes(32);
        byte[] n = bytes(24);
        for (int len = 0; len < 32; len++) {
            byte[] filler = bytes(64);
            byte[] ours = filler.clone();
            byte[] theirs = filler.clone();

            assertThat(curve25519xsalsa20poly1305.crypto_box_afternm(ours, bytes(64), len, n, k))
                    .isEqualTo(jnacl.afternm(theirs, bytes(64), len, n, k)).isEqualTo(-1);
            assertThat(curve25519xsalsa20poly1305.crypto_box_open_afternm(ours, bytes(64), len, n, k))
                    .isEqualTo(jnacl.openAfternm(theirs, bytes(64), len, n, k)).isEqualTo(-1);
            assertThat(ours).isEqualTo(theirs).isEqualTo(filler);
        }
    }

    @Test
    void everySingleByteTamperIsJudgedAsJnaclJudgesItExceptTheLastTagByte() throws Throwable {
        byte[] k = bytes(32);
        byte[] n = bytes(24);
        int mlen = 32 + 100;
        byte[] m = bytes(mlen);
        Arrays.fill(m, 0, 32, (byte) 0);
        byte[] box = new byte[mlen];
        assertThat(jnacl.afternm(box, m, mlen, n, k)).isZero();

        for (int pos = 0; pos < mlen; pos++) {
            byte[] tampered = box.clone();
            tampered[pos] ^= (byte) (1 + random().nextInt(255));
            byte[] filler = bytes(mlen);
            byte[] ours = filler.clone();
            byte[] theirs = filler.clone();

            int rcOurs = curve25519xsalsa20poly1305.crypto_box_open_afternm(ours, tampered, mlen, n, k);
            int rcTheirs = jnacl.openAfternm(theirs, tampered, mlen, n, k);

            if (pos < 16) {
                // The zero prefix is not part of the box proper: neither implementation looks at it.
                assertThat(rcOurs).as(context("prefix byte " + pos, pos)).isEqualTo(rcTheirs).isZero();
            } else if (pos == LAST_TAG_BYTE) {
                assertThat(rcTheirs).as("jnacl compares only 15 tag bytes").isZero();
                assertThat(rcOurs).as(context("last tag byte", pos)).isEqualTo(-1);
                assertThat(ours).isEqualTo(filler);
                continue;
            } else {
                assertThat(rcOurs).as(context("tampered byte " + pos, pos)).isEqualTo(rcTheirs).isEqualTo(-1);
            }
            assertThat(ours).as(context("output after tamper at " + pos, pos)).isEqualTo(theirs);
        }
    }

    @Test
    void randomTampersOfRandomBoxesAreRefusedByBoth() throws Throwable {
        for (int i = 0; i < 2000; i++) {
            int mlen = 32 + random().nextInt(2049);
            byte[] k = bytes(32);
            byte[] n = bytes(24);
            byte[] m = bytes(mlen);
            Arrays.fill(m, 0, 32, (byte) 0);
            byte[] box = new byte[mlen];
            curve25519xsalsa20poly1305.crypto_box_afternm(box, m, mlen, n, k);

            byte[] tampered = box.clone();
            byte[] openKey = k;
            byte[] openNonce = n;
            long openLength = mlen;
            String what;
            switch (random().nextInt(4)) {
                case 0 -> {
                    int pos = 16 + random().nextInt(mlen - 16);
                    if (pos == LAST_TAG_BYTE) {
                        pos = 16;
                    }
                    tampered[pos] ^= (byte) (1 << random().nextInt(8));
                    what = "bit flip at " + pos;
                }
                case 1 -> {
                    openKey = k.clone();
                    openKey[random().nextInt(32)] ^= (byte) (1 << random().nextInt(8));
                    what = "wrong key";
                }
                case 2 -> {
                    openNonce = n.clone();
                    openNonce[random().nextInt(24)] ^= (byte) (1 << random().nextInt(8));
                    what = "wrong nonce";
                }
                default -> {
                    openLength = mlen == 32 ? 31 : mlen - 1 - random().nextInt(mlen - 32);
                    what = "truncated to " + openLength;
                }
            }
            byte[] filler = bytes(mlen);
            byte[] ours = filler.clone();
            byte[] theirs = filler.clone();

            int rcOurs = curve25519xsalsa20poly1305.crypto_box_open_afternm(ours, tampered, openLength, openNonce, openKey);
            int rcTheirs = jnacl.openAfternm(theirs, tampered, openLength, openNonce, openKey);

            assertThat(rcOurs).as(context(what + " mlen=" + mlen, i)).isEqualTo(rcTheirs).isEqualTo(-1);
            assertThat(ours).as(context("output after " + what, i)).isEqualTo(theirs).isEqualTo(filler);
        }
    }

    @Test
    void fullBoxAndOpenWithKeypairsAreIdentical() throws Throwable {
        for (int i = 0; i < 24; i++) {
            byte[] aliceSk = bytes(32);
            byte[] bobSk = bytes(32);
            byte[] alicePk = new byte[32];
            byte[] bobPk = new byte[32];
            curve25519xsalsa20poly1305.crypto_box_getpublickey(alicePk, aliceSk);
            jnacl.getPublicKey(bobPk, bobSk);
            int mlen = 32 + random().nextInt(2048);
            byte[] m = bytes(mlen);
            Arrays.fill(m, 0, 32, (byte) 0);
            byte[] n = bytes(24);
            byte[] ours = new byte[mlen];
            byte[] theirs = new byte[mlen];

            assertThat(curve25519xsalsa20poly1305.crypto_box(ours, m, mlen, n, bobPk, aliceSk))
                    .isEqualTo(jnacl.box(theirs, m, mlen, n, bobPk, aliceSk)).isZero();
            assertThat(ours).as(context("crypto_box", i)).isEqualTo(theirs);

            byte[] openedOurs = new byte[mlen];
            byte[] openedTheirs = new byte[mlen];
            assertThat(curve25519xsalsa20poly1305.crypto_box_open(openedOurs, theirs, mlen, n, alicePk, bobSk))
                    .isEqualTo(jnacl.boxOpen(openedTheirs, ours, mlen, n, alicePk, bobSk)).isZero();
            assertThat(openedOurs).as(context("crypto_box_open", i)).isEqualTo(openedTheirs).isEqualTo(m);
        }
    }

    @Test
    void secretboxClassIsIdentical() throws Throwable {
        for (int i = 0; i < 64; i++) {
            int mlen = 32 + random().nextInt(1025);
            byte[] k = bytes(32);
            byte[] n = bytes(24);
            byte[] m = bytes(mlen);
            Arrays.fill(m, 0, 32, (byte) 0);
            byte[] ours = new byte[mlen];
            byte[] theirs = new byte[mlen];

            assertThat(xsalsa20poly1305.crypto_secretbox(ours, m, mlen, n, k))
                    .isEqualTo(jnacl.secretbox(theirs, m, mlen, n, k)).isZero();
            assertThat(ours).as(context("crypto_secretbox", i)).isEqualTo(theirs);

            byte[] openedOurs = new byte[mlen];
            byte[] openedTheirs = new byte[mlen];
            assertThat(xsalsa20poly1305.crypto_secretbox_open(openedOurs, theirs, mlen, n, k))
                    .isEqualTo(jnacl.secretboxOpen(openedTheirs, ours, mlen, n, k)).isZero();
            assertThat(openedOurs).as(context("crypto_secretbox_open", i)).isEqualTo(openedTheirs).isEqualTo(m);
        }
    }

    @Test
    void lengthsBeyondTheArraysFailInBothWithoutWritingSecrets() throws Throwable {
        byte[] k = bytes(32);
        byte[] n = bytes(24);
        byte[] m = new byte[64];

        assertThatThrownBy(() -> jnacl.afternm(new byte[64], m, 65, n, k)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> curve25519xsalsa20poly1305.crypto_box_afternm(new byte[64], m, 65, n, k))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mlen 65 exceeds the input (64 bytes) or output (64 bytes)");
        assertThatThrownBy(() -> curve25519xsalsa20poly1305.crypto_box_afternm(new byte[64], m, 64, new byte[8], k))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must hold at least 24 bytes: 8");
    }

    private byte[] bytes(int length) {
        byte[] b = new byte[length];
        random().nextBytes(b);
        return b;
    }

    private static String context(String what, int index) {
        return what + " (case " + index + ", -Dnacl.seed=" + seed + ")";
    }

    /** The fixed NaCl test keys as public points too. */
    private static final class KnownAnswerTestKeys {
        static void addTo(List<byte[]> points) {
            points.add(KnownAnswerTest.ALICE_PK);
            points.add(KnownAnswerTest.BOB_PK);
        }
    }
}
