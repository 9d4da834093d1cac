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
            assertTrue(NaclCrypto.x25519ByLibsodium(), "libsodium is installed but was not chosen: " + NaclCrypto.x25519());
        }
    }

    @Test
    void theScalarAndTheResultLeaveNoCopyInNativeMemory() {
        assumeTrue(NaclCrypto.x25519ByLibsodium(), NaclCrypto.x25519());
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
        assumeTrue(NaclCrypto.x25519ByLibsodium(), NaclCrypto.x25519());
        assertThat(NaclCrypto.x25519()).startsWith("X25519 by libsodium 1.");
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
        assumeTrue(NaclCrypto.x25519ByLibsodium(), NaclCrypto.x25519());
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
    void switchedOffMeansBouncyCastleAndSaysWhy() {
        Sodium.Choice off = Sodium.choose("off");
        assertThat(off.usable()).isFalse();
        assertThat(off.description()).isEqualTo("X25519 by BouncyCastle (" + Sodium.PROPERTY + "=off)");
    }

    @Test
    void aLibraryThatIsNotThereMeansBouncyCastleAndNamesIt() {
        Sodium.Choice missing = Sodium.choose("/nonexistent/libsodium.so.23");
        assertThat(missing.usable()).isFalse();
        assertThat(missing.description())
                .startsWith("X25519 by BouncyCastle (libsodium not loaded: /nonexistent/libsodium.so.23: ")
                .doesNotContain("\n");
    }

    @Test
    void aLibraryWithoutLibsodiumsFunctionsIsRefused() {
        // libc loads, but has no sodium_init: the binding fails and BouncyCastle stays.
        assumeTrue(Files.exists(Path.of("/lib/x86_64-linux-gnu/libc.so.6")));
        Sodium.Choice wrong = Sodium.choose("/lib/x86_64-linux-gnu/libc.so.6");
        assertThat(wrong.usable()).isFalse();
        assertThat(wrong.description()).startsWith("X25519 by BouncyCastle (libsodium not loaded: /lib/x86_64-linux-gnu/libc.so.6: ");
    }
}
