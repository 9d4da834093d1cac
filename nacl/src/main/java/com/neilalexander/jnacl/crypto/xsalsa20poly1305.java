package com.neilalexander.jnacl.crypto;

import org.edgegateway.nacl.NaclCrypto;

/**
 * Stand-in for {@code eu.neilalexander:jnacl}'s class of the same name: NaCl's
 * {@code crypto_secretbox}, computed by {@link NaclCrypto} on BouncyCastle. Thread-safe
 * (stateless). See this module's README.
 */
public final class xsalsa20poly1305 {

    /** Kept for binary compatibility with the original, which had a public constructor. */
    public xsalsa20poly1305() {
    }

    public static int crypto_secretbox(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) {
        return NaclCrypto.secretbox(c, m, mlen, n, k);
    }

    public static int crypto_secretbox_open(byte[] m, byte[] c, long clen, byte[] n, byte[] k) {
        return NaclCrypto.secretboxOpen(m, c, clen, n, k);
    }
}
