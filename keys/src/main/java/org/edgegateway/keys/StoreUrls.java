package org.edgegateway.keys;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Which JDBC URLs a key store may be opened on: embedded H2 files only. Stateless. */
final class StoreUrls {

    /** The URL settings a key store URL may carry: tuning only, nothing that runs SQL or opens a port. */
    static final List<String> SETTINGS = List.of("LOCK_TIMEOUT", "WRITE_DELAY", "CACHE_SIZE", "MAX_COMPACT_TIME");

    private static final String PREFIX = "jdbc:h2:";

    private StoreUrls() {
    }

    /** See {@link KeyStore#fileUrl}. */
    static String fileUrl(Path dataDir) {
        String path = dataDir.toAbsolutePath().normalize().resolve("keystore").toString();
        if (path.indexOf(';') >= 0) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "data directory " + dataDir + " contains ';', which an H2 URL cannot hold");
        }
        return "jdbc:h2:file:" + path + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000";
    }

    /**
     * Checks {@code jdbcUrl} as {@link KeyStore#requireEmbeddedFileUrl} says.
     *
     * @return the file location, for messages
     */
    static String check(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith(PREFIX)) {
            String shown = jdbcUrl == null ? "null" : ClientNames.quote(beforeSettings(jdbcUrl));
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "key store URL must be an embedded H2 file URL (jdbc:h2:file:/absolute/path), got " + shown);
        }
        String rest = jdbcUrl.substring(PREFIX.length());
        String[] parts = rest.split(";", -1);
        String path = parts[0].startsWith("file:") ? parts[0].substring("file:".length()) : parts[0];
        boolean absolute = path.startsWith("/") || path.startsWith("~/") || path.matches("[A-Za-z]:[\\\\/].*");
        if (!absolute || path.length() < 2) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "key store URL "
                    + ClientNames.quote(PREFIX + parts[0]) + " is not an embedded H2 file URL: give jdbc:h2:file:"
                    + " and an absolute path (servers, tcp:, ssl:, mem: and file-system prefixes are refused)");
        }
        for (int i = 1; i < parts.length; i++) {
            String setting = parts[i];
            int eq = setting.indexOf('=');
            String name = (eq < 0 ? setting : setting.substring(0, eq)).strip().toUpperCase(Locale.ROOT);
            if (name.isEmpty() || !SETTINGS.contains(name)) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID, "key store URL setting "
                        + (name.isEmpty() ? "(empty)" : ClientNames.quote(name)) + " is not allowed; allowed: "
                        + String.join(", ", SETTINGS) + " (AUTO_SERVER, INIT and the like never are)");
            }
            if (eq < 0 || !setting.substring(eq + 1).strip().matches("[0-9]{1,10}")) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "key store URL setting " + name + " needs a whole number, e.g. " + name + "=10000");
            }
        }
        return path;
    }

    private static String beforeSettings(String url) {
        int semi = url.indexOf(';');
        return semi < 0 ? url : url.substring(0, semi);
    }
}
