package org.edgegateway.core.admin;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.edgegateway.keys.AuditEntry;
import org.edgegateway.keys.AuditFilter;
import org.edgegateway.keys.ClientLimits;

/**
 * Everything an administrator can see and change, as one small interface: the web module, the
 * local control channel and the CLI talk to the gateway only through it. Implementations are
 * thread-safe. Every change is a transaction in the key store with an audit row naming the
 * {@link Actor}, and reaches the running gateway's sockets within a second.
 *
 * <p>Failures are {@link AdminException}s whose {@link AdminException.Kind} maps to an HTTP status
 * or a CLI exit code; their messages name the value at fault and are safe to show an admin.
 */
public interface AdminService {

    /** The gateway's CURVE public key, Z85. */
    String serverPublicKey();

    /** The endpoint clients are told to connect to, e.g. {@code tcp://gateway.example:5555}. */
    String clientEndpoint();

    /** Every client, joined with its live state; for a whole list (the CLI's), else see {@link #clientPage}. */
    List<ClientView> clients();

    /**
     * One page of the clients list: the key store filters, orders, counts and pages the clients;
     * the live state (connection, counters) is joined to the page's rows only, so a page costs the
     * same with 10 or 10,000 clients. Ordered by {@link ClientSort#MESSAGES}, the gateway orders the
     * matching names by their counts (which only it keeps) and reads the page's rows by name.
     */
    ClientPage clientPage(ClientQuery query);

    Optional<ClientView> client(String name);

    /**
     * The last connections and disconnections of a client since the gateway started, newest first:
     * at most 20, with the peer address, time and (when it ended) what the connection carried. In
     * memory only; empty for a client not seen since the start, or a gateway that is not running.
     */
    List<ConnectionEvent> connectionHistory(String clientName);

    /**
     * A client's messages per 10 seconds over the last 10 minutes since the gateway started, oldest
     * first; no points for a client without traffic in that window, or a gateway that is not running.
     */
    ClientRates clientRates(String clientName);

    /** Enrols a client's public key (Z85) under a new unique name. */
    ClientView enrol(String name, String publicKeyZ85, Actor actor);

    /** Revokes a client: new handshakes are refused at once, a live connection is cut within a second. */
    ClientView revoke(String name, Actor actor);

    /**
     * Makes an enrolment claim: up to {@code uses} sensors enrol keys they made themselves under
     * names starting with {@code prefix}, for {@code validFor}; with {@code manualApproval} each waits,
     * pending, for {@link #approve}. Returns it with its secret, the only time that is available.
     * Audited as {@code claim.create}.
     *
     * @throws AdminException INVALID for bad arguments; CONFLICT when the gateway serves no enrolment
     *                        ({@code enrol.enabled=false})
     */
    NewClaim createClaim(String prefix, int uses, Duration validFor, boolean manualApproval, Actor actor);

    /** Every claim, newest first; never their secrets. */
    List<ClaimView> claims();

    /** Revokes claim {@code id}: it enrols nobody from now on. Audited as {@code claim.revoke}. */
    ClaimView revokeClaim(long id, Actor actor);

    /** The clients that enrolled on a claim needing approval and wait for it, oldest first. */
    List<org.edgegateway.keys.PendingClient> pendingClients();

    /** Approves a pending client: admitted from now on. Audited as {@code client.approve}. */
    ClientView approve(String name, Actor actor);

    /** Rejects a pending client: its key is revoked for good. Audited as {@code client.reject}. */
    ClientView reject(String name, Actor actor);

    /** Quarantines a client for {@code duration}, or indefinitely when it is null. */
    ClientView quarantine(String name, String reason, Duration duration, Actor actor);

    /** Ends a quarantine. */
    ClientView release(String name, Actor actor);

    /** Sets per-client limits; null fields fall back to the gateway's defaults. */
    ClientView setLimits(String name, ClientLimits limits, Actor actor);

    /**
     * The peer addresses banned at the handshake now (repeated authentication failures or too many
     * handshakes), oldest first. Bans live in the running gateway's memory: empty when it is stopped.
     */
    List<BanView> bans();

    /**
     * Lifts the ban on {@code address} (as listed by {@link #bans()}) and forgets its counts; audited.
     *
     * @throws AdminException NOT_FOUND when the address is not banned; INVALID when it is not an address
     */
    void removeBan(String address, Actor actor);

    /** The live connections of enrolled clients. */
    List<ConnectionView> connections();

    /** Audit entries with id below {@code beforeId} (use {@link Long#MAX_VALUE} for the newest), newest first. */
    default List<AuditEntry> audit(long beforeId, int limit) {
        return audit(AuditFilter.NONE, beforeId, 0, limit);
    }

    /**
     * Up to {@code limit} (1 to 1000) audit entries {@code filter} selects (by actor, action, subject
     * and time, in the key store's SQL) with an id below {@code beforeId}, after skipping
     * {@code offset}, newest first.
     */
    List<AuditEntry> audit(AuditFilter filter, long beforeId, int offset, int limit);

    /** Gateway-wide counters. */
    GatewayStats stats();

    /**
     * The gateway's counters over time, in points of {@code resolution}, oldest first: 10-second
     * points for the last hour or one-minute points for the last day, since the gateway started.
     * Empty (no points) when the gateway is not running.
     */
    MetricHistoryView metricHistory(MetricHistoryView.Resolution resolution);

    /**
     * The gateway's process: release, uptime, heap and CPU.
     *
     * @throws AdminException UNAVAILABLE when the gateway is not running
     */
    ProcessView processInfo();

