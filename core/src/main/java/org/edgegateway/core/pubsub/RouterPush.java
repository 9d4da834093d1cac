package org.edgegateway.core.pubsub;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.edgegateway.core.KeyCache;
import org.edgegateway.core.admin.AdminException;
import org.edgegateway.core.plugins.ClientPush;
import org.edgegateway.protocol.ErrorCode;
import org.edgegateway.protocol.Push;
import org.edgegateway.protocol.TypeNames;

/**
 * Sends a push, {@code [EGW/1, "", TYPE, PAYLOAD]}, to a connected client by its enrolled name over
 * the gateway's ROUTER. Thread-safe and non-blocking: the name is resolved to a key and the
 * message handed to the router's command queue ({@code Router::push}).
 *
 * <p>A push is never lost silently: the ROUTER is {@code ROUTER_MANDATORY}, so a client that is not
 * connected, or whose queue is full, makes the future fail with a {@link NotConnectedException}
 * carrying {@link ErrorCode#NOT_CONNECTED}.
 */
public final class RouterPush {

    /** The push could not be queued for the client; {@link #code()} is {@link ErrorCode#NOT_CONNECTED}. */
    public static final class NotConnectedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public NotConnectedException(String message) {
            super(message);
        }

        public ErrorCode code() {
            return ErrorCode.NOT_CONNECTED;
        }
    }

    private static final long ROUTER_TIMEOUT_SECONDS = 5;

    private final Function<String, Optional<String>> keyOfName;
    private final BiFunction<String, Push, CompletableFuture<Boolean>> router;

    /**
     * @param keyOfName the Z85 public key of an enrolled client name, e.g.
     *                  {@code name -> admin.client(name).map(ClientView::publicKey)}; must not block long
     * @param router    sends a push to the connection of a public key (Z85) and completes with whether
     *                  it was queued: {@code gateway.router()::push}
     */
    public RouterPush(Function<String, Optional<String>> keyOfName,
                        BiFunction<String, Push, CompletableFuture<Boolean>> router) {
        if (keyOfName == null || router == null) {
            throw new IllegalArgumentException("client pusher: keyOfName and router are required");
        }
        this.keyOfName = keyOfName;
        this.router = router;
    }

    /** A pusher that resolves names in the gateway's in-memory key cache (no database call). */
    public static RouterPush overKeyCache(KeyCache keys, BiFunction<String, Push, CompletableFuture<Boolean>> router) {
        return new RouterPush(name -> keys.entries().stream().filter(e -> e.name().equals(name))
                .map(KeyCache.Entry::publicKey).findFirst(), router);
    }

    /**
     * Pushes to {@code clientName}. The future completes when the message is queued for the client,
     * or fails with a {@link NotConnectedException} (the cause of the {@code ExecutionException} of
     * {@code get()}) when it is not connected or its queue is full.
     *
     * @throws AdminException NOT_FOUND when no client has that name; INVALID when the type is not a
     *                        token or the payload is null
     */
    public CompletableFuture<Void> push(String clientName, String type, byte[] payload) {
        if (type == null || !TypeNames.isValid(type)) {
            throw new AdminException(AdminException.Kind.INVALID, "push type must be a token [A-Za-z0-9_.-]{1,32}, got "
                    + (type == null ? "null" : "'" + type + "'"));
        }
        if (payload == null) {
            throw new AdminException(AdminException.Kind.INVALID, "push payload is null");
        }
        Optional<String> key = clientName == null ? Optional.empty() : keyOfName.apply(clientName);
        if (key.isEmpty()) {
            throw new AdminException(AdminException.Kind.NOT_FOUND, "no client named '" + clientName + "'");
        }
        return send(key.get(), type, payload).thenCompose(queued -> queued
                ? CompletableFuture.<Void>completedFuture(null)
                : CompletableFuture.<Void>failedFuture(new NotConnectedException("NOT_CONNECTED: client '"
                        + clientName + "' is not connected (or its queue is full); the push was not delivered")));
    }

    /** The same, as the plugin host's {@link ClientPush}: completes false instead of failing. */
    public ClientPush asClientPush() {
        return (clientName, type, payload) -> {
            Optional<String> key = clientName == null ? Optional.empty() : keyOfName.apply(clientName);
            if (key.isEmpty() || type == null || !TypeNames.isValid(type) || payload == null) {
                return CompletableFuture.completedFuture(false);
            }
            return send(key.get(), type, payload);
        };
    }

    /** A stopped router never runs the command: after {@link #ROUTER_TIMEOUT_SECONDS} s it counts as not queued. */
    private CompletableFuture<Boolean> send(String publicKey, String type, byte[] payload) {
        return router.apply(publicKey, new Push(type, payload))
                .completeOnTimeout(false, ROUTER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
