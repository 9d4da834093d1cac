package org.edgegateway.plugin.api;

/**
 * The version of this SPI. A plugin declares the range it needs in {@code plugin.requires}, as a
 * PF4J version expression such as {@code >=1.1.0 & <2.0.0}; the gateway refuses a plugin whose range
 * does not contain {@link #VERSION}, logs why and shows it as refused.
 *
 * <p>The version follows semantic versioning over the types of this package: the major number
 * changes when a type or method is removed or changes meaning, the minor number when one is added.
 * 1.1.0 added {@link PluginContext}, {@link PluginMetrics} and {@link MessageHandler#stop()}; 1.2.0
 * added {@link MessageHandler#nonBlocking()}.
 */
public final class Spi {
    /** Raised on any incompatible change of the types in this package. */
    public static final String VERSION = "1.2.0";

    private Spi() {
    }
}
