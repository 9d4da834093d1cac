package org.edgegateway.uplink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.edgegateway.core.config.Setting;
import org.edgegateway.core.config.Settings;

/** The configuration keys of the uplink ({@code uplink.*}). Constants only. */
public final class UplinkSettings {

    public static final Setting<Path> BUNDLE = Settings.path("uplink.bundle", "",
            "Client bundle folder made by the upstream's 'clients add NAME --generate'; empty: no uplink");
    public static final Setting<String> ENDPOINT = Settings.text("uplink.endpoint", "",
            "Upstream gateway endpoint, tcp://HOST:PORT; empty: the one named in the bundle's server.key");
    public static final Setting<String> TYPES = Settings.text("uplink.types", "*",
            "Message types forwarded upstream once a local handler ACKed them: * or a comma list such as JSON,STRING");
    public static final Setting<Integer> QUEUE_MAX = Settings.integer("uplink.queue-max", "1000000", 1, 100_000_000,
            "Messages kept on disk for the upstream; when full, new messages of forwarded types get ERROR BUSY");
    public static final Setting<Integer> WINDOW = Settings.integer("uplink.window", "64", 1, 400,
            "Messages in flight to the upstream at once");
    public static final Setting<Duration> REQUEST_TIMEOUT = Settings.duration("uplink.request-timeout", "10s",
            "How long one forwarded message may wait for the upstream's answer before it is sent again");
    public static final Setting<Duration> RETRY_MAX = Settings.duration("uplink.retry-max", "5s",
            "Longest pause between attempts while the upstream is unreachable or refuses");
    public static final Setting<Boolean> RECEIVE = Settings.bool("uplink.receive", "false",
            "Accept UPLINK messages from edge gateways and record them under HOME/data/uplink-received");

    /** Every key of the uplink, in documentation order. */
    public static final List<Setting<?>> ALL = List.of(BUNDLE, ENDPOINT, TYPES, QUEUE_MAX, WINDOW, REQUEST_TIMEOUT,
            RETRY_MAX, RECEIVE);

    private UplinkSettings() {
    }
}
