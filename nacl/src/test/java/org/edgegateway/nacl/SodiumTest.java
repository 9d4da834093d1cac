package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The host's libsodium against BouncyCastle: the same bytes for every point a peer can send, and a
 * clear fallback when the library is missing or switched off. CI installs {@code libsodium23}
 * ({@code .ci/run}), so there the library must have been chosen; elsewhere the comparison is skipped
 * when the host has none.
 */
class SodiumTest {

    /** Where Debian's libsodium23 puts its library on the machines this project builds on. */
    private static final Path DEBIAN_LIBSODIUM = Path.of("/usr/lib/x86_64-linux-gnu/libsodium.so.23");

    @BeforeAll
    static void libsodiumWhereTheHostHasIt() {
        boolean ci = "true".equals(System.getenv("CI"));
        if (ci || Files.exists(DEBIAN_LIBSODIUM)) {
            assertTrue(NaclCrypto.x25519ByLibsodium(), "libsodium is installed but was not chosen: " + NaclCrypto.implementation());
            assertTrue(NaclCrypto.secretboxByLibsodium(), "libsodium's secretbox was not bound: " + NaclCrypto.implementation());
        }
    }

    @Test
    void theScalarAndTheResultLeaveNoCopyInNativeMemory() {
        assumeTrue(NaclCrypto.x25519ByLibsodium(), NaclCrypto.implementation());
        byte[] n = Hex.decode("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4");
        byte[] p = Hex.decode("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
        p[31] &= 0x7f;
        byte[] q = new byte[32];
        Sodium.scalarMult(q, n, p);
        assertThat(q).isEqualTo(Hex.decode("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552"));
        assertThat(Sodium.scratchOfThisThread()).as("the thread's native scratch after a multiplication")
                .containsOnly(0);
        // A point libsodium refuses (small order) leaves nothing behind either, and gives zeros.
        Sodium.scalarMult(q, n, new byte[32]);
        assertThat(q).containsOnly(0);
        assertThat(Sodium.scratchOfThisThread()).containsOnly(0);
    }

    @Test
    void libsodiumComputesWhatBouncyCastleComputesForEveryKindOfPoint() {
        assumeTrue(NaclCrypto.x25519ByLibsodium(), NaclCrypto.implementation());
        assertThat(NaclCrypto.implementation()).startsWith("X25519 and XSalsa20-Poly1305 by libsodium 1.");
        long seed = Long.getLong("nacl.seed", System.nanoTime());
        Random random = new Random(seed);
        List<byte[]> points = new ArrayList<>();
        // The points of small order (libsodium refuses them; the result must still be BouncyCastle's),
        // each also with the top bit set, which NaCl reads as u + 2^255.
        for (String hex : new String[] {
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        }) {
            byte[] p = Hex.decode(hex);
            points.add(p);
            byte[] high = p.clone();
            high[31] |= (byte) 0x80;
            points.add(high);
        }
        // Non-canonical values just below 2^255 and random points, half of them with the top bit set.
        for (int i = 0; i < 19; i++) {
            byte[] p = Hex.decode("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
            p[0] = (byte) (0xed + i);
            points.add(p);
        }
        for (int i = 0; i < 500; i++) {
            byte[] p = new byte[32];
            random.nextBytes(p);
            points.add(p);
        }
        // Real public keys, as peers send them.
        for (int i = 0; i < 50; i++) {
            byte[] pk = new byte[32];
            NaclCrypto.boxKeypair(pk, new byte[32]);
            points.add(pk);
        }
        int compared = 0;
        for (byte[] p : points) {
            byte[] n = new byte[32];
            random.nextBytes(n);
            byte[] bySodium = new byte[32];
            byte[] byBouncyCastle = new byte[32];
            NaclCrypto.scalarMult(bySodium, n, p.clone());
            NaclCrypto.scalarMultByBouncyCastle(byBouncyCastle, n, p.clone());
            assertThat(bySodium).as("seed %d, point %s, scalar %s", seed, Hex.toHexString(p), Hex.toHexString(n))
                    .isEqualTo(byBouncyCastle);
            compared++;
        }
        assertThat(compared).isEqualTo(points.size()).isGreaterThan(550);
    }

    @Test
    void aHandshakeKeyIsTheSameWhoeverComputesIt() {
        assumeTrue(NaclCrypto.x25519ByLibsodium(), NaclCrypto.implementation());
        byte[] clientPk = new byte[32];
        byte[] clientSk = new byte[32];
        byte[] serverPk = new byte[32];
        byte[] serverSk = new byte[32];
        NaclCrypto.boxKeypair(clientPk, clientSk);
        NaclCrypto.boxKeypair(serverPk, serverSk);
        byte[] onClient = new byte[32];
        byte[] onServer = new byte[32];
        NaclCrypto.boxBeforenm(onClient, serverPk, clientSk);
        NaclCrypto.boxBeforenm(onServer, clientPk, serverSk);
        assertThat(onClient).isEqualTo(onServer).isNotEqualTo(new byte[32]);
    }

    @Test
    void libsodiumBoxesAndOpensWhatBouncyCastleDoes() {
        assumeTrue(NaclCrypto.secretboxByLibsodium(), NaclCrypto.implementation());
        long seed = Long.getLong("nacl.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Integer> lengths = new ArrayList<>();
        for (int len = NaclCrypto.ZERO_BYTES; len <= 300; len++) {
            lengths.add(len);
        }
        for (int i = 0; i < 200; i++) {
            lengths.add(NaclCrypto.ZERO_BYTES + random.nextInt(20_000));
        }
        // Both sides of the kept scratch's limit, and a message far past it.
        int kept = 64 * 1024;
        lengths.addAll(List.of(kept - 1, kept, kept + 1, 1 << 20));
        for (int len : lengths) {
            String as = "seed " + seed + ", " + len + " bytes";
            byte[] k = new byte[32];
            byte[] n = new byte[24];
            byte[] m = new byte[len + random.nextInt(3)];
            random.nextBytes(k);
            random.nextBytes(n);
            random.nextBytes(m);
            // NaCl's zero padding, as JeroMQ sends it, or not: then the box cannot be opened (its MAC
            // key is not the key stream's), and both must say so.
            boolean padded = random.nextBoolean();
            if (padded) {
                java.util.Arrays.fill(m, 0, NaclCrypto.ZERO_BYTES, (byte) 0);
            }
            byte[] bySodium = new byte[m.length];
            byte[] byBouncyCastle = new byte[m.length];
            assertThat(Sodium.secretbox(bySodium, m, len, n, k)).as(as).isZero();
            assertThat(NaclCrypto.secretboxByBouncyCastle(byBouncyCastle, m, len, n, k)).as(as).isZero();
            assertThat(bySodium).as(as).isEqualTo(byBouncyCastle);
            assertThat(Sodium.boxScratchOfThisThread()).as(as + ", scratch after a box").containsOnly(0);
            if (!padded) {
                assertThat(Sodium.secretboxOpen(new byte[m.length], bySodium, len, n, k)).as(as).isEqualTo(-1);
                assertThat(NaclCrypto.secretboxOpenByBouncyCastle(new byte[m.length], bySodium, len, n, k)).isEqualTo(-1);
                continue;
            }

            byte[] opened = new byte[m.length];
            byte[] reference = new byte[m.length];
            assertThat(Sodium.secretboxOpen(opened, bySodium, len, n, k)).as(as).isZero();
            assertThat(NaclCrypto.secretboxOpenByBouncyCastle(reference, bySodium, len, n, k)).as(as).isZero();
            assertThat(opened).as(as).isEqualTo(reference);
            assertThat(opened).as(as).startsWith(new byte[NaclCrypto.ZERO_BYTES]);
            assertThat(java.util.Arrays.copyOfRange(opened, NaclCrypto.ZERO_BYTES, len))
                    .as(as).isEqualTo(java.util.Arrays.copyOfRange(m, NaclCrypto.ZERO_BYTES, len));
            assertThat(Sodium.boxScratchOfThisThread()).as(as + ", scratch after an open").containsOnly(0);

            // One bit flipped anywhere in the tag or the ciphertext: refused, nothing written.
            byte[] tampered = bySodium.clone();
            int at = 16 + random.nextInt(len - 16);
            tampered[at] ^= (byte) (1 << random.nextInt(8));
            byte[] untouched = new byte[m.length];
            java.util.Arrays.fill(untouched, (byte) 0x5a);
            byte[] out = untouched.clone();
            assertThat(Sodium.secretboxOpen(out, tampered, len, n, k)).as(as + ", flipped at " + at).isEqualTo(-1);
            assertThat(NaclCrypto.secretboxOpenByBouncyCastle(reference, tampered, len, n, k)).isEqualTo(-1);
            assertThat(out).as(as + ", output of a refused box").isEqualTo(untouched);
            assertThat(Sodium.boxScratchOfThisThread()).as(as + ", scratch after a refusal").containsOnly(0);
        }
    }

    @Test
    void threadsBoxingAtOnceEachUseTheirOwnScratch() throws Exception {
        assumeTrue(NaclCrypto.secretboxByLibsodium(), NaclCrypto.implementation());
        int threads = 4;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<java.util.concurrent.Future<Integer>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    Random random = new Random(id);
                    start.await();
                    int checked = 0;
                    for (int i = 0; i < 2_000; i++) {
                        // Sizes differ per thread so that scratches grow at different moments.
                        int len = NaclCrypto.ZERO_BYTES + random.nextInt(id == 0 ? 100 : 5_000 * id);
                        byte[] k = new byte[32];
                        byte[] n = new byte[24];
                        byte[] m = new byte[len];
                        random.nextBytes(k);
                        random.nextBytes(n);
                        random.nextBytes(m);
                        byte[] c = new byte[len];
                        byte[] expected = new byte[len];
                        Sodium.secretbox(c, m, len, n, k);
                        NaclCrypto.secretboxByBouncyCastle(expected, m, len, n, k);
                        if (!java.util.Arrays.equals(c, expected)) {
                            throw new AssertionError("thread " + id + ", box " + i + " of " + len + " bytes differs");
                        }
                        checked++;
                    }
                    return checked;
                }));
            }
            for (java.util.concurrent.Future<Integer> f : done) {
                assertThat(f.get(120, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(2_000);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void switchedOffMeansBouncyCastleAndSaysWhy() {
        Sodium.Choice off = Sodium.choose("off");
        assertThat(off.usable()).isFalse();
        assertThat(off.secretBox()).isFalse();
        assertThat(off.description()).isEqualTo("X25519 and XSalsa20-Poly1305 by BouncyCastle (" + Sodium.PROPERTY + "=off)");
    }

    @Test
    void aLibraryThatIsNotThereMeansBouncyCastleAndNamesIt() {
        Sodium.Choice missing = Sodium.choose("/nonexistent/libsodium.so.23");
        assertThat(missing.usable()).isFalse();
        assertThat(missing.description())
                .startsWith("X25519 and XSalsa20-Poly1305 by BouncyCastle (libsodium not loaded: /nonexistent/libsodium.so.23: ")
                .doesNotContain("\n");
    }

    @Test
    void aLibraryWithoutLibsodiumsFunctionsIsRefused() {
        // libc loads, but has no sodium_init: the binding fails and BouncyCastle stays.
        assumeTrue(Files.exists(Path.of("/lib/x86_64-linux-gnu/libc.so.6")));
        Sodium.Choice wrong = Sodium.choose("/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(wrong.usable()).isFalse();
        assertThat(wrong.secretBox()).isFalse();
        assertThat(wrong.description()).startsWith("X25519 and XSalsa20-Poly1305 by BouncyCastle (libsodium not loaded: /lib/x86_64-linux-gnu/libc.so.6: ");
    }
}
