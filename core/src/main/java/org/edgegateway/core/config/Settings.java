package org.edgegateway.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * The configuration of a gateway: every known key with its default, read from
 * {@code HOME/conf/gateway.properties} and overridden by {@code EGW_*} environment variables.
 * Unknown keys and bad values fail with a {@link ConfigException} naming the key. Immutable and
 * thread-safe once built.
 */
public final class Settings {

    public static final Setting<String> ENDPOINT = text("gateway.endpoint", "tcp://*:5555",
            "ZeroMQ endpoint the ROUTER binds, e.g. tcp://*:5555 or tcp://127.0.0.1:5555");
    public static final Setting<String> PUBLIC_ENDPOINT = text("gateway.public-endpoint", "",
            "Endpoint written into client bundles; empty: derived from gateway.endpoint and the host name");
    public static final Setting<Long> MAX_MESSAGE_SIZE = new Setting<>("gateway.max-message-size", "1MiB",
            "Largest payload accepted; larger ones get ERROR TOO_LARGE, far larger frames drop the connection",
            Settings::bytes);
    public static final Setting<Duration> HEARTBEAT_INTERVAL = duration("gateway.heartbeat-interval", "10s",
            "ZMTP heartbeat interval towards clients");
    public static final Setting<Duration> HEARTBEAT_TIMEOUT = duration("gateway.heartbeat-timeout", "30s",
            "A client silent for this long (no traffic, no heartbeat) is disconnected");
    public static final Setting<Duration> HANDSHAKE_TIMEOUT = duration("gateway.handshake-timeout", "10s",
            "A connection that has not completed its CURVE handshake in this time is dropped");
    public static final Setting<Integer> SEND_HWM = integer("gateway.send-hwm", "10000", 1, 10_000_000,
            "Outgoing messages queued per client before replies to it are dropped (and counted)");
    public static final Setting<Integer> RECEIVE_HWM = integer("gateway.receive-hwm", "10000", 1, 10_000_000,
            "Incoming messages queued per client before the gateway stops reading from it");
    public static final Setting<Integer> WORKERS = integer("handlers.workers", "4", 1, 1024,
            "Threads of each lane of handlers outside plugins (plugins have plugins.max-in-flight)");
    public static final Setting<Integer> QUEUE = integer("handlers.queue", "10000", 1, 10_000_000,
            "Messages waiting for or inside handler lanes, all together, before new ones get ERROR BUSY");
    public static final Setting<Long> QUEUE_BYTES = new Setting<>("handlers.queue-bytes", "64MiB",
            "Payload bytes waiting for or inside handler lanes, all together, before new ones get ERROR BUSY",
            Settings::bytes);
    public static final Setting<Duration> HANDLER_TIMEOUT = duration("handlers.timeout", "2s",
            "Time limit of one call of a handler outside plugins (plugins have plugins.timeout); past it the client"
                    + " gets ERROR HANDLER_FAILED");
    public static final Setting<Integer> RECENT_MESSAGES = integer("plugins.recent-messages", "20", 0, 10_000,
            "Messages per client and plugin kept in memory for the admin UI (for the 1024 most recent clients)");
    public static final Setting<Integer> DEDUP_WINDOW = integer("gateway.dedup-window", "256", 0, 100_000,
            "Versioned messages remembered per client, so that a retry with the same id is not processed twice");
    public static final Setting<String> STORE_URL = new Setting<>("store.url", "",
            "JDBC URL of the key store; empty: the embedded H2 file HOME/data/keystore. Only embedded H2 files,"
                    + " jdbc:h2:file:/absolute/path with LOCK_TIMEOUT, WRITE_DELAY, CACHE_SIZE or MAX_COMPACT_TIME",
            t -> t.isEmpty() ? t : org.edgegateway.keys.KeyStore.requireEmbeddedFileUrl(t));
    public static final Setting<Duration> LAST_SEEN_FLUSH = duration("store.last-seen-flush", "30s",
            "How often the last-seen times of connected clients are written to the key store");
    public static final Setting<Boolean> CONTROL_ENABLED = bool("control.enabled", "true",
            "Local control socket HOME/run/control.sock (owner-only) through which the CLI reaches a running gateway");

