package org.edgegateway.core.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.keys.ClientLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the {@link AdminService} of a running gateway to local tools over a Unix domain socket,
 * {@code HOME/run/control.sock}, so that the CLI changes a running gateway without opening its key
 * store (which the gateway holds locked). Owns its accept thread, {@code egw-control}, and up to four
 * connection threads. Thread-safe.
 *
 * <p>Security: the socket file is owner-only (0600) inside an owner-only folder, so only the account
 * that runs the gateway (and root) can connect; the channel is never exposed on the network. Every
 * change is audited as {@code actor} from source {@code local}.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);

    private final Path path;
    private final AdminService admin;
    private final ObjectMapper json = ControlProtocol.mapper();
    private final ServerSocketChannel server;
    private final ExecutorService connections;
    private final Thread acceptor;
    private volatile boolean running = true;

    private ControlServer(Path path, AdminService admin, ServerSocketChannel server) {
        this.path = path;
        this.admin = admin;
        this.server = server;
        AtomicInteger n = new AtomicInteger();
        this.connections = new ThreadPoolExecutor(0, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "egw-control-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::accept, "egw-control");
        this.acceptor.setDaemon(true);
    }

    /**
     * Binds the socket (replacing a stale file left by a gateway that died) and starts serving.
     *
     * @throws IllegalStateException when the socket cannot be bound, or another gateway answers on it
     */
    public static ControlServer start(Path path, AdminService admin) {
        if (ControlClient.reachable(path)) {
            throw new IllegalStateException("another gateway is running on this home (it answers on " + path + ")");
        }
        try {
            Files.deleteIfExists(path);
            ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            ControlServer c = new ControlServer(path, admin, server);
            c.acceptor.start();
            LOG.info("control: listening on {}", path);
            return c;
        } catch (IOException | UnsupportedOperationException e) {
            throw new IllegalStateException("control: cannot listen on " + path + ": " + e.getMessage(), e);
        }
    }

    private void accept() {
        while (running) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("control: accept failed: {}", e.toString());
                }
                return;
            }
            try {
                connections.execute(() -> serve(channel));
            } catch (RuntimeException e) {
                closeQuietly(channel);
            }
        }
    }

    private void serve(SocketChannel channel) {
        try (channel;
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
             OutputStream out = Channels.newOutputStream(channel)) {
            String line;
            while ((line = in.readLine()) != null) {
                ObjectNode response;
                if (line.length() > ControlProtocol.MAX_LINE) {
                    response = error("INVALID", "request longer than " + ControlProtocol.MAX_LINE + " characters");
                } else {
                    JsonNode request = parse(line);
                    response = request != null && "backupStore".equals(request.path("op").asText())
                            ? streamBackup(request, out) : handle(request);
                }
                out.write((json.writeValueAsString(response) + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException e) {
            LOG.debug("control: connection ended: {}", e.toString());
        }
    }

    /** The request of a line, or null when it is not JSON. */
    private JsonNode parse(String line) {
        try {
            return json.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * {@code backupStore}: the copy of the key store travels to the CLI as {@code {"chunk": BASE64}}
     * lines, then the answer {@code {"ok": true, "result": "done"}} (or an error) returned here, so
     * that the CLI writes the backup itself, wherever its user may write: the gateway, sandboxed by
     * its systemd unit, never writes outside its home.
     */
    private ObjectNode streamBackup(JsonNode request, OutputStream out) throws IOException {
        ObjectNode end;
        try (ChunkLines chunks = new ChunkLines(out)) {
            admin.backupStore(chunks, request.path("destination").asText("(unnamed)"),
                    new Actor(request.path("actor").asText("cli"), "local"));
            chunks.flush();
            end = json.createObjectNode();
            end.put("ok", true);
            end.put("result", "done");
        } catch (AdminException e) {
            end = error(e.kind().name(), e.getMessage());
        } catch (IllegalArgumentException e) {
            end = error("INVALID", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("control: backupStore failed", e);
            end = error("UNAVAILABLE", "backupStore failed inside the gateway; see its log");
        }
        return end;
    }

    /** Bytes written become {@code {"chunk": BASE64}} lines of up to 48 KiB each. Not thread-safe. */
    private final class ChunkLines extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer = new byte[48 * 1024];
        private int used;

        ChunkLines(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                int n = Math.min(len, buffer.length - used);
                System.arraycopy(b, off, buffer, used, n);
                used += n;
                off += n;
                len -= n;
                if (used == buffer.length) {
                    flush();
                }
            }
        }

        @Override
        public void flush() throws IOException {
            if (used > 0) {
                ObjectNode chunk = json.createObjectNode();
                chunk.put("chunk", java.util.Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer, used)));
                out.write((json.writeValueAsString(chunk) + "\n").getBytes(StandardCharsets.UTF_8));
                used = 0;
            }
            out.flush();
        }

        @Override
        public void close() {
            // the connection stays open for the next request
        }
    }

    ObjectNode handle(String line) {
        return handle(parse(line));
    }

    private ObjectNode handle(JsonNode request) {
        if (request == null) {
            return error("INVALID", "request is not JSON");
        }
        if (!request.isObject()) {
            return error("INVALID", "request is not a JSON object");
        }
        String op = request.path("op").asText("");
        Actor actor;
        try {
            actor = new Actor(request.path("actor").asText(""), "local");
        } catch (IllegalArgumentException e) {
            return error("INVALID", "request has no actor");
        }
        try {
            Object result = switch (op) {
                case "serverPublicKey" -> admin.serverPublicKey();
                case "clientEndpoint" -> admin.clientEndpoint();
                case "clients" -> admin.clients();
                case "clientPage" -> admin.clientPage(object(request, "query", org.edgegateway.core.admin.ClientQuery.class));
                case "client" -> admin.client(text(request, "name")).orElse(null);
                case "connectionHistory" -> admin.connectionHistory(text(request, "name"));
                case "clientRates" -> admin.clientRates(text(request, "name"));
                case "enrol" -> admin.enrol(text(request, "name"), text(request, "publicKey"), actor);
                case "revoke" -> admin.revoke(text(request, "name"), actor);
                case "quarantine" -> admin.quarantine(text(request, "name"), request.path("reason").asText("manual"),
                        request.hasNonNull("seconds") ? Duration.ofSeconds(request.get("seconds").asLong()) : null, actor);
                case "release" -> admin.release(text(request, "name"), actor);
                case "createClaim" -> admin.createClaim(text(request, "prefix"), request.path("uses").asInt(0),
                        Duration.ofSeconds(request.path("seconds").asLong(0)), request.path("manual").asBoolean(false),
                        actor);
                case "claims" -> admin.claims();
                case "revokeClaim" -> admin.revokeClaim(request.path("id").asLong(-1), actor);
                case "pendingClients" -> admin.pendingClients();
                case "approve" -> admin.approve(text(request, "name"), actor);
                case "reject" -> admin.reject(text(request, "name"), actor);
                case "setLimits" -> admin.setLimits(text(request, "name"), json.treeToValue(request.get("limits"), ClientLimits.class), actor);
                case "bans" -> admin.bans();
                case "removeBan" -> {
                    admin.removeBan(text(request, "address"), actor);
                    yield null;
                }
                case "connections" -> admin.connections();
                case "audit" -> admin.audit(request.hasNonNull("filter")
                                ? object(request, "filter", org.edgegateway.keys.AuditFilter.class)
                                : org.edgegateway.keys.AuditFilter.NONE,
                        request.path("beforeId").asLong(Long.MAX_VALUE), request.path("offset").asInt(0),
                        request.path("limit").asInt(50));
                case "stats" -> admin.stats();
                case "metricHistory" -> admin.metricHistory(
                        org.edgegateway.core.admin.MetricHistoryView.Resolution.valueOf(text(request, "resolution")));
                case "processInfo" -> admin.processInfo();
                case "push" -> {
                    admin.push(text(request, "name"), text(request, "type"),
                            java.util.Base64.getDecoder().decode(text(request, "payload")), actor);
                    yield "pushed";
                }
                case "publish" -> {
                    admin.publish(text(request, "topic"), java.util.Base64.getDecoder().decode(text(request, "payload")), actor);
                    yield "published";
                }
                case "subscriptions" -> admin.subscriptions();
                case "workerEndpoint" -> admin.workerEndpoint();
                case "workers" -> admin.workers();
                case "enrolWorker" -> admin.enrolWorker(text(request, "name"), text(request, "publicKey"), actor);
                case "revokeWorker" -> admin.revokeWorker(text(request, "name"), actor);
                case "plugins" -> admin.plugins();
                case "controlPlugin" -> admin.controlPlugin(text(request, "id"),
                        AdminService.PluginAction.valueOf(text(request, "action")), actor);
                case "installPlugin" -> admin.installPlugin(text(request, "fileName"),
                        java.util.Base64.getDecoder().decode(text(request, "plugin")),
                        request.hasNonNull("signature") ? java.util.Base64.getDecoder().decode(text(request, "signature")) : null,
                        actor);
                case "recentMessages" -> admin.recentMessages(text(request, "name"), request.path("limit").asInt(20));
                case "createApiToken" -> admin.createApiToken(text(request, "name"),
                        org.edgegateway.keys.TokenScope.parse(text(request, "scope")),
                        request.hasNonNull("expiresAt") ? java.time.Instant.parse(text(request, "expiresAt")) : null, actor);
                case "apiTokens" -> admin.apiTokens();
                case "adminUsers" -> admin.adminUsers();
                case "createAdminUser" -> admin.createAdminUser(text(request, "name"),
                        org.edgegateway.keys.AdminRole.parse(text(request, "role")), text(request, "passwordHash"), actor);
                case "disableAdminUser" -> admin.disableAdminUser(text(request, "name"), actor);
                case "enableAdminUser" -> admin.enableAdminUser(text(request, "name"), actor);
                case "resetAdminPassword" -> admin.resetAdminPassword(text(request, "name"),
                        text(request, "passwordHash"), actor);
                case "setAdminRole" -> admin.setAdminRole(text(request, "name"),
                        org.edgegateway.keys.AdminRole.parse(text(request, "role")), actor);
                case "publishers" -> admin.publishers();
                case "trustPublisher" -> admin.trustPublisher(text(request, "key"), actor);
                case "untrustPublisher" -> {
                    admin.untrustPublisher(text(request, "fingerprint"), request.path("force").asBoolean(false), actor);
                    yield "untrusted";
                }
                case "revokeApiToken" -> {
                    admin.revokeApiToken(text(request, "name"), actor);
                    yield "revoked";
                }
                default -> throw new AdminException(AdminException.Kind.INVALID, "unknown operation '" + op + "'");
            };
            ObjectNode ok = json.createObjectNode();
            ok.put("ok", true);
            ok.set("result", json.valueToTree(result));
            return ok;
        } catch (AdminException e) {
            return error(e.kind().name(), e.getMessage());
        } catch (IllegalArgumentException | java.time.DateTimeException | IOException e) {
            return error("INVALID", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("control: {} failed", op, e);
            return error("UNAVAILABLE", op + " failed inside the gateway; see its log");
        }
    }

    private static String text(JsonNode request, String field) {
        JsonNode v = request.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("request needs a text field '" + field + "'");
        }
        return v.asText();
    }

    /** The object field {@code field} as a {@code type}; its own checks' failures keep their messages. */
    private <T> T object(JsonNode request, String field, Class<T> type) {
        JsonNode v = request.get(field);
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("request needs an object field '" + field + "'");
        }
        try {
            return json.treeToValue(v, type);
        } catch (IOException e) {
            if (e.getCause() instanceof IllegalArgumentException cause) {
                throw cause;
            }
            throw new IllegalArgumentException("field '" + field + "' does not fit: " + e.getMessage(), e);
        }
    }

    private ObjectNode error(String kind, String message) {
        ObjectNode e = json.createObjectNode();
        e.put("ok", false);
        e.put("kind", kind);
        e.put("message", message);
        return e;
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.debug("control: close failed", e);
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("control: close failed", e);
        }
        connections.shutdownNow();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("control: cannot remove {}", path, e);
        }
    }
}
