package org.edgegateway.core.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.edgegateway.core.OfflineAdmin;
import org.edgegateway.keys.AuditFilter;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.Z85;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's CSV: RFC 4180 quoting, formulas defused, every page of a long export. */
class AuditCsvTest {

    @Test
    void quotesWhatMustBeQuotedAndDefusesFormulas() {
        assertThat(AuditCsv.cell("plain")).isEqualTo("plain");
        assertThat(AuditCsv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(AuditCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(AuditCsv.cell("two\nlines")).isEqualTo("\"two\nlines\"");
        assertThat(AuditCsv.cell("=HYPERLINK(\"http://x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\")\"");
        assertThat(AuditCsv.cell("+1")).isEqualTo("'+1");
        assertThat(AuditCsv.cell("-2+3")).isEqualTo("'-2+3");
        assertThat(AuditCsv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(AuditCsv.cell("\tx")).isEqualTo("'\tx");
        assertThat(AuditCsv.cell("a=b")).isEqualTo("a=b");
        assertThat(AuditCsv.cell("")).isEmpty();
    }

    @Test
    void writesEveryPageOfALongExportUpToItsLimit(@TempDir Path dir) throws Exception {
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(dir))) {
            Map<String, String> batch = new LinkedHashMap<>();
            Random random = new Random(7);
            for (int i = 0; i < 1_200; i++) {
                byte[] key = new byte[32];
                random.nextBytes(key);
                key[0] = 1;
                batch.put("s-" + i, Z85.encode(key));
            }
            store.clients().enrolAll(batch, "=cmd|' /C calc'!A0", "10.0.0.1");
            store.audit().append("alice", "admin.login", "alice", null, "10.0.0.2");
            OfflineAdmin admin = new OfflineAdmin(store, "key", "tcp://x:1", Clock.systemUTC());

            StringBuilder all = new StringBuilder();
            assertThat(AuditCsv.write(admin, AuditFilter.NONE, AuditCsv.MAX_ROWS, all)).isEqualTo(1_201);
            List<String> lines = List.of(all.toString().split("\r\n"));
            assertThat(lines).hasSize(1_202);
            assertThat(lines.get(0)).isEqualTo("id,at,actor,action,subject,detail,source");
            assertThat(lines.get(1)).endsWith(",alice,admin.login,alice,,10.0.0.2");
            assertThat(lines.get(2)).contains(",'=cmd|' /C calc'!A0,client.enrol,s-1199,key ");
            assertThat(lines.get(1_201)).contains(",client.enrol,s-0,");

            StringBuilder some = new StringBuilder();
            AuditFilter enrolments = new AuditFilter(null, List.of("client"), null, null, null);
            assertThat(AuditCsv.write(admin, enrolments, 1_050, some)).isEqualTo(1_050);
            assertThat(some.toString().split("\r\n")).hasSize(1_051);
            assertThatThrownBy(() -> AuditCsv.write(admin, AuditFilter.NONE, 0, new StringBuilder()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("an export holds 1 to 100000 rows, asked for 0");
        }
    }
}