    public static final Setting<String> ADMIN_BIND = text("admin.bind", "127.0.0.1", "Address of the admin UI and API");
    public static final Setting<Integer> ADMIN_PORT = integer("admin.port", "8443", 0, 65535,
            "Port of the admin UI and API; 0 turns them off");
    public static final Setting<Boolean> ADMIN_TLS = bool("admin.tls", "true",
            "HTTPS for the admin UI; plain HTTP only when set to false explicitly");
    public static final Setting<String> ADMIN_KEYSTORE = text("admin.tls.keystore", "",
            "A PKCS12 certificate to serve instead of the self-signed one generated into HOME/keys");
    public static final Setting<String> ADMIN_KEYSTORE_PASSWORD = text("admin.tls.keystore-password", "",
            "Password of admin.tls.keystore");
    public static final Setting<Duration> ADMIN_SESSION_IDLE = duration("admin.session-idle", "30m",
            "Admin sessions expire after this much inactivity (the UI's background polling is not activity)");
    public static final Setting<Duration> ADMIN_SESSION_LIFETIME = duration("admin.session-lifetime", "8h",
            "Admin sessions end this long after login, however active; then the admin logs in again");
    public static final Setting<Boolean> METRICS_OPEN = bool("admin.metrics-open", "false",
            "Serve /metrics without a token");

    /** The keys of the gateway core and its admin UI, in documentation order. */
    public static final List<Setting<?>> CORE = List.of(ENDPOINT, PUBLIC_ENDPOINT, MAX_MESSAGE_SIZE,
            HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT, HANDSHAKE_TIMEOUT, SEND_HWM, RECEIVE_HWM, WORKERS, QUEUE,
            QUEUE_BYTES, HANDLER_TIMEOUT, DEDUP_WINDOW, RECENT_MESSAGES, STORE_URL, LAST_SEEN_FLUSH, CONTROL_ENABLED,
            ADMIN_BIND, ADMIN_PORT, ADMIN_TLS, ADMIN_KEYSTORE, ADMIN_KEYSTORE_PASSWORD, ADMIN_SESSION_IDLE,
            ADMIN_SESSION_LIFETIME, METRICS_OPEN);

    /** EGW_ variables that belong to the launcher (bin/edge-gateway), not to gateway.properties. */
    public static final java.util.Set<String> LAUNCHER_VARIABLES = java.util.Set.of("EGW_JAVA_OPTS");

    private final List<Setting<?>> known;
    private final Map<String, Object> values;
    private final Map<String, String> sources;

    private Settings(List<Setting<?>> known, Map<String, Object> values, Map<String, String> sources) {
        this.known = known;
        this.values = values;
        this.sources = sources;
    }

    /** Every key of these settings, in documentation order. */
    public List<Setting<?>> known() {
        return known;
    }

    /** The defaults of {@code known} keys, with {@code overrides} on top (keys as in the file); for tests and tools. */
    public static Settings of(List<Setting<?>> known, Map<String, String> overrides) {
        Properties p = new Properties();
        p.putAll(overrides);
        return load(known, p, Map.of());
    }

    /** {@link #of(List, Map)} for the {@link #CORE} keys. */
    public static Settings of(Map<String, String> overrides) {
        return of(CORE, overrides);
    }

    /**
     * Builds the settings from file properties and the environment.
     *
     * @throws ConfigException naming the first unknown key or bad value
     */
    public static Settings load(List<Setting<?>> known, Properties file, Map<String, String> environment) {
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        for (Setting<?> s : known) {
            if (byKey.put(s.key(), s) != null) {
                throw new IllegalArgumentException("configuration key declared twice: " + s.key());
            }
        }
        for (String name : file.stringPropertyNames()) {
            if (!byKey.containsKey(name)) {
                throw new ConfigException(name, "unknown configuration key '" + name + "'");
            }
        }
        for (String var : environment.keySet()) {
            if (var.startsWith("EGW_") && !isKnownVariable(var, byKey.values()) && !LAUNCHER_VARIABLES.contains(var)) {
                throw new ConfigException(var, "unknown configuration variable " + var
                        + " (EGW_ variables override keys of gateway.properties)");
            }
        }
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (Setting<?> s : byKey.values()) {
            String text = s.defaultText();
            String source = "default";
            if (file.getProperty(s.key()) != null) {
                text = file.getProperty(s.key()).trim();
                source = "gateway.properties";
            }
            String env = environment.get(s.environmentVariable());
            if (env != null) {
                text = env.trim();
                source = s.environmentVariable();
            }
            try {
                values.put(s.key(), text == null ? null : s.parser().apply(text));
            } catch (RuntimeException e) {
                throw new ConfigException(s.key(), "bad value for " + s.key() + " (from " + source + "): "
                        + e.getMessage());
            }
            sources.put(s.key(), source);
        }
        return new Settings(List.copyOf(known), Collections.unmodifiableMap(values), sources);
    }

    private static boolean isKnownVariable(String var, Iterable<Setting<?>> settings) {
        for (Setting<?> s : settings) {
            if (s.environmentVariable().equals(var)) {
                return true;
            }
        }
        return false;
    }

