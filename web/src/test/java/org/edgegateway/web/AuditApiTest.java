package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /api/audit} filtered in the store, and {@code /api/audit.csv}: RFC 4180, formulas defused. */
@Timeout(120)
class AuditApiTest {

    private static final String PASSWORD = "correct horse battery staple";

    @TempDir
    Path home;
    TestGateway gw;
    Https h;

    @BeforeEach
    void start() throws Exception {
        gw = new TestGateway(home);
        h = Https.admin(gw, PASSWORD);
        for (String name : List.of("alpha", "beta")) {
            assertThat(h.post("/api/clients", Map.of("name", name, "publicKey", CurveKeyPair.generate().publicZ85()))
                    .status()).isEqualTo(201);
        }
        assertThat(h.post("/api/clients/alpha/quarantine", Map.of("reason", "say \"hi\", twice")).status()).isEqualTo(200);
        assertThat(h.post("/api/clients/alpha/release", null).status()).isEqualTo(200);
        // What a caller may put in the log: a formula in every text cell.
        gw.store.audit().append("=cmd|' /C calc'!A0", "x.inject", "-2+3", "@SUM(A1:A9)", "+1");
    }

    @AfterEach
    void stop() {
        gw.close();
    }

    private static List<String> actions(JsonNode rows) {
        List<String> out = new ArrayList<>();
        rows.forEach(r -> out.add(r.get("action").asText()));
        return out;
    }

    private static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    @Test
    void filtersByActorActionClientAndTime() {
        assertThat(actions(h.get("/api/audit?client=alpha").json()))
                .containsExactly("client.release", "client.quarantine", "client.enrol");
        assertThat(actions(h.get("/api/audit?client=alpha&action=client.enrol,client.release").json()))
                .containsExactly("client.release", "client.enrol");
        assertThat(actions(h.get("/api/audit?action=client&actor=admin").json())).containsExactly(
                "client.release", "client.quarantine", "client.enrol", "client.enrol");
        assertThat(actions(h.get("/api/audit?actor=" + q("=cmd|' /C calc'!A0")).json())).containsExactly("x.inject");
        assertThat(h.get("/api/audit?actor=nobody").json()).isEmpty();

        JsonNode all = h.get("/api/audit?limit=500").json();
        String enrolledAt = h.get("/api/audit?client=beta").json().get(0).get("at").asText();
        JsonNode since = h.get("/api/audit?from=" + q(enrolledAt)).json();
        assertThat(actions(since)).startsWith("x.inject").contains("client.enrol").doesNotContain("admin.login");
        assertThat(actions(h.get("/api/audit?to=" + q(enrolledAt) + "&client=beta").json())).as("to is exclusive")
                .isEmpty();
        assertThat(h.get("/api/audit?offset=1&limit=2").json()).hasSize(2)
                .first().satisfies(e -> assertThat(e.get("id")).isEqualTo(all.get(1).get("id")));

        refused("/api/audit?from=yesterday", "from 'yesterday' is not a time such as 2026-01-01T10:00:00Z");
        refused("/api/audit?action=" + q("client%"),
                "action 'client%' may only contain A-Z a-z 0-9 . _ - and must start with a letter or a digit");
        refused("/api/audit?limit=501", "limit 501 is not in 1..500");
        refused("/api/audit?from=" + q(enrolledAt) + "&to=" + q(enrolledAt),
                "the time range from " + enrolledAt + " to " + enrolledAt + " is empty");
        refused("/api/audit.csv?limit=100001", "limit 100001 is not in 1..100000");
    }

    @Test
    void exportsTheFilteredLogAsCsvThatASpreadsheetCannotRun() {
        Https.Reply csv = h.get("/api/audit.csv?action=client,x&limit=1000");
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.header("content-type")).isEqualTo("text/csv; charset=utf-8");
        assertThat(csv.header("content-disposition")).isEqualTo("attachment; filename=\"edge-gateway-audit.csv\"");
        assertThat(csv.body()).contains("\r\n");

        List<List<String>> rows = parse(csv.body());
        assertThat(rows.get(0)).containsExactly("id", "at", "actor", "action", "subject", "detail", "source");
        JsonNode json = h.get("/api/audit?action=client,x&limit=500").json();
        assertThat(rows).hasSize(json.size() + 1);
        for (int i = 0; i < json.size(); i++) {
            assertThat(rows.get(i + 1).get(0)).isEqualTo(json.get(i).get("id").asText());
            assertThat(rows.get(i + 1).get(3)).isEqualTo(json.get(i).get("action").asText());
        }
        assertThat(rows.get(1)).containsExactly(json.get(0).get("id").asText(), json.get(0).get("at").asText(),
                "'=cmd|' /C calc'!A0", "x.inject", "'-2+3", "'@SUM(A1:A9)", "'+1");
        assertThat(rows).anySatisfy(r -> assertThat(r.get(5)).isEqualTo("until released: say \"hi\", twice"));

        List<List<String>> beta = parse(h.get("/api/audit.csv?client=beta").body());
        assertThat(beta).hasSize(2);
        assertThat(beta.get(1).get(3)).isEqualTo("client.enrol");
        assertThat(beta.get(1).get(6)).isEqualTo("127.0.0.1");
    }

    private void refused(String path, String message) {
        Https.Reply r = h.get(path);
        assertThat(r.status()).as(path).isEqualTo(400);
        assertThat(r.json().get("message").asText()).as(path).isEqualTo(message);
    }

    /** RFC 4180 read strictly: fields in double quotes may hold commas, quotes (doubled) and line ends; lines end in CRLF. */
    static List<List<String>> parse(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"' && field.length() == 0) {
                i++;
                while (true) {
                    char d = text.charAt(i++);
                    if (d == '"') {
                        if (i < text.length() && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(d);
                    }
                }
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
                i++;
            } else if (c == '\r') {
                assertThat(text.charAt(i + 1)).as("CR only before LF").isEqualTo('\n');
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i += 2;
            } else {
                assertThat(c).as("a bare quote or line feed outside quotes").isNotIn('"', '\n');
                field.append(c);
                i++;
            }
        }
        assertThat(row).as("the last line ends in CRLF").isEmpty();
        return rows;
    }
}
