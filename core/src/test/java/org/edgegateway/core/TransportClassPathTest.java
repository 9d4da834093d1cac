package org.edgegateway.core;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.edgegateway.nacl.NaclClassPath;
import org.edgegateway.transport.PollerClassPath;
import org.junit.jupiter.api.Test;

/**
 * The gateway's tests (and so the gateway) run JeroMQ as edge-gateway-jeromq, with the project's poller and
 * nothing of the original org.zeromq:jeromq jar, and CURVE on the project's NaCl.
 */
class TransportClassPathTest {
    @Test
    void jeromqIsTheProjectsRepackagingWithItsOwnPoller() {
        assertThatCode(() -> PollerClassPath.requireProjectPoller(getClass().getClassLoader())).doesNotThrowAnyException();
    }

    @Test
    void jnaclIsReplacedByTheStandIn() {
        assertThatCode(() -> NaclClassPath.requireStandIn(getClass().getClassLoader())).doesNotThrowAnyException();
    }
}
