package org.edgegateway.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One NaCl implementation reached through method handles: either the stand-in on this class path
 * or the original jnacl jar in an isolated class loader, so that both are called the same way.
 * Immutable after construction; each benchmark thread uses its own instance.
 */
final class NaclImplementation {

    static final String BOX = "com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305";

    private static final MethodType AFTER_NM = MethodType.methodType(int.class, byte[].class, byte[].class,
            long.class, byte[].class, byte[].class);
    private static final MethodType BEFORE_NM = MethodType.methodType(int.class, byte[].class, byte[].class,
            byte[].class);

    final MethodHandle afternm;
    final MethodHandle openAfternm;
    final MethodHandle beforenm;
    final Class<?> boxClass;

    private NaclImplementation(Class<?> box) throws ReflectiveOperationException {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        this.boxClass = box;
        this.afternm = lookup.findStatic(box, "crypto_box_afternm", AFTER_NM);
        this.openAfternm = lookup.findStatic(box, "crypto_box_open_afternm", AFTER_NM);
        this.beforenm = lookup.findStatic(box, "crypto_box_beforenm", BEFORE_NM);
    }

    /** {@code "bouncycastle"}: this class path's stand-in; {@code "jnacl"}: the original jar. */
    static NaclImplementation named(String name) throws ReflectiveOperationException {
        return switch (name) {
            case "bouncycastle" -> new NaclImplementation(Class.forName(BOX));
            case "jnacl" -> new NaclImplementation(Class.forName(BOX, true, isolatedJnacl()));
            default -> throw new IllegalArgumentException("unknown implementation: " + name);
        };
    }

    private static ClassLoader isolatedJnacl() {
        Path jar = Path.of(System.getProperty("jnacl.jar", "bench/target/jnacl/jnacl.jar"));
        if (!Files.isRegularFile(jar)) {
            jar = Path.of("target/jnacl/jnacl.jar");
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("jnacl jar not found; pass -Djnacl.jar=<path>: " + jar.toAbsolutePath());
        }
        try {
            return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        } catch (MalformedURLException e) {
            throw new IllegalStateException("bad jnacl jar path: " + jar, e);
        }
    }
}
