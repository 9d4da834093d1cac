package org.edgegateway.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The ring under {@link MetricHistory}: one counter column and one gauge column, steps of 10. */
class HistoryRingTest {

    private static HistoryRing ring(int capacity) {
        return new HistoryRing(10, capacity, 2, 1);
    }

    private static long[] point(long counter, long gauge) {
        return new long[] {counter, gauge};
    }

    @Test
    void aFullRingKeepsTheNewestPointsOldestFirstAcrossManyWraps() {
        HistoryRing r = ring(7);
        for (int i = 1; i <= 1000; i++) {
            r.add(i * 10L, point(i, -i));
        }
        assertThat(r.size()).isEqualTo(7);
        assertThat(r.end()).isEqualTo(10_000);
        assertThat(r.column(0)).containsExactly(994, 995, 996, 997, 998, 999, 1000);
        assertThat(r.column(1)).containsExactly(-994, -995, -996, -997, -998, -999, -1000);
    }

    @Test
    void beforeItIsFullTheRingHoldsWhatWasAdded() {
        HistoryRing r = ring(7);
        assertThat(r.size()).isZero();
        assertThat(r.column(0)).isEmpty();
        r.add(50, point(5, 1));
        r.add(60, point(6, 2));
        assertThat(r.size()).isEqualTo(2);
        assertThat(r.column(0)).containsExactly(5, 6);
    }

    @Test
    void countersOfOnePointAddUpAndItsGaugeKeepsTheLastValue() {
        HistoryRing r = ring(3);
        r.add(10, point(2, 7));
        r.add(10, point(3, 4));
        assertThat(r.size()).isOne();
        assertThat(r.column(0)).containsExactly(5);
        assertThat(r.column(1)).containsExactly(4);
    }

    @Test
    void skippedPointsAreEmptyWithTheGaugesFoundAfterTheGap() {
        HistoryRing r = ring(5);
        r.add(10, point(1, 1));
        r.add(40, point(9, 3));
        assertThat(r.size()).isEqualTo(4);
        assertThat(r.end()).isEqualTo(40);
        assertThat(r.column(0)).containsExactly(1, 0, 0, 9);
        assertThat(r.column(1)).containsExactly(1, 3, 3, 3);
    }

    @Test
    void aGapLongerThanTheRingLeavesOnlyTheNewPoint() {
        HistoryRing r = ring(5);
        for (int i = 1; i <= 5; i++) {
            r.add(i * 10L, point(i, i));
        }
        r.add(50 + 5 * 10, point(42, 8));
        assertThat(r.size()).isOne();
        assertThat(r.end()).isEqualTo(100);
        assertThat(r.column(0)).containsExactly(42);
        assertThat(r.column(1)).containsExactly(8);
    }

    @Test
    void aPointBeforeTheNewestIsAddedToTheNewestSoNothingIsLost() {
        HistoryRing r = ring(5);
        r.add(30, point(1, 1));
        r.add(20, point(2, 5));
        assertThat(r.end()).isEqualTo(30);
        assertThat(r.column(0)).containsExactly(3);
        assertThat(r.column(1)).containsExactly(5);
    }

    @Test
    void badArgumentsAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> new HistoryRing(0, 5, 2, 1)).hasMessage("stepMillis < 1: 0");
        assertThatThrownBy(() -> new HistoryRing(10, 0, 2, 1)).hasMessage("capacity < 1: 0");
        assertThatThrownBy(() -> new HistoryRing(10, 5, 2, 3)).hasMessage("firstGauge outside 0..2: 3");
        assertThatThrownBy(() -> ring(5).add(15, point(1, 1)))
                .hasMessage("point end 15 is not a multiple of the step 10");
        assertThatThrownBy(() -> ring(5).add(10, new long[3])).hasMessage("sample of 3 values for 2 columns");
    }
}
