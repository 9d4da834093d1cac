package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.http.HttpTester;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The admin UI's files in memory (Jetty's {@code LocalConnector}): every file of the UI's folder is
 * served with its type, every module a script imports is one of them, and nothing but their exact
 * paths is served.
 */
@Timeout(60)
class StaticAssetsTest {

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");
    /** A static import or re-export: {@code import ... from 'x'}, {@code export ... from 'x'}, {@code import 'x'}. */
    private static final Pattern IMPORT = Pattern.compile(
            "(?m)^\\s*(?:(?:import|export)\\b[^'\";]*?\\bfrom|import)\\s*['\"]([^'\"]+)['\"]");

    private Server server;
    private LocalConnector connector;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        connector = new LocalConnector(server);
        server.addConnector(connector);
        server.setHandler(new SecurityHeaders(new StaticAssets()));
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpTester.Response get(String path) throws Exception {
        return HttpTester.parseResponse(connector.getResponse(
                "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
    }

    /** The UI's folder as the build copied it, so a file added there but not to the list is caught. */
    private static List<String> filesOfTheUiFolder() throws Exception {
        Path ui = Path.of(StaticAssetsTest.class.getResource("/org/edgegateway/web/ui/").toURI());
        try (Stream<Path> files = Files.walk(ui)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> ui.relativize(f).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void everyFileOfTheUiFolderIsServedWithItsTypeAndRevalidated() throws Exception {
        List<String> files = filesOfTheUiFolder();
        assertThat(StaticAssets.FILES).containsExactlyInAnyOrderElementsOf(files);
        for (String name : files) {
            HttpTester.Response r = get("/" + name);
            assertThat(r.getStatus()).as(name).isEqualTo(200);
            assertThat(r.get("Content-Type")).as(name).isEqualTo(TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
            assertThat(r.get("Cache-Control")).as(name).isEqualTo("no-cache");
            assertThat(r.get("Content-Security-Policy")).as(name).isEqualTo(SecurityHeaders.CSP);
            assertThat(r.get("X-Content-Type-Options")).as(name).isEqualTo("nosniff");
            assertThat(r.getContentBytes()).as(name).isEqualTo(
                    StaticAssetsTest.class.getResourceAsStream("/org/edgegateway/web/ui/" + name).readAllBytes());
        }
        assertThat(get("/").getContent()).isEqualTo(get("/index.html").getContent());
    }

    @Test
    void thePageLoadsOneModuleAndEveryImportIsServed() throws Exception {
        String page = get("/").getContent();
        assertThat(page).contains("<script src=\"/app.js\" type=\"module\"></script>");
        assertThat(Pattern.compile("<script").matcher(page).results().count()).isEqualTo(1);
        int imports = 0;
        for (String name : StaticAssets.FILES.stream().filter(n -> n.endsWith(".js")).toList()) {
            Matcher m = IMPORT.matcher(get("/" + name).getContent());
            while (m.find()) {
                String specifier = m.group(1);
                assertThat(specifier).as("an import of %s", name).startsWith(".").endsWith(".js");
                String path = URI.create("https://localhost/" + name).resolve(specifier).getPath();
                assertThat(get(path).getStatus()).as("%s imported by %s", path, name).isEqualTo(200);
                imports++;
            }
        }
        assertThat(imports).as("the modules import each other").isGreaterThan(StaticAssets.FILES.size());
    }

    @Test
    void nothingButTheExactPathsIsServed() throws Exception {
        for (String path : new String[] {"/js", "/js/", "/JS/dom.js", "/js//dom.js", "/js/dom.js/", "/dom.js",
                "/js/../../org/edgegateway/web/StaticAssets.class", "/js/%2e%2e/%2e%2e/org/edgegateway/web/ui/app.js",
                "/js/%2E%2E/index.html", "/js%2fdom.js", "/org/edgegateway/web/ui/app.js", "/js/dom.js%00",
                "/META-INF/MANIFEST.MF", "/ui/app.js"}) {
            assertThat(get(path).getStatus()).as(path).isIn(400, 404);
        }
    }
}
