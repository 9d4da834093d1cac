package org.edgegateway.core.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.BanView;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** Address bans: thresholds, expiry, removal, bounded memory and the loopback exemption. */
class BanListTest {

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final List<BanView> banned = new ArrayList<>();

    BanList bans(Map<String, String> overrides) {
        return new BanList(AdmissionConfig.of(overrides), clock, banned::add);
    }

    @Test
    void repeatedAuthenticationFailuresBanTheAddress() {
        BanList b = bans(Map.of("admission.ban.auth-failures", "3", "admission.ban.duration", "5m"));
        for (int i = 0; i < 2; i++) {
            assertThat(b.banned("10.0.0.7")).isFalse();
            b.failed("10.0.0.7");
        }
        assertThat(banned).isEmpty();
        assertThat(b.banned("10.0.0.7")).isFalse();
        b.failed("10.0.0.7");
        assertThat(banned).singleElement().satisfies(v -> {
            assertThat(v.address()).isEqualTo("10.0.0.7");
            assertThat(v.reason()).isEqualTo("3 failed authentications within 60 s");
            assertThat(v.until()).isEqualTo(clock.instant().plus(Duration.ofMinutes(5)));
        });
        assertThat(b.banned("10.0.0.7")).isTrue();
        assertThat(b.banned("10.0.0.7")).isTrue();
        assertThat(b.banned("10.0.0.8")).isFalse();
        assertThat(b.list()).singleElement().extracting(BanView::refusals).isEqualTo(2L);

        clock.advance(Duration.ofMinutes(5));
        assertThat(b.banned("10.0.0.7")).isFalse();
        assertThat(b.list()).isEmpty();
    }

    @Test
    void failuresOutsideTheWindowDoNotAddUp() {
        BanList b = bans(Map.of("admission.ban.auth-failures", "3", "admission.ban.auth-window", "10s"));
        for (int i = 0; i < 20; i++) {
            b.failed("10.0.0.9");
            clock.advance(Duration.ofSeconds(8));
        }
        assertThat(banned).isEmpty();
    }

    @Test
    void abandonedHandshakesBanTheAddressAndSuccessfulOnesNeverCount() {
        BanList b = bans(Map.of("admission.ban.handshakes", "5", "admission.ban.handshake-window", "10s"));
        // Asking counts nothing: a site of enrolled sensors reconnecting at once is never banned.
        for (int i = 0; i < 1000; i++) {
            assertThat(b.banned("192.0.2.1")).isFalse();
        }
        for (int i = 0; i < 4; i++) {
            b.abandoned("192.0.2.1");
        }
        assertThat(b.banned("192.0.2.1")).isFalse();
        b.abandoned("192.0.2.1");
        assertThat(b.banned("192.0.2.1")).isTrue();
        assertThat(banned).singleElement().extracting(BanView::reason)
                .isEqualTo("5 failed or abandoned handshakes within 10 s");
        // A client whose handshake breaks now and then is never banned.
        for (int i = 0; i < 100; i++) {
            b.abandoned("192.0.2.2");
            assertThat(b.banned("192.0.2.2")).isFalse();
            clock.advance(Duration.ofSeconds(3));
        }
    }

    @Test
    void removedBansAreLiftedAndForgotten() {
        BanList b = bans(Map.of("admission.ban.auth-failures", "2"));
        b.failed("198.51.100.4");
        b.failed("198.51.100.4");
        assertThat(b.banned("198.51.100.4")).isTrue();
        assertThat(b.remove("198.51.100.4")).isTrue();
        assertThat(b.remove("198.51.100.4")).isFalse();
        assertThat(b.banned("198.51.100.4")).isFalse();
        b.failed("198.51.100.4");
        assertThat(b.banned("198.51.100.4")).isFalse();
    }

    @Test
    void trackingMemoryIsBoundedWhateverTheNumberOfAddresses() {
        BanList b = bans(Map.of("admission.ban.tracked-addresses", "1000", "admission.ban.auth-failures", "2"));
        for (int i = 0; i < 200_000; i++) {
            String a = "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255);
            b.banned(a);
            b.failed(a);
            b.failed(a);
            assertThat(b.trackedAddresses()).isLessThanOrEqualTo(1000);
        }
        // Every one of them was banned, but only the newest 1000 bans are held.
        assertThat(banned).hasSize(200_000);
        assertThat(b.list()).hasSize(1000);
        assertThat(b.banned("10.3.13.63")).isTrue(); // the last one, i = 199 999
        assertThat(b.banned("10.0.0.0")).isFalse();
    }

    @Test
    void loopbackIsExemptOnlyWhenConfigured() {
        BanList strict = bans(Map.of("admission.ban.auth-failures", "1"));
        strict.failed("127.0.0.1");
        assertThat(strict.banned("127.0.0.1")).isTrue();

        BanList lenient = bans(Map.of("admission.ban.auth-failures", "1", "admission.ban.handshakes", "1",
                "admission.ban.exempt-loopback", "true"));
        for (String a : List.of("127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1")) {
            lenient.failed(a);
            lenient.abandoned(a);
            assertThat(lenient.banned(a)).as(a).isFalse();
        }
        lenient.failed("10.1.1.1");
        assertThat(lenient.banned("10.1.1.1")).isTrue();
    }

    @Test
    void badSettingsNameTheirKey() {
        assertThatThrownBy(() -> AdmissionConfig.of(Map.of("admission.ban.tracked-addresses", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admission.ban.tracked-addresses");
        assertThatThrownBy(() -> AdmissionConfig.of(Map.of("admission.quarantine.duration", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admission.quarantine.duration");
        assertThatThrownBy(() -> AdmissionConfig.of(Map.of("admission.rate.messages-per-second", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("admission.rate.messages-per-second");
        assertThat(AdmissionConfig.of(Map.of("admission.quarantine.duration", "indefinite")).quarantineDuration()).isNull();
        assertThat(AdmissionConfig.defaults().quarantineDuration()).isEqualTo(Duration.ofMinutes(15));
        assertThat(AdmissionConfig.defaults().banExemptLoopback()).isFalse();
    }
}
