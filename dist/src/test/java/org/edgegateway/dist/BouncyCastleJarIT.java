package org.edgegateway.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundle's Bouncy Castle: one jar holding every class and resource of bcprov, bcutil and bcpkix
 * byte for byte, without their signatures and per-class manifest digests (which a signed jar makes
 * the JVM keep in memory for the life of the process), and no signed jar left in lib/.
 */
class BouncyCastleJarIT {

    /** What the bundle's jar leaves out of the originals (src/assembly/bouncycastle.xml). */
    private static boolean leftOut(String name) {
        return name.equals("META-INF/MANIFEST.MF")
                || name.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")
                || name.matches("META-INF/versions/\\d+/module-info\\.class")
                || name.matches("META-INF/versions/\\d+/OSGI-INF/.*");
    }

    @Test
    void everyClassOfTheThreeJarsUnchangedAndNothingSigned(@TempDir Path dir) throws Exception {
        Path base = BundleProcess.unpack(Path.of(System.getProperty("egw.tarball")), dir.resolve("opt"));
        Path lib = base.resolve("lib");
        List<Path> jars;
        try (var list = Files.list(lib)) {
            jars = list.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
        // The version the build pins, read off the original bcprov jar on this test's class path.
        String version = jarOf("org.bouncycastle.crypto.engines.Salsa20Engine").getFileName().toString()
                .replaceFirst("^bcprov-jdk18on-(.+)\\.jar$", "$1");
        String bundledName = "bouncycastle-jdk18on-" + version + ".jar";
        assertThat(jars).extracting(p -> p.getFileName().toString())
                .contains(bundledName)
                .noneMatch(n -> n.startsWith("bcprov") || n.startsWith("bcutil") || n.startsWith("bcpkix"));
        for (Path jar : jars) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                assertThat(zip.stream().map(ZipEntry::getName))
                        .as("signature files in %s", jar.getFileName())
                        .noneMatch(n -> n.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)"));
            }
        }

        Map<String, byte[]> expected = new TreeMap<>();
        for (String probe : List.of("org.bouncycastle.crypto.engines.Salsa20Engine", // bcprov
                "org.bouncycastle.asn1.cmp.PKIBody", // bcutil
                "org.bouncycastle.cert.X509v3CertificateBuilder")) { // bcpkix
            Path original = jarOf(probe);
            assertThat(original.getFileName().toString()).endsWith("-" + version + ".jar");
            try (ZipFile zip = new ZipFile(original.toFile())) {
                for (ZipEntry e : Collections.list(zip.entries())) {
                    if (!e.isDirectory() && !leftOut(e.getName())) {
                        assertThat(expected.put(e.getName(), read(zip, e))).as("%s in two jars", e.getName()).isNull();
                    }
                }
            }
        }
        assertThat(expected).hasSizeGreaterThan(7_000);

        Map<String, byte[]> actual = new TreeMap<>();
        Path bundled = lib.resolve(bundledName);
        try (ZipFile zip = new ZipFile(bundled.toFile())) {
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (!e.isDirectory() && !e.getName().equals("META-INF/MANIFEST.MF")) {
                    actual.put(e.getName(), read(zip, e));
                }
            }
        }
        assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
        List<String> changed = new ArrayList<>();
        expected.forEach((name, bytes) -> {
            if (!java.util.Arrays.equals(bytes, actual.get(name))) {
                changed.add(name);
            }
        });
        assertThat(changed).as("entries whose bytes differ from the originals'").isEmpty();

        try (JarFile jar = new JarFile(bundled.toFile())) {
            Manifest manifest = jar.getManifest();
            assertThat(manifest.getMainAttributes().getValue("Multi-Release")).isEqualTo("true");
            assertThat(manifest.getEntries()).as("per-entry manifest sections").isEmpty();
            assertThat(jar.isMultiRelease()).isTrue();
        }
    }

    private static Path jarOf(String className) throws ClassNotFoundException, URISyntaxException {
        return Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static byte[] read(ZipFile zip, ZipEntry e) throws IOException {
        try (InputStream in = zip.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
