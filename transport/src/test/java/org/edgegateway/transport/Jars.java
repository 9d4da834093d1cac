package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** The two jars the integration tests compare: the original JeroMQ and this module's shaded jar. */
final class Jars {
    private Jars() {
    }

    static Path original() {
        return existing("jeromq.jar");
    }

    static Path ours() {
        return existing("transport.jar");
    }

    private static Path existing(String property) {
        String value = System.getProperty(property);
        assertThat(value).as("system property %s (set by the pom)", property).isNotBlank();
        Path path = Path.of(value);
        assertThat(Files.isRegularFile(path)).as("%s = %s exists", property, path).isTrue();
        return path;
    }
}
