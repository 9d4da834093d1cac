package org.edgegateway.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ClientNamesTest {

    @Test
    void acceptsNamesOfTheRule() {
        for (String name : new String[] {"a", "Z", "0", "sensor-01", "site3.pump_7", "a".repeat(64), "9-._"}) {
            assertThat(ClientNames.requireValid(name)).isEqualTo(name);
            assertThat(ClientNames.isValid(name)).isTrue();
        }
    }

    @Test
    void refusesOthersWithAClearMessage() {
        assertThatThrownBy(() -> ClientNames.requireValid(null)).hasMessage("client name is missing");
        assertThatThrownBy(() -> ClientNames.requireValid("")).hasMessage("client name '' is empty");
        assertThatThrownBy(() -> ClientNames.requireValid("-x"))
                .hasMessage("client name '-x' must start with a letter or a digit");
        assertThatThrownBy(() -> ClientNames.requireValid(".hidden"))
                .hasMessage("client name '.hidden' must start with a letter or a digit");
        assertThatThrownBy(() -> ClientNames.requireValid("a b"))
                .hasMessage("client name 'a b' may only contain A-Z a-z 0-9 . _ -");
        assertThatThrownBy(() -> ClientNames.requireValid("../etc"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ClientNames.requireValid("x\ny"))
                .hasMessage("client name 'x\\u000ay' may only contain A-Z a-z 0-9 . _ -");
        assertThatThrownBy(() -> ClientNames.requireValid("a".repeat(65)))
                .hasMessageContaining("is 65 characters long (at most 64)");
        assertThatThrownBy(() -> ClientNames.requireValid("\u00e9t\u00e9"))
                .hasMessageContaining("must start with a letter or a digit");
        assertThat(ClientNames.isValid("a/b")).isFalse();
    }

    @Test
    void clientStatusLabels() {
        assertThat(ClientStatus.ACTIVE.label()).isEqualTo("active");
        assertThat(ClientStatus.REVOKED.label()).isEqualTo("revoked");
        assertThat(ClientStatus.QUARANTINED.label()).isEqualTo("quarantined");
        assertThat(ClientStatus.fromLabel("Quarantined")).isEqualTo(ClientStatus.QUARANTINED);
        assertThatThrownBy(() -> ClientStatus.fromLabel("banned")).hasMessageContaining("'banned'");
    }

    @Test
    void clientLimitsAreValidated() {
        assertThat(new ClientLimits(null, null, null).isDefault()).isTrue();
        assertThat(new ClientLimits(10.0, 20, 1000L).isDefault()).isFalse();
        assertThatThrownBy(() -> new ClientLimits(0.0, null, null))
                .hasMessage("messagesPerSecond must be positive and finite, got 0.0");
        assertThatThrownBy(() -> new ClientLimits(Double.NaN, null, null)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> new ClientLimits(null, -1, null)).hasMessage("burst must be positive, got -1");
        assertThatThrownBy(() -> new ClientLimits(null, null, 0L)).hasMessage("bytesPerSecond must be positive, got 0");
    }
}
