package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.function.Function;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.edgegateway.plugin.api.Spi;
import org.pf4j.VersionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verification and staging of one plugin file, in this order: copy it to the staging folder (so
 * the bytes checked are the bytes loaded), check its detached signature against the trusted
 * publisher keys <em>before</em> anything inside the archive is parsed, read its descriptor, check
 * its {@code plugin.id} ({@link #validId}) and its {@code plugin.requires} against {@link Spi#VERSION}.
 * Not thread-safe: used under the {@link PluginHost}'s lock.
 */
final class PluginStaging {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    /** What a plugin id may be: {@value #ID_RULE}. */
    static final String ID_RULE = "1 to 128 characters of A-Z a-z 0-9 . _ -, starting with a letter or a digit";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path staging;
    private final TrustedPublishers publishers;
    private final boolean allowUnsigned;
    private final VersionManager versions;
    private int staged;

    PluginStaging(Path staging, TrustedPublishers publishers, boolean allowUnsigned, VersionManager versions) {
        this.staging = staging;
        this.publishers = publishers;
        this.allowUnsigned = allowUnsigned;
        this.versions = versions;
    }

    /**
     * Stages and verifies the file of {@code s}, filling in its id, version, provider, publisher and
     * staging folder. Returns what PF4J is to load (the staged copy, or a jar laid out as a plugin
     * folder), or null when the plugin is refused; then {@code s} says why.
     *
     * @param loadedFrom the file a plugin of the given id is loaded from, or null when none is
     */
    Path stage(PluginSlot s, Function<String, Path> loadedFrom) {
        Path file = s.file;
        Path dir = staging.resolve((++staged) + "-" + file.getFileName().toString().replaceAll("\\.(zip|jar)$", ""));
        Path copy = dir.resolve(file.getFileName());
        String signature;
        try {
            Files.createDirectories(dir);
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            Path sig = PluginSignatures.signatureFile(file);
            signature = Files.exists(sig) ? Files.readString(sig, StandardCharsets.US_ASCII) : null;
        } catch (IOException e) {
            s.refuse("cannot read " + file + ": " + e.getMessage());
            return null;
        }
        s.staged = dir;
        // The signature first: nothing inside an archive is parsed before its publisher is known.
        // the bundle's own keys count for the bundle's own plugins only
        PluginSignatures.Verdict verdict = PluginSignatures.verify(copy, signature, publishers.keysFor(s.builtin));
        if (!verdict.valid() && !allowUnsigned) {
            LOG.warn("plugins: refused {}: {}", file, verdict.reason());
            s.refuse(verdict.reason());
            return null;
        }
        Properties descriptor;
        try {
            descriptor = descriptor(copy);
        } catch (IOException | RuntimeException e) {
            s.refuse("not a plugin file: " + e.getMessage());
            return null;
        }
        String id = descriptor.getProperty("plugin.id", "").trim();
        if (id.isEmpty()) {
            s.refuse("not a plugin file: no plugin.id in its plugin.properties or manifest");
            return null;
        }
        if (!validId(id)) {
            String shown = printable(id);
            LOG.warn("plugins: refused {}: plugin.id '{}' is not a valid id", file, shown);
            s.refuse("plugin.id '" + shown + "' is not a valid id: " + ID_RULE);
            return null;
        }
        s.id = id;
        s.version = descriptor.getProperty("plugin.version", "");
        s.provider = descriptor.getProperty("plugin.provider", "");
        if (verdict.valid()) {
            s.publisher = verdict.signer().fingerprint();
        } else {
            LOG.warn("plugins: LOADING UNVERIFIED plugin {} from {} because plugins.allow-unsigned is on: {}", s.id,
                    file, verdict.reason());
        }
        Path other = loadedFrom.apply(s.id);
        if (other != null) {
            s.refuse("plugin id " + s.id + " is already loaded from " + other);
            return null;
        }
        String requires = descriptor.getProperty("plugin.requires", "*").trim();
        if (!requires.isEmpty() && !requires.equals("*") && !versions.checkVersionConstraint(Spi.VERSION, requires)) {
            String reason = "requires plugin SPI " + requires + " but this gateway provides " + Spi.VERSION;
            LOG.warn("plugins: refused {} from {}: {}", s.id, file, reason);
            s.refuse(reason);
            return null;
        }
        if (!copy.getFileName().toString().endsWith(".jar")) {
            return copy;
        }
        try {
            return jarAsFolder(copy, dir.resolve("expanded"), descriptor);
        } catch (IOException | RuntimeException e) {
            LOG.warn("plugins: cannot load {} from {}: {}", s.id, file, e.toString());
            s.fail("cannot load: " + e.getMessage());
            return null;
        }
    }

    /**
     * Whether {@code id} may name a plugin (the rule of the REST API's plugin paths): no separator, no
     * {@code .} or {@code ..} (it starts with a letter or a digit), short enough for a file name.
     */
    static boolean validId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** An untrusted id for a log line or a refusal: at most 80 characters, control characters as '?'. */
    private static String printable(String id) {
        String cut = id.length() > 80 ? id.substring(0, 80) + "..." : id;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }

    /** The plugin.properties of a zip, or of a jar (else its manifest's Plugin-* attributes). */
    static Properties descriptor(Path file) throws IOException {
        Properties p = new Properties();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("plugin.properties");
            if (e != null) {
                try (InputStream in = zip.getInputStream(e)) {
                    p.load(new InputStreamReader(in, StandardCharsets.UTF_8));
                }
                return p;
            }
        }
        if (file.getFileName().toString().endsWith(".jar")) {
            try (JarFile jar = new JarFile(file.toFile())) {
                Manifest m = jar.getManifest();
                if (m != null) {
                    Attributes a = m.getMainAttributes();
                    put(p, "plugin.id", a.getValue("Plugin-Id"));
                    put(p, "plugin.version", a.getValue("Plugin-Version"));
                    put(p, "plugin.provider", a.getValue("Plugin-Provider"));
                    put(p, "plugin.requires", a.getValue("Plugin-Requires"));
                    put(p, "plugin.description", a.getValue("Plugin-Description"));
                    put(p, "plugin.class", a.getValue("Plugin-Class"));
                    put(p, "plugin.dependencies", a.getValue("Plugin-Dependencies"));
                    put(p, "plugin.license", a.getValue("Plugin-License"));
                }
            }
            return p;
        }
        throw new IOException(file.getFileName() + " has no plugin.properties");
    }

    private static void put(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    /** A plugin jar as a PF4J plugin folder: {@code plugin.properties} and {@code lib/<the jar>}. */
    private static Path jarAsFolder(Path jar, Path folder, Properties descriptor) throws IOException {
        Files.createDirectories(folder.resolve("lib"));
        Files.copy(jar, folder.resolve("lib").resolve(jar.getFileName()));
        try (var out = Files.newBufferedWriter(folder.resolve("plugin.properties"), StandardCharsets.UTF_8)) {
            descriptor.store(out, null);
        }
        return folder;
    }
}