    /**
     * Makes an API token named {@code name} with {@code scope}, valid until {@code expiresAt} (null:
     * until revoked), and returns it with its plaintext, the only time that is available. Audited as
     * {@code token.create}.
     */
    NewApiToken createApiToken(String name, org.edgegateway.keys.TokenScope scope, java.time.Instant expiresAt,
                               Actor actor);

    /** Every API token, revoked and expired ones included, by name; never the tokens or their hashes. */
    List<ApiTokenView> apiTokens();

    /** Revokes the API token named {@code name}: it stops working at once. Audited as {@code token.revoke}. */
    void revokeApiToken(String name, Actor actor);

    /** Every admin user of the UI and the API, disabled ones included, by name; never a password hash. */
    List<AdminUserView> adminUsers();

    /**
     * Makes an admin user with {@code role} and the password whose Argon2id hash (a PHC string) is
     * {@code passwordHash}: the caller makes and hashes the password, so that it never travels further.
     * It must be changed at the first login. Audited as {@code admin.create}.
     *
     * @throws AdminException CONFLICT when the name is taken; INVALID for a bad name
     */
    AdminUserView createAdminUser(String name, org.edgegateway.keys.AdminRole role, String passwordHash, Actor actor);

    /**
     * Disables an admin user: it cannot log in, and its sessions end at once. Audited as
     * {@code admin.disable}.
     *
     * @throws AdminException CONFLICT when it is the last enabled admin; INVALID when it is disabled already
     */
    AdminUserView disableAdminUser(String name, Actor actor);

    /** Enables a disabled admin user, with its password and role. Audited as {@code admin.enable}. */
    AdminUserView enableAdminUser(String name, Actor actor);

    /**
     * Gives an admin user the password hashed as {@code passwordHash}, to be changed at its next login;
     * its sessions end at once. Audited as {@code admin.reset}.
     */
    AdminUserView resetAdminPassword(String name, String passwordHash, Actor actor);

    /**
     * Gives an admin user another role; its sessions have it from their next request. Audited as
     * {@code admin.role}.
     *
     * @throws AdminException CONFLICT when it is the last enabled admin and {@code role} is not admin
     */
    AdminUserView setAdminRole(String name, org.edgegateway.keys.AdminRole role, Actor actor);

    /**
     * Writes a consistent copy of the key store (clients, quarantines, audit log, admin users,
     * tokens), as a zip, to {@code out} while the gateway keeps serving. The gateway never writes the
     * copy anywhere but its own data folder: the caller keeps it, at {@code destination}, which the
     * audit row names. Audited as {@code store.backup}.
     */
    void backupStore(java.io.OutputStream out, String destination, Actor actor);

    /** What an admin can do to an installed plugin. */
    enum PluginAction { START, STOP, RELOAD, UNLOAD }

    /** The handler plugins with their state (started, stopped, failed, refused with the reason). */
    List<org.edgegateway.core.plugins.PluginInfo> plugins();

    /** Starts, stops, reloads or unloads a plugin without restarting the gateway; returns its new state. */
    org.edgegateway.core.plugins.PluginInfo controlPlugin(String id, PluginAction action, Actor actor);

    /**
     * Installs an uploaded plugin (a PF4J zip or jar, with its detached Ed25519 signature or null)
     * into HOME/plugins and loads it if its signature is trusted; a refused plugin is listed with the
     * reason.
     */
    org.edgegateway.core.plugins.PluginInfo installPlugin(String fileName, byte[] plugin, byte[] signature, Actor actor);

    /**
     * The publisher keys trusted for plugins: those the admin trusted ({@code HOME/keys/publishers}),
     * then the bundle's own (for its built-in plugins only).
     */
    List<PublisherView> publishers();

    /**
     * Trusts the publisher key of a public key file's line ({@code ed25519 BASE64 [comment]}) for every
     * plugin loaded from now on. Audited as {@code plugin.trust}.
     */
    PublisherView trustPublisher(String publicKeyLine, Actor actor);

    /**
     * Stops trusting the key {@code fingerprint}: plugins signed with it are refused at their next
     * load. Refused (CONFLICT, naming them) while started plugins were verified with it, unless
     * {@code force}. Audited as {@code plugin.untrust}.
     */
    void untrustPublisher(String fingerprint, boolean force, Actor actor);

    /** The last messages the plugins kept for a client, newest first. */
    List<org.edgegateway.core.admin.RecentMessage> recentMessages(String clientName, int limit);

    /**
     * Sends {@code [EGW/1, "", TYPE, PAYLOAD]} to a connected client by name; a client that is not
     * connected is a CONFLICT whose message starts with {@code NOT_CONNECTED}, never a silent loss.
     */
    void push(String clientName, String type, byte[] payload, Actor actor);

    /** Publishes on a topic of the CURVE publisher; subscribers filter by topic prefix. */
    void publish(String topic, byte[] payload, Actor actor);

    /** Who subscribes to what (topic prefixes, counts), as the publisher sees it. */
    List<org.edgegateway.core.pubsub.SubscriptionView> subscriptions();

    /** The endpoint workers are told to connect to, e.g. {@code tcp://gateway.example:5559}; empty: none. */
    String workerEndpoint();

    /** Every enrolled worker key, revoked ones included, with its live connections. */
    List<WorkerInfo> workers();

    /** Enrols a worker key; refused when a client or another worker has it. */
    WorkerInfo enrolWorker(String name, String publicKeyZ85, Actor actor);

    /** Revokes a worker key; its connections are cut at once. */
    WorkerInfo revokeWorker(String name, Actor actor);
}
