package org.edgegateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.edgegateway.keys.CurveKeyPair;
import org.edgegateway.keys.KeyStore;
import org.edgegateway.keys.ZCert;
import org.edgegateway.keys.ZCertFiles;
import org.zeromq.ZMQ;

/**
 * The work folder of a side-by-side run, made by {@link #prepare}: the compiled C programs, the client
 * key pairs ({@code clients.txt}), the gateway's home (made by its own CLI, every key enrolled through
 * the key store) and copies of it, the bundle with the original jnacl jar in place of the stand-in, and
 * the key of the echo servers and the pyzmq node. Immutable once made.
 *
 * @param gatewayKey the gateways' server key (Z85)
 * @param echoKey    the echo servers' and the pyzmq node's server key (Z85)
 */
record Workspace(Path work, Path bundle, Path benchJar, NativeBuild.Programs programs, String gatewayKey,
                 String echoKey) {

    /** Fails at once, naming what is missing, when the bundle, the jars or (for blocks 1 and 2) pyzmq are not there. */
    static void checkInputs(Path bundle, Path benchJar, Path jnaclJar, String python, boolean needPython)
            throws IOException, InterruptedException {
        for (Path p : List.of(bundle.resolve("bin/edge-gateway"), benchJar, jnaclJar)) {
            if (!Files.exists(p)) {
                throw new IllegalStateException("missing " + p + " (see bench/README.md for the build steps)");
            }
        }
        try (JarFile jar = new JarFile(benchJar.toFile())) {
            if (jar.getEntry("com/neilalexander/jnacl/crypto/curve25519xsalsa20poly1305.class") != null) {
                throw new IllegalStateException(benchJar + " carries NaCl classes: use the thin bench jar, not benchmarks.jar");
            }
        }
        if (needPython) {
            NativeBuild.Result r = NativeBuild.exec(List.of(python, "-c", "import zmq"), Duration.ofSeconds(60));
            if (r.exit() != 0) {
                throw new IllegalStateException(python + " cannot import zmq (install the Debian package python3-zmq, "
                        + "or pass --python): " + r.output().strip());
            }
        }
    }

    /**
     * Empties {@code work} and makes everything in it.
     *
     * @param isolationPlugins when not empty, a home for the isolation gateway is made too, with these
     *                         unsigned plugins (id to handler class) in its {@code plugins/}
     */
    static Workspace prepare(Path work, Path bundle, Path benchJar, Path jnaclJar, Path cSource, int keyCount,
                             Map<String, Class<?>> isolationPlugins, Children children, Report report) throws Exception {
        if (Files.exists(work)) {
            try (Stream<Path> walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(work.resolve("logs"));
        report.progress("compiling the C echo server and load client from " + cSource);
        NativeBuild.Programs programs = NativeBuild.compile(cSource, work.resolve("bin"));
        report.progress("generating " + keyCount + " client key pairs");
        List<CurveKeyPair> keys = new ArrayList<>(keyCount);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < keyCount; i++) {
            CurveKeyPair k = CurveKeyPair.generate();
            keys.add(k);
            lines.append(k.publicZ85()).append(' ').append(k.secretZ85()).append('\n');
        }
        Workspace paths = new Workspace(work, bundle, benchJar, programs, null, null); // its folders, before its keys
        Path keysFile = paths.keysFile();
        Files.writeString(keysFile, lines);
        Files.setPosixFilePermissions(keysFile, PosixFilePermissions.fromString("rw-------"));

        // the gateway's home, made by its own CLI, then every key enrolled through the key store
        Path gatewayHome = paths.gatewayHome();
        children.runUntilBundleWritten(List.of(bundle.resolve("bin/edge-gateway").toString(), "--home",
                gatewayHome.toString(), "clients", "add", "bench-init", "--generate", "--out",
                work.resolve("init-bundle").toString()), Duration.ofSeconds(120));
        long t0 = System.nanoTime();
        try (KeyStore store = KeyStore.open(KeyStore.fileUrl(gatewayHome.resolve("data")))) {
            for (int i = 0; i < keyCount; i++) {
                store.clients().enrol("bench-" + i, keys.get(i).publicZ85(), "bench", "side-by-side");
            }
        }
        report.progress(String.format(Locale.ROOT, "enrolled %d clients in the key store in %.1f s", keyCount,
                (System.nanoTime() - t0) / 1e9));
        String gatewayKey = ZMQ.Curve.z85Encode(ZCertFiles.read(gatewayHome.resolve("keys/server.key")).publicKey());
        copyTree(gatewayHome, paths.gatewayHomeJnacl());
        if (!isolationPlugins.isEmpty()) {
            // a gateway of its own: its plugins fail for good during the block
            Path isolation = paths.gatewayHomeIsolation();
            copyTree(gatewayHome, isolation);
            for (Map.Entry<String, Class<?>> p : isolationPlugins.entrySet()) {
                BenchPlugins.zip(isolation.resolve("plugins"), p.getKey(), p.getValue());
            }
        }

        // the same bundle with the original jnacl jar instead of the stand-in
        Path jnaclBundle = paths.jnaclBundle();
        copyTree(bundle, jnaclBundle);
        try (Stream<Path> lib = Files.list(jnaclBundle.resolve("lib"))) {
            for (Path jar : lib.filter(p -> p.getFileName().toString().startsWith("edge-gateway-nacl-")).toList()) {
                Files.delete(jar);
            }
        }
        Files.copy(jnaclJar, jnaclBundle.resolve("lib").resolve(jnaclJar.getFileName()));

        // echo server and python node: their own server key, the same client keys
        CurveKeyPair server = CurveKeyPair.generate();
        Files.writeString(paths.echoSecretFile(), server.secretZ85());
        Path pythonCerts = paths.pythonCerts();
        Files.createDirectories(pythonCerts.resolve("clients"));
        ZCertFiles.writePair(pythonCerts, "server", server, Map.of());
        int pythonKeys = Math.min(keyCount, 1000);
        for (int i = 0; i < pythonKeys; i++) {
            ZCertFiles.writePublic(pythonCerts.resolve("clients").resolve("bench-" + i + ".key"),
                    ZCert.ofPublic(keys.get(i).publicKey(), Map.of()));
        }
        return new Workspace(work, bundle, benchJar, programs, gatewayKey, server.publicZ85());
    }

    /** Copies a folder and everything in it, keeping the files' modes. */
    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    Path logs() {
        return work.resolve("logs");
    }

    /** One client key pair a line, {@code PUBLIC SECRET} (Z85), enrolled in the gateways as bench-N. */
    Path keysFile() {
        return work.resolve("clients.txt");
    }

    Path gatewayHome() {
        return work.resolve("gw-home");
    }

    Path gatewayHomeJnacl() {
        return work.resolve("gw-home-jnacl");
    }

    Path gatewayHomeIsolation() {
        return work.resolve("gw-home-isolation");
    }

    /** The bundle with the original jnacl jar in {@code lib/} instead of the stand-in. */
    Path jnaclBundle() {
        return work.resolve("bundle-jnacl");
    }

    Path echoSecretFile() {
        return work.resolve("echo-server.secret");
    }

    /** The pyzmq node's server key pair and, in {@code clients/}, the public keys it admits. */
    Path pythonCerts() {
        return work.resolve("python-certs");
    }

    String standInClassPath() {
        return benchJar + ":" + bundle.resolve("lib") + "/*";
    }

    String jnaclClassPath() {
        return benchJar + ":" + jnaclBundle().resolve("lib") + "/*";
    }
}
