package org.edgegateway.core.pubsub;

import java.time.Duration;
import java.util.List;
import org.edgegateway.core.config.Setting;
import org.edgegateway.core.config.Settings;

/** The configuration keys of the topic publisher ({@code pubsub.*}). Constants only. */
public final class PubSubSettings {

    public static final Setting<Boolean> ENABLED = Settings.bool("pubsub.enabled", "true",
            "Serve topic broadcasts on a CURVE XPUB endpoint (pubsub.endpoint)");
    public static final Setting<String> ENDPOINT = Settings.text("pubsub.endpoint", "tcp://*:5557",
            "ZeroMQ endpoint the CURVE XPUB binds; subscribers are enrolled clients, admitted by the same ZAP handler");
    public static final Setting<Integer> SEND_HWM = Settings.integer("pubsub.send-hwm", "10000", 1, 10_000_000,
            "Messages queued per subscriber; past it that subscriber misses messages (counted as drops)");
    public static final Setting<Integer> QUEUE = Settings.integer("pubsub.queue", "10000", 1, 10_000_000,
            "Publications waiting for the publisher thread; past it publish() refuses (counted)");
    public static final Setting<Integer> MAX_TOPICS = Settings.integer("pubsub.last-value-topics", "10000", 0, 1_000_000,
            "Topics whose latest value is kept for late subscribers (least recently published evicted first); 0 turns the cache off");
    public static final Setting<Long> MAX_PAYLOAD = new Setting<>("pubsub.max-payload", "256KiB",
            "Largest payload publish() accepts", Settings::bytes);
    public static final Setting<Duration> HEARTBEAT_INTERVAL = Settings.duration("pubsub.heartbeat-interval", "5s",
            "ZMTP heartbeat interval towards subscribers");
    public static final Setting<Duration> HEARTBEAT_TIMEOUT = Settings.duration("pubsub.heartbeat-timeout", "15s",
            "A subscriber silent for this long is disconnected");

    /** Every key of the publisher, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(ENABLED, ENDPOINT, SEND_HWM, QUEUE, MAX_TOPICS, MAX_PAYLOAD,
            HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT);

    private PubSubSettings() {
    }
}
