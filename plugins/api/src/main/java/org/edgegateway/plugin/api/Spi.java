package org.edgegateway.plugin.api;

/** The version of this SPI. A plugin declares the range it needs in {@code plugin.requires}. */
public final class Spi {
    /** Raised on any incompatible change of the types in this package. */
    public static final String VERSION = "1.0.0";

    private Spi() {
    }
}
