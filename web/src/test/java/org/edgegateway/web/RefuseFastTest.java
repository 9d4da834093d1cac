package org.edgegateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anonymous callers cannot hold a server thread: their refused bodies are not read, and a login that
 * finds every password-hashing slot busy is refused at once. Over real HTTPS, raw where the test must
 * see what the server does on the wire.
 */
@Timeout(120)
class RefuseFastTest {

    @TempDir
    Path home;
    TestGateway gw;

    @AfterEach
    void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    /** What came back on a raw connection: the header lines, and whether the server closed it after the answer. */
    record Wire(List<String> head, boolean closed) {
        String status() {
            return head.get(0);
        }

        String header(String name) {
            for (String h : head) {
                if (h.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return h.substring(name.length() + 1).strip();
                }
            }
            return null;
        }
    }

    /**
     * Sends {@code head} (request line and headers) and {@code body}, often only the first bytes of a
     * body declared far longer, then reads the first answer.
     */
    private Wire send(String head, int bodyBytesSent) throws Exception {
        return send(head, new byte[bodyBytesSent]);
    }

    private Wire send(String head, byte[] body) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("admin-web", gw.web.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", gw.web.port())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> lines = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                lines.add(line);
            }
            assertThat(lines).as("an answer").isNotEmpty();
            if (lines.get(0).startsWith("HTTP/1.1 1")) {
                return new Wire(lines, false); // 100 Continue: the server asks for the body
            }
            long length = Long.parseLong(new Wire(lines, false).header("Content-Length"));
            in.skip(length);
            boolean closed;
            try {
                closed = in.read() < 0;
            } catch (IOException e) {
                closed = true; // reset: closed as well
            }
            return new Wire(lines, closed);
        }
    }

    @Test
    void anAnonymousRequestsBodyIsNeverReadAndTheConnectionCloses() throws Exception {
        gw = new TestGateway(home);
        String host = "Host: 127.0.0.1:" + gw.web.port() + "\n";
        // Expect: 100-continue lets the test see on the wire whether the server wants the body: Jetty
        // answers "100 Continue" the moment a handler starts reading it.
        for (String path : new String[] {"/api/clients", "/api/session", "/api/plugins", "/api/nothing"}) {
            Wire w = send("POST " + path + " HTTP/1.1\n" + host + "Content-Type: application/json\n"
                    + "Content-Length: 50000000\nExpect: 100-continue\n", 0);
            assertThat(w.status()).as(path + ": refused without reading the body").isNotEqualTo("HTTP/1.1 100 Continue")
                    .matches("HTTP/1\\.1 4\\d\\d .*");
            assertThat(w.header("Connection")).as(path).isEqualTo("close");
            assertThat(w.closed()).as(path).isTrue();
        }
        // Without Expect, the body that was sent is left unread and the connection ends after the 401.
        Wire w = send("POST /api/clients HTTP/1.1\n" + host + "Content-Type: application/json\n"
                + "Content-Length: 50000000\n", 16 * 1024);
        assertThat(w.status()).startsWith("HTTP/1.1 401");
        assertThat(w.header("Connection")).isEqualTo("close");
        assertThat(w.closed()).isTrue();
    }

    @Test
    void anAuthenticatedCallersRefusedBodyIsStillReadSoTheAnswerArrives() throws Exception {
        gw = new TestGateway(home);
        Https h = Https.admin(gw, "correct horse battery staple");
        Https.Reply r = h.send("POST", "/api/clients", "{\"name\":\"" + "a".repeat(70_000) + "\"}", Map.of());
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("error").asText()).isEqualTo("TOO_LARGE");
    }

    @Test
    void aLoginFindingEveryHashingSlotBusyIsRefusedAtOnceWith429() throws Exception {
        Semaphore slots = new Semaphore(1);
        gw = TestGateway.withHashingSlots(home, slots);
        String password = gw.initialPassword();
        String body = "{\"username\":\"admin\",\"password\":\"" + password + "\"}";
        String head = "POST /api/session HTTP/1.1\nHost: 127.0.0.1:" + gw.web.port()
                + "\nContent-Type: application/json\nContent-Length: " + body.length() + "\n";
        slots.acquireUninterruptibly();
        try {
            Wire busy = send(head, body.getBytes(StandardCharsets.US_ASCII));
            assertThat(busy.status()).startsWith("HTTP/1.1 429");
            assertThat(busy.header("Retry-After")).isEqualTo("1");
            assertThat(busy.header("Connection")).isEqualTo("close");
            assertThat(busy.closed()).isTrue();

            Https.Reply r = new Https(gw).login("admin", password);
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.json().get("error").asText()).isEqualTo("THROTTLED");
            assertThat(r.json().get("message").asText()).isEqualTo("too many logins at once; try again in a second");
        } finally {
            slots.release();
        }
        assertThat(new Https(gw).login("admin", password).status()).as("a free slot: the login works").isEqualTo(200);
        assertThat(gw.store.audit().page(Long.MAX_VALUE, 50)).noneMatch(e -> e.action().equals("admin.login.failed"));
    }
}
