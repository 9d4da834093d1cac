package com.neilalexander.jnacl.crypto;

import org.edgegateway.nacl.NaclCrypto;

/**
 * Stand-in for {@code eu.neilalexander:jnacl}'s class of the same name: NaCl's {@code crypto_box}
 * with the same public constants and static methods, computed by {@link NaclCrypto} on
 * BouncyCastle. Thread-safe (stateless). JeroMQ's {@code zmq.io.mechanism.curve.Curve} calls it
 * directly; see this module's README for why it exists and how the build keeps the original out.
 */
public final class curve25519xsalsa20poly1305 {

    public static final int crypto_secretbox_PUBLICKEYBYTES = 32;
    public static final int crypto_secretbox_SECRETKEYBYTES = 32;
    public static final int crypto_secretbox_BEFORENMBYTES = 32;
    public static final int crypto_secretbox_NONCEBYTES = 24;
    public static final int crypto_secretbox_ZEROBYTES = 32;
    public static final int crypto_secretbox_BOXZEROBYTES = 16;

    /** Kept for binary compatibility with the original, which had a public constructor. */
    public curve25519xsalsa20poly1305() {
    }

    public static int crypto_box_getpublickey(byte[] pk, byte[] sk) {
        return NaclCrypto.boxPublicKey(pk, sk);
    }

    public static int crypto_box_keypair(byte[] pk, byte[] sk) {
        return NaclCrypto.boxKeypair(pk, sk);
    }

    public static int crypto_box_afternm(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) {
        return NaclCrypto.secretbox(c, m, mlen, n, k);
    }

    public static int crypto_box_beforenm(byte[] k, byte[] pk, byte[] sk) {
        return NaclCrypto.boxBeforenm(k, pk, sk);
    }

    public static int crypto_box(byte[] c, byte[] m, long mlen, byte[] n, byte[] pk, byte[] sk) {
        return NaclCrypto.box(c, m, mlen, n, pk, sk);
    }

    public static int crypto_box_open(byte[] m, byte[] c, long clen, byte[] n, byte[] pk, byte[] sk) {
        return NaclCrypto.boxOpen(m, c, clen, n, pk, sk);
    }

    public static int crypto_box_open_afternm(byte[] m, byte[] c, long clen, byte[] n, byte[] k) {
        return NaclCrypto.secretboxOpen(m, c, clen, n, k);
    }

    public static int crypto_box_afternm(byte[] c, byte[] m, byte[] n, byte[] k) {
        return crypto_box_afternm(c, m, m.length, n, k);
    }

    public static int crypto_box_open_afternm(byte[] m, byte[] c, byte[] n, byte[] k) {
        return crypto_box_open_afternm(m, c, c.length, n, k);
    }

    public static int crypto_box(byte[] c, byte[] m, byte[] n, byte[] pk, byte[] sk) {
        return crypto_box(c, m, m.length, n, pk, sk);
    }

    public static int crypto_box_open(byte[] m, byte[] c, byte[] n, byte[] pk, byte[] sk) {
        return crypto_box_open(m, c, c.length, n, pk, sk);
    }
}
