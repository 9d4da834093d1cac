package org.edgegateway.core.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginSignaturesTest {
    @TempDir
    Path dir;

    @Test
    void aSignatureByATrustedKeyVerifiesAndAnyChangedByteBreaksIt() throws Exception {
        PluginSignatures.PublicKey key = PluginSignatures.generate(dir.resolve("k"), dir.resolve("k.pub"), "acme");
        Path file = dir.resolve("p.zip");
        Files.write(file, new byte[] {1, 2, 3, 4, 5});
        Path sig = PluginSignatures.sign(file, dir.resolve("k"));

        PluginSignatures.Verdict ok = PluginSignatures.verify(file, Files.readString(sig), Set.of(key));
        assertThat(ok.valid()).isTrue();
        assertThat(ok.signer()).isEqualTo(key);

        Files.write(file, new byte[] {1, 2, 3, 4, 6});
        PluginSignatures.Verdict tampered = PluginSignatures.verify(file, Files.readString(sig), Set.of(key));
        assertThat(tampered.valid()).isFalse();
        assertThat(tampered.reason()).contains("does not match the file");
    }

    @Test
    void untrustedUnsignedAndMalformedAreRefusedWithTheirReason() throws Exception {
        PluginSignatures.PublicKey trusted = PluginSignatures.generate(dir.resolve("a"), dir.resolve("a.pub"), null);
        PluginSignatures.PublicKey other = PluginSignatures.generate(dir.resolve("b"), dir.resolve("b.pub"), null);
        Path file = dir.resolve("p.zip");
        Files.write(file, new byte[] {9});
        Path sig = PluginSignatures.sign(file, dir.resolve("b"));

        assertThat(PluginSignatures.verify(file, Files.readString(sig), Set.of(trusted)).reason())
                .isEqualTo("signed by untrusted publisher key " + other.fingerprint() + " (trust it with 'plugins trust KEY.pub')");
        assertThat(PluginSignatures.verify(file, null, Set.of(trusted)).reason()).startsWith("unsigned");
        assertThat(PluginSignatures.verify(file, "garbage", Set.of(trusted)).reason()).startsWith("malformed signature");
    }

    @Test
    void trustTakesPublicKeysOnlyAndKeysNeverOverwrite() throws Exception {
        PluginSignatures.PublicKey key = PluginSignatures.generate(dir.resolve("k"), dir.resolve("k.pub"), "x");
        TrustedPublishers publishers = new TrustedPublishers(dir.resolve("publishers"));
        assertThat(publishers.keys()).isEmpty();

        assertThat(publishers.trust(dir.resolve("k.pub"))).isEqualTo(key);
        assertThat(publishers.keys()).containsExactly(key);
        assertThat(dir.resolve("publishers").resolve(key.fingerprint() + ".pub")).exists();

        assertThatThrownBy(() -> publishers.trust(dir.resolve("k")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a private key")
                .hasMessageNotContaining(Files.readString(dir.resolve("k")).split(" ")[1].trim());
        assertThatThrownBy(() -> PluginSignatures.generate(dir.resolve("k"), dir.resolve("k2.pub"), null))
                .hasMessageContaining("refusing to overwrite");
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("k")))).isEqualTo("rw-------");
    }

    @Test
    void keygenLayoutSignsAndIsTrustedByFingerprint() throws Exception {
        String fingerprint = PluginSignatures.generate(dir.resolve("pub/acme"), "acme").fingerprint();
        Path file = dir.resolve("p.zip");
        Files.write(file, new byte[] {1});
        assertThat(PluginSignatures.sign(file, dir.resolve("pub/acme"))).isEqualTo(dir.resolve("p.zip.sig"));
        assertThat(new TrustedPublishers(dir.resolve("publishers")).trust(dir.resolve("pub/acme.pub")).fingerprint())
                .isEqualTo(fingerprint);
    }
}
