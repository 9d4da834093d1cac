package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.edgegateway.core.admin.BanView;
import org.edgegateway.core.admin.UplinkView;
import org.edgegateway.core.admission.AdmissionConfig;
import org.edgegateway.core.plugins.PluginSignatures;
import org.edgegateway.core.plugins.PluginState;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.web.testplugin.NoteHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The admin UI in a real headless Chromium (Debian's chromium and chromedriver, never a download),
 * against a real gateway with a real CURVE client. Screenshots land in target/screenshots.
 */
@Timeout(300)
class BrowserTest {

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target", "screenshots");
    private static final String PASSWORD = "a much better password";
    /** A date as the UI writes every one: ISO 8601 in UTC, the local time beside it. */
    private static final String DATE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\\s\\((\\d{4}-\\d\\d-\\d\\d )?\\d\\d:\\d\\d local";
    /** The pages of the navigation bar, each with what shows that its data arrived. */
    private static final Map<String, By> PAGES = pages();

    @TempDir
    Path home;
    @TempDir
    Path profile;
    @TempDir
    Path downloads;
    TestGateway gw;
    ChromeDriver driver;
    WebDriverWait wait;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        assumeTrue(CHROMEDRIVER.canExecute() && CHROMIUM.canExecute(),
                "Debian's chromium and chromedriver are not installed");
        // The full tour runs against a plugin host, and bans an address after three failed handshakes;
        // the pass over every page has an enrolment port as well.
        AdmissionConfig banAfterThree = AdmissionConfig.of(Map.of("admission.ban.auth-failures", "3"));
        gw = test.getTestMethod().map(m -> m.getName().startsWith("loginChangePassword")).orElse(false)
                ? TestGateway.withPlugins(home, banAfterThree, AdminWebServer.DEFAULT_MAX_PLUGIN_UPLOAD)
                : test.getTestMethod().map(m -> m.getName().startsWith("everyPage")).orElse(false)
                ? TestGateway.withPluginsAndEnrolment(home, banAfterThree)
                : test.getTestMethod().map(m -> m.getName().startsWith("enrolment")).orElse(false)
                ? TestGateway.withEnrolment(home)
                : new TestGateway(home);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--ignore-certificate-errors", "--user-data-dir=" + profile.toAbsolutePath(),
                "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .withTimeout(Duration.ofSeconds(30))
                .build();
        options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toAbsolutePath().toString(),
                "download.prompt_for_download", false));
        driver = new ChromeDriver(service, options);
        driver.executeCdpCommand("Browser.setDownloadBehavior",
                Map.of("behavior", "allow", "downloadPath", downloads.toAbsolutePath().toString()));
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        wait = new WebDriverWait(driver, Duration.ofSeconds(30));
        Files.createDirectories(SHOTS);
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.quit();
        }
        if (gw != null) {
            gw.close();
        }
    }

    @Test
    void loginChangePasswordEnrolSeeClientConnectReadItsMessagesRevokeManagePluginsAndLiftABan() throws Exception {
        driver.get(gw.baseUrl() + "/");
        visible("login-form");
        shot("01-login");
        type("login-user", "admin");
        type("login-password", gw.initialPassword());
        click("login-submit");

        visible("password-form");
        shot("02-first-login-password");
        type("pw-current", gw.initialPassword());
        type("pw-new", PASSWORD);
        type("pw-again", PASSWORD);
        click("pw-submit");
        visible("page-dashboard");
        assertThat(gw.store.admins().find("admin").orElseThrow().mustChangePassword()).isFalse();

        CurveKeyPair sensor = CurveKeyPair.generate();
        driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
        visible("enrol-form");
        type("enrol-name", "sensor-7");
        type("enrol-key", sensor.publicZ85());
        click("enrol-submit");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("enrol-result"), "Enrolled sensor-7"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#clients-table tr[data-client='sensor-7']")));
        assertThat(gw.store.clients().findByName("sensor-7")).hasValueSatisfying(
                r -> assertThat(r.publicKey()).isEqualTo(sensor.publicZ85()));

        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            dealer.setReceiveTimeOut(30_000);
            dealer.setHandshakeIvl(2000); // JeroMQ 0.6.0: retry a connection stuck before the greeting
            dealer.setCurveServerKey(gw.serverKeys.publicKey());
            dealer.setCurvePublicKey(sensor.publicKey());
            dealer.setCurveSecretKey(sensor.secretKey());
            dealer.connect(gw.gateway.boundEndpoint());
            assertThat(TestGateway.awaitPong(dealer)).as("PONG from the gateway").isTrue();
            assertThat(TestGateway.exchange(dealer, "STRING", "<b>21.5 C</b> from sensor-7"))
                    .containsExactly("ACK", "STRING received (27 bytes)");

            driver.findElement(By.cssSelector("#nav a[data-page=dashboard]")).click();
            By row = By.cssSelector("#connections-table tr[data-client='sensor-7']");
            // the poll rebuilds the table: read the row's text in one step, retried if it went stale
            wait.ignoring(StaleElementReferenceException.class)
                    .until(d -> d.findElement(row).getText().contains("127.0.0.1"));
            assertThat(textOf(row)).contains("sensor-7").contains("127.0.0.1");
            // The count comes from the statistics poll, the table from the connections poll: either may be first.
            wait.ignoring(StaleElementReferenceException.class)
                    .until(d -> d.findElement(By.id("stat-connected")).getText().equals("1"));
            shot("03-dashboard-connected");
            resize(390, 844);
            shot("04-dashboard-phone");
            resize(1280, 1000);

            // The client's own page, opened from the list: its messages, connections, status and audit.
            driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
            clickWhenReady(By.cssSelector("#clients-table tr[data-client='sensor-7'] a.client-name"));
            visible("page-client");
            assertThat(driver.getCurrentUrl()).endsWith("#client/sensor-7");
            assertThat(driver.findElement(By.cssSelector("#nav a[data-page=clients]")).getAttribute("class"))
                    .contains("active");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("messages-table"), "from sensor-7"));
            By message = By.cssSelector("#messages-table tbody tr");
            assertThat(textOf(message)).contains("STRING", "<b>21.5 C</b> from sensor-7", "ACK");
            assertThat(driver.findElements(By.cssSelector("#messages-table b"))).as("payload shown as text").isEmpty();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("client-connections-table"), "connected"));
            assertThat(textOf(By.id("client-connections-table"))).contains("127.0.0.1:");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("client-history-table"), "enrolled"));
            assertThat(textOf(By.id("client-history-table"))).contains("admin");
            assertThat(textOf(By.id("client-audit-table"))).contains("client.enrol");
            assertThat(textOf(By.id("client-facts"))).contains(sensor.publicZ85()).contains("127.0.0.1");
            // The gateway counts the client's messages per 10 s: the chart has the message once a point closed.
            By rates = By.cssSelector("#client-rates polyline[data-series=messages]");
            wait.ignoring(StaleElementReferenceException.class).until(d -> !d.findElements(rates).isEmpty()
                    && sum(d.findElement(rates)) >= 1);
            shot("05a-client-page");
            resize(390, 844);
            shot("05b-client-page-phone");
            resize(1280, 1000);

            clickWhenReady(By.cssSelector("#client-actions button[data-action=revoke]"));
            visible("dialog");
            shot("05-revoke-confirm");
            click("dialog-ok");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("client-history-table"), "revoked"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("client-connections-table"), "disconnected"));
            assertThat(driver.findElements(By.cssSelector("#client-actions button[data-action=revoke]")))
                    .as("nothing left to revoke").isEmpty();
            shot("05c-client-page-revoked");

            driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#clients-table tr[data-client='sensor-7']"), "revoked"));
            shot("06-clients-revoked");

            driver.findElement(By.cssSelector("#nav a[data-page=dashboard]")).click();
            visible("page-dashboard");
            wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
            wait.until(ExpectedConditions.textToBe(By.id("stat-connected"), "0"));
            shot("07-dashboard-gone");
        }
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("client.revoke");
            assertThat(e.actor()).isEqualTo("admin");
            assertThat(e.source()).isEqualTo("127.0.0.1");
        });

        // Plugins: stop and start a built-in one, then upload a signed plugin with its .sig.
        driver.findElement(By.cssSelector("#nav a[data-page=plugins]")).click();
        By stringRow = By.cssSelector("#plugins-table tr[data-plugin='string']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(stringRow, "started"));
        assertThat(textOf(stringRow)).contains("STRING");
        clickWhenReady(By.cssSelector("#plugins-table tr[data-plugin='string'] button[data-action=stop]"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(stringRow, "stopped"));
        assertThat(gw.plugins.plugin("string").orElseThrow().state()).isEqualTo(PluginState.STOPPED);
        clickWhenReady(By.cssSelector("#plugins-table tr[data-plugin='string'] button[data-action=start]"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(stringRow, "started"));
        assertThat(gw.plugins.plugin("string").orElseThrow().state()).isEqualTo(PluginState.STARTED);

        Path note = TestPlugins.zip(profile.resolve("upload"), "note", "1.0.0", NoteHandler.class);
        Path sig = PluginSignatures.sign(note, gw.publisherKey);
        driver.findElement(By.id("plugin-file")).sendKeys(note.toAbsolutePath().toString());
        driver.findElement(By.id("plugin-sig")).sendKeys(sig.toAbsolutePath().toString());
        click("plugin-upload-submit");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("plugin-upload-result"),
                "Installed note: serving NOTE"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#plugins-table tr[data-plugin='note']"), "started"));
        assertThat(gw.plugins.route("NOTE")).isNotNull();
        shot("07a-plugins");
        resize(390, 844);
        shot("07b-plugins-phone");
        resize(1280, 1000);

        // Bans: strangers' failed handshakes ban the address; the admin lifts the ban.
        strangersUntilBanned();
        assertThat(gw.gateway.admin().bans()).extracting(BanView::address).containsExactly("127.0.0.1");
        driver.findElement(By.cssSelector("#nav a[data-page=quarantine]")).click();
        By banRow = By.cssSelector("#bans-table tr[data-address='127.0.0.1']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(banRow));
        assertThat(textOf(banRow)).contains("failed authentications");
        shot("07c-bans");
        clickWhenReady(By.cssSelector("#bans-table tr[data-address='127.0.0.1'] button[data-action=unban]"));
        visible("dialog");
        click("dialog-ok");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(banRow));
        visible("bans-empty");
        assertThat(gw.gateway.admin().bans()).isEmpty();
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("address.unban");
            assertThat(e.actor()).isEqualTo("admin");
        });
    }

    @Test
    void hostileTextIsShownAsTextNeverRunAsMarkup() throws Exception {
        Https api = Https.admin(gw, PASSWORD);
        String key = CurveKeyPair.generate().publicZ85();
        assertThat(api.post("/api/clients", Map.of("name", "victim", "publicKey", key)).status()).isEqualTo(201);
        String hostile = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
        assertThat(api.post("/api/clients/victim/quarantine", Map.of("reason", hostile)).status()).isEqualTo(200);

        login();
        driver.findElement(By.cssSelector("#nav a[data-page=quarantine]")).click();
        By reason = By.cssSelector("#quarantine-table tr[data-client='victim'] td.reason");
        wait.until(ExpectedConditions.visibilityOfElementLocated(reason));
        assertThat(textOf(reason)).isEqualTo(hostile);
        assertThat(driver.findElements(By.cssSelector("#quarantine-table img"))).isEmpty();

        driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
        visible("enrol-form");
        type("enrol-name", "<script>window.__xss=3</script>");
        type("enrol-key", CurveKeyPair.generate().publicZ85());
        click("enrol-submit");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("enrol-result"), "<script>"));
        assertThat(driver.findElement(By.id("enrol-result")).getText()).contains("<script>window.__xss=3</script>");
        shot("08-hostile-name-as-text");
        assertThat(((JavascriptExecutor) driver).executeScript("return window.__xss === undefined")).isEqualTo(true);
        assertThat(driver.findElements(By.cssSelector("#enrol-result script"))).isEmpty();
    }

    @Test
    void generateBundleAndManageTokensFromTheUi() throws Exception {
        Https.admin(gw, PASSWORD);
        login();
        driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
        type("generate-name", "made-here");
        click("generate-submit");
        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("bundle-link")));
        assertThat(link.getAttribute("href")).contains("/api/bundles/");
        assertThat(gw.store.clients().findByName("made-here")).isPresent();
        assertThat(driver.findElement(By.id("generate-result")).getText()).doesNotContain("downloaded");

        // The bundle is saved, and only then does the page say so.
        String page = driver.getCurrentUrl();
        link.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bundle-status"), "Bundle downloaded"));
        Path zip = downloads.resolve("made-here.zip");
        wait.until(d -> Files.isRegularFile(zip) && zip.toFile().length() > 0);
        shot("09a-bundle-downloaded");
        Path unpacked = Files.createDirectories(home.resolve("unpacked"));
        if (Files.isExecutable(Path.of("/usr/bin/unzip"))) {
            Process unzip = new ProcessBuilder("/usr/bin/unzip", "-q", zip.toString()).directory(unpacked.toFile())
                    .redirectErrorStream(true).start();
            assertThat(unzip.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(unzip.exitValue()).isZero();
            Path bundle = unpacked.resolve("made-here");
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(bundle.resolve("made-here.key_secret")))).isEqualTo("rw-------");
            org.edgegateway.keys.ZCert secret = org.edgegateway.keys.ZCertFiles.read(bundle.resolve("made-here.key_secret"));
            org.edgegateway.keys.ZCert server = org.edgegateway.keys.ZCertFiles.read(bundle.resolve("server.key"));
            assertThat(server.metadata()).containsEntry("endpoint", gw.gateway.clientEndpoint());
            try (ZContext context = new ZContext(1)) {
                ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
                dealer.setLinger(0);
                dealer.setReceiveTimeOut(30_000);
                dealer.setHandshakeIvl(2000);
                dealer.setCurveServerKey(server.publicKey());
                dealer.setCurvePublicKey(secret.publicKey());
                dealer.setCurveSecretKey(secret.secretKey());
                dealer.connect(gw.gateway.boundEndpoint());
                assertThat(TestGateway.exchange(dealer, "STRING", "from a downloaded bundle"))
                        .as("a CURVE client with the bundle the UI downloaded").startsWith("ACK");
            }
        }

        // A second download is refused, and the page says so in its own words.
        link.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bundle-status"), "the download failed"));
        assertThat(driver.findElement(By.id("generate-result")).getText()).contains("downloaded already")
                .contains("revoke made-here");
        assertThat(driver.findElement(By.id("generate-result")).getAttribute("class")).contains("bad");
        assertThat(driver.getCurrentUrl()).isEqualTo(page);
        assertThat(driver.findElement(By.tagName("body")).getText()).doesNotContain("\"error\"");
        shot("09b-bundle-second-download");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#clients-table tr[data-client='made-here']")));
        shot("09-clients-generated");
        resize(390, 844);
        shot("10-clients-phone");
        resize(1280, 1000);

        driver.findElement(By.cssSelector("#nav a[data-page=settings]")).click();
        type("token-name", "grafana");
        click("token-submit");
        WebElement token = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-value")));
        assertThat(token.getText()).startsWith("egw_");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tokens-table tr[data-token=grafana]")));
        wait.until(d -> !d.findElement(By.id("info-fingerprint")).getText().isEmpty());
        assertThat(driver.findElement(By.id("info-fingerprint")).getText()).isEqualTo(gw.web.certificateFingerprint());
        shot("11-settings");

        driver.findElement(By.cssSelector("#nav a[data-page=audit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-table"), "token.create"));
        shot("12-audit");
        resize(390, 844);
        shot("13-audit-phone");
    }

    @Test
    void theClientsListPagesSortsAndFiltersAtTheGatewayAndTheAuditLogFiltersAndExports() throws Exception {
        Https api = Https.admin(gw, PASSWORD);
        Map<String, String> batch = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 120; i++) {
            batch.put(String.format("sensor-%03d", i), CurveKeyPair.generate().publicZ85());
        }
        gw.store.clients().enrolAll(batch, "importer", "test");
        assertThat(api.post("/api/clients/sensor-042/quarantine", Map.of("reason", "noisy")).status()).isEqualTo(200);
        login();
        driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
        wait.until(ExpectedConditions.textToBe(By.id("clients-range"), "1–50 of 120"));
        assertThat(driver.findElements(By.cssSelector("#clients-table tbody tr"))).as("only the page is in the DOM")
                .hasSize(50);
        shot("24-clients-paged");

        click("clients-next");
        wait.until(ExpectedConditions.textToBe(By.id("clients-range"), "51–100 of 120"));
        assertThat(textOf(By.cssSelector("#clients-table tbody tr:first-child td"))).contains("sensor-050");

        clickWhenReady(By.cssSelector("#clients-table button.sort[data-sort=name]"));
        wait.until(ExpectedConditions.textToBe(By.id("clients-range"), "1–50 of 120"));
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("#clients-table th:first-child"), "aria-sort", "descending"));
        wait.until(d -> textOf(By.cssSelector("#clients-table tbody tr:first-child td")).contains("sensor-119"));

        type("client-search", "sensor-01");
        wait.until(ExpectedConditions.textToBe(By.id("clients-range"), "1–10 of 10"));
        assertThat(driver.findElements(By.cssSelector("#clients-table tbody tr"))).hasSize(10);
        driver.findElement(By.id("client-search")).clear();
        type("client-search", " ");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("clients-status"))).selectByValue("quarantined");
        wait.until(ExpectedConditions.textToBe(By.id("clients-range"), "1–1 of 1"));
        assertThat(textOf(By.cssSelector("#clients-table tbody"))).contains("sensor-042").contains("noisy");
        shot("25-clients-filtered");

        // The audit log, filtered by client and action, and exported with the same filter.
        driver.findElement(By.cssSelector("#nav a[data-page=audit]")).click();
        visible("audit-filter");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-table"), "client.enrol"));
        type("audit-client", "sensor-042");
        click("audit-apply");
        wait.until(d -> d.findElements(By.cssSelector("#audit-table tbody tr")).size() == 2);
        assertThat(textOf(By.id("audit-table"))).contains("client.quarantine").contains("client.enrol")
                .doesNotContain("sensor-041");
        type("audit-action", "client.quarantine");
        click("audit-apply");
        wait.until(d -> d.findElements(By.cssSelector("#audit-table tbody tr")).size() == 1);
        assertThat(driver.findElement(By.id("audit-export")).getAttribute("href"))
                .endsWith("/api/audit.csv?action=client.quarantine&client=sensor-042");
        shot("26-audit-filtered");
        type("audit-action", "client%");
        click("audit-apply");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-filter-result"), "may only contain"));
        type("audit-action", "client.quarantine");
        click("audit-apply");
        wait.until(d -> d.findElements(By.cssSelector("#audit-table tbody tr")).size() == 1);

        click("audit-export");
        Path csv = downloads.resolve("edge-gateway-audit.csv");
        wait.until(d -> Files.isRegularFile(csv) && csv.toFile().length() > 0);
        List<List<String>> rows = AuditApiTest.parse(Files.readString(csv, StandardCharsets.UTF_8));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get(0)).isEqualTo("id");
        assertThat(rows.get(1)).contains("client.quarantine", "sensor-042", "until released: noisy");
        resize(390, 844);
        shot("27-audit-filtered-phone");
    }

    @Test
    void enrolmentMakeAClaimThenApproveAndRejectTheSensorsThatEnrolledOnIt() throws Exception {
        Https.admin(gw, PASSWORD);
        login();
        driver.findElement(By.cssSelector("#nav a[data-page=enrolment]")).click();
        visible("claim-form");
        type("claim-prefix", "site9-");
        type("claim-uses", "2");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("claim-approve"))).selectByValue("manual");
        click("claim-submit");
        WebElement link = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("claim-link")));
        assertThat(link.getAttribute("href")).startsWith("blob:");
        String claimFile = driver.findElement(By.id("claim-file")).getAttribute("value");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("secret = \"(egc_[^\"]+)\"").matcher(claimFile);
        assertThat(m.find()).as(claimFile).isTrue();
        String secret = m.group(1);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#claims-table tr[data-claim='1']")));
        shot("14-enrolment-claim");

        CurveKeyPair first = CurveKeyPair.generate();
        CurveKeyPair second = CurveKeyPair.generate();
        try (ZContext context = new ZContext(1)) {
            for (Object[] sensor : new Object[][] {{first, "site9-a"}, {second, "site9-b"}}) {
                ZMQ.Socket s = gw.enrolling(context, (CurveKeyPair) sensor[0]);
                s.sendMore("ENROL");
                s.sendMore(secret);
                s.send((String) sensor[1]);
                assertThat(TestGateway.receive(s)).containsExactly("PENDING", (String) sensor[1]);
                s.close();
            }
        }
        By firstRow = By.cssSelector("#pending-table tr[data-client='site9-a']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(firstRow, first.publicZ85()));
        assertThat(textOf(firstRow)).contains("127.0.0.1");
        shot("15-enrolment-pending");
        clickWhenReady(By.cssSelector("#pending-table tr[data-client='site9-a'] button[data-action=approve]"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(firstRow));
        clickWhenReady(By.cssSelector("#pending-table tr[data-client='site9-b'] button[data-action=reject]"));
        visible("dialog");
        click("dialog-ok");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("#pending-table tr[data-client='site9-b']")));
        visible("pending-empty");
        assertThat(gw.store.clients().findByName("site9-a").orElseThrow().status()).isEqualTo(org.edgegateway.keys.ClientStatus.ACTIVE);
        assertThat(gw.store.clients().findByName("site9-b").orElseThrow().status()).isEqualTo(org.edgegateway.keys.ClientStatus.REVOKED);

        clickWhenReady(By.cssSelector("#claims-table tr[data-claim='1'] button[data-action=revoke-claim]"));
        visible("dialog");
        click("dialog-ok");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#claims-table tr[data-claim='1']"),
                "revoked"));
        shot("16-enrolment-revoked");
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 50)).extracting(e -> e.action())
                .contains("claim.create", "claim.enrol", "client.approve", "client.reject", "claim.revoke");
    }

    @Test
    void aPageLeftAloneIsLoggedOutAfterTheIdleTimeoutThoughItKeepsPolling() throws Exception {
        Https.admin(gw, PASSWORD);
        login();
        driver.findElement(By.cssSelector("#nav a[data-page=settings]")).click(); // the admin's last activity
        visible("token-form");
        // Nobody touches the page; it polls the token list every 1.5 s. The web clock moves on in steps
        // shorter than the idle timeout (30 min), and a token made meanwhile shows that a poll came
        // through. Polls do not count as activity, so the second step ends the session.
        By loginForm = By.id("login-form");
        for (int step = 1; step <= 3 && !driver.findElement(loginForm).isDisplayed(); step++) {
            gw.webClock.advance(Duration.ofMinutes(20));
            String name = "poll-" + step;
            gw.gateway.admin().createApiToken(name, org.edgegateway.keys.TokenScope.READ_ONLY, null,
                    new org.edgegateway.core.admin.Actor("test", "local"));
            wait.until(ExpectedConditions.or(ExpectedConditions.visibilityOfElementLocated(loginForm),
                    ExpectedConditions.presenceOfElementLocated(By.cssSelector("#tokens-table tr[data-token=" + name + "]"))));
        }
        assertThat(driver.findElement(loginForm).isDisplayed()).as("logged out 40 min after the last activity").isTrue();
        assertThat(driver.findElements(By.cssSelector("#tokens-table tr[data-token=poll-2]"))).isEmpty();
        shot("14-logged-out-when-left-alone");
    }

    @Test
    void anUplinkThatTheUpstreamRefusesIsAnAlertOnTheDashboard() throws Exception {
        Https.admin(gw, PASSWORD);
        login();
        assertThat(driver.findElement(By.id("uplink-alert")).isDisplayed()).isFalse();
        // What an edge's uplink reports while its upstream has uplink.receive=false (see UplinkRefusalTest).
        gw.gateway.reportUplink(() -> new UplinkView(true, 42, 0, 0, 7, "UNKNOWN_TYPE: no handler for type UPLINK",
                "the upstream does not accept UPLINK messages: set uplink.receive=true on it",
                java.time.Instant.parse("2026-01-01T10:00:00Z"), "UNKNOWN_TYPE: no handler for type UPLINK"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("uplink-alert")));
        assertThat(driver.findElement(By.id("uplink-alert")).getText())
                .contains("UNKNOWN_TYPE: no handler for type UPLINK").contains("42 messages wait")
                .contains("set uplink.receive=true");
        shot("15-dashboard-uplink-refused");
        gw.gateway.reportUplink(() -> null);
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("uplink-alert")));
    }

    @Test
    void workersAreEnrolledWatchedAndRevokedFromTheirPage() throws Exception {
        Https.admin(gw, PASSWORD);
        login();
        driver.findElement(By.cssSelector("#nav a[data-page=workers]")).click();
        visible("worker-form");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("workers-endpoint"), "tcp://127.0.0.1:"));
        org.edgegateway.keys.CurveKeyPair key = org.edgegateway.keys.CurveKeyPair.generate();
        type("worker-name", "resizer-1");
        type("worker-key", key.publicZ85());
        click("worker-submit");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("worker-result"), "Enrolled worker resizer-1."));
        By row = By.cssSelector("#workers-table tr[data-worker='resizer-1']");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "not connected"));

        try (org.zeromq.ZContext ctx = new org.zeromq.ZContext(1)) {
            org.zeromq.ZMQ.Socket worker = ctx.createSocket(org.zeromq.SocketType.DEALER);
            worker.setLinger(0);
            worker.setCurveServerKey(gw.serverKeys.publicKey());
            worker.setCurvePublicKey(key.publicKey());
            worker.setCurveSecretKey(key.secretKey());
            worker.connect(gw.gateway.workers().boundEndpoint());
            worker.sendMore("READY");
            worker.send("RESIZE");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "RESIZE"));
            assertThat(textOf(row)).contains("connected").contains(key.publicZ85())
                    .as("a classic worker: none in flight of its 16").contains("0 / 16");
            shot("16-workers");

            clickWhenReady(By.cssSelector("#workers-table tr[data-worker='resizer-1'] button[data-action=revoke-worker]"));
            visible("dialog");
            click("dialog-ok");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(row, "revoked"));
            assertThat(gw.gateway.workers().workers()).as("cut").isEmpty();
            assertThat(gw.store.audit().page(Long.MAX_VALUE, 10)).extracting(e -> e.action())
                    .contains("worker.enrol", "worker.revoke");
            shot("17-workers-revoked");
        }
    }

    @Test
    void theDashboardChartsTheHistoryAndEveryPageHasABannerWhileAClientIsQuarantined() throws Exception {
        Https api = Https.admin(gw, PASSWORD);
        CurveKeyPair sensor = CurveKeyPair.generate();
        assertThat(api.post("/api/clients", Map.of("name", "sensor-1", "publicKey", sensor.publicZ85())).status())
                .isEqualTo(201);
        login();
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket dealer = gw.connected(context, sensor);
            for (int i = 0; i < 5; i++) {
                assertThat(TestGateway.exchange(dealer, "STRING", "reading " + i)).startsWith("ACK");
            }
            // The gateway adds a point to its history every 10 s, and the page asks for it after each.
            By received = By.cssSelector("#chart-messages polyline[data-series=in]");
            wait.ignoring(StaleElementReferenceException.class).until(d -> sum(d.findElement(received)) >= 5);
            assertThat(sumOf(By.cssSelector("#chart-messages polyline[data-series=out]")))
                    .isGreaterThanOrEqualTo(5);
            assertThat(sumOf(By.cssSelector("#chart-bytes polyline[data-series=in]"))).isPositive();
            assertThat(sumOf(By.cssSelector("#chart-clients polyline[data-series=connected]")))
                    .isPositive();
            assertThat(driver.findElements(By.cssSelector("#chart-refused polyline"))).hasSize(1);
            assertThat(attributeOf(By.cssSelector("#chart-messages svg"), "data-points"))
                    .matches("[1-9][0-9]*");
            assertThat(textOf(By.id("history-range"))).matches("From " + DATE + "\\) to " + DATE + "\\): [0-9,]+ points? of 10 s\\.");
            assertThat(textOf(By.id("proc-version"))).isNotBlank().isNotEqualTo("–");
            assertThat(textOf(By.id("proc-heap"))).contains("MiB /");
            assertThat(textOf(By.id("proc-started"))).matches("since " + DATE + "\\)");
            assertThat(textOf(By.id("proc-cpu-note"))).contains("processor");
            shot("20-dashboard-history-hour");

            click("history-1m");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("history-range"), " of 60 s."));
            assertThat(attributeOf(By.id("history-1m"), "aria-pressed")).isEqualTo("true");
            wait.ignoring(StaleElementReferenceException.class).until(d -> sum(d.findElement(received)) >= 5);
            shot("21-dashboard-history-day");
        }

        // What cannot be taken back is confirmed with a red button; a quarantine is not red.
        driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
        clickWhenReady(By.cssSelector("#clients-table tr[data-client='sensor-1'] button[data-action=revoke]"));
        visible("dialog");
        assertThat(driver.findElement(By.id("dialog-ok")).getCssValue("background-color")).isEqualTo("rgba(179, 38, 30, 1)");
        shot("22-revoke-confirm-red");
        click("dialog-cancel");
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("dialog")));
        clickWhenReady(By.cssSelector("#clients-table tr[data-client='sensor-1'] button[data-action=quarantine]"));
        visible("dialog");
        assertThat(driver.findElement(By.id("dialog-ok")).getCssValue("background-color")).isEqualTo("rgba(47, 111, 176, 1)");
        type("dialog-reason", "looks odd");
        click("dialog-ok");

        // The banner: on every page while the quarantine lasts, gone once it is released.
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("alerts"), "1 client is quarantined"));
        driver.findElement(By.cssSelector("#nav a[data-page=workers]")).click();
        visible("worker-form");
        assertThat(driver.findElement(By.id("alerts")).isDisplayed()).isTrue();
        shot("23-banner-quarantined");
        click("alerts-link");
        visible("page-quarantine");
        clickWhenReady(By.cssSelector("#quarantine-table tr[data-client='sensor-1'] button[data-action=release]"));
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("alerts")));
        assertThat(gw.store.clients().findByName("sensor-1").orElseThrow().status()).isEqualTo(org.edgegateway.keys.ClientStatus.ACTIVE);

        driver.findElement(By.cssSelector("#nav a[data-page=audit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("audit-table"), "client.release"));
        assertThat(textOf(By.cssSelector("#audit-table tbody tr td"))).matches(DATE + "\\)");
    }

    @Test
    void everyPageFitsA700PixelWideWindowAndIsShotAtBothWidths() throws Exception {
        driver.get(gw.baseUrl() + "/");
        visible("login-form");
        shotBothWidths("page-login", By.id("login-form"));

        // Something on every page: a connected client with errors, a quarantined one, a revoked one, a
        // sensor waiting for approval, a worker key, a token and a banned address.
        Https api = Https.admin(gw, PASSWORD);
        CurveKeyPair sensor = CurveKeyPair.generate();
        assertThat(api.post("/api/clients", Map.of("name", "sensor-7", "publicKey", sensor.publicZ85())).status())
                .isEqualTo(201);
        for (String name : new String[] {"quiet-3", "old-2"}) {
            assertThat(api.post("/api/clients", Map.of("name", name, "publicKey", CurveKeyPair.generate().publicZ85()))
                    .status()).isEqualTo(201);
        }
        assertThat(api.post("/api/clients/quiet-3/quarantine",
                Map.of("reason", "sent 4,000 messages in one second", "durationSeconds", 3600)).status()).isEqualTo(200);
        assertThat(api.post("/api/clients/old-2/revoke", Map.of()).status()).isEqualTo(200);
        assertThat(api.post("/api/workers", Map.of("name", "resizer-1", "publicKey", CurveKeyPair.generate().publicZ85()))
                .status()).isEqualTo(201);
        assertThat(api.post("/api/tokens", Map.of("name", "grafana", "scope", "read-only")).status()).isEqualTo(201);
        Https.Reply claim = api.post("/api/claims", Map.of("prefix", "site4-", "uses", 5, "expiresInSeconds", 86400,
                "approve", "manual"));
        assertThat(claim.status()).isEqualTo(201);
        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket enrol = gw.enrolling(context, CurveKeyPair.generate());
            enrol.sendMore("ENROL");
            enrol.sendMore(claim.json().get("secret").asText());
            enrol.send("site4-pump");
            assertThat(TestGateway.receive(enrol)).containsExactly("PENDING", "site4-pump");

            ZMQ.Socket dealer = gw.connected(context, sensor);
            for (int i = 0; i < 3; i++) {
                assertThat(TestGateway.exchange(dealer, "STRING", "21." + i + " C")).startsWith("ACK");
            }
            assertThat(TestGateway.exchange(dealer, "NOPE", "x").get(1)).startsWith("UNKNOWN_TYPE");
            // Last, as it refuses this address's new handshakes: strangers' failed ones ban it.
            strangersUntilBanned();
            assertThat(gw.gateway.admin().bans()).isNotEmpty();

            login();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("alerts"), "1 address is banned"));
            for (Map.Entry<String, By> page : PAGES.entrySet()) {
                driver.findElement(By.cssSelector("#nav a[data-page=" + page.getKey() + "]")).click();
                visible("page-" + page.getKey());
                shotBothWidths("page-" + page.getKey(), page.getValue());
            }
            driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
            clickWhenReady(By.cssSelector("#clients-table tr[data-client='sensor-7'] a.client-name"));
            visible("page-client");
            shotBothWidths("page-client", By.cssSelector("#client-connections-table tbody tr"));
            driver.findElement(By.cssSelector("#nav a[data-page=settings]")).click();
            click("settings-password");
            visible("password-form");
            shotBothWidths("page-password", By.id("password-form"));
            click("pw-cancel");
            driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
            clickWhenReady(By.cssSelector("#clients-table tr[data-client='sensor-7'] button[data-action=revoke]"));
            visible("dialog");
            shotBothWidths("page-clients-revoke-confirm", By.id("dialog-ok"));
        }
    }

    /** Strangers knock with unknown keys, one every 200 ms for up to 30 s, until the gateway bans their address. */
    private void strangersUntilBanned() throws InterruptedException {
        try (ZContext context = new ZContext(1)) {
            List<ZMQ.Socket> strangers = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (gw.gateway.admin().bans().isEmpty() && System.nanoTime() < deadline) {
                strangers.add(gw.dealer(context, CurveKeyPair.generate()));
                Thread.sleep(200);
            }
            strangers.forEach(ZMQ.Socket::close);
        }
    }

    private static Map<String, By> pages() {
        Map<String, By> m = new java.util.LinkedHashMap<>();
        m.put("dashboard", By.cssSelector("#chart-messages polyline[data-series=in]:not([data-sum='0'])"));
        m.put("clients", By.cssSelector("#clients-table tr[data-client='sensor-7']"));
        m.put("enrolment", By.cssSelector("#pending-table tr[data-client='site4-pump']"));
        m.put("quarantine", By.cssSelector("#bans-table tr[data-address]"));
        m.put("plugins", By.cssSelector("#plugins-table tr[data-plugin='string']"));
        m.put("workers", By.cssSelector("#workers-table tr[data-worker='resizer-1']"));
        m.put("audit", By.cssSelector("#audit-table tbody tr"));
        m.put("admins", By.cssSelector("#admins-table tr[data-admin='admin']"));
        m.put("settings", By.cssSelector("#tokens-table tr[data-token=grafana]"));
        return m;
    }

    /**
     * Shoots the whole page at 1280 px and at 700 px wide, once {@code ready} is there, and checks at
     * 700 px that the page needs no horizontal scrolling (tables scroll inside their own box) and
     * that no key or token is broken across lines.
     */
    private void shotBothWidths(String name, By ready) throws Exception {
        wait.until(ExpectedConditions.presenceOfElementLocated(ready));
        fullShot(name);
        resize(700, 1000);
        wait.until(ExpectedConditions.presenceOfElementLocated(ready));
        JavascriptExecutor js = driver;
        Object overflow = js.executeScript("const e = document.scrollingElement;"
                + " if (e.scrollWidth <= e.clientWidth) return null;"
                + " return e.scrollWidth + ' > ' + e.clientWidth + ': ' + [...document.querySelectorAll('body *')]"
                + ".filter((x) => x.getBoundingClientRect().right > e.clientWidth + 0.5)"
                + ".slice(0, 8).map((x) => x.tagName + '#' + x.id + '.' + x.className).join(' ');");
        assertThat(overflow).as(name + " overflows its 700 px window").isNull();
        Object broken = js.executeScript("return [...document.querySelectorAll('.key')]"
                + ".filter((k) => k.offsetParent !== null && k.textContent.length > 0)"
                + ".filter((k) => { const r = document.createRange(); r.selectNodeContents(k);"
                + " return new Set([...r.getClientRects()].map((c) => Math.round(c.top))).size > 1; })"
                + ".map((k) => k.textContent);");
        assertThat((List<?>) broken).as(name + ": keys broken across lines").isEmpty();
        fullShot(name + "-700");
        resize(1280, 1000);
    }

    /** The sum of a chart line's values, as the chart writes it. */
    private static long sum(WebElement line) {
        String sum = line.getAttribute("data-sum");
        return sum == null ? 0 : Long.parseLong(sum);
    }

    /** The data-sum of the chart line {@code by} finds, found afresh if a refresh redrew the chart in between. */
    private long sumOf(By by) {
        return wait.ignoring(StaleElementReferenceException.class).until(d -> sum(d.findElement(by)));
    }

    /** An attribute of what {@code by} finds (null when absent), found afresh if a refresh replaced it. */
    private String attributeOf(By by, String name) {
        return wait.ignoring(StaleElementReferenceException.class)
                .until(d -> java.util.Optional.ofNullable(d.findElement(by).getAttribute(name))).orElse(null);
    }

    @Test
    void anAdminAddsAViewerWhoLogsInAndIsOfferedNoChange() throws Exception {
        Https.admin(gw, PASSWORD);
        gw.gateway.admin().enrol("sensor-1", CurveKeyPair.generate().publicZ85(),
                new org.edgegateway.core.admin.Actor("test", "local"));
        login();
        driver.findElement(By.cssSelector("#nav a[data-page=admins]")).click();
        visible("admin-form");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#admins-table tr[data-admin='admin']")));
        type("admin-name", "vera");
        click("admin-submit");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("admin-result"), "Added viewer vera"));
        String given = driver.findElement(By.id("admin-password")).getText();
        assertThat(given).hasSize(24);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#admins-table tr[data-admin='vera']"), "must change its password"));
        shot("18-admins");

        click("logout");
        visible("login-form");
        type("login-user", "vera");
        type("login-password", given);
        click("login-submit");
        visible("password-form");
        type("pw-current", given);
        type("pw-new", "vera's own password");
        type("pw-again", "vera's own password");
        click("pw-submit");
        visible("page-dashboard");
        assertThat(textOf(By.id("who"))).isEqualTo("vera (viewer)");
        assertThat(driver.findElement(By.cssSelector("#nav a[data-page=admins]")).isDisplayed()).isFalse();

        driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
        By row = By.cssSelector("#clients-table tr[data-client='sensor-1']");
        wait.until(ExpectedConditions.presenceOfElementLocated(row));
        assertThat(driver.findElement(By.id("enrol-form")).isDisplayed()).isFalse();
        assertThat(driver.findElement(By.id("generate-form")).isDisplayed()).isFalse();
        assertThat(displayed(By.cssSelector("#clients-table .actions button")))
                .as("a viewer is offered no action on a client").isEmpty();
        shot("19-viewer-clients");
        clickWhenReady(By.cssSelector("#clients-table tr[data-client='sensor-1'] a.client-name"));
        visible("page-client");
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#client-actions button[data-action=revoke]")));
        assertThat(displayed(By.cssSelector("#client-actions button"))).as("nor on its own page").isEmpty();

        driver.findElement(By.cssSelector("#nav a[data-page=settings]")).click();
        visible("settings-password");
        assertThat(driver.findElement(By.id("token-form")).isDisplayed()).isFalse();
        driver.get(gw.baseUrl() + "/#admins");
        visible("page-dashboard");
        assertThat(driver.findElement(By.id("page-admins")).isDisplayed()).as("no address opens it for a viewer").isFalse();
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 20)).extracting(e -> e.action())
                .contains("admin.create", "admin.login", "admin.password");
    }

    /** The data-action of each button {@code by} finds that is shown, found afresh if a poll replaced them. */
    private List<String> displayed(By by) {
        return wait.ignoring(StaleElementReferenceException.class).until(d -> {
            List<String> shown = new ArrayList<>();
            for (WebElement b : d.findElements(by)) {
                if (b.isDisplayed()) {
                    shown.add(b.getAttribute("data-action"));
                }
            }
            return shown;
        });
    }

    private void login() throws Exception {
        driver.get(gw.baseUrl() + "/");
        visible("login-form");
        type("login-user", "admin");
        type("login-password", PASSWORD);
        click("login-submit");
        visible("page-dashboard");
    }

    /** Resizes the window and waits until the page lays out at the new width. */
    private void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
        wait.until(d -> ((Number) ((JavascriptExecutor) d).executeScript("return window.innerWidth")).intValue() <= width
                && ((Number) ((JavascriptExecutor) d).executeScript("return window.innerWidth")).intValue() > width - 40);
    }

    /** Clicks what {@code by} finds, finding it again if a live refresh replaced it in between. */
    private void clickWhenReady(By by) {
        wait.ignoring(StaleElementReferenceException.class).until(d -> {
            WebElement e = d.findElement(by);
            if (!e.isDisplayed() || !e.isEnabled()) {
                return false;
            }
            e.click();
            return true;
        });
    }

    /** The text of what {@code by} finds, found afresh if a poll replaced it between finding and reading. */
    private String textOf(By by) {
        return wait.ignoring(StaleElementReferenceException.class).until(d -> d.findElement(by).getText());
    }

    private void visible(String id) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void type(String id, String text) {
        WebElement e = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        e.clear();
        e.sendKeys(text);
    }

    /** Clicks the element with this id, found afresh if a live refresh (the alerts banner) replaced it. */
    private void click(String id) {
        clickWhenReady(By.id(id));
    }

    private void shot(String name) throws Exception {
        // Bytes, not FILE: Selenium's file would stay behind in the system's temporary folder.
        Files.write(SHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    }

    /** A screenshot of the whole page, below the window's bottom too (Chromium's DevTools protocol). */
    @SuppressWarnings("unchecked")
    private void fullShot(String name) throws Exception {
        Map<String, Object> size = (Map<String, Object>) driver.executeCdpCommand("Page.getLayoutMetrics", Map.of())
                .get("cssContentSize");
        // The shot is laid out without a vertical scroll bar: as wide as the window, or the page if wider.
        double width = Math.max(((Number) size.get("width")).doubleValue(),
                ((Number) driver.executeScript("return window.innerWidth")).doubleValue());
        Map<String, Object> clip = Map.of("x", 0, "y", 0, "scale", 1,
                "width", width, "height", ((Number) size.get("height")).doubleValue());
        String png = (String) driver.executeCdpCommand("Page.captureScreenshot",
                Map.of("format", "png", "captureBeyondViewport", true, "clip", clip)).get("data");
        Files.write(SHOTS.resolve(name + ".png"), java.util.Base64.getDecoder().decode(png));
    }
}
