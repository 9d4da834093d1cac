package org.edgegateway.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds unsigned PF4J plugin zips from handler classes of the bench jar, laid out as the gateway
 * loads them: {@code plugin.properties} and {@code lib/<id>.jar} holding the class file and a
 * {@code META-INF/extensions.idx} naming it. Stateless, thread-safe.
 */
final class BenchPlugins {
    /** The plugin SPI range the bench plugins need (the SPI version that added MessageHandler.stop()). */
    static final String REQUIRES = ">=1.1.0";

    private BenchPlugins() {
    }

    /**
     * Writes {@code dir/<id>.zip} holding {@code handler}, which must be a top-level class without
     * nested or anonymous classes (only its own class file is packed).
     *
     * @return the zip
     */
    static Path zip(Path dir, String id, Class<?> handler) throws IOException {
        if (handler.getEnclosingClass() != null || handler.getDeclaredClasses().length > 0) {
            throw new IllegalArgumentException(handler.getName() + " must be a top-level class without nested classes");
        }
        Files.createDirectories(dir);
        Path zip = dir.resolve(id + ".zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            out.putNextEntry(new ZipEntry("plugin.properties"));
            out.write(("plugin.id=" + id + "\nplugin.version=1.0.0\nplugin.provider=Edge Gateway bench\n"
                    + "plugin.requires=" + REQUIRES + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
            out.putNextEntry(new ZipEntry("lib/" + id + ".jar"));
            out.write(jar(handler));
            out.closeEntry();
        }
        return zip;
    }

    private static byte[] jar(Class<?> handler) throws IOException {
        String resource = handler.getName().replace('.', '/') + ".class";
        byte[] classFile;
        try (InputStream in = handler.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("class file " + resource + " not found on the class path");
            }
            classFile = in.readAllBytes();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream jar = new ZipOutputStream(bytes)) {
            jar.putNextEntry(new ZipEntry(resource));
            jar.write(classFile);
            jar.closeEntry();
            jar.putNextEntry(new ZipEntry("META-INF/extensions.idx"));
            jar.write((handler.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }
}
