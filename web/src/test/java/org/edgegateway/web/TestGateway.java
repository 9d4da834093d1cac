package org.edgegateway.web;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.edgegateway.core.Gateway;
import org.edgegateway.core.GatewayConfig;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.handlers.BuiltinHandlers;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;

/**
 * A real gateway (CURVE ROUTER on an ephemeral port, H2 key store in a temporary directory) with the
 * admin web server in front of it on an ephemeral HTTPS port.
 */
final class TestGateway implements AutoCloseable {
    final Path home;
    final MutableClock webClock = new MutableClock(Instant.now());
    final KeyStore store;
    final CurveKeyPair serverKeys = CurveKeyPair.generate();
    final Gateway gateway;
    final AdminWebServer web;
    final WebConfig config;

    TestGateway(Path home) {
        this(home, c -> c);
    }

    TestGateway(Path home, java.util.function.UnaryOperator<WebConfig> tweak) {
        this.home = home;
        this.store = KeyStore.open(KeyStore.fileUrl(home.resolve("data")));
        this.gateway = Gateway.start(GatewayConfig.defaults("tcp://127.0.0.1:*"), store, serverKeys,
                HandlerLookup.of(BuiltinHandlers.all()), Clock.systemUTC());
        this.config = tweak.apply(WebConfig.defaults(home).withPort(0));
        this.web = new AdminWebServer(config, gateway.admin(), store,
                () -> "# TYPE egw_messages_in_total counter\negw_messages_in_total " + gateway.metrics().messagesIn() + "\n",
                webClock);
        web.start();
    }

    String initialPassword() throws java.io.IOException {
        return Files.readString(config.initialPasswordFile()).strip();
    }

    String baseUrl() {
        return "https://127.0.0.1:" + web.port();
    }

    @Override
    public void close() {
        web.close();
        gateway.close();
        store.close();
    }
}
