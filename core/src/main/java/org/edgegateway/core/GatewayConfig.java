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
 * @param dedupWindow     versioned messages remembered per client for retries; 0 turns it off
 */
public record GatewayConfig(String endpoint, String publicEndpoint, int maxMessageSize,
                            Duration heartbeatInterval, Duration heartbeatTimeout, Duration handshakeTimeout,
                            int sendHwm, int receiveHwm, int workers, int queue, Duration handlerTimeout,
                            int dedupWindow, Duration lastSeenFlush) {

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
        if (sendHwm < 1 || receiveHwm < 1 || workers < 1 || queue < 1 || dedupWindow < 0) {
            throw new ConfigException("handlers.workers", "workers, queue and high-water marks must be positive");
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
                s.get(Settings.HANDLER_TIMEOUT), s.get(Settings.DEDUP_WINDOW), s.get(Settings.LAST_SEEN_FLUSH));
    }

    /** The defaults, bound to {@code endpoint}. */
    public static GatewayConfig defaults(String endpoint) {
        return from(Settings.of(java.util.Map.of("gateway.endpoint", endpoint)));
    }

    public GatewayConfig withEndpoint(String newEndpoint) {
        return new GatewayConfig(newEndpoint, publicEndpoint, maxMessageSize, heartbeatInterval, heartbeatTimeout,
                handshakeTimeout, sendHwm, receiveHwm, workers, queue, handlerTimeout, dedupWindow, lastSeenFlush);
    }
}
