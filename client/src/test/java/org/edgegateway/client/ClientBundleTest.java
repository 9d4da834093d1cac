package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.ZMQ;

class ClientBundleTest {
    @TempDir
    Path tmp;

    @Test
    void readsTheFolderThatClientsAddWrites() throws Exception {
        TestBundles.Server server = TestBundles.newServer();
        String clientKey = TestBundles.write(tmp, "pump-3", server, "tcp://gw.example:5555");
        ClientBundle bundle = ClientBundle.load(tmp);
        assertThat(bundle.name()).isEqualTo("pump-3");
        assertThat(ZMQ.Curve.z85Encode(bundle.publicKey())).isEqualTo(clientKey);
        assertThat(bundle.serverKey()).isEqualTo(server.publicKey());
        assertThat(bundle.secretKey()).hasSize(32);
        assertThat(bundle.endpoint()).contains("tcp://gw.example:5555");
        assertThat(bundle.toString()).contains("pump-3").doesNotContain(ZMQ.Curve.z85Encode(bundle.secretKey()));
    }

    @Test
    void badCertificateIsReportedWithFileAndLine() throws Exception {
        Path file = tmp.resolve("f.key");
        Files.writeString(file, "curve\n    public-key = \"x\n");
        assertThatThrownBy(() -> BundleFiles.read(file))
                .isInstanceOf(BundleException.class).hasMessage(file + " line 2: quoted value has no closing \"");
    }

    @Test
    void missingPiecesAreNamed() throws Exception {
        assertThatThrownBy(() -> ClientBundle.load(tmp.resolve("absent")))
                .isInstanceOf(BundleException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ClientBundle.load(tmp))
                .isInstanceOf(BundleException.class).hasMessageContaining("no client certificate");
        TestBundles.Server server = TestBundles.newServer();
        TestBundles.write(tmp, "a", server, null);
        Files.delete(tmp.resolve("server.key"));
        assertThatThrownBy(() -> ClientBundle.load(tmp))
                .isInstanceOf(BundleException.class).hasMessageContaining("server.key").hasMessageContaining("missing");
        TestBundles.write(tmp, "b", server, null);
        assertThatThrownBy(() -> ClientBundle.load(tmp))
                .isInstanceOf(BundleException.class).hasMessageContaining("several").hasMessageContaining("a.key_secret");
        assertThat(ClientBundle.load(tmp, "b").name()).isEqualTo("b");
    }

    @Test
    void mismatchedPublicCertificateIsRefused() throws Exception {
        TestBundles.Server server = TestBundles.newServer();
        TestBundles.write(tmp.resolve("one"), "s", server, null);
        TestBundles.write(tmp.resolve("two"), "s", server, null);
        Files.copy(tmp.resolve("two/s.key"), tmp.resolve("one/s.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThatThrownBy(() -> ClientBundle.load(tmp.resolve("one")))
                .isInstanceOf(BundleException.class).hasMessageContaining("different public keys");
    }

    @Test
    void malformedKeyIsNamedWithoutShowingIt() throws Exception {
        TestBundles.Server server = TestBundles.newServer();
        TestBundles.write(tmp, "s", server, null);
        Files.writeString(tmp.resolve("s.key_secret"), "curve\n    public-key = \"short\"\n    secret-key = \"topsecret\"\n");
        Files.delete(tmp.resolve("s.key"));
        assertThatThrownBy(() -> ClientBundle.load(tmp))
                .isInstanceOf(BundleException.class).hasMessageContaining("curve.public-key")
                .hasMessageNotContaining("topsecret");
    }
}
