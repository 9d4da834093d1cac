package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code doctor}'s heap check: the launcher's -Xmx against the host's memory. */
class DoctorHeapTest {
    private static final Path FILE = Path.of("/opt/edge-gateway/conf/jvm.options");

    @Test
    void theLastXmxCountsWhateverItsUnit() {
        assertThat(DoctorCommand.maxHeap(List.of("# -Xmx8g", "-Xms16m", "-Xmx512m"))).isEqualTo(512L << 20);
        assertThat(DoctorCommand.maxHeap(List.of("-Xmx1g", "-Xmx2G"))).isEqualTo(2L << 30);
        assertThat(DoctorCommand.maxHeap(List.of("-Xmx65536k"))).isEqualTo(64L << 20);
        assertThat(DoctorCommand.maxHeap(List.of("-Xss512k"))).isEqualTo(-1);
    }

    @Test
    void theShippedHeapFitsAOneGibHostAndABiggerOneIsAWarningNamingTheFix() {
        DoctorCommand.Finding ok = DoctorCommand.heapFinding(512L << 20, 1L << 30, FILE);
        assertThat(ok.level()).isEqualTo(DoctorCommand.Level.OK);
        assertThat(ok.what()).isEqualTo("heap ceiling 512 MB (" + FILE + ") fits the host's 1.0 GiB");

        DoctorCommand.Finding big = DoctorCommand.heapFinding(512L << 20, 512L << 20, FILE);
        assertThat(big.level()).isEqualTo(DoctorCommand.Level.WARN);
        assertThat(big.what()).contains("heap ceiling 512 MB").contains("over three quarters of the host's 0.5 GiB");
        assertThat(big.fix()).isEqualTo("lower -Xmx in " + FILE + " to at most 234m, or give the host more memory");

        assertThat(DoctorCommand.heapFinding(512L << 20, 4L << 30, FILE).level()).isEqualTo(DoctorCommand.Level.OK);
        assertThat(DoctorCommand.heapFinding(-1, 4L << 30, FILE).what()).contains("sets no -Xmx");
    }
}
