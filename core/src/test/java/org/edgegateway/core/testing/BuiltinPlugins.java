package org.edgegateway.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.plugins.ClientPush;
import org.edgegateway.core.plugins.PluginHost;
import org.edgegateway.core.plugins.PluginHostConfig;
import org.edgegateway.core.plugins.PluginSignatures;
import org.edgegateway.core.plugins.PluginState;
import org.edgegateway.core.plugins.TrustedPublishers;
import org.edgegateway.core.router.LaneLimits;

/**
 * The built-in STRING, JSON and BINARY plugins as their modules built them, in a plugin host the way
 * a bundle serves them: the zips in a bundle's {@code plugins} folder, signed by a key made for the
 * test and trusted as the bundle's own ({@code conf/publishers/dev-build.pub}), never through the
 * home. Tests that need a gateway serving the seed types use these, not a copy of the handlers.
 * Stateless.
 */
public final class BuiltinPlugins {
    /** The built-in plugins, by module name under {@code plugins/}. */
    public static final List<String> NAMES = List.of("string", "json", "binary");

    private BuiltinPlugins() {
    }

    /**
     * The zip a built-in plugin module produced, e.g.
     * {@code plugins/json/target/edge-gateway-plugin-json-*-plugin.zip}.
     *
     * @throws IllegalStateException when that module has not been packaged
     */
    public static Path zip(String name) {
        Path target = repositoryRoot().resolve("plugins").resolve(name).resolve("target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> zips = Files.newDirectoryStream(target, "edge-gateway-plugin-" + name + "-*-plugin.zip")) {
                for (Path z : zips) {
                    return z;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("the " + name + " plugin is not built: run mvn -pl plugins/" + name
                + " -am package first (the root build does it before core)");
    }

    /** The folder above the working directory that holds {@code plugins/api}. */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("plugins").resolve("api"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /**
     * Lays out a bundle in {@code base}: {@code plugins/} with the built-in zips and their signatures,
     * {@code conf/publishers/dev-build.pub} with the key that signed them (its private key stays in
     * {@code base}). A bundle laid out there before is kept as it is (a gateway started again on the
     * same folders). Returns {@code base}.
     */
    public static Path bundle(Path base) {
        if (Files.isRegularFile(publishers(base).resolve(TrustedPublishers.DEV_KEY_FILE))) {
            return base;
        }
        try {
            Path plugins = Files.createDirectories(base.resolve("plugins"));
            Path key = base.resolve("dev-build.key");
            PluginSignatures.generate(key, publishers(base).resolve(TrustedPublishers.DEV_KEY_FILE), "tests");
            for (String name : NAMES) {
                Path zip = Files.copy(zip(name), plugins.resolve("edge-gateway-plugin-" + name + ".zip"));
                PluginSignatures.sign(zip, key);
            }
            return base;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out a bundle in " + base + ": " + e.getMessage(), e);
        }
    }

    /** The bundle's publisher keys folder ({@code BASE/conf/publishers}). */
    public static Path publishers(Path base) {
        return base.resolve("conf").resolve("publishers");
    }

    /**
     * A started plugin host for a gateway home in {@code dir} ({@code dir/home}) serving the signed
     * built-ins of a bundle laid out in {@code dir/bundle}, each plugin's lane with {@code limits}.
     * The caller closes it.
     */
    public static PluginHost start(Path dir, LaneLimits limits) {
        Path base = bundle(dir.resolve("bundle"));
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        PluginHostConfig config = PluginHostConfig.defaults(home, base.resolve("plugins"), publishers(base))
                .withLimits(limits.timeout(), limits.threads(), limits.maxStuck(), limits.slowAfter(),
                        limits.breakerFailures(), limits.maxCallAllocation())
                .withQueueBytes(limits.queueBytes())
                .withInlineBudget(limits.inlineBudget());
        PluginHost host = PluginHost.start(config, ClientPush.NONE);
        List<String> notServing = NAMES.stream()
                .filter(n -> host.plugin(n).map(p -> p.state() != PluginState.STARTED).orElse(true)).toList();
        if (!notServing.isEmpty()) {
            String why = host.list().toString();
            host.close();
            throw new IllegalStateException("built-in plugins " + notServing + " do not serve: " + why);
        }
        return host;
    }

    /** {@link #start(Path, LaneLimits)} with {@link LaneLimits#defaults()}. */
    public static PluginHost start(Path dir) {
        return start(dir, LaneLimits.defaults());
    }
}
