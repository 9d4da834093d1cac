package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.edgegateway.core.testing.PluginZips;

/** Builds PF4J plugin zips for tests, and finds the built-in plugins built by their own modules. */
final class TestPlugins {
    private TestPlugins() {
    }

    /**
     * A plugin zip {@code <dir>/<id>.zip}: {@code plugin.properties} and {@code lib/<id>.jar} holding
     * the class files of {@code handlers} (compiled with the tests) and an extension index naming them.
     */
    static Path zip(Path dir, String id, String version, String requires, Class<?>... handlers) {
        return PluginZips.zip(dir, id, PluginZips.descriptor(id, version, requires), handlers);
    }

    /** The zip a built-in plugin module produced, e.g. {@code plugins/json/target/edge-gateway-plugin-json-*-plugin.zip}. */
    static Path builtin(String name) {
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

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("plugins").resolve("api"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

}
