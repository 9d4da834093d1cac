package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsMaterialTest {

    @TempDir
    Path dir;

    @Test
    void generatedCertificateNamesTheBindAddressAndItsFilesAreOwnerOnly() throws Exception {
        TlsMaterial tls = TlsMaterial.selfSigned(dir, "192.168.7.9", Clock.systemUTC());
        assertThat(tls.certificate().getSubjectAlternativeNames()).extracting(l -> l.get(1).toString())
                .contains("localhost", "127.0.0.1", "192.168.7.9");
        for (String f : List.of(TlsMaterial.KEY_STORE_FILE, TlsMaterial.PASSWORD_FILE)) {
            assertThat(Files.getPosixFilePermissions(dir.resolve(f)))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
    }

    @Test
    void isReplacedWhenTheBindAddressChangesOrItExpires() {
        String first = TlsMaterial.selfSigned(dir, "127.0.0.1", Clock.systemUTC()).fingerprint();
        assertThat(TlsMaterial.selfSigned(dir, "127.0.0.1", Clock.systemUTC()).fingerprint()).isEqualTo(first);
        String moved = TlsMaterial.selfSigned(dir, "10.1.2.3", Clock.systemUTC()).fingerprint();
        assertThat(moved).isNotEqualTo(first);
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofDays(900)), java.time.ZoneOffset.UTC);
        assertThat(TlsMaterial.selfSigned(dir, "10.1.2.3", later).fingerprint()).isNotEqualTo(moved);
    }

    @Test
    void loadsAnAdminSuppliedPkcs12AndNamesTheFileWhenItCannot() throws Exception {
        Path other = dir.resolve("supplied");
        TlsMaterial made = TlsMaterial.selfSigned(other, "127.0.0.1", Clock.systemUTC());
        String password = Files.readString(other.resolve(TlsMaterial.PASSWORD_FILE)).strip();
        Path p12 = other.resolve(TlsMaterial.KEY_STORE_FILE);
        assertThat(TlsMaterial.loadPkcs12(p12, password).fingerprint()).isEqualTo(made.fingerprint());
        assertThatThrownBy(() -> TlsMaterial.loadPkcs12(p12, "wrong")).hasMessageContaining(p12.toString())
                .hasMessageNotContaining(password);
        assertThatThrownBy(() -> TlsMaterial.loadPkcs12(dir.resolve("missing.p12"), "x"))
                .hasMessageContaining("missing.p12");
    }
}
