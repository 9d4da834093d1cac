package org.edgegateway.web;

import java.io.ByteArrayOutputStream;
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
import org.edgegateway.core.testing.BuiltinPlugins;

/** Plugin zips for the web tests: the built-in ones as their modules built them, and one made from test classes. */
final class TestPlugins {
    static final String REQUIRES = ">=1.1.0 & <2.0.0";

    private TestPlugins() {
    }

    /**
     * A PF4J plugin zip {@code <dir>/<id>.zip} with {@code plugin.properties} and {@code lib/<id>.jar}
     * holding the class files of {@code handler} and an extension index naming it.
     */
    static Path zip(Path dir, String id, String version, Class<?> handler) {
        try {
            Files.createDirectories(dir);
            Path zip = dir.resolve(id + ".zip");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry("plugin.properties"));
                out.write(("plugin.id=" + id + "\nplugin.version=" + version + "\nplugin.provider=Web tests\n"
                        + "plugin.requires=" + REQUIRES + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
                out.putNextEntry(new ZipEntry("lib/" + id + ".jar"));
                out.write(jar(handler));
                out.closeEntry();
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] jar(Class<?> handler) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream jar = new ZipOutputStream(bytes)) {
            for (Path f : classFiles(handler)) {
                jar.putNextEntry(new ZipEntry(handler.getPackageName().replace('.', '/') + "/" + f.getFileName()));
                jar.write(Files.readAllBytes(f));
                jar.closeEntry();
            }
            jar.putNextEntry(new ZipEntry("META-INF/extensions.idx"));
            jar.write((handler.getName() + "\n").getBytes(StandardCharsets.UTF_8));
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

    /** The zip a built-in plugin module produced ({@link BuiltinPlugins#zip}). */
    static Path builtin(String name) {
        return BuiltinPlugins.zip(name);
    }
}
