package org.edgegateway.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.ClientRates;
import org.edgegateway.core.admin.ClientTotals;
import org.edgegateway.core.admin.ConnectionView;
import org.edgegateway.core.router.ConnectionsSnapshot;
import org.edgegateway.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

/** Each client's messages per 10 seconds, from the snapshots of the connection table, on a clock the test moves. */
class ClientRateHistoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final ClientRateHistory rates = new ClientRateHistory(clock);

    private static ConnectionView live(String name, long messages) {
        return new ConnectionView(name, "key-" + name, "10.0.0.1:1000", T0, null, messages, messages * 10, 0);
    }

    private void sample(List<ConnectionView> connections, Map<String, ClientTotals> ended) {
        clock.advance(ClientRateHistory.STEP);
        rates.sample(new ConnectionsSnapshot(connections, ended));
    }

    @Test
    void countsWhatEachClientsTotalMovedInEachPoint() {
        sample(List.of(live("a", 5)), Map.of());
        sample(List.of(live("a", 12), live("b", 3)), Map.of());
        ClientTotals aEnded = new ClientTotals(T0, 20, 200);
        sample(List.of(live("b", 3)), Map.of("a", aEnded));
        sample(List.of(live("a", 4), live("b", 3)), Map.of("a", aEnded));

        ClientRates a = rates.view("a");
        assertThat(a.stepSeconds()).isEqualTo(10);
        assertThat(a.end()).isEqualTo(T0.plusSeconds(40));
        assertThat(a.messages()).as("its connection ended with 20, then a new one sent 4").containsExactly(5, 7, 8, 4);
        assertThat(rates.view("b").messages()).containsExactly(3, 0, 0);
        assertThat(rates.view("nobody").messages()).isEmpty();
        assertThat(rates.view("nobody").end()).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void aConnectionThatBeganAndEndedBetweenTwoSamplesIsCounted() {
        sample(List.of(), Map.of());
        sample(List.of(), Map.of("brief", new ClientTotals(T0, 9, 90)));
        assertThat(rates.view("brief").messages()).containsExactly(9);
    }

    @Test
    void keepsTenMinutesAndForgetsAClientQuietAndGoneForThatLong() {
        for (int i = 0; i < ClientRateHistory.POINTS + 5; i++) {
            sample(List.of(live("a", i + 1)), Map.of());
        }
        assertThat(rates.view("a").messages()).hasSize(ClientRateHistory.POINTS).containsOnly(1);
        ClientTotals ended = new ClientTotals(T0, ClientRateHistory.POINTS + 5, 0);
        for (int i = 0; i < ClientRateHistory.POINTS - 1; i++) {
            sample(List.of(), Map.of("a", ended));
        }
        assertThat(rates.clients()).as("quiet for less than the window").isEqualTo(1);
        sample(List.of(), Map.of("a", ended));
        assertThat(rates.clients()).isZero();
        assertThat(rates.view("a").messages()).isEmpty();
    }

    @Test
    void aLateSampleLeavesTheMissedPointsEmpty() {
        sample(List.of(live("a", 2)), Map.of());
        clock.advance(Duration.ofSeconds(30));
        sample(List.of(live("a", 10)), Map.of());
        assertThat(rates.view("a").messages()).containsExactly(2, 0, 0, 0, 8);
    }
}
