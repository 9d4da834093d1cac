package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import org.edgegateway.keys.CurveKeyPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
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

    @TempDir
    Path home;
    @TempDir
    Path profile;
    TestGateway gw;
    ChromeDriver driver;
    WebDriverWait wait;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(CHROMEDRIVER.canExecute() && CHROMIUM.canExecute(),
                "Debian's chromium and chromedriver are not installed");
        gw = new TestGateway(home);
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
        driver = new ChromeDriver(service, options);
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
    void loginChangePasswordEnrolSeeClientConnectRevokeAndSeeItGo() throws Exception {
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
        assertThat(gw.store.findAdminUser("admin").orElseThrow().mustChangePassword()).isFalse();

        CurveKeyPair sensor = CurveKeyPair.generate();
        driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
        visible("enrol-form");
        type("enrol-name", "sensor-7");
        type("enrol-key", sensor.publicZ85());
        click("enrol-submit");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("enrol-result"), "Enrolled sensor-7"));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#clients-table tr[data-client='sensor-7']")));
        assertThat(gw.store.findByName("sensor-7")).hasValueSatisfying(
                r -> assertThat(r.publicKey()).isEqualTo(sensor.publicZ85()));

        try (ZContext context = new ZContext(1)) {
            ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
            dealer.setLinger(0);
            dealer.setReceiveTimeOut(10_000);
            dealer.setCurveServerKey(gw.serverKeys.publicKey());
            dealer.setCurvePublicKey(sensor.publicKey());
            dealer.setCurveSecretKey(sensor.secretKey());
            dealer.connect(gw.gateway.boundEndpoint());
            assertThat(dealer.send("PING")).isTrue();
            byte[] reply = dealer.recv();
            assertThat(reply).as("PONG from the gateway").isNotNull();
            assertThat(new String(reply, StandardCharsets.US_ASCII)).isEqualTo("PONG");

            driver.findElement(By.cssSelector("#nav a[data-page=dashboard]")).click();
            By row = By.cssSelector("#connections-table tr[data-client='sensor-7']");
            wait.until(ExpectedConditions.visibilityOfElementLocated(row));
            assertThat(driver.findElement(row).getText()).contains("sensor-7").contains("127.0.0.1");
            wait.until(d -> !d.findElement(By.id("stat-connected")).getText().equals("–"));
            assertThat(driver.findElement(By.id("stat-connected")).getText()).isEqualTo("1");
            shot("03-dashboard-connected");
            resize(390, 844);
            shot("04-dashboard-phone");
            resize(1280, 1000);

            driver.findElement(By.cssSelector("#nav a[data-page=clients]")).click();
            By revoke = By.cssSelector("#clients-table tr[data-client='sensor-7'] button[data-action=revoke]");
            wait.until(ExpectedConditions.elementToBeClickable(revoke)).click();
            visible("dialog");
            shot("05-revoke-confirm");
            click("dialog-ok");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#clients-table tr[data-client='sensor-7']"), "revoked"));
            shot("06-clients-revoked");

            driver.findElement(By.cssSelector("#nav a[data-page=dashboard]")).click();
            visible("page-dashboard");
            wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
            wait.until(ExpectedConditions.textToBe(By.id("stat-connected"), "0"));
            shot("07-dashboard-gone");
        }
        assertThat(gw.store.auditPage(Long.MAX_VALUE, 50)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("client.revoke");
            assertThat(e.actor()).isEqualTo("admin");
            assertThat(e.source()).isEqualTo("127.0.0.1");
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
        assertThat(driver.findElement(reason).getText()).isEqualTo(hostile);
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
        assertThat(gw.store.findByName("made-here")).isPresent();
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

    private void visible(String id) {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
    }

    private void type(String id, String text) {
        WebElement e = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(id)));
        e.clear();
        e.sendKeys(text);
    }

    private void click(String id) {
        wait.until(ExpectedConditions.elementToBeClickable(By.id(id))).click();
    }

    private void shot(String name) throws Exception {
        File f = driver.getScreenshotAs(OutputType.FILE);
        Files.copy(f.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
