package org.edgegateway.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ZplTest {
    private static final String PUBLIC = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
    private static final String SECRET = "JTKVSB%%)wK0E.X)V>+}o?pNmC{O*DAj6ciTbr]&";

    private static Map<String, String> map(String text) {
        Map<String, String> m = new LinkedHashMap<>();
        Zpl.parse(text).forEach(p -> m.put(p.path(), p.value()));
        return m;
    }

    @Test
    void readsWhatCzmqAndPyzmqWrite() {
        String text = String.join("\r\n",
                "#   ****  Generated on 2026-01-01 by pyzmq  ****",
                "#   ZeroMQ CURVE **Secret** Certificate",
                "",
                "metadata",
                "    endpoint = \"tcp://10.0.0.1:5555\"  # where to connect",
                "    note = 'a # not a comment'",
                "    owner = Bob the builder # bare, as pyzmq writes metadata",
                "curve",
                "\tpublic-key = \"" + PUBLIC + "\"",
                "\tsecret-key = \"" + SECRET + "\"", "");
        assertThat(map(text)).containsExactly(
                Map.entry("metadata/endpoint", "tcp://10.0.0.1:5555"),
                Map.entry("metadata/note", "a # not a comment"),
                Map.entry("metadata/owner", "Bob the builder"),
                Map.entry("curve/public-key", PUBLIC),
                Map.entry("curve/secret-key", SECRET));
    }

    @Test
    void nestsByIndentationAndNumbersLines() {
        List<Zpl.Property> p = Zpl.parse("top = 1\nsection\n  child = a\n      deeper\n        leaf = b\n  sibling = c\n");
        assertThat(p).containsExactly(new Zpl.Property("top", "1", 1), new Zpl.Property("section/child", "a", 3),
                new Zpl.Property("section/child/deeper/leaf", "b", 5), new Zpl.Property("section/sibling", "c", 6));
    }

    @Test
    void badLinesAreNamedByNumber() {
        assertThatThrownBy(() -> Zpl.parse("curve\n    public-key = \"x\n")).isInstanceOf(Zpl.FormatException.class)
                .hasMessage("quoted value has no closing \"").extracting(e -> ((Zpl.FormatException) e).line())
                .isEqualTo(2);
        assertThatThrownBy(() -> Zpl.parse("curve\n    public-key = \"x\" y\n"))
                .hasMessage("unexpected text after the quoted value");
        assertThatThrownBy(() -> Zpl.parse("# c\n = 3\n")).hasMessage("expected a name before '='")
                .extracting(e -> ((Zpl.FormatException) e).line()).isEqualTo(2);
    }

    @Test
    void aCertificateReadsBackAsWritten() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("name", "pump-3");
        metadata.put("endpoint", "tcp://gw:5555");
        String secret = Zpl.certificate("2026-12-02T10:00:00Z", metadata, PUBLIC, SECRET);
        assertThat(secret).startsWith("#   ****  Generated on 2026-12-02T10:00:00Z by Edge Gateway  ****\n")
                .contains("**Secret**");
        assertThat(map(secret)).containsExactly(Map.entry("metadata/name", "pump-3"),
                Map.entry("metadata/endpoint", "tcp://gw:5555"), Map.entry("curve/public-key", PUBLIC),
                Map.entry("curve/secret-key", SECRET));
        String pub = Zpl.certificate("2026-12-02T10:00:00Z", Map.of(), PUBLIC, null);
        assertThat(pub).contains("Public Certificate").doesNotContain("secret-key");
        assertThat(map(pub)).containsExactly(Map.entry("curve/public-key", PUBLIC));
    }
}
