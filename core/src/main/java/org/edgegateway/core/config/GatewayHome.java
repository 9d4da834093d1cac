package org.edgegateway.core.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * The folder that holds all of one gateway's state: {@code conf/}, {@code data/}, {@code keys/},
 * {@code plugins/}, {@code logs/} and {@code run/}. Immutable; the folders it creates are plain files.
 *
 * <p>Where it is: {@code --home DIR}, else the {@code EDGE_GATEWAY_HOME} environment variable, else
 * {@code ~/.edge-gateway}. The first start creates it; later starts reuse it. {@code keys/},
 * {@code data/} and {@code run/} are owner-only (0700) since they hold secrets, the key store and the
 * control socket.
 */
public final class GatewayHome {
    public static final String ENVIRONMENT_VARIABLE = "EDGE_GATEWAY_HOME";
    public static final String CONFIG_FILE = "gateway.properties";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private final Path root;

    public GatewayHome(Path root) {
        if (root == null) {
            throw new IllegalArgumentException("home folder is required");
        }
        this.root = root.toAbsolutePath().normalize();
    }

    /** The home from an explicit option (may be null), the environment, or the default. */
    public static GatewayHome resolve(Path option, Map<String, String> environment) {
        if (option != null) {
            return new GatewayHome(option);
        }
        String env = environment.get(ENVIRONMENT_VARIABLE);
        if (env != null && !env.isBlank()) {
            return new GatewayHome(Path.of(env));
        }
        return new GatewayHome(Path.of(System.getProperty("user.home"), ".edge-gateway"));
    }

    public Path root() {
        return root;
    }

    public Path conf() {
        return root.resolve("conf");
    }

    public Path data() {
        return root.resolve("data");
    }

    public Path keys() {
        return root.resolve("keys");
    }

    public Path plugins() {
        return root.resolve("plugins");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path run() {
        return root.resolve("run");
    }

    public Path configFile() {
        return conf().resolve(CONFIG_FILE);
    }

    public Path controlSocket() {
        return run().resolve("control.sock");
    }

    /** Whether the home has been created (it has its configuration file). */
    public boolean exists() {
        return Files.isRegularFile(configFile());
    }

    /**
     * Creates the folders that are missing and, on first start, the documented configuration file.
     *
     * @throws UncheckedIOException naming the folder that cannot be created
     */
    public GatewayHome create(List<Setting<?>> known) {
        for (Path dir : List.of(root, conf(), plugins(), logs())) {
            mkdirs(dir, false);
        }
        for (Path dir : List.of(data(), keys(), run())) {
            mkdirs(dir, true);
        }
        if (!Files.exists(configFile())) {
            try {
                Files.writeString(configFile(), Settings.documentedDefaults(known), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + configFile() + ": " + e.getMessage(), e);
            }
        }
        return this;
    }

    private static void mkdirs(Path dir, boolean ownerOnly) {
        try {
            Files.createDirectories(dir);
            if (ownerOnly && posix()) {
                Files.setPosixFilePermissions(dir, OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create folder " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Reads the configuration file (if present) and the environment. */
    public Settings loadSettings(List<Setting<?>> known, Map<String, String> environment) {
        Properties file = new Properties();
        if (Files.isRegularFile(configFile())) {
            try (InputStream in = Files.newInputStream(configFile())) {
                file.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ConfigException(configFile().toString(), "cannot read " + configFile() + ": " + e.getMessage());
            }
        }
        return Settings.load(known, file, environment);
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
