package org.edgegateway.core.plugins;

import java.nio.file.Path;
import org.edgegateway.core.testing.BuiltinPlugins;
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

    /** The zip a built-in plugin module produced ({@link BuiltinPlugins#zip}). */
    static Path builtin(String name) {
        return BuiltinPlugins.zip(name);
    }

    static Path repositoryRoot() {
        return BuiltinPlugins.repositoryRoot();
    }
}
