package org.edgegateway.web;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A web test class whose every test gets a gateway of its own, in a fresh home, closed after it. */
abstract class GatewayTestBase {
    @TempDir
    Path home;
    TestGateway gw;

    @BeforeEach
    void startGateway() {
        gw = new TestGateway(home);
    }

    @AfterEach
    void stopGateway() {
        if (gw != null) {
            gw.close();
        }
    }
}
