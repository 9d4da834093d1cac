package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one bundle format: the same files, with the same modes, in a folder, a zip and a tar.gz. */
class ClientBundleFilesTest {
    private static final String ENDPOINT = "tcp://gateway.example:5555";

    private final CurveKeyPair pair = CurveKeyPair.generate();
    private final CurveKeyPair server = CurveKeyPair.generate();

    private ClientBundleFiles bundle() {
        return ClientBundleFiles.of("sensor-1", pair, server.publicZ85(), ENDPOINT);
    }

    @Test
    void aFolderHoldsTheThreeCertificatesWithTheirModes(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("sensor-1");
        bundle().writeTo(out);
        assertBundle(out);
        assertThatThrownBy(() -> bundle().writeTo(out)).isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("sensor-1.key");
    }

    @Test
    void aZipUnpacksWithTheSecretOwnerOnly(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unzip")), "no /usr/bin/unzip");
        Path zip = dir.resolve("sensor-1.zip");
        Files.write(zip, bundle().archive(ClientBundleFiles.Format.ZIP));
        run(dir, "/usr/bin/unzip", "-q", zip.toString());
        assertBundle(dir.resolve("sensor-1"));
        assertThat(mode(dir.resolve("sensor-1"))).isEqualTo("rwx------");
        // java.util.zip reads it too
        try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
            List<String> names = new java.util.ArrayList<>();
            for (var e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                names.add(e.getName());
            }
            assertThat(names).containsExactly("sensor-1/", "sensor-1/sensor-1.key", "sensor-1/sensor-1.key_secret",
                    "sensor-1/server.key");
        }
    }

    @Test
    void aTarGzUnpacksWithTheSecretOwnerOnly(@TempDir Path dir) throws Exception {
        Path tgz = dir.resolve("sensor-1.tar.gz");
        Files.write(tgz, bundle().archive(ClientBundleFiles.Format.TAR_GZ));
        run(dir, "tar", "-xzf", tgz.toString());
        assertBundle(dir.resolve("sensor-1"));
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> ClientBundleFiles.of("sensor-1", pair, server.publicZ85(), "gateway:5555"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gateway:5555");
        assertThatThrownBy(() -> ClientBundleFiles.of("../x", pair, server.publicZ85(), ENDPOINT))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientBundleFiles.Format.parse("rar")).hasMessageContaining("'rar'");
        assertThat(ClientBundleFiles.Format.parse(null)).isEqualTo(ClientBundleFiles.Format.ZIP);
        assertThat(ClientBundleFiles.Format.parse("tar.gz").fileName("a")).isEqualTo("a.tar.gz");
    }

    private void assertBundle(Path dir) throws Exception {
        assertThat(mode(dir.resolve("sensor-1.key_secret"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("sensor-1.key"))).isEqualTo("rw-r--r--");
        assertThat(mode(dir.resolve("server.key"))).isEqualTo("rw-r--r--");
        ZCert secret = ZCertFiles.read(dir.resolve("sensor-1.key_secret"));
        assertThat(secret.publicZ85()).isEqualTo(pair.publicZ85());
        assertThat(secret.secretZ85()).isEqualTo(pair.secretZ85());
        assertThat(ZCertFiles.read(dir.resolve("sensor-1.key")).publicZ85()).isEqualTo(pair.publicZ85());
        ZCert serverCert = ZCertFiles.read(dir.resolve("server.key"));
        assertThat(serverCert.publicZ85()).isEqualTo(server.publicZ85());
        assertThat(serverCert.metadata()).containsEntry("endpoint", ENDPOINT);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }
}
