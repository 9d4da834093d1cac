package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * A box and its opening run for every message on the I/O thread: once a thread has boxed, they
 * allocate nothing (the key stream and the MAC are re-keyed in place), so a busy gateway's young
 * collections do not come from them.
 */
class BoxAllocationTest {

    @Test
    void boxingAndOpeningAllocateNothingOnceTheThreadHasBoxed() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        Random random = new Random(7);
        byte[] k = new byte[NaclCrypto.KEY_BYTES];
        byte[] n = new byte[NaclCrypto.NONCE_BYTES];
        random.nextBytes(k);
        random.nextBytes(n);
        byte[] m = new byte[NaclCrypto.ZERO_BYTES + 1024];
        random.nextBytes(m);
        java.util.Arrays.fill(m, 0, NaclCrypto.ZERO_BYTES, (byte) 0);
        byte[] c = new byte[m.length];
        byte[] back = new byte[m.length];
        // Warm up: the thread's engines exist, the methods are compiled.
        for (int i = 0; i < 20_000; i++) {
            n[0] = (byte) i;
            NaclCrypto.secretbox(c, m, m.length, n, k);
            NaclCrypto.secretboxOpen(back, c, c.length, n, k);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        int opened = 0;
        for (int i = 0; i < 1_000; i++) {
            n[1] = (byte) i;
            NaclCrypto.secretbox(c, m, m.length, n, k);
            opened += NaclCrypto.secretboxOpen(back, c, c.length, n, k) == 0 ? 1 : 0;
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(opened).isEqualTo(1_000);
        assertThat(back).isEqualTo(m);
        // Before, each call allocated its cipher's parameters and key copies (about 500 bytes a call).
        assertThat(allocated).as("bytes allocated by 1,000 boxes and 1,000 openings").isLessThan(16 * 1024);
    }
}
