package org.edgegateway.core.control;

import com.fasterxml.jackson.databind.JavaType;
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
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.BanView;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admin.ConnectionView;
import org.edgegateway.core.admin.GatewayStats;
import org.edgegateway.core.admin.MetricHistoryView;
import org.edgegateway.core.admin.ProcessView;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.ClientLimits;

/**
 * The {@link AdminService} of a running gateway, reached over its local control socket. One request
 * at a time over one connection: thread-safe by synchronising every call. The actor named in each
 * change is the one given here (the CLI passes {@code cli:<os user>}), since {@link Actor} objects
 * passed to the methods are only used for their name.
 */
public final class ControlClient implements AdminService, AutoCloseable {
    private final ObjectMapper json = ControlProtocol.mapper();
    private final SocketChannel channel;
    private final BufferedReader in;
    private final OutputStream out;

    private ControlClient(SocketChannel channel) {
        this.channel = channel;
        this.in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
        this.out = Channels.newOutputStream(channel);
    }

    /** Connects, or returns empty when no gateway answers on {@code path}. */
    public static Optional<ControlClient> connect(Path path) {
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        try {
            SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                channel.connect(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new ControlClient(channel));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    /** Whether a gateway answers on {@code path}. */
    public static boolean reachable(Path path) {
        Optional<ControlClient> c = connect(path);
        c.ifPresent(ControlClient::close);
        return c.isPresent();
    }

    private synchronized JsonNode call(String op, Actor actor, Object... args) {
        ObjectNode request = json.createObjectNode();
        request.put("op", op);
        request.put("actor", actor == null ? "cli" : actor.name());
        for (int i = 0; i < args.length; i += 2) {
            request.set((String) args[i], json.valueToTree(args[i + 1]));
        }
        String line;
        try {
            out.write((json.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            line = in.readLine();
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway's control channel failed: " + e.getMessage(), e);
        }
        if (line == null) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway closed its control channel");
        }
        JsonNode response;
        try {
            response = json.readTree(line);
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway answered something that is not JSON");
        }
        failed(response);
        return response.get("result");
    }

    /** Throws the failure a response reports, if it does. */
    private static void failed(JsonNode response) {
        if (!response.path("ok").asBoolean(false)) {
            AdminException.Kind kind;
            try {
                kind = AdminException.Kind.valueOf(response.path("kind").asText("UNAVAILABLE"));
            } catch (IllegalArgumentException e) {
                kind = AdminException.Kind.UNAVAILABLE;
            }
            throw new AdminException(kind, response.path("message").asText("request failed"));
        }
    }

    private <T> T as(JsonNode node, Class<T> type) {
        try {
            return node == null || node.isNull() ? null : json.treeToValue(node, type);
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "unexpected answer from the gateway: " + e.getMessage(), e);
        }
    }

    private <T> List<T> list(JsonNode node, Class<T> type) {
        JavaType t = json.getTypeFactory().constructCollectionType(List.class, type);
        try {
            return json.readerFor(t).readValue(node);
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "unexpected answer from the gateway: " + e.getMessage(), e);
        }
    }

    @Override
    public String serverPublicKey() {
        return call("serverPublicKey", null).asText();
    }

    @Override
    public String clientEndpoint() {
        return call("clientEndpoint", null).asText();
    }

    @Override
    public List<ClientView> clients() {
        return list(call("clients", null), ClientView.class);
    }

    @Override
    public org.edgegateway.core.admin.ClientPage clientPage(org.edgegateway.core.admin.ClientQuery query) {
        return as(call("clientPage", null, "query", query), org.edgegateway.core.admin.ClientPage.class);
    }

    @Override
    public Optional<ClientView> client(String name) {
        return Optional.ofNullable(as(call("client", null, "name", name), ClientView.class));
    }

    @Override
    public List<org.edgegateway.core.admin.ConnectionEvent> connectionHistory(String clientName) {
        return list(call("connectionHistory", null, "name", clientName), org.edgegateway.core.admin.ConnectionEvent.class);
    }

    @Override
    public org.edgegateway.core.admin.ClientRates clientRates(String clientName) {
        return as(call("clientRates", null, "name", clientName), org.edgegateway.core.admin.ClientRates.class);
    }

    @Override
    public ClientView enrol(String name, String publicKeyZ85, Actor actor) {
        return as(call("enrol", actor, "name", name, "publicKey", publicKeyZ85), ClientView.class);
    }

    @Override
    public ClientView revoke(String name, Actor actor) {
        return as(call("revoke", actor, "name", name), ClientView.class);
    }

    @Override
    public ClientView quarantine(String name, String reason, Duration duration, Actor actor) {
        return as(call("quarantine", actor, "name", name, "reason", reason,
                "seconds", duration == null ? null : duration.toSeconds()), ClientView.class);
    }

    @Override
    public org.edgegateway.core.admin.NewClaim createClaim(String prefix, int uses, Duration validFor,
                                                           boolean manualApproval, Actor actor) {
        return as(call("createClaim", actor, "prefix", prefix, "uses", uses, "seconds",
                validFor == null ? 0 : validFor.toSeconds(), "manual", manualApproval),
                org.edgegateway.core.admin.NewClaim.class);
    }

    @Override
    public List<org.edgegateway.core.admin.ClaimView> claims() {
        return list(call("claims", null), org.edgegateway.core.admin.ClaimView.class);
    }

    @Override
    public org.edgegateway.core.admin.ClaimView revokeClaim(long id, Actor actor) {
        return as(call("revokeClaim", actor, "id", id), org.edgegateway.core.admin.ClaimView.class);
    }

    @Override
    public List<org.edgegateway.keys.PendingClient> pendingClients() {
        return list(call("pendingClients", null), org.edgegateway.keys.PendingClient.class);
    }

    @Override
    public ClientView approve(String name, Actor actor) {
        return as(call("approve", actor, "name", name), ClientView.class);
    }

    @Override
    public ClientView reject(String name, Actor actor) {
        return as(call("reject", actor, "name", name), ClientView.class);
    }

    @Override
    public ClientView release(String name, Actor actor) {
        return as(call("release", actor, "name", name), ClientView.class);
    }

    @Override
    public ClientView setLimits(String name, ClientLimits limits, Actor actor) {
        return as(call("setLimits", actor, "name", name, "limits", limits), ClientView.class);
    }

    @Override
    public List<BanView> bans() {
        return list(call("bans", null), BanView.class);
    }

    @Override
    public void removeBan(String address, Actor actor) {
        call("removeBan", actor, "address", address);
    }

    @Override
    public List<ConnectionView> connections() {
        return list(call("connections", null), ConnectionView.class);
    }

    @Override
    public List<AuditEntry> audit(org.edgegateway.keys.AuditFilter filter, long beforeId, int offset, int limit) {
        return list(call("audit", null, "filter", filter, "beforeId", beforeId, "offset", offset, "limit", limit),
                AuditEntry.class);
    }

    @Override
    public GatewayStats stats() {
        return as(call("stats", null), GatewayStats.class);
    }

    @Override
    public MetricHistoryView metricHistory(MetricHistoryView.Resolution resolution) {
        return as(call("metricHistory", null, "resolution", resolution.name()), MetricHistoryView.class);
    }

    @Override
    public ProcessView processInfo() {
        return as(call("processInfo", null), ProcessView.class);
    }

    /** Receives the copy over the socket, as the gateway sends it, and writes it to {@code target}. */
    @Override
    public synchronized void backupStore(OutputStream target, String destination, Actor actor) {
        ObjectNode request = json.createObjectNode();
        request.put("op", "backupStore");
        request.put("actor", actor == null ? "cli" : actor.name());
        request.put("destination", destination);
        try {
            out.write((json.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (String line = in.readLine(); ; line = in.readLine()) {
                if (line == null) {
                    throw new AdminException(AdminException.Kind.UNAVAILABLE, "the gateway closed its control channel"
                            + " in the middle of the backup");
                }
                JsonNode response = json.readTree(line);
                if (response.has("chunk")) {
                    target.write(java.util.Base64.getDecoder().decode(response.get("chunk").asText()));
                } else {
                    failed(response);
                    return;
                }
            }
        } catch (IOException e) {
            throw new AdminException(AdminException.Kind.UNAVAILABLE, "the backup from the gateway failed: " + e.getMessage(), e);
        }
    }

    @Override
    public org.edgegateway.core.admin.NewApiToken createApiToken(String name, org.edgegateway.keys.TokenScope scope,
                                                                 java.time.Instant expiresAt, Actor actor) {
        return as(call("createApiToken", actor, "name", name, "scope", scope == null ? null : scope.label(),
                "expiresAt", expiresAt == null ? null : expiresAt.toString()), org.edgegateway.core.admin.NewApiToken.class);
    }

    @Override
    public List<org.edgegateway.core.admin.ApiTokenView> apiTokens() {
        return list(call("apiTokens", null), org.edgegateway.core.admin.ApiTokenView.class);
    }

    @Override
    public void revokeApiToken(String name, Actor actor) {
        call("revokeApiToken", actor, "name", name);
    }

    @Override
    public List<org.edgegateway.core.admin.AdminUserView> adminUsers() {
        return list(call("adminUsers", null), org.edgegateway.core.admin.AdminUserView.class);
    }

    @Override
    public org.edgegateway.core.admin.AdminUserView createAdminUser(String name, org.edgegateway.keys.AdminRole role,
                                                                    String passwordHash, Actor actor) {
        return as(call("createAdminUser", actor, "name", name, "role", role == null ? null : role.label(),
                "passwordHash", passwordHash), org.edgegateway.core.admin.AdminUserView.class);
    }

    @Override
    public org.edgegateway.core.admin.AdminUserView disableAdminUser(String name, Actor actor) {
        return as(call("disableAdminUser", actor, "name", name), org.edgegateway.core.admin.AdminUserView.class);
    }

    @Override
    public org.edgegateway.core.admin.AdminUserView enableAdminUser(String name, Actor actor) {
        return as(call("enableAdminUser", actor, "name", name), org.edgegateway.core.admin.AdminUserView.class);
    }

    @Override
    public org.edgegateway.core.admin.AdminUserView resetAdminPassword(String name, String passwordHash, Actor actor) {
        return as(call("resetAdminPassword", actor, "name", name, "passwordHash", passwordHash),
                org.edgegateway.core.admin.AdminUserView.class);
    }

    @Override
    public org.edgegateway.core.admin.AdminUserView setAdminRole(String name, org.edgegateway.keys.AdminRole role,
                                                                 Actor actor) {
        return as(call("setAdminRole", actor, "name", name, "role", role == null ? null : role.label()),
                org.edgegateway.core.admin.AdminUserView.class);
    }

    @Override
    public List<org.edgegateway.core.admin.PublisherView> publishers() {
        return list(call("publishers", null), org.edgegateway.core.admin.PublisherView.class);
    }

    @Override
    public org.edgegateway.core.admin.PublisherView trustPublisher(String publicKeyLine, Actor actor) {
        return as(call("trustPublisher", actor, "key", publicKeyLine), org.edgegateway.core.admin.PublisherView.class);
    }

    @Override
    public void untrustPublisher(String fingerprint, boolean force, Actor actor) {
        call("untrustPublisher", actor, "fingerprint", fingerprint, "force", force);
    }

    @Override
    public List<org.edgegateway.core.plugins.PluginInfo> plugins() {
        return list(call("plugins", null), org.edgegateway.core.plugins.PluginInfo.class);
    }

    @Override
    public org.edgegateway.core.plugins.PluginInfo controlPlugin(String id, PluginAction action, Actor actor) {
        return as(call("controlPlugin", actor, "id", id, "action", action.name()), org.edgegateway.core.plugins.PluginInfo.class);
    }

    @Override
    public org.edgegateway.core.plugins.PluginInfo installPlugin(String fileName, byte[] plugin, byte[] signature,
                                                               Actor actor) {
        java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
        return as(call("installPlugin", actor, "fileName", fileName, "plugin", b64.encodeToString(plugin),
                "signature", signature == null ? null : b64.encodeToString(signature)), org.edgegateway.core.plugins.PluginInfo.class);
    }

    @Override
    public List<org.edgegateway.core.admin.RecentMessage> recentMessages(String clientName, int limit) {
        return list(call("recentMessages", null, "name", clientName, "limit", limit), org.edgegateway.core.admin.RecentMessage.class);
    }

    @Override
    public void push(String clientName, String type, byte[] payload, Actor actor) {
        call("push", actor, "name", clientName, "type", type, "payload", java.util.Base64.getEncoder().encodeToString(payload));
    }

    @Override
    public void publish(String topic, byte[] payload, Actor actor) {
        call("publish", actor, "topic", topic, "payload", java.util.Base64.getEncoder().encodeToString(payload));
    }

    @Override
    public List<org.edgegateway.core.pubsub.SubscriptionView> subscriptions() {
        return list(call("subscriptions", null), org.edgegateway.core.pubsub.SubscriptionView.class);
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to do: the gateway drops the connection too
        }
    }


    @Override
    public String workerEndpoint() {
        return call("workerEndpoint", null).asText();
    }

    @Override
    public List<org.edgegateway.core.admin.WorkerInfo> workers() {
        return list(call("workers", null), org.edgegateway.core.admin.WorkerInfo.class);
    }

    @Override
    public org.edgegateway.core.admin.WorkerInfo enrolWorker(String name, String publicKeyZ85, Actor actor) {
        return as(call("enrolWorker", actor, "name", name, "publicKey", publicKeyZ85),
                org.edgegateway.core.admin.WorkerInfo.class);
    }

    @Override
    public org.edgegateway.core.admin.WorkerInfo revokeWorker(String name, Actor actor) {
        return as(call("revokeWorker", actor, "name", name), org.edgegateway.core.admin.WorkerInfo.class);
    }
}
