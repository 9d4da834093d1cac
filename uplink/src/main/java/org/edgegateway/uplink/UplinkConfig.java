package org.edgegateway.uplink;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import org.edgegateway.core.config.ConfigException;
import org.edgegateway.core.config.Settings;
import org.edgegateway.protocol.TypeNames;

/**
 * The settings of an edge's uplink, checked together. Immutable.
 *
 * @param bundle         the client bundle folder for the upstream; null: the uplink is off
 * @param endpoint       the upstream endpoint; empty: the bundle's
 * @param types          the forwarded types; empty means every type
 * @param queueMax       messages kept on disk at most
 * @param window         messages in flight at once
 * @param requestTimeout how long one attempt waits for the upstream's answer
 * @param retryMax       the longest pause between attempts
 */
public record UplinkConfig(Path bundle, String endpoint, Set<String> types, int queueMax, int window,
                           Duration requestTimeout, Duration retryMax) {

    public UplinkConfig {
        endpoint = endpoint == null ? "" : endpoint.trim();
        if (!endpoint.isEmpty() && !endpoint.matches("tcp://\\S+:\\d+")) {
            throw new ConfigException("uplink.endpoint", "uplink.endpoint must be tcp://HOST:PORT, got " + endpoint);
        }
        types = Set.copyOf(types == null ? Set.of() : types);
        for (String t : types) {
            if (!TypeNames.isValid(t)) {
                throw new ConfigException("uplink.types", "uplink.types holds '" + t + "', which is not a message type");
            }
        }
        if (queueMax < 1) {
            throw new ConfigException("uplink.queue-max", "uplink.queue-max must be at least 1, got " + queueMax);
        }
        if (window < 1 || window > 400) {
            throw new ConfigException("uplink.window", "uplink.window must be 1..400, got " + window);
        }
        if (requestTimeout == null || requestTimeout.toMillis() < 100) {
            throw new ConfigException("uplink.request-timeout", "uplink.request-timeout must be at least 100ms, got "
                    + requestTimeout);
        }
        if (retryMax == null || retryMax.toMillis() < 10) {
            throw new ConfigException("uplink.retry-max", "uplink.retry-max must be at least 10ms, got " + retryMax);
        }
    }

    public static UplinkConfig from(Settings s) {
        return new UplinkConfig(s.get(UplinkSettings.BUNDLE), s.get(UplinkSettings.ENDPOINT),
                parseTypes(s.get(UplinkSettings.TYPES)), s.get(UplinkSettings.QUEUE_MAX), s.get(UplinkSettings.WINDOW),
                s.get(UplinkSettings.REQUEST_TIMEOUT), s.get(UplinkSettings.RETRY_MAX));
    }

    /** {@code *} (every type) or a comma list. */
    static Set<String> parseTypes(String text) {
        String t = text == null ? "" : text.trim();
        if (t.equals("*")) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        Arrays.stream(t.split(",")).map(String::trim).filter(x -> !x.isEmpty()).forEach(out::add);
        if (out.isEmpty()) {
            throw new ConfigException("uplink.types", "uplink.types must be * or a comma list of types, got '" + text + "'");
        }
        return out;
    }

    /** Whether an uplink is configured. */
    public boolean enabled() {
        return bundle != null;
    }

    /** Whether messages of {@code type} are forwarded. */
    public boolean forwards(String type) {
        return types.isEmpty() || types.contains(type);
    }
}
