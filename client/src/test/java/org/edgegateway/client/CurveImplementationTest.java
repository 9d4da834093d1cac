package org.edgegateway.client;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.edgegateway.nacl.NaclClassPath;
import org.edgegateway.transport.PollerClassPath;
import org.junit.jupiter.api.Test;

/**
 * The client's class path carries the BouncyCastle stand-in for jnacl, and not jnacl's own jar; and JeroMQ once, as
 * edge-gateway-jeromq (the project's poller), not the original org.zeromq:jeromq jar.
 */
class CurveImplementationTest {
    @Test
    void jnaclIsReplacedByTheStandIn() {
        assertThatCode(() -> NaclClassPath.requireStandIn(getClass().getClassLoader())).doesNotThrowAnyException();
    }

    @Test
    void jeromqIsTheProjectsRepackagingWithItsOwnPoller() {
        assertThatCode(() -> PollerClassPath.requireProjectPoller(getClass().getClassLoader())).doesNotThrowAnyException();
    }
}
