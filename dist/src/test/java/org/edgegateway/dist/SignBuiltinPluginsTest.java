package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.edgegateway.core.plugins.PluginSignatures;
import org.edgegateway.core.plugins.TrustedPublishers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build step that signs the built-in plugins: the release key when given, else a marked development key. */
class SignBuiltinPluginsTest {
    @TempDir
    Path dir;
    Path built;

    @BeforeEach
    void builtPlugins() throws Exception {
        built = Files.createDirectories(dir.resolve("built"));
        for (String name : List.of("string", "json")) {
            Files.write(built.resolve("edge-gateway-plugin-" + name + "-0.1.0-plugin.zip"), name.getBytes());
        }
    }

    private static List<String> names(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The public key a signature file names (its third field). */
    private static String signer(Path sig) throws Exception {
        return Files.readString(sig).strip().split("\\s+")[2];
    }

    private static String keyOf(Path pub) throws Exception {
        return Files.readString(pub).strip().split("\\s+")[1];
    }

    @Test
    void withTheReleaseKeyTheBundleCarriesItsPublicHalfOnly() throws Exception {
        Path keys = Files.createDirectories(dir.resolve("offline-keys"));
        PluginSignatures.generate(keys.resolve("release.key"), keys.resolve("release.key.pub"), "acme release");
        Path publishers = dir.resolve("bundle/conf/publishers");
        Files.createDirectories(publishers);
        Files.writeString(publishers.resolve("stale.pub"), "left by an earlier build\n");

        String note = SignBuiltinPlugins.sign(built, dir.resolve("bundle/plugins"), publishers, dir.resolve("scratch"),
                keys.resolve("release.key"));

        assertThat(note).contains("with the release key");
        assertThat(names(publishers)).containsExactly(TrustedPublishers.RELEASE_KEY_FILE);
        assertThat(PluginSignatures.readPublicKey(publishers.resolve(TrustedPublishers.RELEASE_KEY_FILE)))
                .isEqualTo(PluginSignatures.publicKeyOf(keys.resolve("release.key")));
        assertThat(Files.readString(publishers.resolve(TrustedPublishers.RELEASE_KEY_FILE)))
                .contains(SignBuiltinPlugins.RELEASE_KEY_COMMENT);
        Path plugins = dir.resolve("bundle/plugins");
        assertThat(names(plugins)).containsExactly("edge-gateway-plugin-json-0.1.0.zip",
                "edge-gateway-plugin-json-0.1.0.zip.sig", "edge-gateway-plugin-string-0.1.0.zip",
                "edge-gateway-plugin-string-0.1.0.zip.sig");
        for (String sig : List.of("edge-gateway-plugin-json-0.1.0.zip.sig", "edge-gateway-plugin-string-0.1.0.zip.sig")) {
            assertThat(signer(plugins.resolve(sig))).isEqualTo(keyOf(publishers.resolve(TrustedPublishers.RELEASE_KEY_FILE)));
        }
        assertThat(Files.exists(dir.resolve("scratch"))).as("no development key made").isFalse();
        String privateKey = Files.readString(keys.resolve("release.key")).strip().split("\\s+")[1];
        try (Stream<Path> all = Files.walk(dir.resolve("bundle"))) {
            for (Path f : (Iterable<Path>) all.filter(Files::isRegularFile)::iterator) {
                assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString())
                        .doesNotContain(privateKey);
            }
        }
    }

    @Test
    void withoutOneAKeyIsMadeForTheBuildAndMarkedAsADevelopmentKey() throws Exception {
        Path publishers = dir.resolve("bundle/conf/publishers");
        String note = SignBuiltinPlugins.sign(built, dir.resolve("bundle/plugins"), publishers, dir.resolve("scratch"), null);

        assertThat(note).contains("DEVELOPMENT key").contains(SignBuiltinPlugins.RELEASE_KEY_PROPERTY);
        assertThat(names(publishers)).containsExactly(TrustedPublishers.DEV_KEY_FILE);
        assertThat(Files.readString(publishers.resolve(TrustedPublishers.DEV_KEY_FILE)))
                .contains("DEVELOPMENT BUILD KEY").contains("not an Edge Gateway release key");
        assertThat(signer(dir.resolve("bundle/plugins/edge-gateway-plugin-string-0.1.0.zip.sig")))
                .isEqualTo(keyOf(publishers.resolve(TrustedPublishers.DEV_KEY_FILE)));
        assertThat(names(dir.resolve("scratch"))).as("the private half stays in the build folder")
                .containsExactly("dev-build.key", "dev-build.key.pub");
        TrustedPublishers trusted = new TrustedPublishers(dir.resolve("home/keys/publishers"), publishers);
        assertThat(trusted.bundleEntries()).singleElement().satisfies(e -> assertThat(e.developmentKey()).isTrue());
        assertThat(trusted.keys()).as("nothing for third-party plugins").isEmpty();
    }

    @Test
    void aReleaseKeyThatIsNotThereStopsTheBuildNamingTheProperty() {
        assertThatThrownBy(() -> SignBuiltinPlugins.sign(built, dir.resolve("p"), dir.resolve("k"), dir.resolve("s"),
                dir.resolve("missing.key")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.key").hasMessageContaining("egw.release.key").hasMessageContaining("EGW_RELEASE_KEY");
    }
}
