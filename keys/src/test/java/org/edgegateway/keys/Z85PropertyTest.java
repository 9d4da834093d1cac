package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.zeromq.ZMQ;

class Z85PropertyTest {

    private static final String ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

    @Provide
    Arbitrary<byte[]> quads() {
        return Arbitraries.integers().between(0, 64)
                .flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n * 4));
    }

    @Provide
    Arbitrary<byte[]> keys() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32);
    }

    @Property
    void decodeInvertsEncode(@ForAll("quads") byte[] data) {
        String text = Z85.encode(data);
        assertThat(text).hasSize(data.length / 4 * 5);
        assertThat(text.chars()).allMatch(c -> ALPHABET.indexOf(c) >= 0);
        assertThat(Z85.decode(text)).containsExactly(data);
    }

    @Property
    void keysRoundTripAndMatchJeromq(@ForAll("keys") byte[] key) {
        String text = Z85.encode(key);
        assertThat(text).isEqualTo(ZMQ.Curve.z85Encode(key));
        assertThat(Z85.decodeKey(text)).containsExactly(key);
    }

    @Property
    void aForeignCharacterIsReportedAtItsPosition(@ForAll("keys") byte[] key,
                                                  @ForAll @IntRange(min = 0, max = 39) int position,
                                                  @ForAll("foreign") char bad) {
        StringBuilder text = new StringBuilder(Z85.encode(key));
        text.setCharAt(position, bad);
        assertThatThrownBy(() -> Z85.decodeKey(text.toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(" at position " + position);
    }

    @Provide
    Arbitrary<Character> foreign() {
        return Arbitraries.chars().filter(c -> ALPHABET.indexOf(c) < 0);
    }

    @Property
    void everyWrongLengthIsRefusedForKeys(@ForAll @IntRange(min = 0, max = 100) int length) {
        String text = "0".repeat(length);
        if (length == 40) {
            assertThat(Z85.decodeKey(text)).hasSize(32);
        } else {
            assertThatThrownBy(() -> Z85.decodeKey(text))
                    .hasMessage("Z85 key must be 40 characters, got " + length);
        }
    }
}
