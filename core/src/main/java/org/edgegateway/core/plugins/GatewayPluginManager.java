package org.edgegateway.core.plugins;

import java.nio.file.Path;
import java.util.List;
import org.edgegateway.plugin.api.Spi;
import org.pf4j.BasePluginLoader;
import org.pf4j.CompoundPluginLoader;
import org.pf4j.DefaultPluginClasspath;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginManager;
import org.pf4j.RuntimeMode;

/**
 * PF4J configured for the gateway. Not thread-safe: {@link PluginHost} calls it under its own lock.
 *
 * <ul>
 * <li>Its only root is the host's staging folder: it never scans the plugin folders itself, so
 * nothing is loaded that {@link PluginHost} has not verified first.</li>
 * <li>The system version is {@link Spi#VERSION}, so {@code plugin.requires} is checked against the
 * SPI.</li>
 * <li>Always deployment mode, whatever the {@code pf4j.mode} system property says.</li>
 * <li>Plugins load their own classes first (a plugin may bundle its own Jackson), except
 * {@code org.pf4j}, the SPI package and {@code org.slf4j}, which always come from the gateway:
 * two copies of those would make the plugin's handler a different {@code MessageHandler} class
 * or break SLF4J's loader constraints.</li>
 * </ul>
 */
final class GatewayPluginManager extends DefaultPluginManager {
    /** Package prefixes every plugin shares with the gateway. */
    static final List<String> PARENT_FIRST = List.of("org.edgegateway.plugin.api.", "org.slf4j.");

    GatewayPluginManager(Path staging) {
        super(staging);
        setSystemVersion(Spi.VERSION);
    }

    @Override
    public RuntimeMode getRuntimeMode() {
        return RuntimeMode.DEPLOYMENT;
    }

    @Override
    protected PluginLoader createPluginLoader() {
        return new CompoundPluginLoader().add(new IsolatingLoader(this));
    }

    /** Loads a plugin folder ({@code plugin.properties}, {@code classes/}, {@code lib/*.jar}). */
    private static final class IsolatingLoader extends BasePluginLoader {
        IsolatingLoader(PluginManager manager) {
            super(manager, new DefaultPluginClasspath());
        }

        @Override
        public boolean isApplicable(Path path) {
            return java.nio.file.Files.isDirectory(path);
        }

        @Override
        protected PluginClassLoader createPluginClassLoader(Path pluginPath, PluginDescriptor descriptor) {
            return new IsolatingClassLoader(pluginManager, descriptor, getClass().getClassLoader());
        }
    }

    /** Plugin first, then the gateway, except for the shared packages. */
    private static final class IsolatingClassLoader extends PluginClassLoader {
        IsolatingClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
            super(manager, descriptor, parent, org.pf4j.ClassLoadingStrategy.PDA);
        }

        @Override
        protected boolean shouldDelegateToParent(String className) {
            if (super.shouldDelegateToParent(className)) {
                return true;
            }
            for (String prefix : PARENT_FIRST) {
                if (className.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }
    }
}
