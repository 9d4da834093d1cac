package org.edgegateway.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The integration tests' class path has JeroMQ once, with the project's poller; the guard bites otherwise. */
class ClassPathIT {

    @Test
    void theClassPathHasOnePollerAndItIsTheProjects() throws Exception {
        assertThatCode(() -> PollerClassPath.requireProjectPoller(getClass().getClassLoader()))
                .doesNotThrowAnyException();
        URL source = Class.forName("zmq.poll.Poller").getProtectionDomain().getCodeSource().getLocation();
        assertThat(Path.of(source.toURI())).as("loaded from the shaded jar itself").isEqualTo(Jars.ours());
        assertThat(getClass().getClassLoader().getResource(PollerClassPath.ORIGINAL_ONLY)).isNull();
    }

    @Test
    void guardRejectsTheOriginalJarNextToOurs() throws Exception {
        try (URLClassLoader both = new URLClassLoader(
                new URL[] {Jars.original().toUri().toURL(), Jars.ours().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> guard = Class.forName(PollerClassPath.class.getName(), true, both);
            assertThatThrownBy(() -> guard.getMethod("requireProjectPoller", ClassLoader.class).invoke(null, both))
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .rootCause()
                    .hasMessageContaining("org.zeromq:jeromq's own poller is on the class path")
                    .hasMessageContaining("2 copies of " + PollerClassPath.POLLER_CLASS)
                    .hasMessageContaining("2 copies of " + PollerClassPath.JEROMQ_CLASS);
        }
    }

    @Test
    void guardRejectsTheOriginalJarAlone() throws Exception {
        try (URLClassLoader original = new URLClassLoader(new URL[] {Jars.original().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> PollerClassPath.requireProjectPoller(original))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("org.zeromq:jeromq's own poller is on the class path");
        }
    }
}
