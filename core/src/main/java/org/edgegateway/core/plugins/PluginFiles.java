package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin host's folders and files: prepares them at start, lists the plugin files of a folder,
 * and installs an uploaded plugin file with its signature into {@code HOME/plugins}. Stateless.
 */
final class PluginFiles {
    private static final Logger LOG = LoggerFactory.getLogger(PluginHost.class);

    /** The built-in plugins whose data earlier versions kept in {@code HOME/data/<id>}. */
    static final List<String> BUILTIN_IDS = List.of("json", "binary", "string");

    private PluginFiles() {
    }

    /**
     * Moves the built-in plugins' data from its old place, creates the plugin folders and empties the
     * staging folder.
     */
    static void prepare(PluginHostConfig config) throws IOException {
        if (config.legacyDataRoot() != null) {
            moveLegacyData(config.legacyDataRoot(), config.dataRoot());
        }
        for (Path dir : List.of(config.installed(), config.dataRoot(), config.configFolder())) {
            Files.createDirectories(dir);
        }
        deleteTree(config.staging());
        Files.createDirectories(config.staging());
    }

    /**
     * Moves {@code legacyRoot/<id>} of each built-in plugin to {@code dataRoot/<id>}, once: after the
     * move the old folder is gone, and when both exist the old one is left alone with a warning.
     */
    static void moveLegacyData(Path legacyRoot, Path dataRoot) throws IOException {
        for (String id : BUILTIN_IDS) {
            Path old = legacyRoot.resolve(id);
            Path target = dataRoot.resolve(id);
            if (!Files.isDirectory(old, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                LOG.warn("plugins: both {} and {} exist; plugin {} uses {}; move what {} holds there by hand", old,
                        target, id, target, old);
                continue;
            }
            Files.createDirectories(dataRoot);
            Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
            LOG.info("plugins: moved the data of built-in plugin {} from {} to {}: plugin data now lives in {}", id,
                    old, target, dataRoot);
        }
    }

    /** The {@code *.zip} and {@code *.jar} files of {@code dir}, absolute and sorted by name; none if it is absent. */
    static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{zip,jar}")) {
            for (Path f : files) {
                if (Files.isRegularFile(f)) {
                    out.add(f.toAbsolutePath().normalize());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("plugins: cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /**
     * Writes an uploaded plugin and its signature ({@code null}: none, and an old one is deleted) into
     * {@code installed}, each atomically, and returns the plugin file.
     *
     * @throws IllegalArgumentException when the file name is not a plain {@code NAME.zip} or {@code NAME.jar}
     */
    static Path install(Path installed, String fileName, byte[] plugin, byte[] signature) {
        if (fileName == null || !fileName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.(zip|jar)")) {
            throw new IllegalArgumentException("plugin file name must be NAME.zip or NAME.jar with [A-Za-z0-9._-], got "
                    + fileName);
        }
        Path target = installed.resolve(fileName);
        Path sig = PluginSignatures.signatureFile(target);
        try {
            Files.createDirectories(installed);
            writeAtomically(target, plugin);
            if (signature != null) {
                writeAtomically(sig, signature);
            } else {
                Files.deleteIfExists(sig);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return target;
    }

    private static void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".part");
        Files.write(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
