package org.edgegateway.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What a JeroMQ CURVE socket spends per message ({@code crypto_box_afternm} to send,
 * {@code crypto_box_open_afternm} to receive) and per handshake ({@code crypto_box_beforenm}, one
 * X25519 plus HSalsa20), for the original jnacl and for the BouncyCastle stand-in, in one run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CurveCryptoBenchmark {

    /** Per-message state: a key, a nonce, a zero-padded plaintext and its box. */
    @State(Scope.Thread)
    public static class Message {
        @Param({"bouncycastle", "jnacl"})
        public String impl;

        @Param({"64", "1024"})
        public int size;

        NaclImplementation nacl;
        byte[] key;
        byte[] nonce;
        byte[] plaintext;
        byte[] box;
        byte[] out;
        long mlen;

        @Setup(Level.Trial)
        public void setUp() throws Throwable {
            nacl = NaclImplementation.named(impl);
            SplittableRandom random = new SplittableRandom(42);
            key = new byte[32];
            nonce = new byte[24];
            random.nextBytes(key);
            random.nextBytes(nonce);
            mlen = 32L + size;
            plaintext = new byte[(int) mlen];
            byte[] body = new byte[size];
            random.nextBytes(body);
            System.arraycopy(body, 0, plaintext, 32, size);
            box = new byte[(int) mlen];
            out = new byte[(int) mlen];
            if ((int) nacl.afternm.invokeExact(box, plaintext, mlen, nonce, key) != 0) {
                throw new IllegalStateException("afternm failed in set-up for " + impl);
            }
        }
    }

    /** Per-handshake state: two key pairs' worth of bytes. */
    @State(Scope.Thread)
    public static class Handshake {
        @Param({"bouncycastle", "jnacl"})
        public String impl;

        NaclImplementation nacl;
        byte[] publicKey;
        byte[] secretKey;
        byte[] shared;

        @Setup(Level.Trial)
        public void setUp() throws Throwable {
            nacl = NaclImplementation.named(impl);
            SplittableRandom random = new SplittableRandom(7);
            secretKey = new byte[32];
            random.nextBytes(secretKey);
            // Alice's public key from the NaCl tests: a real point, top bit clear.
            publicKey = java.util.HexFormat.of()
                    .parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
            shared = new byte[32];
        }
    }

    @Benchmark
    public byte[] boxAfternm(Message s) throws Throwable {
        int rc = (int) s.nacl.afternm.invokeExact(s.out, s.plaintext, s.mlen, s.nonce, s.key);
        s.out[0] ^= (byte) rc;
        return s.out;
    }

    @Benchmark
    public byte[] boxOpenAfternm(Message s) throws Throwable {
        int rc = (int) s.nacl.openAfternm.invokeExact(s.out, s.box, s.mlen, s.nonce, s.key);
        if (rc != 0) {
            throw new IllegalStateException("open failed for " + s.impl);
        }
        return s.out;
    }

    @Benchmark
    public byte[] boxBeforenm(Handshake s) throws Throwable {
        int rc = (int) s.nacl.beforenm.invokeExact(s.shared, s.publicKey, s.secretKey);
        s.shared[0] ^= (byte) rc;
        return s.shared;
    }
}
