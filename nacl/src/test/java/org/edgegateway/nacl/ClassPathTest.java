package org.edgegateway.nacl;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Fails when the original jnacl jar is on this module's test class path, and proves the guard bites. */
class ClassPathTest {

    @Test
    void theTestClassPathHasTheStandInAndNotJnacl() {
        assertThatCode(() -> NaclClassPath.requireStandIn(ClassPathTest.class.getClassLoader()))
                .doesNotThrowAnyException();
    }

    @Test
    void guardRejectsJnaclNextToTheStandIn() throws Exception {
        URL ours = Path.of(System.getProperty("nacl.classes")).toUri().toURL();
        URL bc = org.bouncycastle.math.ec.rfc7748.X25519.class.getProtectionDomain().getCodeSource().getLocation();
        URL jnacl = OriginalJnacl.jarPath().toUri().toURL();
        try (URLClassLoader both = new URLClassLoader(new URL[] {jnacl, ours, bc},
                ClassLoader.getPlatformClassLoader())) {
            Class<?> guard = Class.forName(NaclClassPath.class.getName(), true, both);

            assertThatThrownBy(() -> guard.getMethod("requireStandIn", ClassLoader.class).invoke(null, both))
                    .hasRootCauseInstanceOf(IllegalStateException.class)
                    .rootCause()
                    .hasMessageContaining("eu.neilalexander:jnacl is on the class path")
                    .hasMessageContaining("2 copies of " + NaclClassPath.BOX_CLASS);
        }
    }

    @Test
    void guardRejectsJnaclAlone() throws Exception {
        try (URLClassLoader original = new URLClassLoader(new URL[] {OriginalJnacl.jarPath().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> NaclClassPath.requireStandIn(original))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("eu.neilalexander:jnacl is on the class path");
        }
    }
}
