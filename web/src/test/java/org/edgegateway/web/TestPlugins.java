package org.edgegateway.web;

import java.nio.file.Path;
import org.edgegateway.core.testing.BuiltinPlugins;
import org.edgegateway.core.testing.PluginZips;

/** Plugin zips for the web tests: the built-in ones as their modules built them, and one made from test classes. */
final class TestPlugins {
    static final String REQUIRES = ">=1.1.0 & <2.0.0";

    private TestPlugins() {
    }

    /**
     * A PF4J plugin zip {@code <dir>/<id>.zip} with {@code plugin.properties} and {@code lib/<id>.jar}
     * holding the class files of {@code handler} and an extension index naming it.
     */
    static Path zip(Path dir, String id, String version, Class<?> handler) {
        return PluginZips.zip(dir, id, PluginZips.descriptor(id, version, REQUIRES), handler);
    }

    /** The zip a built-in plugin module produced ({@link BuiltinPlugins#zip}). */
    static Path builtin(String name) {
        return BuiltinPlugins.zip(name);
    }
}
