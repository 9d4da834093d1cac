package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebConfigTest {

    private final WebConfig defaults = WebConfig.defaults(Path.of("/opt/egw"));

    @Test
    void defaultsAreHttpsOnLoopback() {
        assertThat(defaults.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(defaults.port()).isEqualTo(8443);
        assertThat(defaults.tls()).isTrue();
        assertThat(defaults.metricsOpen()).isFalse();
        assertThat(defaults.keysDir()).isEqualTo(Path.of("/opt/egw/keys"));
        assertThat(defaults.initialPasswordFile()).isEqualTo(Path.of("/opt/egw/admin-password.txt"));
    }

    @Test
    void badValuesNameTheSetting() {
        assertThatThrownBy(() -> defaults.withPort(70_000)).hasMessageContaining("admin.port 70000");
        assertThatThrownBy(() -> defaults.withLoginThrottle(0, Duration.ofMinutes(1)))
                .hasMessageContaining("admin.login.max-failures 0");
        assertThatThrownBy(() -> defaults.withSessionIdleTimeout(Duration.ZERO))
                .hasMessageContaining("admin.session-idle");
        assertThatThrownBy(() -> defaults.withSessionLifetime(Duration.ZERO))
                .hasMessageContaining("admin.session-lifetime");
        assertThatThrownBy(() -> defaults.withPkcs12(Path.of("a.p12"), null)).hasMessageContaining("admin.pkcs12");
        assertThatThrownBy(() -> defaults.withTls(false).withPkcs12(Path.of("a.p12"), "pw"))
                .hasMessageContaining("admin.tls is false");
    }

    @Test
    void toStringHidesThePkcs12Password() {
        assertThat(defaults.withPkcs12(Path.of("a.p12"), "hunter2-secret").toString()).doesNotContain("hunter2");
    }
}
