package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

class Z85Test {

    private static final byte[] RFC32_BYTES = {
        (byte) 0x86, 0x4F, (byte) 0xD2, 0x6F, (byte) 0xB5, 0x59, (byte) 0xF7, 0x5B};

    @Test
    void encodesTheRfc32TestVector() {
        assertThat(Z85.encode(RFC32_BYTES)).isEqualTo("HelloWorld");
    }

    @Test
    void decodesTheRfc32TestVector() {
        assertThat(Z85.decode("HelloWorld")).containsExactly(RFC32_BYTES);
    }

    @Test
    void roundTripsRandomDataOfEveryLengthUpTo256() {
        Random random = new Random(42);
        for (int len = 0; len <= 256; len += 4) {
            for (int rep = 0; rep < 20; rep++) {
                byte[] data = new byte[len];
                random.nextBytes(data);
                String text = Z85.encode(data);
                assertThat(text).hasSize(len / 4 * 5);
                assertThat(Z85.decode(text)).containsExactly(data);
            }
        }
    }

    @Test
    void roundTripsExtremeValues() {
        byte[] zeros = new byte[32];
        byte[] ones = new byte[32];
        java.util.Arrays.fill(ones, (byte) 0xFF);
        assertThat(Z85.decode(Z85.encode(zeros))).containsExactly(zeros);
        assertThat(Z85.decode(Z85.encode(ones))).containsExactly(ones);
        assertThat(Z85.encode(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF})).isEqualTo("%nSc0");
    }

    @Test
    void agreesWithJeromq() {
        Random random = new Random(7);
        for (int i = 0; i < 200; i++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            String ours = Z85.encode(key);
            assertThat(ours).isEqualTo(ZMQ.Curve.z85Encode(key));
            assertThat(ZMQ.Curve.z85Decode(ours)).containsExactly(key);
        }
    }

    @Test
    void decodeKeyNeedsExactlyFortyCharacters() {
        String key = Z85.encode(new byte[32]);
        assertThat(Z85.decodeKey(key)).hasSize(32);
        assertThatThrownBy(() -> Z85.decodeKey(key.substring(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Z85 key must be 40 characters, got 39");
        assertThatThrownBy(() -> Z85.decodeKey(key + "00000"))
                .hasMessage("Z85 key must be 40 characters, got 45");
        assertThatThrownBy(() -> Z85.decodeKey(null)).hasMessage("Z85 key is missing");
    }

    @Test
    void badCharacterIsReportedWithItsPosition() {
        assertThatThrownBy(() -> Z85.decode("Hello World"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of 5");
        assertThatThrownBy(() -> Z85.decode("Hell\"World"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid Z85 character '\"' at position 4");
        assertThatThrownBy(() -> Z85.decode("HelloWor~d"))
                .hasMessage("invalid Z85 character '~' at position 8");
        assertThatThrownBy(() -> Z85.decode("Hello\u00e9orld"))
                .hasMessage("invalid Z85 character U+00E9 at position 5");
    }

    @Test
    void groupAbove32BitsIsRefused() {
        assertThatThrownBy(() -> Z85.decode("%nSc1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("position 0")
                .hasMessageContaining("exceeds 32 bits");
        assertThatThrownBy(() -> Z85.decode("HelloWorld#####")).hasMessageContaining("position 10");
    }

    @Test
    void encodeNeedsAMultipleOfFourBytes() {
        assertThatThrownBy(() -> Z85.encode(new byte[5]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Z85 input length must be a multiple of 4 bytes, got 5");
        assertThat(Z85.encode(new byte[0])).isEmpty();
    }

    @Test
    void isValidKey() {
        assertThat(Z85.isValidKey(Z85.encode(new byte[32]))).isTrue();
        assertThat(Z85.isValidKey("short")).isFalse();
        assertThat(Z85.isValidKey(null)).isFalse();
    }
}