    @SuppressWarnings("unchecked")
    public <T> T get(Setting<T> setting) {
        if (!values.containsKey(setting.key())) {
            throw new IllegalArgumentException("setting not registered: " + setting.key());
        }
        return (T) values.get(setting.key());
    }

    /** Where the value of a key came from: {@code default}, {@code gateway.properties} or the variable name. */
    public String source(Setting<?> setting) {
        return sources.getOrDefault(setting.key(), "default");
    }

    /** The documented default file, every key commented out with its default. */
    public static String documentedDefaults(List<Setting<?>> known) {
        StringBuilder out = new StringBuilder();
        out.append("# Edge Gateway configuration.\n")
           .append("# Every key can be overridden by an environment variable: EGW_ + the key upper-cased,\n")
           .append("# dots and dashes as underscores (gateway.endpoint -> EGW_GATEWAY_ENDPOINT).\n")
           .append("# Unknown keys and bad values stop start-up with a message naming the key.\n")
           .append("# Durations: 500ms, 5s, 10m, 1h. Sizes: 512, 64KiB, 1MiB.\n\n");
        for (Setting<?> s : known) {
            out.append("# ").append(s.description()).append('\n');
            out.append("#").append(s.key()).append('=').append(s.defaultText() == null ? "" : s.defaultText())
               .append("\n\n");
        }
        return out.toString();
    }

    // ---- parsers ----

    public static Setting<String> text(String key, String def, String doc) {
        return new Setting<>(key, def, doc, Function.identity());
    }

    public static Setting<Integer> integer(String key, String def, int min, int max, String doc) {
        return new Setting<>(key, def, doc, t -> {
            int v;
            try {
                v = Integer.parseInt(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + t + "' is not a whole number");
            }
            if (v < min || v > max) {
                throw new IllegalArgumentException(v + " is outside " + min + ".." + max);
            }
            return v;
        });
    }

    public static Setting<Double> decimal(String key, String def, double min, double max, String doc) {
        return new Setting<>(key, def, doc, t -> {
            double v;
            try {
                v = Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + t + "' is not a number");
            }
            if (!(v >= min && v <= max)) {
                throw new IllegalArgumentException(t + " is outside " + min + ".." + max);
            }
            return v;
        });
    }

    public static Setting<Boolean> bool(String key, String def, String doc) {
        return new Setting<>(key, def, doc, t -> {
            switch (t.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return true;
                }
                case "false", "no", "off" -> {
                    return false;
                }
                default -> throw new IllegalArgumentException("'" + t + "' is not true or false");
            }
        });
    }

    public static Setting<Duration> duration(String key, String def, String doc) {
        return new Setting<>(key, def, doc, Settings::duration);
    }

    public static Setting<Path> path(String key, String def, String doc) {
        return new Setting<>(key, def, doc, t -> t.isEmpty() ? null : Path.of(t));
    }

    /** {@code 500ms}, {@code 5s}, {@code 10m}, {@code 1h}, {@code 2d}, or ISO-8601 {@code PT5S}; {@code 0} allowed. */
    public static Duration duration(String t) {
        String s = t.trim().toLowerCase(Locale.ROOT);
        try {
            if (s.startsWith("p")) {
                return nonNegative(Duration.parse(t.trim()), t);
            }
            if (s.equals("0")) {
                return Duration.ZERO;
            }
            if (s.endsWith("ms")) {
                return nonNegative(Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2))), t);
            }
            long n = Long.parseLong(s.substring(0, s.length() - 1));
            return nonNegative(switch (s.charAt(s.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("'" + t + "' is not a duration such as 500ms, 5s, 10m, 1h");
            }, t);
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("'" + t + "' is not a duration such as 500ms, 5s, 10m, 1h");
        }
    }

    private static Duration nonNegative(Duration d, String t) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("'" + t + "' is negative");
        }
        return d;
    }

    /** {@code 512}, {@code 64KiB}, {@code 1MiB}, {@code 1GiB} (also KB/MB as binary units). */
    public static long bytes(String t) {
        String s = t.trim();
        long unit = 1;
        String upper = s.toUpperCase(Locale.ROOT);
        for (String[] u : new String[][] {{"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
                {"KB", "1024"}, {"MB", "1048576"}, {"GB", "1073741824"}, {"K", "1024"}, {"M", "1048576"}, {"B", "1"}}) {
            if (upper.endsWith(u[0])) {
                unit = Long.parseLong(u[1]);
                s = s.substring(0, s.length() - u[0].length()).trim();
                break;
            }
        }
        long n;
        try {
            n = Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + t + "' is not a size such as 512, 64KiB or 1MiB");
        }
        if (n < 1) {
            throw new IllegalArgumentException("'" + t + "' must be at least 1 byte");
        }
        return Math.multiplyExact(n, unit);
    }
}
