package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZCertFilesTest {

    private static final String PYTHON = "/usr/bin/python3";

    @TempDir
    Path dir;

    @Test
    void writesTheCzmqLayout() {
        CurveKeyPair pair = CurveKeyPair.generate();
        ZCert cert = ZCert.of(pair, Map.of("site", "lab 3"));
        Clock clock = Clock.fixed(Instant.parse("2025-01-02T03:04:05Z"), ZoneOffset.UTC);
        assertThat(ZCertFiles.formatPublic(cert, clock)).isEqualTo(""
                + "#   ****  Generated on 2025-01-02T03:04:05Z by Edge Gateway  ****\n"
                + "#   ZeroMQ CURVE Public Certificate\n"
                + "#   Exchange securely, or use a secure mechanism to verify the contents\n"
                + "#   of this file after exchange. Store public certificates in your home\n"
                + "#   directory, in the .curve subdirectory.\n"
                + "\n"
                + "metadata\n"
                + "    site = \"lab 3\"\n"
                + "curve\n"
                + "    public-key = \"" + pair.publicZ85() + "\"\n");
        assertThat(ZCertFiles.formatSecret(cert, clock))
                .contains("#   ZeroMQ CURVE **Secret** Certificate\n")
                .endsWith("curve\n    public-key = \"" + pair.publicZ85() + "\"\n    secret-key = \""
                        + pair.secretZ85() + "\"\n");
    }

    @Test
    void roundTripsPublicAndSecretCertificates() throws IOException {
        CurveKeyPair pair = CurveKeyPair.generate();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("name", "sensor-7");
        meta.put("site", "roof # 2 = 'north'");
        ZCert cert = ZCert.of(pair, meta);

        ZCertFiles.writePublic(dir.resolve("a.key"), cert);
        ZCertFiles.writeSecret(dir.resolve("a.key_secret"), cert);

        ZCert pub = ZCertFiles.read(dir.resolve("a.key"));
        assertThat(pub.hasSecret()).isFalse();
        assertThat(pub.publicZ85()).isEqualTo(pair.publicZ85());
        assertThat(pub.metadata()).containsExactlyEntriesOf(meta);

        ZCert sec = ZCertFiles.read(dir.resolve("a.key_secret"));
        assertThat(sec).isEqualTo(cert);
        assertThat(sec.keyPair()).isEqualTo(pair);
    }

    @Test
    void secretFileIsOwnerOnlyAndNothingIsLeftBehind() throws IOException {
        ZCert cert = ZCert.of(CurveKeyPair.generate(), null);
        Path file = dir.resolve("s.key_secret");
        ZCertFiles.writeSecret(file, cert);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("s.key_secret");
        }
    }

    @Test
    void neverOverwrites() throws IOException {
        ZCert first = ZCert.of(CurveKeyPair.generate(), null);
        ZCert second = ZCert.of(CurveKeyPair.generate(), null);
        Path secret = dir.resolve("x.key_secret");
        Path pub = dir.resolve("x.key");
        ZCertFiles.writeSecret(secret, first);
        ZCertFiles.writePublic(pub, first);
        assertThatThrownBy(() -> ZCertFiles.writeSecret(secret, second))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining(secret.toString());
        assertThatThrownBy(() -> ZCertFiles.writePublic(pub, second))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(ZCertFiles.read(secret)).isEqualTo(first);
        try (var files = Files.list(dir)) {
            assertThat(files.count()).isEqualTo(2);
        }
    }

    @Test
    void writePairRefusesIfEitherFileExists() throws IOException {
        Files.writeString(dir.resolve("p.key"), "not ours");
        assertThatThrownBy(() -> ZCertFiles.writePair(dir, "p", CurveKeyPair.generate(), Map.of()))
                .isInstanceOf(FileAlreadyExistsException.class)
                .hasMessageContaining("p.key");
        assertThat(dir.resolve("p.key_secret")).doesNotExist();
        assertThat(Files.readString(dir.resolve("p.key"))).isEqualTo("not ours");

        Files.writeString(dir.resolve("q.key_secret"), "not ours");
        assertThatThrownBy(() -> ZCertFiles.writePair(dir, "q", CurveKeyPair.generate(), Map.of()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(dir.resolve("q.key")).doesNotExist();

        assertThatThrownBy(() -> ZCertFiles.writePair(dir, "../evil", CurveKeyPair.generate(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("certificate name '../evil'");
    }

    @Test
    void loadOrGenerateGeneratesOnceThenLoads() throws IOException {
        Path keys = dir.resolve("home").resolve("keys");
        CurveKeyPair first = ZCertFiles.loadOrGenerate(keys, "server");
        assertThat(keys.resolve("server.key")).exists();
        assertThat(keys.resolve("server.key_secret")).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve("server.key_secret"))))
                .isEqualTo("rw-------");

        CurveKeyPair again = ZCertFiles.loadOrGenerate(keys, "server");
        assertThat(again).isEqualTo(first);
    }

    @Test
    void loadOrGenerateRefusesASecretOthersCanRead() throws IOException {
        ZCertFiles.loadOrGenerate(dir, "server");
        Path secret = dir.resolve("server.key_secret");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> ZCertFiles.loadOrGenerate(dir, "server"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(secret.toString())
                .hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw----r--"));
        assertThatThrownBy(() -> ZCertFiles.loadOrGenerate(dir, "server")).isInstanceOf(IOException.class);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("r--------"));
        assertThat(ZCertFiles.loadOrGenerate(dir, "server")).isNotNull();
    }

    @Test
    void loadOrGenerateRefusesAPublicFileWithoutItsSecret() throws IOException {
        CurveKeyPair pair = ZCertFiles.loadOrGenerate(dir, "server");
        Files.delete(dir.resolve("server.key_secret"));
        assertThatThrownBy(() -> ZCertFiles.loadOrGenerate(dir, "server"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("server.key_secret")
                .hasMessageContaining("is missing");
        assertThat(ZCertFiles.read(dir.resolve("server.key")).publicZ85()).isEqualTo(pair.publicZ85());
    }

    @Test
    void loadOrGenerateRewritesAMissingPublicFileAndChecksAMismatchedOne() throws IOException {
        CurveKeyPair pair = ZCertFiles.loadOrGenerate(dir, "server");
        Files.delete(dir.resolve("server.key"));
        assertThat(ZCertFiles.loadOrGenerate(dir, "server")).isEqualTo(pair);
        assertThat(ZCertFiles.read(dir.resolve("server.key")).publicZ85()).isEqualTo(pair.publicZ85());

        Files.delete(dir.resolve("server.key"));
        ZCertFiles.writePublic(dir.resolve("server.key"), ZCert.of(CurveKeyPair.generate(), null));
        assertThatThrownBy(() -> ZCertFiles.loadOrGenerate(dir, "server"))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("holds public key");
    }

    @Test
    void readsFilesWrittenByCzmqAndPyzmqByHand() throws IOException {
        CurveKeyPair pair = CurveKeyPair.generate();
        Path czmq = dir.resolve("czmq.key_secret");
        Files.writeString(czmq, "#   ****  Generated on 2015-03-02 11:11:11 by CZMQ  ****\n"
                + "#   ZeroMQ CURVE **Secret** Certificate\n"
                + "#   DO NOT PROVIDE THIS FILE TO OTHER USERS nor change its permissions.\n"
                + "\n"
                + "metadata\n"
                + "    email = \"a@example.org\"\n"
                + "    name = \"Alice\"\n"
                + "curve\n"
                + "    public-key = \"" + pair.publicZ85() + "\"\n"
                + "    secret-key = \"" + pair.secretZ85() + "\"\n");
        ZCert c = ZCertFiles.read(czmq);
        assertThat(c.keyPair()).isEqualTo(pair);
        assertThat(c.metadata()).containsExactly(Map.entry("email", "a@example.org"), Map.entry("name", "Alice"));

        Path py = dir.resolve("py.key");
        Files.writeString(py, "#   ****  Generated on 2024-05-01 by pyzmq  ****\r\n"
                + "#   ZeroMQ CURVE Public Certificate\r\n\r\n"
                + "metadata\r\n"
                + "    owner = Bob the builder\r\n"
                + "curve\r\n"
                + "    public-key = '" + pair.publicZ85() + "'   # trailing comment\r\n");
        ZCert p = ZCertFiles.read(py);
        assertThat(p.hasSecret()).isFalse();
        assertThat(p.publicZ85()).isEqualTo(pair.publicZ85());
        assertThat(p.metadata()).containsExactly(Map.entry("owner", "Bob the builder"));
    }

    @Test
    void formatErrorsNameTheFileAndLine() throws IOException {
        String good = CurveKeyPair.generate().publicZ85();
        assertFormatError("curve\n    public-key = \"" + good.substring(1) + "\"\n",
                ":2: public-key: Z85 key must be 40 characters, got 39");
        assertFormatError("# c\ncurve\n    public-key = \"" + good.substring(1) + "~\"\n",
                ":3: public-key: invalid Z85 character '~' at position 39");
        assertFormatError("metadata\n    a = \"b\"\n", ": has no public-key in a 'curve' section");
        assertFormatError("curve\n    public-key = \"" + good + "\"\n    public-key = \"" + good + "\"\n",
                ":3: public-key appears twice");
        assertFormatError("curve\n    public-key = \"" + good + "\n", ":2: quoted value has no closing \"");
        assertFormatError("curve\n    public-key = \"" + good + "\" x\n", ":2: unexpected text after the quoted value");
        CurveKeyPair other = CurveKeyPair.generate();
        assertFormatError("curve\n    public-key = \"" + good + "\"\n    secret-key = \"" + other.secretZ85() + "\"\n",
                ":2: public-key does not belong to the secret-key");
    }

    private void assertFormatError(String content, String expected) throws IOException {
        Path file = Files.createTempFile(dir, "bad", ".key");
        Files.writeString(file, content);
        assertThatThrownBy(() -> ZCertFiles.read(file))
                .isInstanceOf(ZCertFormatException.class)
                .hasMessage(file + expected);
    }

    @Test
    void refusesMetadataPyzmqWouldMisread() {
        CurveKeyPair pair = CurveKeyPair.generate();
        assertThatThrownBy(() -> ZCert.of(pair, Map.of("public-key-2", "x")))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> ZCert.of(pair, Map.of("a", "x\ny")))
                .hasMessageContaining("forbidden character");
        assertThatThrownBy(() -> ZCert.of(pair, Map.of("a b", "x")))
                .hasMessageContaining("'a b'");
    }

    // ------------------------------------------------------------ interop with pyzmq

    @Test
    void pyzmqReadsTheCertificatesWeWrite() throws Exception {
        assumePyzmq();
        CurveKeyPair pair = CurveKeyPair.generate();
        ZCertFiles.writePair(dir, "gateway", pair, Map.of("site", "lab"));
        List<String> out = python("""
                import sys, zmq, zmq.auth
                d = sys.argv[1]
                p, s = zmq.auth.load_certificate(d + '/gateway.key_secret')
                print(p.decode()); print(s.decode())
                p2, s2 = zmq.auth.load_certificate(d + '/gateway.key')
                print(p2.decode()); print(s2)
                print(zmq.curve_public(s).decode())
                print(list(zmq.auth.load_certificates(d).keys())[0].decode())
                """, dir.toString());
        assertThat(out).containsExactly(pair.publicZ85(), pair.secretZ85(), pair.publicZ85(), "None",
                pair.publicZ85(), pair.publicZ85());
    }

    @Test
    void weReadTheCertificatesPyzmqWrites() throws Exception {
        assumePyzmq();
        List<String> out = python("""
                import sys, zmq.auth
                pub, sec = zmq.auth.create_certificates(sys.argv[1], 'sensor', metadata={'site': 'roof 2'})
                p, s = zmq.auth.load_certificate(sec)
                print(p.decode()); print(s.decode())
                """, dir.toString());
        assertThat(out).hasSize(2);
        ZCert secret = ZCertFiles.read(dir.resolve("sensor.key_secret"));
        assertThat(secret.publicZ85()).isEqualTo(out.get(0));
        assertThat(secret.secretZ85()).isEqualTo(out.get(1));
        assertThat(secret.metadata()).containsExactly(Map.entry("site", "roof 2"));
        assertThat(CurveKeyPair.fromSecretZ85(out.get(1)).publicZ85()).isEqualTo(out.get(0));

        ZCert pub = ZCertFiles.read(dir.resolve("sensor.key"));
        assertThat(pub.hasSecret()).isFalse();
        assertThat(pub.publicZ85()).isEqualTo(out.get(0));
    }

    private static void assumePyzmq() throws Exception {
        boolean available;
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import zmq").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            available = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            available = false;
        }
        Assumptions.assumeTrue(available, PYTHON + " with pyzmq (python3-zmq) is not installed");
    }

    private static List<String> python(String script, String arg) throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", script, arg).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("python finished").isTrue();
        assertThat(p.exitValue()).as("python exit code; output:\n" + out).isZero();
        return out.lines().toList();
    }
}
