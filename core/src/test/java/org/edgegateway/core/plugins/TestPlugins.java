package org.edgegateway.core.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Builds PF4J plugin zips for tests, and finds the built-in plugins built by their own modules. */
final class TestPlugins {
    private TestPlugins() {
    }

    /**
     * A plugin zip {@code <dir>/<id>.zip}: {@code plugin.properties} and {@code lib/<id>.jar} holding
     * the class files of {@code handlers} (compiled with the tests) and an extension index naming them.
     */
    static Path zip(Path dir, String id, String version, String requires, Class<?>... handlers) {
        try {
            Files.createDirectories(dir);
            Path zip = dir.resolve(id + ".zip");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry("plugin.properties"));
                out.write(("plugin.id=" + id + "\nplugin.version=" + version + "\nplugin.provider=Tests\n"
                        + "plugin.requires=" + requires + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
                out.putNextEntry(new ZipEntry("lib/" + id + ".jar"));
                out.write(jar(handlers));
                out.closeEntry();
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] jar(Class<?>... handlers) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ZipOutputStream jar = new ZipOutputStream(bytes)) {
            StringBuilder index = new StringBuilder();
            for (Class<?> c : handlers) {
                index.append(c.getName()).append('\n');
                for (Path f : classFiles(c)) {
                    String name = c.getPackageName().replace('.', '/') + "/" + f.getFileName();
                    jar.putNextEntry(new ZipEntry(name));
                    jar.write(Files.readAllBytes(f));
                    jar.closeEntry();
                }
            }
            jar.putNextEntry(new ZipEntry("META-INF/extensions.idx"));
            jar.write(index.toString().getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static List<Path> classFiles(Class<?> c) throws IOException {
        try {
            Path self = Path.of(c.getResource(c.getSimpleName() + ".class").toURI());
            List<Path> out = new ArrayList<>();
            out.add(self);
            try (DirectoryStream<Path> nested = Files.newDirectoryStream(self.getParent(), c.getSimpleName() + "$*.class")) {
                nested.forEach(out::add);
            }
            return out;
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    /** The zip a built-in plugin module produced, e.g. {@code plugins/json/target/edge-gateway-plugin-json-*-plugin.zip}. */
    static Path builtin(String name) {
        Path target = repositoryRoot().resolve("plugins").resolve(name).resolve("target");
        if (Files.isDirectory(target)) {
            try (DirectoryStream<Path> zips = Files.newDirectoryStream(target, "edge-gateway-plugin-" + name + "-*-plugin.zip")) {
                for (Path z : zips) {
                    return z;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("the " + name + " plugin is not built: run mvn -pl plugins/" + name
                + " -am package first (the root build does it before core)");
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("plugins").resolve("api"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the repository root above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

}
