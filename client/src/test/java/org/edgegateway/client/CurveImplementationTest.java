package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.edgegateway.nacl.NaclClassPath;
import org.junit.jupiter.api.Test;

/** The client's class path carries the BouncyCastle stand-in for jnacl, and not jnacl's own jar. */
class CurveImplementationTest {
    @Test
    void jnaclIsReplacedByTheStandIn() {
        assertThatCode(() -> NaclClassPath.requireStandIn(getClass().getClassLoader())).doesNotThrowAnyException();
    }
}
