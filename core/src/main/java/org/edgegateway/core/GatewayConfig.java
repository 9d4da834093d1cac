package org.edgegateway.core;

import java.time.Duration;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.Settings;

/**
 * The settings the gateway core runs with, checked together. Immutable.
 *
 * @param endpoint        the ROUTER's bind endpoint, {@code tcp://host:port} ({@code *} for any
 *                        interface and port {@code *} for an ephemeral one)
 * @param publicEndpoint  what clients are told to connect to; empty to derive it from the bound endpoint
 * @param maxMessageSize  the largest payload accepted; the transport drops frames past twice this
 * @param workers         threads of each lane of handlers outside plugins (plugins: {@code plugins.max-in-flight})
 * @param queue           unanswered calls on all lanes together before new ones get {@code BUSY}
 * @param queueBytes      payload bytes of unanswered calls on all lanes together before new ones get {@code BUSY}
 * @param handlerTimeout  time limit of a call of a handler outside plugins (plugins: {@code plugins.timeout})
 * @param dedupWindow     versioned messages remembered per client for retries; 0 turns it off
 * @param recentMessages  messages per client and lane kept for the admin UI
 */
public record GatewayConfig(String endpoint, String publicEndpoint, int maxMessageSize,
                            Duration heartbeatInterval, Duration heartbeatTimeout, Duration handshakeTimeout,
                            int sendHwm, int receiveHwm, int workers, int queue, long queueBytes, Duration handlerTimeout,
                            int dedupWindow, int recentMessages, Duration lastSeenFlush) {

    /** The hard ceiling for {@link #maxMessageSize}. */
    public static final int MAX_MESSAGE_SIZE_LIMIT = 256 * 1024 * 1024;

    public GatewayConfig {
        if (endpoint == null || !endpoint.startsWith("tcp://") || endpoint.lastIndexOf(':') <= 5) {
            throw new ConfigException("gateway.endpoint", "gateway.endpoint must be tcp://HOST:PORT, got " + endpoint);
        }
        publicEndpoint = publicEndpoint == null ? "" : publicEndpoint.trim();
        if (!publicEndpoint.isEmpty() && !publicEndpoint.startsWith("tcp://")) {
            throw new ConfigException("gateway.public-endpoint", "gateway.public-endpoint must be tcp://HOST:PORT, got " + publicEndpoint);
        }
        if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE_LIMIT) {
            throw new ConfigException("gateway.max-message-size", "gateway.max-message-size must be 1 B..256 MiB, got " + maxMessageSize);
        }
        positive("gateway.heartbeat-interval", heartbeatInterval);
        positive("gateway.heartbeat-timeout", heartbeatTimeout);
        positive("gateway.handshake-timeout", handshakeTimeout);
        positive("handlers.timeout", handlerTimeout);
        positive("store.last-seen-flush", lastSeenFlush);
        if (heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new ConfigException("gateway.heartbeat-timeout", "gateway.heartbeat-timeout (" + heartbeatTimeout
                    + ") must be longer than gateway.heartbeat-interval (" + heartbeatInterval + ")");
        }
        if (sendHwm < 1 || receiveHwm < 1) {
            throw new ConfigException("gateway.send-hwm", "gateway.send-hwm and gateway.receive-hwm must be positive, got "
                    + sendHwm + " and " + receiveHwm);
        }
        if (workers < 1) {
            throw new ConfigException("handlers.workers", "handlers.workers must be positive, got " + workers);
        }
        if (queue < 1) {
            throw new ConfigException("handlers.queue", "handlers.queue must be positive, got " + queue);
        }
        if (queueBytes < maxMessageSize) {
            throw new ConfigException("handlers.queue-bytes", "handlers.queue-bytes (" + queueBytes
                    + ") must hold at least one message of gateway.max-message-size (" + maxMessageSize + ")");
        }
        if (dedupWindow < 0) {
            throw new ConfigException("gateway.dedup-window", "gateway.dedup-window must not be negative, got " + dedupWindow);
        }
        if (recentMessages < 0) {
            throw new ConfigException("plugins.recent-messages", "plugins.recent-messages must not be negative, got "
                    + recentMessages);
        }
    }

    private static void positive(String key, Duration d) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new ConfigException(key, key + " must be a positive duration, got " + d);
        }
    }

    public static GatewayConfig from(Settings s) {
        long max = s.get(Settings.MAX_MESSAGE_SIZE);
        if (max > MAX_MESSAGE_SIZE_LIMIT) {
            throw new ConfigException("gateway.max-message-size", "gateway.max-message-size must be at most 256MiB, got " + max);
        }
        return new GatewayConfig(s.get(Settings.ENDPOINT), s.get(Settings.PUBLIC_ENDPOINT), (int) max,
                s.get(Settings.HEARTBEAT_INTERVAL), s.get(Settings.HEARTBEAT_TIMEOUT), s.get(Settings.HANDSHAKE_TIMEOUT),
                s.get(Settings.SEND_HWM), s.get(Settings.RECEIVE_HWM), s.get(Settings.WORKERS), s.get(Settings.QUEUE),
                s.get(Settings.QUEUE_BYTES), s.get(Settings.HANDLER_TIMEOUT), s.get(Settings.DEDUP_WINDOW),
                s.get(Settings.RECENT_MESSAGES), s.get(Settings.LAST_SEEN_FLUSH));
    }

    /** The defaults, bound to {@code endpoint}. */
    public static GatewayConfig defaults(String endpoint) {
        return from(Settings.of(java.util.Map.of("gateway.endpoint", endpoint)));
    }

    /** The limits of a lane for handlers outside plugins. */
    public org.edgegateway.core.router.LaneLimits laneLimits() {
        return org.edgegateway.core.router.LaneLimits.of(handlerTimeout, workers);
    }

    public GatewayConfig withEndpoint(String newEndpoint) {
        return new GatewayConfig(newEndpoint, publicEndpoint, maxMessageSize, heartbeatInterval, heartbeatTimeout,
                handshakeTimeout, sendHwm, receiveHwm, workers, queue, queueBytes, handlerTimeout, dedupWindow,
                recentMessages, lastSeenFlush);
    }

    public GatewayConfig withMaxMessageSize(int bytes) {
        return new GatewayConfig(endpoint, publicEndpoint, bytes, heartbeatInterval, heartbeatTimeout,
                handshakeTimeout, sendHwm, receiveHwm, workers, queue, Math.max(queueBytes, bytes), handlerTimeout,
                dedupWindow, recentMessages, lastSeenFlush);
    }

    public GatewayConfig withHeartbeat(Duration interval, Duration timeout) {
        return new GatewayConfig(endpoint, publicEndpoint, maxMessageSize, interval, timeout, handshakeTimeout, sendHwm,
                receiveHwm, workers, queue, queueBytes, handlerTimeout, dedupWindow, recentMessages, lastSeenFlush);
    }

    public GatewayConfig withReceiveHwm(int hwm) {
        return new GatewayConfig(endpoint, publicEndpoint, maxMessageSize, heartbeatInterval, heartbeatTimeout,
                handshakeTimeout, sendHwm, hwm, workers, queue, queueBytes, handlerTimeout, dedupWindow, recentMessages,
                lastSeenFlush);
    }

    public GatewayConfig withLastSeenFlush(Duration every) {
        return new GatewayConfig(endpoint, publicEndpoint, maxMessageSize, heartbeatInterval, heartbeatTimeout,
                handshakeTimeout, sendHwm, receiveHwm, workers, queue, queueBytes, handlerTimeout, dedupWindow,
                recentMessages, every);
    }

    public GatewayConfig withHandlers(int newWorkers, Duration timeout, int newQueue, long newQueueBytes) {
        return new GatewayConfig(endpoint, publicEndpoint, maxMessageSize, heartbeatInterval, heartbeatTimeout,
                handshakeTimeout, sendHwm, receiveHwm, newWorkers, newQueue, newQueueBytes, timeout, dedupWindow,
                recentMessages, lastSeenFlush);
    }
}
