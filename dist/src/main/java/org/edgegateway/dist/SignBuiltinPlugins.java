package org.edgegateway.dist;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.edgegateway.core.plugins.PluginCommands;

/**
 * Build step: signs the built-in plugins for the bundle with an Ed25519 key made for this build.
 * The private half stays in the build folder and is thrown away with it; the public half ships in
 * the bundle's {@code conf/publishers/}, which the gateway trusts at start. No signing key is kept in
 * the repository.
 *
 * <p>Arguments: the folder of the built plugin zips, the bundle's plugins folder, the bundle's
 * publishers folder, a scratch folder for the key.
 */
public final class SignBuiltinPlugins {
    private SignBuiltinPlugins() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: SignBuiltinPlugins BUILT_DIR PLUGINS_DIR PUBLISHERS_DIR KEY_DIR");
        }
        Path built = Path.of(args[0]);
        Path plugins = Files.createDirectories(Path.of(args[1]));
        Path publishers = Files.createDirectories(Path.of(args[2]));
        Path keys = Files.createDirectories(Path.of(args[3]));
        Path key = keys.resolve("builtin-plugins.key");
        Files.deleteIfExists(key);
        Files.deleteIfExists(keys.resolve("builtin-plugins.key.pub"));
        PluginCommands.keygen(key, "Edge Gateway built-in plugins");
        Files.copy(keys.resolve("builtin-plugins.key.pub"), publishers.resolve("builtin-plugins.pub"),
                StandardCopyOption.REPLACE_EXISTING);
        int n = 0;
        try (Stream<Path> files = Files.list(built)) {
            for (Path zip : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".zip")).sorted()::iterator) {
                Path target = plugins.resolve(zip.getFileName().toString().replace("-plugin.zip", ".zip"));
                Files.copy(zip, target, StandardCopyOption.REPLACE_EXISTING);
                Files.deleteIfExists(Path.of(target + ".sig"));
                PluginCommands.sign(target, key);
                n++;
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no built-in plugin zips in " + built);
        }
        System.out.println("signed " + n + " built-in plugins into " + plugins);
    }
}
