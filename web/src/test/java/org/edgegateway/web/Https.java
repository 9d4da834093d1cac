package org.edgegateway.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test HTTPS client of the admin API that trusts exactly the server's certificate and keeps
 * one session (cookie and CSRF token). Not thread-safe.
 */
final class Https {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A response with its body parsed when it is JSON. */
    record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }
    }

    private final HttpClient client;
    private final String base;
    String cookie;
    String csrf;

    Https(X509Certificate trusted, String base) {
        this.base = base;
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("admin-web", trusted);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(null, tmf.getTrustManagers(), null);
            this.client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    Https(TestGateway gw) {
        this(gw.web.certificate(), gw.baseUrl());
    }

    Reply login(String user, String password) {
        Reply r = send("POST", "/api/session", Map.of("username", user, "password", password), Map.of());
        if (r.status() == 200) {
            String setCookie = r.header("set-cookie");
            cookie = setCookie.substring(0, setCookie.indexOf(';'));
            csrf = r.json().get("csrfToken").asText();
        }
        return r;
    }

    Reply get(String path) {
        return send("GET", path, null, Map.of());
    }

    Reply post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    Reply send(String method, String path, Object body, Map<String, String> extraHeaders) {
        HttpRequest.BodyPublisher publisher;
        Map<String, String> headers = extraHeaders;
        if (body == null) {
            publisher = HttpRequest.BodyPublishers.noBody();
        } else {
            try {
                publisher = HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : JSON.writeValueAsString(body));
            } catch (IOException e) {
                throw new AssertionError(e);
            }
            if (!extraHeaders.containsKey("Content-Type")) {
                headers = new java.util.HashMap<>(extraHeaders);
                headers.put("Content-Type", "application/json");
            }
        }
        return exchange(method, path, publisher, Duration.ofSeconds(20), headers);
    }

    /** One part of a multipart/form-data body; {@code fileName} null for a plain field. */
    record Part(String name, String fileName, byte[] content) {
        static Part file(String name, String fileName, byte[] content) {
            return new Part(name, fileName, content);
        }

        static Part field(String name, String value) {
            return new Part(name, null, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** POSTs {@code parts} as multipart/form-data, as a browser's FormData does. */
    Reply multipart(String path, List<Part> parts, Map<String, String> extraHeaders) {
        String boundary = "----egw-test-" + Long.toHexString(System.nanoTime());
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        try {
            for (Part p : parts) {
                StringBuilder head = new StringBuilder("--").append(boundary).append("\r\n")
                        .append("Content-Disposition: form-data; name=\"").append(p.name()).append('"');
                if (p.fileName() != null) {
                    head.append("; filename=\"").append(p.fileName()).append('"');
                }
                head.append("\r\n");
                if (p.fileName() != null) {
                    head.append("Content-Type: application/octet-stream\r\n");
                }
                head.append("\r\n");
                body.write(head.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                body.write(p.content());
                body.write("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Map<String, String> headers = new java.util.HashMap<>(extraHeaders);
        headers.put("Content-Type", "multipart/form-data; boundary=" + boundary);
        return sendBytes("POST", path, body.toByteArray(), headers);
    }

    Reply sendBytes(String method, String path, byte[] body, Map<String, String> headers) {
        return exchange(method, path, HttpRequest.BodyPublishers.ofByteArray(body), Duration.ofSeconds(30), headers);
    }

    /** Sends with this admin's cookie and CSRF token unless {@code headers} names its own; null values are left out. */
    private Reply exchange(String method, String path, HttpRequest.BodyPublisher body, Duration timeout,
                           Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout).method(method, body);
            if (cookie != null) {
                b.header("Cookie", cookie);
            }
            if (csrf != null && !headers.containsKey("X-CSRF-Token")) {
                b.header("X-CSRF-Token", csrf);
            }
            headers.forEach((k, v) -> {
                if (v != null) {
                    b.header(k, v);
                }
            });
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.body(), r.headers());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpResponse<byte[]> getBytes(String path, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
            if (cookie != null) {
                b.header("Cookie", cookie);
            }
            headers.forEach(b::header);
            return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Logs in with the first-start password and replaces it with {@code newPassword}. */
    static Https admin(TestGateway gw, String newPassword) throws IOException {
        Https h = new Https(gw);
        Reply login = h.login("admin", gw.initialPassword());
        if (login.status() != 200) {
            throw new AssertionError("login failed: " + login.body());
        }
        Reply changed = h.post("/api/session/password",
                Map.of("currentPassword", gw.initialPassword(), "newPassword", newPassword));
        if (changed.status() != 200) {
            throw new AssertionError("password change failed: " + changed.body());
        }
        return h;
    }
}
