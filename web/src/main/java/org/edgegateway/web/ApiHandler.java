package org.edgegateway.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.edgegateway.core.admin.Actor;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.admin.AdminService;
import org.edgegateway.core.admin.ApiTokenView;
import org.edgegateway.core.admin.ClaimFile;
import org.edgegateway.core.admin.ClientView;
import org.edgegateway.core.admin.NewApiToken;
import org.edgegateway.core.admin.NewClaim;
import org.edgegateway.core.plugins.PluginInfo;
import org.edgegateway.core.plugins.PluginState;
import org.edgegateway.keys.AdminUser;
import org.edgegateway.keys.ApiToken;
import org.edgegateway.keys.ClientLimits;
import org.edgegateway.keys.ClientNames;
import org.edgegateway.keys.ClientBundleFiles;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.KeyStoreException;
import org.edgegateway.keys.TokenScope;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API under {@code /api} and the Prometheus scrape at {@code /metrics}. Thread-safe: it
 * keeps no per-request state; sessions, throttle and bundles are thread-safe.
 *
 * <p>Who may call: anonymous callers reach only {@code POST /api/session} (login) and get 401
 * elsewhere. A browser authenticates with the session cookie and must echo the session's CSRF
 * token in {@code X-CSRF-Token} on every state-changing request; automation sends
 * {@code Authorization: Bearer TOKEN}, which a browser never adds by itself and so needs no CSRF
 * token. Until an admin has replaced the first-start password only the session and password
 * endpoints answer. A state-changing request whose {@code Origin} is not this server is refused,
 * and a body must be JSON, so a cross-site form cannot post here even if SameSite failed. The one
 * exception, the plugin upload, is multipart and so within a form's reach: there the CSRF header,
 * which a form cannot add, is what refuses a forged post.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    static final String SESSION_COOKIE_TLS = "__Host-egw_session";
    static final String SESSION_COOKIE_PLAIN = "egw_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    /** Sent (as {@code 1}) by the UI on its background polls, which do not restart a session's idle timer. */
    static final String BACKGROUND_HEADER = "X-EGW-Background";
    private static final int MAX_BODY = 64 * 1024;
    private static final int MIN_PASSWORD = 12;
    private static final int MAX_PASSWORD = 256;
    private static final int MAX_REASON = 500;
    private static final int DEFAULT_RECENT = 20;
    private static final int MAX_RECENT = 200;
    private static final String PLUGIN_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,127}";

    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final AdminService admin;
    private final KeyStore store;
    private final ApiTokens tokens;
    private final Sessions sessions;
    private final LoginThrottle throttle;
    private final Bundles bundles;
    private final PasswordHasher hasher;
    private final Supplier<String> prometheusScrape;
    private final Supplier<String> fingerprint;
    private final boolean tls;
    private final boolean metricsOpen;
    private final long maxPluginUpload;
    private final Clock clock;
    /**
     * Argon2 takes 19 MiB a call: bound how many run at once so a login flood cannot exhaust the heap.
     * A login finding no free slot is refused at once (429), never queued: a queue would hold a
     * server thread per waiting attacker.
     */
    private final Semaphore hashing;
    /** A plugin upload is held in memory while it is checked: bound how many are at once. */
    private final Semaphore uploads = new Semaphore(2);
    /** HOME/admin-password.txt: deleted once the password in it has been replaced. */
    private final Path initialPasswordFile;
    /** Compared against when the user does not exist, so a login takes as long either way. */
    private final String dummyHash;

    ApiHandler(AdminService admin, KeyStore store, ApiTokens tokens, Sessions sessions, LoginThrottle throttle,
               Bundles bundles, PasswordHasher hasher, Supplier<String> prometheusScrape,
               Supplier<String> fingerprint, boolean tls, boolean metricsOpen, long maxPluginUpload, Clock clock,
               Semaphore hashing, Path initialPasswordFile) {
        this.hashing = hashing;
        this.initialPasswordFile = initialPasswordFile;
        this.admin = admin;
        this.store = store;
        this.tokens = tokens;
        this.sessions = sessions;
        this.throttle = throttle;
        this.bundles = bundles;
        this.hasher = hasher;
        this.prometheusScrape = prometheusScrape;
        this.fingerprint = fingerprint;
        this.tls = tls;
        this.metricsOpen = metricsOpen;
        this.maxPluginUpload = maxPluginUpload;
        this.clock = clock;
        this.dummyHash = hasher.hash("not a password".toCharArray());
    }

    /** Who is calling and what they may do. {@code session} is null for a Bearer token; a session is admin. */
    private record Caller(String name, Actor actor, Sessions.Session session, TokenScope scope) {
    }

    /** One request's parts the routes need. */
    private record Call(Request request, Response response, String method, List<String> path, String source) {
        boolean is(String m, String... segments) {
            return method.equals(m) && path.equals(List.of(segments));
        }
    }

    /** A raw (non-JSON) answer. */
    private record Raw(int status, String contentType, byte[] body, Map<String, String> headers) {
    }

    /** Request bodies up to this size are read and discarded before a refusal is sent. */
    private static final long DISCARD_LIMIT = 64L * 1024 * 1024;
    /** Set on a request once its caller is known; an unknown caller's refused body is never read. */
    private static final String AUTHENTICATED = ApiHandler.class.getName() + ".authenticated";

    /**
     * A refused request's body may be unread. An HTTP/1.1 client that is still sending it would see
     * the connection drop instead of the answer, so for an authenticated caller a body of declared,
     * bounded length is read and thrown away first; anything else gets the answer with the
     * connection closed after it. An anonymous caller's body is never read: draining it would give
     * anybody a server thread for as long as they care to send.
     */
    private static void discardUnread(Request request, Response response) {
        long length = request.getLength();
        if (length > 0 && length <= DISCARD_LIMIT) {
            try {
                org.eclipse.jetty.io.Content.Source.consumeAll(request);
                return;
            } catch (IOException | RuntimeException e) {
                LOG.debug("admin web: could not discard a refused request's body: {}", e.toString());
            }
        }
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String rawPath = request.getHttpURI().getPath();
        if (rawPath == null) {
            return false;
        }
        boolean metrics = rawPath.equals("/metrics");
        if (!metrics && !rawPath.equals("/api") && !rawPath.startsWith("/api/")) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        String source = Request.getRemoteAddr(request);
        int status = 200;
        Object body;
        try {
            if (metrics) {
                Raw raw = metrics(request);
                send(response, callback, raw);
                return true;
            }
            List<String> path = segments(rawPath.substring(4));
            Call call = new Call(request, response, request.getMethod(), path, source);
            Object result = route(call);
            if (result instanceof Raw raw) {
                send(response, callback, raw);
                return true;
            }
            if (result instanceof Created created) {
                status = 201;
                body = created.body();
            } else {
                body = result;
            }
        } catch (ApiException e) {
            status = e.status();
            body = error(e.code(), e.getMessage());
            if (e.retryAfterSeconds() > 0) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(e.retryAfterSeconds()));
            }
        } catch (AdminException e) {
            status = switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UNAVAILABLE -> 503;
            };
            body = error(e.kind().name(), e.getMessage());
        } catch (KeyStoreException e) {
            status = switch (e.reason()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case DUPLICATE_NAME, DUPLICATE_KEY -> 409;
                case STORAGE -> 503;
            };
            String code = e.reason() == KeyStoreException.Reason.STORAGE ? "UNAVAILABLE"
                    : e.reason() == KeyStoreException.Reason.NOT_FOUND ? "NOT_FOUND"
                    : e.reason() == KeyStoreException.Reason.INVALID ? "INVALID" : "CONFLICT";
            if (status == 503) {
                LOG.error("admin web: key store failed on {} {}", request.getMethod(), rawPath, e);
            }
            body = error(code, status == 503 ? "the key store is unavailable; see the gateway log" : e.getMessage());
        } catch (IllegalArgumentException e) {
            status = 400;
            body = error("INVALID", e.getMessage());
        } catch (RuntimeException | IOException e) {
            LOG.error("admin web: {} {} failed", request.getMethod(), rawPath, e);
            status = 500;
            body = error("INTERNAL", "internal error; see the gateway log");
        }
        if (status >= 400 && (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING))) {
            if (request.getAttribute(AUTHENTICATED) != null) {
                discardUnread(request, response);
            } else {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
        }
        if (status == 429) {
            // a throttled login: the client gets its answer, not a connection to try again on at once
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        sendJson(response, callback, status, body);
        return true;
    }

    // ------------------------------------------------------------------ routes

    private Object route(Call c) throws IOException {
        List<String> p = c.path();
        if (p.size() >= 1 && p.get(0).equals("session")) {
            return sessionRoutes(c);
        }
        Caller caller = authenticate(c, false);
        if (p.isEmpty()) {
            throw ApiException.notFound("no such API endpoint: /api");
        }
        switch (p.get(0)) {
            case "info":
                requireMethod(c, "GET", p.size() == 1);
                Map<String, Object> info = new LinkedHashMap<>();
                info.put("serverPublicKey", admin.serverPublicKey());
                info.put("clientEndpoint", admin.clientEndpoint());
                info.put("certificateFingerprint", fingerprint.get());
                info.put("user", caller.name());
                return info;
            case "clients":
                return clientRoutes(c, caller);
            case "bundles":
                requireMethod(c, "GET", p.size() == 2);
                return bundle(p.get(1), caller);
            case "connections":
                requireMethod(c, "GET", p.size() == 1);
                return admin.connections();
            case "stats":
                requireMethod(c, "GET", p.size() == 1);
                return admin.stats();
            case "audit":
                requireMethod(c, "GET", p.size() == 1);
                return audit(c);
            case "tokens":
                return tokenRoutes(c, caller);
            case "claims":
                return claimRoutes(c, caller);
            case "bans":
                return banRoutes(c, caller);
            case "plugins":
                return pluginRoutes(c, caller);
            case "topics":
                requireMethod(c, "POST", p.size() == 2 && p.get(1).equals("publish"));
                return publish(c, caller);
            case "subscriptions":
                requireMethod(c, "GET", p.size() == 1);
                return admin.subscriptions();
            case "workers":
                return workerRoutes(c, caller);
            default:
                throw ApiException.notFound("no such API endpoint: " + c.request().getHttpURI().getPath());
        }
    }

    private Object sessionRoutes(Call c) throws IOException {
        List<String> p = c.path();
        if (c.is("POST", "session")) {
            return login(c);
        }
        if (c.is("GET", "session")) {
            Caller caller = authenticate(c, true);
            return sessionView(caller);
        }
        if (c.is("DELETE", "session")) {
            Caller caller = authenticate(c, true);
            if (caller.session() != null) {
                sessions.remove(caller.session().id());
                Response.addCookie(c.response(), sessionCookie("", 0));
                store.audit(caller.name(), "admin.logout", caller.name(), null, c.source());
            }
            return Map.of("loggedOut", true);
        }
        if (c.is("POST", "session", "password")) {
            Caller caller = authenticate(c, true);
            return changePassword(c, caller);
        }
        throw notFound(c);
    }

    private Object clientRoutes(Call c, Caller caller) throws IOException {
        List<String> p = c.path();
        if (c.is("GET", "clients")) {
            return listClients(c);
        }
        if (c.is("POST", "clients")) {
            EnrolRequest r = read(c, EnrolRequest.class);
            String name = requireName(r.name());
            String key = r.publicKey();
            if ((key == null) == (r.certificate() == null)) {
                throw ApiException.badRequest("give exactly one of publicKey (Z85) or certificate (a .key file)");
            }
            if (key == null) {
                key = publicKeyOf(r.certificate());
            }
            return new Created(admin.enrol(name, key.strip(), caller.actor()));
        }
        if (c.is("POST", "clients", "generate")) {
            GenerateRequest r = read(c, GenerateRequest.class);
            String name = requireName(r.name());
            if (admin.client(name).isPresent()) {
                throw new ApiException(409, "CONFLICT", "client '" + name + "' is already enrolled");
            }
            ClientBundleFiles.Format format;
            try {
                format = ClientBundleFiles.Format.parse(r.format());
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest(e.getMessage());
            }
            CurveKeyPair pair = CurveKeyPair.generate();
            ClientBundleFiles files = ClientBundleFiles.of(name, pair, admin.serverPublicKey(), admin.clientEndpoint());
            byte[] archive;
            try {
                archive = files.archive(format);
            } finally {
                files.wipe();
            }
            ClientView view = admin.enrol(name, pair.publicZ85(), caller.actor());
            String id = bundles.put(caller.name(), format.fileName(name), format.contentType(), archive);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("client", view);
            out.put("bundle", "/api/bundles/" + id);
            out.put("fileName", format.fileName(name));
            out.put("expiresAt", clock.instant().plus(Bundles.LIFETIME));
            return new Created(out);
        }
        if (p.size() == 2 && c.method().equals("GET")) {
            String name = p.get(1);
            return admin.client(name).orElseThrow(() -> ApiException.notFound("no client named '" + name + "'"));
        }
        if (p.size() == 3) {
            String name = p.get(1);
            switch (p.get(2)) {
                case "messages":
                    requireMethod(c, "GET", true);
                    return recentMessages(c, name);
                case "push":
                    requireMethod(c, "POST", true);
                    PushRequest push = read(c, PushRequest.class);
                    if (push.type() == null || push.type().isBlank()) {
                        throw ApiException.badRequest("type is required");
                    }
                    admin.push(name, push.type().strip(), payload(push.payload(), push.payloadBase64()), caller.actor());
                    return Map.of("pushed", true, "client", name, "type", push.type().strip());
                case "revoke":
                    requireMethod(c, "POST", true);
                    return admin.revoke(name, caller.actor());
                case "approve":
                    requireMethod(c, "POST", true);
                    return admin.approve(name, caller.actor());
                case "reject":
                    requireMethod(c, "POST", true);
                    return admin.reject(name, caller.actor());
                case "release":
                    requireMethod(c, "POST", true);
                    return admin.release(name, caller.actor());
                case "quarantine":
                    requireMethod(c, "POST", true);
                    QuarantineRequest q = read(c, QuarantineRequest.class);
                    String reason = q.reason() == null || q.reason().isBlank() ? "by admin" : q.reason().strip();
                    if (reason.length() > MAX_REASON) {
                        throw ApiException.badRequest("reason is " + reason.length() + " characters (at most "
                                + MAX_REASON + ")");
                    }
                    Duration duration = null;
                    if (q.durationSeconds() != null) {
                        if (q.durationSeconds() <= 0) {
                            throw ApiException.badRequest("durationSeconds " + q.durationSeconds() + " must be positive");
                        }
                        duration = Duration.ofSeconds(q.durationSeconds());
                    }
                    return admin.quarantine(name, reason, duration, caller.actor());
                case "limits":
                    requireMethod(c, "PUT", true);
                    ClientLimits limits = read(c, ClientLimits.class);
                    return admin.setLimits(name, limits, caller.actor());
                default:
                    break;
            }
        }
        throw notFound(c);
    }

    private Object tokenRoutes(Call c, Caller caller) throws IOException {
        List<String> p = c.path();
        if (c.is("GET", "tokens")) {
            Instant now = clock.instant();
            return admin.apiTokens().stream().map(t -> TokenView.of(t, now)).toList();
        }
        if (c.is("POST", "tokens")) {
            // only an admin (a session or an admin-scope token) gets here: authenticate() refused the rest
            TokenRequest r = read(c, TokenRequest.class);
            String name = requireName(r.name());
            TokenScope scope = r.scope() == null ? TokenScope.ADMIN : TokenScope.parse(r.scope());
            NewApiToken made = admin.createApiToken(name, scope, r.expiresAt(), caller.actor());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("name", name);
            out.put("scope", scope.label());
            out.put("expiresAt", made.token().expiresAt());
            out.put("token", made.secret());
            return new Created(out);
        }
        if (p.size() == 2 && c.method().equals("DELETE")) {
            admin.revokeApiToken(p.get(1), caller.actor());
            return Map.of("revoked", p.get(1));
        }
        throw notFound(c);
    }

    /** {@code GET /api/workers}, {@code POST /api/workers}, {@code POST /api/workers/NAME/revoke}. */
    private Object workerRoutes(Call c, Caller caller) throws IOException {
        List<String> p = c.path();
        if (c.is("GET", "workers")) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("endpoint", admin.workerEndpoint());
            out.put("workers", admin.workers());
            return out;
        }
        if (c.is("POST", "workers")) {
            EnrolRequest r = read(c, EnrolRequest.class);
            String name = requireName(r.name());
            String key = r.publicKey();
            if ((key == null) == (r.certificate() == null)) {
                throw ApiException.badRequest("give exactly one of publicKey (Z85) or certificate (a .key file)");
            }
            if (key == null) {
                key = publicKeyOf(r.certificate());
            }
            return new Created(admin.enrolWorker(name, key.strip(), caller.actor()));
        }
        if (p.size() == 3 && p.get(2).equals("revoke")) {
            requireMethod(c, "POST", true);
            return admin.revokeWorker(requireName(p.get(1)), caller.actor());
        }
        throw notFound(c);
    }

    /**
     * {@code /api/claims}: list, make (the answer carries the secret and the claim file's text, the
     * only time either exists outside the sensors), revoke; {@code /api/claims/pending}: the clients
     * enrolled on claims that wait for approval.
     */
    private Object claimRoutes(Call c, Caller caller) throws IOException {
        List<String> p = c.path();
        if (c.is("GET", "claims")) {
            return admin.claims();
        }
        if (c.is("GET", "claims", "pending")) {
            return admin.pendingClients();
        }
        if (c.is("POST", "claims")) {
            ClaimRequest r = read(c, ClaimRequest.class);
            if (r.prefix() == null || r.uses() == null || r.expiresInSeconds() == null) {
                throw ApiException.badRequest("prefix, uses and expiresInSeconds are required");
            }
            String approve = r.approve() == null ? "auto" : r.approve().strip();
            if (!approve.equals("auto") && !approve.equals("manual")) {
                throw ApiException.badRequest("approve must be auto or manual, got '" + approve + "'");
            }
            if (r.expiresInSeconds() <= 0) {
                throw ApiException.badRequest("expiresInSeconds " + r.expiresInSeconds() + " must be positive");
            }
            NewClaim made = admin.createClaim(r.prefix().strip(), r.uses(), Duration.ofSeconds(r.expiresInSeconds()),
                    approve.equals("manual"), caller.actor());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("claim", made.claim());
            out.put("secret", made.secret());
            out.put("enrolEndpoint", made.enrolEndpoint());
            out.put("claimFile", ClaimFile.format(made));
            return new Created(out);
        }
        if (p.size() == 2 && c.method().equals("DELETE")) {
            long id;
            try {
                id = Long.parseLong(p.get(1));
            } catch (NumberFormatException e) {
                throw ApiException.notFound("no claim with id '" + p.get(1) + "'");
            }
            return admin.revokeClaim(id, caller.actor());
        }
        throw notFound(c);
    }

    private Object banRoutes(Call c, Caller caller) {
        List<String> p = c.path();
        if (c.is("GET", "bans")) {
            return admin.bans();
        }
        if (p.size() == 2) {
            requireMethod(c, "DELETE", true);
            String address = p.get(1);
            admin.removeBan(address, caller.actor());
            return Map.of("unbanned", address.strip());
        }
        throw notFound(c);
    }

    private Object pluginRoutes(Call c, Caller caller) throws IOException {
        List<String> p = c.path();
        if (c.is("GET", "plugins")) {
            return admin.plugins().stream().map(PluginView::of).toList();
        }
        if (c.is("POST", "plugins")) {
            return new Created(PluginView.of(uploadPlugin(c, caller)));
        }
        if (p.size() == 2) {
            requireMethod(c, "GET", true);
            return PluginView.of(requirePlugin(p.get(1)));
        }
        if (p.size() == 3) {
            AdminService.PluginAction action = switch (p.get(2)) {
                case "start" -> AdminService.PluginAction.START;
                case "stop" -> AdminService.PluginAction.STOP;
                case "reload" -> AdminService.PluginAction.RELOAD;
                case "unload" -> AdminService.PluginAction.UNLOAD;
                default -> throw notFound(c);
            };
            requireMethod(c, "POST", true);
            String id = requirePlugin(p.get(1)).id();
            PluginInfo info = admin.controlPlugin(id, action, caller.actor());
            if (action == AdminService.PluginAction.UNLOAD) {
                return Map.of("unloaded", id);
            }
            return PluginView.of(info);
        }
        throw notFound(c);
    }

    /** The installed plugin {@code id}, or 400 for a malformed id and 404 for an unknown one. */
    private PluginInfo requirePlugin(String id) {
        if (!id.matches(PLUGIN_ID)) {
            throw ApiException.badRequest("plugin id '" + PluginUpload.abbreviate(id) + "' is not 1 to 128 characters of"
                    + " A-Z a-z 0-9 . _ -");
        }
        return admin.plugins().stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> ApiException.notFound("no plugin '" + id + "'"));
    }

    /**
     * {@code POST /api/plugins}: the upload is bounded and parsed by {@link PluginUpload}; a
     * cross-site form cannot post here because a session caller must still send the CSRF header.
     */
    private PluginInfo uploadPlugin(Call c, Caller caller) throws IOException {
        if (!uploads.tryAcquire()) {
            throw new ApiException(503, "BUSY", "other plugin uploads are running; try again");
        }
        try {
            PluginUpload upload = PluginUpload.read(c.request(), maxPluginUpload);
            LOG.info("admin web: {} uploads plugin {}", caller.name(), upload);
            return admin.installPlugin(upload.fileName(), upload.plugin(), upload.signature(), caller.actor());
        } finally {
            uploads.release();
        }
    }

    private Object recentMessages(Call c, String name) {
        Fields query = Request.extractQueryParameters(c.request());
        long limit = parseLong(query.getValue("limit"), DEFAULT_RECENT, "limit");
        if (limit < 1 || limit > MAX_RECENT) {
            throw ApiException.badRequest("limit " + limit + " is not in 1.." + MAX_RECENT);
        }
        if (admin.client(name).isEmpty()) {
            throw ApiException.notFound("no client named '" + name + "'");
        }
        return admin.recentMessages(name, (int) limit);
    }

    // ------------------------------------------------------------------ authentication

    private Object login(Call c) throws IOException {
        checkOrigin(c);
        LoginRequest r = read(c, LoginRequest.class);
        if (r.username() == null || r.password() == null) {
            throw ApiException.badRequest("username and password are required");
        }
        String user = r.username().strip();
        if (user.length() > ClientNames.MAX_LENGTH || r.password().length() > MAX_PASSWORD) {
            throw new ApiException(401, "BAD_CREDENTIALS", "wrong user name or password");
        }
        Optional<Duration> blocked = throttle.blockedFor(c.source(), user);
        if (blocked.isPresent()) {
            throw ApiException.throttled(blocked.get());
        }
        Optional<AdminUser> found = ClientNames.isValid(user) ? store.findAdminUser(user) : Optional.empty();
        boolean ok = verify(r.password(), found.map(AdminUser::passwordHash).orElse(dummyHash)) && found.isPresent();
        if (!ok) {
            throttle.failure(c.source(), user);
            String audited = ClientNames.isValid(user) ? user : "(invalid name)";
            store.audit("anonymous", "admin.login.failed", audited, null, c.source());
            throw new ApiException(401, "BAD_CREDENTIALS", "wrong user name or password");
        }
        throttle.success(c.source(), user);
        AdminUser account = found.get();
        Sessions.Session session = sessions.create(account.name(), account.mustChangePassword());
        Response.addCookie(c.response(), sessionCookie(session.id(), -1));
        store.audit(account.name(), "admin.login", account.name(), null, c.source());
        return sessionView(new Caller(account.name(), new Actor(account.name(), c.source()), session, TokenScope.ADMIN));
    }

    private Object changePassword(Call c, Caller caller) throws IOException {
        if (caller.session() == null) {
            throw new ApiException(403, "FORBIDDEN", "an API token cannot change an admin password");
        }
        PasswordRequest r = read(c, PasswordRequest.class);
        if (r.currentPassword() == null || r.newPassword() == null) {
            throw ApiException.badRequest("currentPassword and newPassword are required");
        }
        String user = caller.name();
        Optional<Duration> blocked = throttle.blockedFor(c.source(), user);
        if (blocked.isPresent()) {
            throw ApiException.throttled(blocked.get());
        }
        AdminUser account = store.findAdminUser(user)
                .orElseThrow(() -> new ApiException(401, "UNAUTHENTICATED", "the user no longer exists"));
        if (r.currentPassword().length() > MAX_PASSWORD || !verify(r.currentPassword(), account.passwordHash())) {
            throttle.failure(c.source(), user);
            throw new ApiException(403, "BAD_CREDENTIALS", "the current password is wrong");
        }
        String next = r.newPassword();
        if (next.length() < MIN_PASSWORD || next.length() > MAX_PASSWORD) {
            throw ApiException.badRequest("the new password must have " + MIN_PASSWORD + " to " + MAX_PASSWORD
                    + " characters");
        }
        if (next.equals(r.currentPassword())) {
            throw ApiException.badRequest("the new password must differ from the current one");
        }
        String hash = hashPassword(next);
        store.updateAdminPassword(user, hash, false, user, c.source());
        if (account.mustChangePassword()) {
            deleteInitialPasswordFile(user, c.source());
        }
        caller.session().passwordChanged();
        sessions.removeOthers(user, caller.session().id());
        return sessionView(caller);
    }

    /** The first password is dead once replaced: its file goes too, so nobody mistakes it for a live one. */
    private void deleteInitialPasswordFile(String user, String source) {
        try {
            if (Files.deleteIfExists(initialPasswordFile)) {
                LOG.info("admin web: {} replaced the first password; deleted {}", user, initialPasswordFile);
                store.audit(user, "admin.initial-password.delete", initialPasswordFile.getFileName().toString(),
                        "deleted after the first password change", source);
            }
        } catch (IOException e) {
            LOG.warn("admin web: cannot delete {} after the first password change: {}; delete it by hand",
                    initialPasswordFile, e.getMessage());
        }
    }

    /**
     * The caller, or a 401/403. {@code sessionEndpoint}: the session and password endpoints, which
     * stay open while the first-start password has not been changed yet.
     */
    private Caller authenticate(Call c, boolean sessionEndpoint) {
        Request request = c.request();
        String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (authorization != null) {
            ApiToken token = bearer(authorization);
            if (!token.scope().readsApi()) {
                throw new ApiException(403, "FORBIDDEN", "API token '" + token.name() + "' has scope "
                        + token.scope().label() + ": it may only read /metrics");
            }
            if (!token.scope().changes() && !isSafe(c.method())) {
                throw new ApiException(403, "FORBIDDEN", "API token '" + token.name() + "' has scope "
                        + token.scope().label() + ": it may read, not change anything");
            }
            String name = "token:" + token.name();
            request.setAttribute(AUTHENTICATED, Boolean.TRUE);
            return new Caller(name, new Actor(name, c.source()), null, token.scope());
        }
        // The UI's background polling is not the admin's activity: it must not keep an unattended page logged in.
        boolean activity = !"1".equals(request.getHeaders().get(BACKGROUND_HEADER));
        Sessions.Session session = sessionCookieValue(request).flatMap(id -> sessions.find(id, activity))
                .orElseThrow(() -> new ApiException(401, "UNAUTHENTICATED", "log in first"));
        request.setAttribute(AUTHENTICATED, Boolean.TRUE);
        if (!isSafe(c.method())) {
            checkOrigin(c);
            String sent = request.getHeaders().get(CSRF_HEADER);
            if (sent == null || !MessageDigest.isEqual(sent.getBytes(StandardCharsets.UTF_8),
                    session.csrfToken().getBytes(StandardCharsets.UTF_8))) {
                throw new ApiException(403, "CSRF", "missing or wrong " + CSRF_HEADER + " header");
            }
        }
        if (session.mustChangePassword() && !sessionEndpoint) {
            throw new ApiException(403, "PASSWORD_CHANGE_REQUIRED", "change the first-start password first");
        }
        return new Caller(session.user(), new Actor(session.user(), c.source()), session, TokenScope.ADMIN);
    }

    /** The token of an {@code Authorization: Bearer} header, known, not revoked and not expired; else 401. */
    private ApiToken bearer(String authorization) {
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ApiException(401, "UNAUTHENTICATED", "only Bearer tokens are accepted");
        }
        ApiToken token = tokens.authenticate(authorization.substring(7).strip())
                .orElseThrow(() -> new ApiException(401, "INVALID_TOKEN", "the API token is unknown or revoked"));
        if (token.isExpired(clock.instant())) {
            throw new ApiException(401, "INVALID_TOKEN", "API token '" + token.name() + "' expired at "
                    + token.expiresAt());
        }
        return token;
    }

    private Optional<String> sessionCookieValue(Request request) {
        String name = cookieName();
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return Optional.of(cookie.getValue());
            }
        }
        return Optional.empty();
    }

    private String cookieName() {
        // The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and Path=/.
        return tls ? SESSION_COOKIE_TLS : SESSION_COOKIE_PLAIN;
    }

    private HttpCookie sessionCookie(String value, int maxAge) {
        HttpCookie.Builder b = HttpCookie.build(cookieName(), value)
                .path("/")
                .httpOnly(true)
                .sameSite(HttpCookie.SameSite.STRICT)
                .secure(tls);
        if (maxAge >= 0) {
            b.maxAge(maxAge);
        }
        return b.build();
    }

    /** A state-changing request whose Origin is another site is refused (CSRF defence in depth). */
    private void checkOrigin(Call c) {
        String origin = c.request().getHeaders().get(HttpHeader.ORIGIN);
        if (origin == null) {
            return;
        }
        String host = c.request().getHeaders().get(HttpHeader.HOST);
        String expected = (tls ? "https://" : "http://") + host;
        if (host == null || !origin.equalsIgnoreCase(expected)) {
            throw new ApiException(403, "BAD_ORIGIN", "cross-origin request refused (Origin " + origin + ")");
        }
    }

    private boolean verify(String password, String hash) {
        acquireHashing();
        char[] chars = password.toCharArray();
        try {
            return hasher.verify(chars, hash);
        } finally {
            Arrays.fill(chars, '\0');
            hashing.release();
        }
    }

    private String hashPassword(String password) {
        acquireHashing();
        char[] chars = password.toCharArray();
        try {
            return hasher.hash(chars);
        } finally {
            Arrays.fill(chars, '\0');
            hashing.release();
        }
    }

    private void acquireHashing() {
        if (!hashing.tryAcquire()) {
            throw new ApiException(429, "THROTTLED", "too many logins at once; try again in a second", 1);
        }
    }

    private Map<String, Object> sessionView(Caller caller) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("user", caller.name());
        out.put("scope", caller.scope().label());
        if (caller.session() != null) {
            out.put("mustChangePassword", caller.session().mustChangePassword());
            out.put("csrfToken", caller.session().csrfToken());
        } else {
            out.put("mustChangePassword", false);
        }
        return out;
    }

    // ------------------------------------------------------------------ other endpoints

    private Object listClients(Call c) {
        Fields query = Request.extractQueryParameters(c.request());
        String q = query.getValue("q");
        String status = query.getValue("status");
        List<ClientView> all = admin.clients();
        List<ClientView> out = new ArrayList<>();
        String needle = q == null ? null : q.strip().toLowerCase(Locale.ROOT);
        for (ClientView v : all) {
            if (needle != null && !needle.isEmpty() && !v.name().toLowerCase(Locale.ROOT).contains(needle)
                    && !v.publicKey().toLowerCase(Locale.ROOT).contains(needle)) {
                continue;
            }
            if (status != null && !status.isBlank() && !v.status().name().equalsIgnoreCase(status.strip())) {
                continue;
            }
            out.add(v);
        }
        return out;
    }

    private Object audit(Call c) {
        Fields query = Request.extractQueryParameters(c.request());
        long before = parseLong(query.getValue("before"), Long.MAX_VALUE, "before");
        long limit = parseLong(query.getValue("limit"), 50, "limit");
        if (limit < 1 || limit > 500) {
            throw ApiException.badRequest("limit " + limit + " is not in 1..500");
        }
        return admin.audit(before, (int) limit);
    }

    private Object bundle(String id, Caller caller) {
        Bundles.Bundle b = bundles.take(id, caller.name())
                .orElseThrow(() -> ApiException.notFound("no such bundle: it was downloaded already, has expired,"
                        + " or belongs to another admin"));
        store.audit(caller.name(), "client.bundle.download", b.fileName(), null, caller.actor().source());
        return new Raw(200, b.contentType(), b.archive(),
                Map.of("Content-Disposition", "attachment; filename=\"" + b.fileName() + "\""));
    }

    private Raw metrics(Request request) {
        if (!request.getMethod().equals("GET")) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", "use GET /metrics");
        }
        if (!metricsOpen) {
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            if (authorization == null) {
                throw new ApiException(401, "UNAUTHENTICATED", "/metrics needs Authorization: Bearer TOKEN");
            }
            bearer(authorization); // every scope may read the metrics
        }
        String text = prometheusScrape.get();
        return new Raw(200, "text/plain; version=0.0.4; charset=utf-8",
                (text == null ? "" : text).getBytes(StandardCharsets.UTF_8), Map.of());
    }

    private String publicKeyOf(String certificate) throws IOException {
        if (certificate.length() > MAX_BODY) {
            throw ApiException.badRequest("certificate is too large");
        }
        Path tmp = Files.createTempFile("egw-upload-", ".key");
        try {
            Files.writeString(tmp, certificate, StandardCharsets.UTF_8);
            ZCert cert = ZCertFiles.read(tmp);
            if (cert.hasSecret()) {
                throw ApiException.badRequest("this is a secret certificate (.key_secret): upload the public"
                        + " .key file; the secret key must stay on the client");
            }
            return cert.publicZ85();
        } catch (org.edgegateway.keys.ZCertFormatException e) {
            throw ApiException.badRequest("not a CURVE certificate: " + e.getMessage()
                    .replace(tmp.toString(), "the uploaded file"));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    // ------------------------------------------------------------------ plumbing

    private static String requireName(String name) {
        if (name == null) {
            throw ApiException.badRequest("name is required");
        }
        return ClientNames.requireValid(name.strip());
    }

    private static long parseLong(String value, long fallback, String what) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(what + " '" + value + "' is not a whole number");
        }
    }

    private static boolean isSafe(String method) {
        return method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS");
    }

    private static void requireMethod(Call c, String method, boolean pathMatches) {
        if (!pathMatches) {
            throw ApiException.notFound("no such API endpoint: " + c.request().getHttpURI().getPath());
        }
        if (!c.method().equals(method)) {
            throw new ApiException(405, "METHOD_NOT_ALLOWED", c.method() + " is not allowed here; use " + method);
        }
    }

    private static ApiException notFound(Call c) {
        return ApiException.notFound("no such API endpoint: " + c.method() + " " + c.request().getHttpURI().getPath());
    }

    private <T> T read(Call c, Class<T> type) throws IOException {
        String contentType = c.request().getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as application/json");
        }
        long length = c.request().getLength();
        if (length > MAX_BODY) {
            throw new ApiException(413, "TOO_LARGE", "body of " + length + " bytes is over " + MAX_BODY);
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(c.request())) {
            bytes = in.readNBytes(MAX_BODY + 1);
        }
        if (bytes.length > MAX_BODY) {
            throw new ApiException(413, "TOO_LARGE", "body is over " + MAX_BODY + " bytes");
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("a JSON body is required");
        }
        try {
            T value = json.readValue(bytes, type);
            if (value == null) {
                throw ApiException.badRequest("a JSON object is required");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest("unknown field '" + e.getPropertyName() + "'; known fields: "
                    + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) {
                throw ApiException.badRequest(iae.getMessage());
            }
            throw ApiException.badRequest("malformed JSON: " + e.getOriginalMessage());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                // Split, then decode: an encoded '/' cannot add a segment, and an IPv6 ban sent as %3A%3A1 reads ::1.
                out.add(org.eclipse.jetty.util.URIUtil.decodePath(s));
            }
        }
        return out;
    }

    private static Map<String, String> error(String code, String message) {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("error", code);
        e.put("message", message == null ? code : message);
        return e;
    }

    private void sendJson(Response response, Callback callback, int status, Object body) {
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            LOG.error("admin web: cannot write a JSON answer", e);
            status = 500;
            bytes = "{\"error\":\"INTERNAL\",\"message\":\"internal error; see the gateway log\"}"
                    .getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static void send(Response response, Callback callback, Raw raw) {
        response.setStatus(raw.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, raw.contentType());
        raw.headers().forEach((k, v) -> response.getHeaders().put(k, v));
        response.write(true, ByteBuffer.wrap(raw.body()), callback);
    }

    /** A 201 answer. */
    private record Created(Object body) {
    }

    // ------------------------------------------------------------------ JSON shapes

    record LoginRequest(String username, String password) {
        @Override
        public String toString() {
            return "LoginRequest[username=" + username + ", password=<hidden>]";
        }
    }

    record PasswordRequest(String currentPassword, String newPassword) {
        @Override
        public String toString() {
            return "PasswordRequest[<hidden>]";
        }
    }

    /** A push: the payload as text, or as base64 for bytes. */
    record PushRequest(String type, String payload, String payloadBase64) {
    }

    /** A publication on a topic: the payload as text, or as base64 for bytes. */
    record PublishRequest(String topic, String payload, String payloadBase64) {
    }

    private Object publish(Call c, Caller caller) throws IOException {
        PublishRequest r = read(c, PublishRequest.class);
        if (r.topic() == null || r.topic().isBlank()) {
            throw ApiException.badRequest("topic is required");
        }
        admin.publish(r.topic(), payload(r.payload(), r.payloadBase64()), caller.actor());
        return Map.of("published", true, "topic", r.topic());
    }

    private static byte[] payload(String text, String base64) {
        if ((text == null) == (base64 == null)) {
            throw ApiException.badRequest("give exactly one of payload (text) or payloadBase64");
        }
        if (text != null) {
            return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        try {
            return java.util.Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("payloadBase64 is not base64");
        }
    }

    record EnrolRequest(String name, String publicKey, String certificate) {
    }

    record GenerateRequest(String name, String format) {
    }

    record QuarantineRequest(String reason, Long durationSeconds) {
    }

    /** A new token: its scope ({@code admin} when absent) and when it expires (never when absent). */
    record ClaimRequest(String prefix, Integer uses, Long expiresInSeconds, String approve) {
    }

    record TokenRequest(String name, String scope, Instant expiresAt) {
    }

    /** A plugin as shown to admins: its file's name, never the gateway's folders. */
    record PluginView(String id, String version, String provider, String fileName, boolean builtin,
                      List<String> types, PluginState state, String reason, String publisher) {
        static PluginView of(PluginInfo p) {
            return new PluginView(p.id(), p.version(), p.provider(),
                    p.file() == null || p.file().getFileName() == null ? "" : p.file().getFileName().toString(),
                    p.builtin(), p.types().stream().sorted().toList(), p.state(), p.reason(), p.publisher());
        }
    }

    /** An API token as shown to admins: never the token or its hash. {@code active}: it works now. */
    record TokenView(String name, String scope, Instant createdAt, String createdBy, Instant lastUsedAt,
                     Instant expiresAt, Instant revokedAt, boolean expired, boolean active) {
        static TokenView of(ApiTokenView t, Instant now) {
            boolean expired = t.expiresAt() != null && !now.isBefore(t.expiresAt());
            return new TokenView(t.name(), t.scope().label(), t.createdAt(), t.createdBy(), t.lastUsedAt(),
                    t.expiresAt(), t.revokedAt(), expired, t.usableAt(now));
        }
    }
}
