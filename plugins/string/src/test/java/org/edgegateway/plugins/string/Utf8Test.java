package org.edgegateway.plugins.string;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The allocation-free validator accepts exactly what a strict JDK decoder accepts. */
class Utf8Test {

    @Property(tries = 5000)
    void agreesWithTheStrictDecoderOnAnyBytes(@ForAll("nearlyUtf8") byte[] bytes) {
        assertThat(Utf8.isValid(bytes)).as(hex(bytes)).isEqualTo(strict(bytes));
    }

    @Property(tries = 2000)
    void acceptsEveryEncodedString(@ForAll String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.isValid(bytes)).isEqualTo(strict(bytes));
    }

    @Test
    void refusesTheClassicTraps() {
        assertThat(Utf8.isValid(new byte[] {(byte) 0xc0, (byte) 0x80})).as("overlong NUL").isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).as("surrogate").isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})).as("> U+10FFFF").isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xe2, (byte) 0x82})).as("truncated").isFalse();
        assertThat(Utf8.isValid(new byte[] {(byte) 0xc3, (byte) 0x28})).as("bad continuation").isFalse();
        assertThat(Utf8.isValid("héllo €𝄞".getBytes(StandardCharsets.UTF_8))).isTrue();
        assertThat(Utf8.isValid(new byte[0])).isTrue();
    }

    /** Mostly bytes that look like UTF-8 lead and continuation bytes, where the edge cases are. */
    @Provide
    Arbitrary<byte[]> nearlyUtf8() {
        Arbitrary<Byte> interesting = Arbitraries.of((byte) 0x41, (byte) 0x7f, (byte) 0x80, (byte) 0x8f, (byte) 0x90,
                (byte) 0x9f, (byte) 0xa0, (byte) 0xbf, (byte) 0xc0, (byte) 0xc1, (byte) 0xc2, (byte) 0xdf, (byte) 0xe0,
                (byte) 0xed, (byte) 0xef, (byte) 0xf0, (byte) 0xf4, (byte) 0xf5, (byte) 0xff);
        Arbitrary<Byte> any = Arbitraries.bytes();
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, interesting), net.jqwik.api.Tuple.of(1, any))
                .array(byte[].class).ofMaxSize(12);
    }

    private static boolean strict(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%02x ", x));
        }
        return s.toString();
    }
}
