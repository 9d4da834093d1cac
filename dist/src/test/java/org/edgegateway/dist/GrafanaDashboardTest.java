package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.edgegateway.client.ClientBundle;
import org.edgegateway.client.GatewayWorker;
import org.edgegateway.core.config.GatewayHome;
import org.edgegateway.core.testing.GatewayFixture;
import org.edgegateway.keys.ClientBundleFiles;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.Z85;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The Grafana dashboard the bundle ships ({@code share/grafana}) and the metrics list of
 * docs/API.md, against what a running gateway exports, as {@code GET /metrics} answers it with every
 * part that adds meters switched on (a worker serving, an uplink configured): every metric and label
 * a query of the dashboard names exists, and every metric exported is documented. The dashboard
 * asks for its Prometheus data source at import.
 */
@Timeout(180)
class GrafanaDashboardTest {
    static final Path DASHBOARD = Path.of("src/main/dist/share/grafana/edge-gateway-dashboard.json");
    static final Path API_DOCS = Path.of("../docs/API.md");

    /** Labels Prometheus adds to every series it scrapes. */
    private static final Set<String> SCRAPE_LABELS = Set.of("instance", "job");
    private static final Pattern SAMPLE = Pattern.compile("([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{(.*)})?\\s+\\S+.*");
    private static final Pattern SAMPLE_LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"");

    @TempDir
    static Path dir;
    /** The metrics of a running gateway's scrape, with their label names. */
    private static Map<String, Set<String>> exported;

    @BeforeAll
    static void scrapeOnce() throws Exception {
        exported = metricsOf(scrape(dir));
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    /** Every query of the dashboard: its panels' targets and its template variables. */
    private static List<String> queries(JsonNode dashboard) {
        List<String> out = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                out.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            out.add(variable.path("query").path("query").asText());
        }
        return out;
    }

    /** The metrics of a scrape in the Prometheus text format, each with its label names. */
    static Map<String, Set<String>> metricsOf(String scrape) {
        Map<String, Set<String>> out = new TreeMap<>();
        for (String line : scrape.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            Set<String> labels = out.computeIfAbsent(m.group(1), k -> new TreeSet<>());
            if (m.group(2) != null) {
                Matcher l = SAMPLE_LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.add(l.group(1));
                }
            }
        }
        return out;
    }

    /** What is wrong with {@code expr}: metrics it names that {@code known} lacks, labels none of them has. */
    static List<String> problems(String expr, Map<String, Set<String>> known) {
        PromQuery q = PromQuery.parse(expr);
        List<String> out = new ArrayList<>();
        if (q.metrics.isEmpty()) {
            out.add("names no metric");
        }
        Set<String> labels = new HashSet<>(SCRAPE_LABELS);
        for (String metric : q.metrics) {
            if (known.containsKey(metric)) {
                labels.addAll(known.get(metric));
            } else {
                out.add("metric " + metric + " is not exported");
            }
        }
        for (String label : q.labels) {
            if (!labels.contains(label)) {
                out.add("label " + label + " is on none of " + q.metrics);
            }
        }
        return out;
    }

    @Test
    void everyQueryNamesMetricsAndLabelsARunningGatewayExports() throws IOException {
        assertThat(exported).containsKeys("egw_messages_received_total", "egw_workers_type_requests_total",
                "egw_uplink_waiting", "jvm_memory_used_bytes", "process_cpu_usage");
        List<String> queries = queries(dashboard());
        assertThat(queries).hasSizeGreaterThan(30);
        Map<String, List<String>> wrong = new TreeMap<>();
        for (String expr : queries) {
            List<String> p = problems(expr, exported);
            if (!p.isEmpty()) {
                wrong.put(expr, p);
            }
        }
        assertThat(wrong).as("queries naming what the gateway does not export").isEmpty();
    }

    @Test
    void everyExportedMetricIsListedInTheApiDocs() throws IOException {
        String docs = Files.readString(API_DOCS);
        String section = docs.substring(docs.indexOf("## Metrics"), docs.indexOf("## Examples"));
        List<String> missing = exported.keySet().stream().filter(m -> !section.contains("`" + m + "`")).toList();
        assertThat(missing).as("exported, but not in the Metrics section of " + API_DOCS).isEmpty();
    }

    @Test
    void theCheckCatchesAMetricOrLabelTheGatewayDoesNotExport() {
        Map<String, Set<String>> known = metricsOf(String.join("\n",
                "# TYPE egw_replies_error_total counter",
                "egw_replies_error_total{code=\"BUSY\"} 0.0",
                "egw_clients_connected 3.0", ""));
        assertThat(problems("sum by (code) (rate(egw_replies_error_total{code!=\"BUSY\", instance=~\"$instance\"}"
                + "[$__rate_interval])) > 0", known)).isEmpty();
        assertThat(problems("label_values(egw_clients_connected, instance)", known)).isEmpty();
        assertThat(problems("sum by (reason) (rate(egw_replies_error_total[5m])) / on(instance) group_left"
                + " max(egw_clients_gone{state=\"x\"}) offset 1h", known)).containsExactly(
                "metric egw_clients_gone is not exported",
                "label reason is on none of [egw_clients_gone, egw_replies_error_total]",
                "label state is on none of [egw_clients_gone, egw_replies_error_total]");
        assertThat(problems("vector(1)", known)).containsExactly("names no metric");
    }

    @Test
    void theDashboardAsksForAPrometheusDataSourceAtImportAndUsesItEverywhere() throws IOException {
        JsonNode d = dashboard();
        assertThat(d.path("__inputs")).singleElement().satisfies(input -> {
            assertThat(input.path("name").asText()).isEqualTo("DS_PROMETHEUS");
            assertThat(input.path("type").asText()).isEqualTo("datasource");
            assertThat(input.path("pluginId").asText()).isEqualTo("prometheus");
        });
        assertThat(d.path("uid").asText()).isEqualTo("edge-gateway");
        assertThat(d.path("id").isNull()).as("an export carries no database id").isTrue();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : d.path("panels")) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("panel id of " + title + " is unique").isTrue();
            JsonNode at = panel.path("gridPos");
            assertThat(at.path("x").asInt() + at.path("w").asInt()).as(title + " fits the 24 columns")
                    .isLessThanOrEqualTo(24);
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${DS_PROMETHEUS}");
            assertThat(panel.path("targets")).as(title).isNotEmpty()
                    .allSatisfy(t -> assertThat(t.path("datasource").path("uid").asText())
                            .isEqualTo("${DS_PROMETHEUS}"));
        }
        assertThat(d.path("templating").path("list")).allSatisfy(v ->
                assertThat(v.path("datasource").path("uid").asText()).isEqualTo("${DS_PROMETHEUS}"));
    }

    /** The text a running gateway's {@code /metrics} answers with. */
    private static String scrape(Path dir) throws Exception {
        GatewayHome home = new GatewayHome(dir.resolve("home"));
        String workers = "tcp://127.0.0.1:" + BundleProcess.freePort();
        // An uplink to an upstream that is not there: its meters exist all the same.
        Path uplink = dir.resolve("uplink");
        CurveKeyPair edge = CurveKeyPair.generate();
        ZCertFiles.writePair(uplink, "edge-1", edge, Map.of("name", "edge-1"));
        ZCertFiles.writePublic(uplink.resolve("server.key"), ZCert.ofPublic(CurveKeyPair.generate().publicKey(),
                Map.of("endpoint", "tcp://127.0.0.1:" + BundleProcess.freePort())));
        TestHome.configure(home,
                "gateway.endpoint=tcp://127.0.0.1:" + BundleProcess.freePort(), "admin.port=0", "pubsub.enabled=false",
                "workers.endpoint=" + workers, "uplink.bundle=" + uplink);
        try (GatewayApp app = GatewayApp.start(home, Map.of())) {
            CurveKeyPair workerKeys = CurveKeyPair.generate();
            app.gateway().admin().enrolWorker("resizer-1", workerKeys.publicZ85(), GatewayFixture.TEST_ADMIN);
            Path bundle = dir.resolve("resizer-1");
            ClientBundleFiles.of("resizer-1", workerKeys, app.gateway().admin().serverPublicKey(), workers)
                    .writeTo(bundle);
            try (GatewayWorker w = GatewayWorker.start(ClientBundle.load(bundle, "resizer-1"), Set.of("RESIZE"),
                    r -> GatewayWorker.Answer.ack("resized"))) {
                assertThat(w.awaitReady(Duration.ofSeconds(30))).isTrue();
                // A type's meters appear with its first request.
                CurveKeyPair sensor = CurveKeyPair.generate();
                app.gateway().admin().enrol("sensor-1", sensor.publicZ85(), GatewayFixture.TEST_ADMIN);
                try (ZContext ctx = new ZContext(1)) {
                    ZMQ.Socket s = GatewayFixture.curveSocket(ctx, SocketType.DEALER,
                            Z85.decodeKey(app.gateway().admin().serverPublicKey()), sensor);
                    s.setReceiveTimeOut(30_000);
                    s.connect(app.gateway().boundEndpoint());
                    GatewayFixture.send(s, "RESIZE", "photo");
                    assertThat(GatewayFixture.receiveText(s)).containsExactly("ACK", "resized");
                }
                return app.meters().scrape();
            }
        }
    }
}
