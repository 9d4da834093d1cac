package org.edgegateway.core.testing;

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

/**
 * Builds PF4J plugin zips from handler classes compiled with a module's tests (their class files
 * must be in a folder, not a jar). Stateless.
 */
public final class PluginZips {
    private PluginZips() {
    }

    /**
     * A plugin zip {@code <dir>/<file>.zip}: {@code plugin.properties} with {@code descriptor} as its
     * text, and {@code lib/plugin.jar} holding the class files of {@code handlers} and an extension
     * index naming them.
     */
    public static Path zip(Path dir, String file, String descriptor, Class<?>... handlers) {
        try {
            Files.createDirectories(dir);
            Path zip = dir.resolve(file + ".zip");
            try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
                out.putNextEntry(new ZipEntry("plugin.properties"));
                out.write(descriptor.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
                out.putNextEntry(new ZipEntry("lib/" + file + ".jar"));
                out.write(jar(handlers));
                out.closeEntry();
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The descriptor of a plugin {@code id} in {@code version} that requires {@code requires} of the SPI. */
    public static String descriptor(String id, String version, String requires) {
        return "plugin.id=" + id + "\nplugin.version=" + version + "\nplugin.provider=Tests\n"
                + "plugin.requires=" + requires + "\n";
    }

    private static byte[] jar(Class<?>... handlers) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
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
}
