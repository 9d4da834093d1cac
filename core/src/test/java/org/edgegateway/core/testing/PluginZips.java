package org.edgegateway.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds PF4J plugin zips from handler classes compiled with a module's tests, in a folder or in a
 * jar (another module's tests). Stateless.
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
                for (String file : classFiles(c)) {
                    try (InputStream in = c.getResourceAsStream(file)) {
                        if (in == null) {
                            throw new IOException("class file " + file + " of " + c.getName() + " not found");
                        }
                        jar.putNextEntry(new ZipEntry(c.getPackageName().replace('.', '/') + "/" + file));
                        jar.write(in.readAllBytes());
                        jar.closeEntry();
                    }
                }
            }
            jar.putNextEntry(new ZipEntry("META-INF/extensions.idx"));
            jar.write(index.toString().getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    /**
     * The class files of {@code c} and of the classes nested in it, as names next to its own: every
     * {@code C$*.class} in its folder, or, from a jar, the member classes it declares.
     */
    private static List<String> classFiles(Class<?> c) throws IOException {
        List<String> out = new ArrayList<>();
        out.add(c.getSimpleName() + ".class");
        URL self = c.getResource(c.getSimpleName() + ".class");
        if (self != null && "file".equals(self.getProtocol())) {
            try (DirectoryStream<Path> nested = Files.newDirectoryStream(Path.of(self.toURI()).getParent(),
                    c.getSimpleName() + "$*.class")) {
                nested.forEach(p -> out.add(p.getFileName().toString()));
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
            return out;
        }
        addMembers(c, out);
        return out;
    }

    private static void addMembers(Class<?> c, List<String> out) {
        for (Class<?> member : c.getDeclaredClasses()) {
            out.add(member.getName().substring(member.getPackageName().length() + 1) + ".class");
            addMembers(member, out);
        }
    }
}
