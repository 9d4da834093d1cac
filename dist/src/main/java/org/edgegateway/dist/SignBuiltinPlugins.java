package org.edgegateway.dist;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.edgegateway.core.plugins.PluginSignatures;
import org.edgegateway.core.plugins.TrustedPublishers;

/**
 * Build step: signs the built-in plugins for the bundle and puts the public half of the key in the
 * bundle's {@code conf/publishers/}, whose keys the gateway trusts for the bundle's own plugins only,
 * without copying them into any home.
 *
 * <p>Which key: the release key when one is given, by the property {@code egw.release.key} or the
 * environment variable {@code EGW_RELEASE_KEY} (the path of an Edge Gateway private key file, kept
 * off the repository and off build machines that do not make releases; see docs/RELEASING.md). Then
 * the bundle carries {@value TrustedPublishers#RELEASE_KEY_FILE}. Without one (development and CI
 * builds) a key is made for this one build, its private half left in the build folder and thrown
 * away with it, and the bundle carries {@value TrustedPublishers#DEV_KEY_FILE}, marked as such in its
 * comment, in the gateway's log and in {@code doctor}.
 *
 * <p>Arguments: the folder of the built plugin zips, the bundle's plugins folder, the bundle's
 * publishers folder, a scratch folder for a development key, and the release key path (may be empty).
 */
public final class SignBuiltinPlugins {
    static final String RELEASE_KEY_PROPERTY = "egw.release.key";
    static final String RELEASE_KEY_VARIABLE = "EGW_RELEASE_KEY";
    static final String DEV_KEY_COMMENT = "DEVELOPMENT BUILD KEY, made for one build: not an Edge Gateway release key";
    static final String RELEASE_KEY_COMMENT = "Edge Gateway release key";

    private SignBuiltinPlugins() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4 && args.length != 5) {
            throw new IllegalArgumentException(
                    "usage: SignBuiltinPlugins BUILT_DIR PLUGINS_DIR PUBLISHERS_DIR KEY_DIR [RELEASE_KEY]");
        }
        // exec-maven-plugin passes an empty property as a null argument
        String releaseKey = args.length == 5 && args[4] != null && !args[4].isBlank() ? args[4].strip()
                : System.getenv(RELEASE_KEY_VARIABLE);
        String message = sign(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]),
                releaseKey == null || releaseKey.isBlank() ? null : Path.of(releaseKey));
        System.out.println(message);
    }

    /**
     * Signs every {@code *.zip} of {@code built} into {@code plugins} with {@code releaseKey}, or with a
     * key made in {@code scratch} when it is null, and writes the public key into {@code publishers}
     * (emptied first, so a bundle never carries two). Returns what it did, for the build log.
     */
    static String sign(Path built, Path plugins, Path publishers, Path scratch, Path releaseKey) throws IOException {
        Files.createDirectories(plugins);
        Files.createDirectories(publishers);
        try (Stream<Path> old = Files.list(publishers)) {
            for (Path p : (Iterable<Path>) old::iterator) {
                Files.delete(p);
            }
        }
        Path key;
        String note;
        if (releaseKey != null) {
            if (!Files.isRegularFile(releaseKey)) {
                throw new IllegalArgumentException("release key " + releaseKey + " (" + RELEASE_KEY_PROPERTY + " or "
                        + RELEASE_KEY_VARIABLE + ") is not a file");
            }
            key = releaseKey;
            PluginSignatures.PublicKey pub = PluginSignatures.publicKeyOf(key);
            Files.writeString(publishers.resolve(TrustedPublishers.RELEASE_KEY_FILE), pub.toFileLine(RELEASE_KEY_COMMENT),
                    StandardCharsets.US_ASCII);
            note = "with the release key " + pub.fingerprint();
        } else {
            Files.createDirectories(scratch);
            key = scratch.resolve("dev-build.key");
            Files.deleteIfExists(key);
            Files.deleteIfExists(scratch.resolve("dev-build.key.pub"));
            String fingerprint = PluginSignatures.generate(key, DEV_KEY_COMMENT).fingerprint();
            Files.copy(scratch.resolve("dev-build.key.pub"), publishers.resolve(TrustedPublishers.DEV_KEY_FILE),
                    StandardCopyOption.REPLACE_EXISTING);
            note = "with a DEVELOPMENT key made for this build (" + fingerprint + "), not a release key: set "
                    + RELEASE_KEY_PROPERTY + " or " + RELEASE_KEY_VARIABLE + " to sign a release";
        }
        int n = 0;
        try (Stream<Path> files = Files.list(built)) {
            for (Path zip : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".zip")).sorted()::iterator) {
                Path target = plugins.resolve(zip.getFileName().toString().replace("-plugin.zip", ".zip"));
                Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(Path.of(target + ".sig"));
                PluginSignatures.sign(target, key);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no built-in plugin zips in " + built);
        }
        return "signed " + n + " built-in plugins into " + plugins + " " + note;
    }
}
