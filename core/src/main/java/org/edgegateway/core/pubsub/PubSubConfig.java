package org.edgegateway.core.pubsub;

import java.time.Duration;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.Settings;

/**
 * The settings of the topic publisher, checked together. Immutable.
 *
 * @param endpoint          the XPUB's bind endpoint, {@code tcp://host:port} ({@code *} for any interface or an
 *                          ephemeral port)
 * @param sendHwm           messages queued per subscriber before that subscriber misses messages
 * @param queue             publications waiting for the publisher thread before {@link PubSub#publish} refuses
 * @param maxTopics         topics kept in the last-value cache; 0 turns it off
 * @param maxPayload        largest payload accepted by {@link PubSub#publish}
 */
public record PubSubConfig(String endpoint, int sendHwm, int queue, int maxTopics, int maxPayload,
                           Duration heartbeatInterval, Duration heartbeatTimeout) {

    /** Longest topic, in UTF-8 bytes. */
    public static final int MAX_TOPIC_BYTES = 255;

    public PubSubConfig {
        if (endpoint == null || !endpoint.startsWith("tcp://") || endpoint.lastIndexOf(':') <= 5) {
            throw new ConfigException("pubsub.endpoint", "pubsub.endpoint must be tcp://HOST:PORT, got " + endpoint);
        }
        if (sendHwm < 1) {
            throw new ConfigException("pubsub.send-hwm", "pubsub.send-hwm must be at least 1, got " + sendHwm);
        }
        if (queue < 1) {
            throw new ConfigException("pubsub.queue", "pubsub.queue must be at least 1, got " + queue);
        }
        if (maxTopics < 0) {
            throw new ConfigException("pubsub.last-value-topics", "pubsub.last-value-topics must be 0 or more, got "
                    + maxTopics);
        }
        if (maxPayload < 1) {
            throw new ConfigException("pubsub.max-payload", "pubsub.max-payload must be at least 1 byte, got "
                    + maxPayload);
        }
        if (heartbeatInterval == null || heartbeatInterval.isZero() || heartbeatInterval.isNegative()) {
            throw new ConfigException("pubsub.heartbeat-interval", "pubsub.heartbeat-interval must be positive, got "
                    + heartbeatInterval);
        }
        if (heartbeatTimeout == null || heartbeatTimeout.compareTo(heartbeatInterval) <= 0) {
            throw new ConfigException("pubsub.heartbeat-timeout", "pubsub.heartbeat-timeout (" + heartbeatTimeout
                    + ") must be longer than pubsub.heartbeat-interval (" + heartbeatInterval + ")");
        }
    }

    public static PubSubConfig from(Settings s) {
        long max = s.get(PubSubSettings.MAX_PAYLOAD);
        if (max > 64L * 1024 * 1024) {
            throw new ConfigException("pubsub.max-payload", "pubsub.max-payload must be at most 64MiB, got " + max);
        }
        return new PubSubConfig(s.get(PubSubSettings.ENDPOINT), s.get(PubSubSettings.SEND_HWM),
                s.get(PubSubSettings.QUEUE), s.get(PubSubSettings.MAX_TOPICS), (int) max,
                s.get(PubSubSettings.HEARTBEAT_INTERVAL), s.get(PubSubSettings.HEARTBEAT_TIMEOUT));
    }

    /** The defaults, bound to {@code endpoint}. */
    public static PubSubConfig defaults(String endpoint) {
        return from(Settings.of(PubSubSettings.ALL, java.util.Map.of("pubsub.endpoint", endpoint)));
    }
}
