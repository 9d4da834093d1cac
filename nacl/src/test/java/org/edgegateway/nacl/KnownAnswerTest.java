package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;

import com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305;
import com.neilalexander.jnacl.crypto.xsalsa20poly1305;
import org.junit.jupiter.api.Test;

/**
 * Known answers from the NaCl distribution's tests (tests/box.c, box2.c, secretbox.c,
 * secretbox2.c, scalarmult.c .. scalarmult6.c, core1.c, as kept in libsodium's test/default with
 * their .exp files) and from RFC 7748, run through the jnacl-named classes that JeroMQ calls.
 */
class KnownAnswerTest {

    private static final HexFormat HEX = HexFormat.of();

    static final byte[] ALICE_SK = HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    static final byte[] ALICE_PK = HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    static final byte[] BOB_SK = HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    static final byte[] BOB_PK = HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    static final byte[] SHARED = HEX.parseHex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    static final byte[] FIRST_KEY = HEX.parseHex("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
    static final byte[] NONCE = HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");

    /** The 131 message bytes of box.c / secretbox.c, after the 32 zero bytes of padding. */
    static final byte[] MESSAGE = HEX.parseHex(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc"
            + "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31"
            + "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde"
            + "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
            + "5e0705");

    /** box.exp / secretbox.exp: bytes 16..163 of the box (Poly1305 tag, then ciphertext). */
    static final byte[] BOX_TAIL = HEX.parseHex(
            "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce"
            + "48332ea7164d96a4476fb8c531a1186ac0dfc17c98dce87b4da7f011ec48c972"
            + "71d2c20f9b928fe2270d6fb863d51738b48eeee314a7cc8ab932164548e526ae"
            + "90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
            + "7973f622a43d14a6599b1f654cb45a74e355a5");

    static byte[] paddedMessage() {
        byte[] m = new byte[32 + MESSAGE.length];
        System.arraycopy(MESSAGE, 0, m, 32, MESSAGE.length);
        return m;
    }

    static byte[] expectedBox() {
        byte[] c = new byte[16 + BOX_TAIL.length];
        System.arraycopy(BOX_TAIL, 0, c, 16, BOX_TAIL.length);
        return c;
    }

    @Test
    void keypairDerivationGivesTheAliceAndBobPublicKeys() {
        byte[] alice = new byte[32];
        byte[] bob = new byte[32];

        assertThat(curve25519xsalsa20poly1305.crypto_box_getpublickey(alice, ALICE_SK)).isZero();
        assertThat(curve25519xsalsa20poly1305.crypto_box_getpublickey(bob, BOB_SK)).isZero();

        assertThat(alice).isEqualTo(ALICE_PK);
        assertThat(bob).isEqualTo(BOB_PK);
    }

    @Test
    void randomKeypairIsConsistentWithPublicKeyDerivation() {
        byte[] pk = new byte[32];
        byte[] sk = new byte[32];
        byte[] derived = new byte[32];

        assertThat(curve25519xsalsa20poly1305.crypto_box_keypair(pk, sk)).isZero();
        curve25519xsalsa20poly1305.crypto_box_getpublickey(derived, sk);

        assertThat(sk).isNotEqualTo(new byte[32]);
        assertThat(pk).isEqualTo(derived);
    }

    @Test
    void scalarmultGivesTheSharedSecretBothWays() {
        byte[] ab = new byte[32];
        byte[] ba = new byte[32];

        NaclCrypto.scalarMult(ab, ALICE_SK, BOB_PK);
        NaclCrypto.scalarMult(ba, BOB_SK, ALICE_PK);

        assertThat(ab).isEqualTo(SHARED);
        assertThat(ba).isEqualTo(SHARED);
    }

    @Test
    void rfc7748Vectors() {
        // RFC 7748 section 5.2, first vector (u has bit 255 clear).
        byte[] out = new byte[32];
        NaclCrypto.scalarMult(out,
                HEX.parseHex("a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4"),
                HEX.parseHex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c"));
        assertThat(HEX.formatHex(out)).isEqualTo("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552");

        // Second vector: RFC 7748 masks bit 255 of u; the NaCl convention does not, so mask it here.
        byte[] u = HEX.parseHex("e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493");
        u[31] &= 0x7f;
        NaclCrypto.scalarMult(out,
                HEX.parseHex("4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d"), u);
        assertThat(HEX.formatHex(out)).isEqualTo("95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957");
    }

    @Test
    void bit255OfAPublicKeyCountsAsInNaclReference() {
        // NaCl's reference smult.c (and jnacl) read all 256 bits: u + 2^255 = u + 19 (mod p).
        byte[] flipped = ALICE_PK.clone();
        flipped[31] ^= (byte) 0x80;
        byte[] plus19 = ALICE_PK.clone();
        int carry = 19;
        for (int i = 0; i < 32 && carry != 0; i++) {
            int sum = (plus19[i] & 0xff) + carry;
            plus19[i] = (byte) sum;
            carry = sum >>> 8;
        }
        byte[] viaFlipped = new byte[32];
        byte[] viaPlus19 = new byte[32];

        NaclCrypto.scalarMult(viaFlipped, BOB_SK, flipped);
        NaclCrypto.scalarMult(viaPlus19, BOB_SK, plus19);

        assertThat(viaFlipped).isEqualTo(viaPlus19).isNotEqualTo(SHARED);
    }

    @Test
    void hsalsa20OfTheSharedSecretIsTheFirstKey() {
        byte[] k = new byte[32];

        NaclCrypto.hsalsa20(k, SHARED, new byte[16]);

        assertThat(k).isEqualTo(FIRST_KEY);
    }

    @Test
    void beforenmGivesTheFirstKeyBothWays() {
        byte[] alice = new byte[32];
        byte[] bob = new byte[32];

        assertThat(curve25519xsalsa20poly1305.crypto_box_beforenm(alice, BOB_PK, ALICE_SK)).isZero();
        assertThat(curve25519xsalsa20poly1305.crypto_box_beforenm(bob, ALICE_PK, BOB_SK)).isZero();

        assertThat(alice).isEqualTo(FIRST_KEY);
        assertThat(bob).isEqualTo(FIRST_KEY);
    }

    @Test
    void boxMatchesBoxExp() {
        byte[] c = new byte[163];
        Arrays.fill(c, (byte) 0x5a);

        assertThat(curve25519xsalsa20poly1305.crypto_box(c, paddedMessage(), 163, NONCE, BOB_PK, ALICE_SK)).isZero();

        assertThat(c).isEqualTo(expectedBox());
    }

    @Test
    void boxAfternmMatchesBoxExp() {
        byte[] c = new byte[163];

        assertThat(curve25519xsalsa20poly1305.crypto_box_afternm(c, paddedMessage(), 163, NONCE, FIRST_KEY)).isZero();

        assertThat(c).isEqualTo(expectedBox());
    }

    @Test
    void secretboxMatchesSecretboxExpAlsoInPlace() {
        byte[] c = new byte[163];
        byte[] inPlace = paddedMessage();

        assertThat(xsalsa20poly1305.crypto_secretbox(c, paddedMessage(), 163, NONCE, FIRST_KEY)).isZero();
        assertThat(xsalsa20poly1305.crypto_secretbox(inPlace, inPlace, 163, NONCE, FIRST_KEY)).isZero();

        assertThat(c).isEqualTo(expectedBox());
        assertThat(inPlace).isEqualTo(expectedBox());
    }

    @Test
    void secretboxRefusesMessagesShorterThanThePadding() {
        byte[] c = new byte[163];
        for (int mlen : new int[] {31, 12, 1, 0}) {
            assertThat(xsalsa20poly1305.crypto_secretbox(c, c, mlen, NONCE, FIRST_KEY)).as("mlen %d", mlen).isEqualTo(-1);
        }
        assertThat(c).isEqualTo(new byte[163]);
    }

    @Test
    void box2OpensTheBoxWithBobsKey() {
        byte[] m = new byte[163];
        Arrays.fill(m, (byte) 0x77);

        assertThat(curve25519xsalsa20poly1305.crypto_box_open(m, expectedBox(), 163, NONCE, ALICE_PK, BOB_SK)).isZero();

        assertThat(m).isEqualTo(paddedMessage());
    }

    @Test
    void secretbox2OpensTheBoxWithTheFirstKey() {
        byte[] m = new byte[163];
        byte[] viaBox = new byte[163];

        assertThat(xsalsa20poly1305.crypto_secretbox_open(m, expectedBox(), 163, NONCE, FIRST_KEY)).isZero();
        assertThat(curve25519xsalsa20poly1305.crypto_box_open_afternm(viaBox, expectedBox(), 163, NONCE, FIRST_KEY))
                .isZero();

        assertThat(m).isEqualTo(paddedMessage());
        assertThat(viaBox).isEqualTo(paddedMessage());
    }

    @Test
    void everyFlippedBitOfTagOrCiphertextIsRejectedAndLeavesTheOutputAlone() {
        byte[] box = expectedBox();
        for (int i = 16; i < box.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] tampered = box.clone();
                tampered[i] ^= (byte) (1 << bit);
                byte[] m = new byte[163];
                Arrays.fill(m, (byte) 0x33);

                int rc = xsalsa20poly1305.crypto_secretbox_open(m, tampered, 163, NONCE, FIRST_KEY);

                assertThat(rc).as("byte %d bit %d", i, bit).isEqualTo(-1);
                assertThat(m).as("output after rejecting byte %d bit %d", i, bit).containsOnly((byte) 0x33);
            }
        }
    }

    @Test
    void openRefusesBoxesShorterThanThePadding() {
        byte[] m = new byte[163];
        for (int clen : new int[] {31, 16, 1, 0}) {
            assertThat(xsalsa20poly1305.crypto_secretbox_open(m, expectedBox(), clen, NONCE, FIRST_KEY))
                    .as("clen %d", clen).isEqualTo(-1);
        }
    }
}
