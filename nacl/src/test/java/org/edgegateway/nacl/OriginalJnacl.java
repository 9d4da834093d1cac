package org.edgegateway.nacl;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The original {@code eu.neilalexander:jnacl} jar, loaded in a class loader of its own whose
 * parent is the platform loader, so that its classes never meet this module's classes of the same
 * names. The jar's path comes from the {@code jnacl.jar} system property that the build sets.
 * Thread-safe (immutable after construction).
 */
final class OriginalJnacl implements AutoCloseable {

    static final String BOX = "com.neilalexander.jnacl.crypto.curve25519xsalsa20poly1305";
    static final String SECRETBOX = "com.neilalexander.jnacl.crypto.xsalsa20poly1305";

    private final URLClassLoader loader;
    private final Class<?> box;
    private final Class<?> secretbox;
    private final MethodHandle getPublicKey;
    private final MethodHandle beforenm;
    private final MethodHandle afternm;
    private final MethodHandle openAfternm;
    private final MethodHandle boxFull;
    private final MethodHandle boxOpen;
    private final MethodHandle secretboxSeal;
    private final MethodHandle secretboxOpen;

    OriginalJnacl() throws ReflectiveOperationException {
        Path jar = jarPath();
        try {
            loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException("bad jnacl.jar path: " + jar, e);
        }
        box = Class.forName(BOX, true, loader);
        secretbox = Class.forName(SECRETBOX, true, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodType keys = MethodType.methodType(int.class, byte[].class, byte[].class);
        MethodType three = MethodType.methodType(int.class, byte[].class, byte[].class, byte[].class);
        MethodType afterNm = MethodType.methodType(int.class, byte[].class, byte[].class, long.class,
                byte[].class, byte[].class);
        MethodType full = MethodType.methodType(int.class, byte[].class, byte[].class, long.class,
                byte[].class, byte[].class, byte[].class);
        getPublicKey = lookup.findStatic(box, "crypto_box_getpublickey", keys);
        beforenm = lookup.findStatic(box, "crypto_box_beforenm", three);
        afternm = lookup.findStatic(box, "crypto_box_afternm", afterNm);
        openAfternm = lookup.findStatic(box, "crypto_box_open_afternm", afterNm);
        boxFull = lookup.findStatic(box, "crypto_box", full);
        boxOpen = lookup.findStatic(box, "crypto_box_open", full);
        secretboxSeal = lookup.findStatic(secretbox, "crypto_secretbox", afterNm);
        secretboxOpen = lookup.findStatic(secretbox, "crypto_secretbox_open", afterNm);
    }

    static Path jarPath() {
        String property = System.getProperty("jnacl.jar");
        if (property == null || property.isBlank() || property.contains("${")) {
            throw new IllegalStateException("system property jnacl.jar not set by the build: " + property);
        }
        Path jar = Path.of(property);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("jnacl.jar does not exist: " + jar);
        }
        return jar;
    }

    Class<?> boxClass() {
        return box;
    }

    Class<?> secretboxClass() {
        return secretbox;
    }

    ClassLoader loader() {
        return loader;
    }

    int getPublicKey(byte[] pk, byte[] sk) throws Throwable {
        return (int) getPublicKey.invokeExact(pk, sk);
    }

    int beforenm(byte[] k, byte[] pk, byte[] sk) throws Throwable {
        return (int) beforenm.invokeExact(k, pk, sk);
    }

    int afternm(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) throws Throwable {
        return (int) afternm.invokeExact(c, m, mlen, n, k);
    }

    int openAfternm(byte[] m, byte[] c, long clen, byte[] n, byte[] k) throws Throwable {
        return (int) openAfternm.invokeExact(m, c, clen, n, k);
    }

    int box(byte[] c, byte[] m, long mlen, byte[] n, byte[] pk, byte[] sk) throws Throwable {
        return (int) boxFull.invokeExact(c, m, mlen, n, pk, sk);
    }

    int boxOpen(byte[] m, byte[] c, long clen, byte[] n, byte[] pk, byte[] sk) throws Throwable {
        return (int) boxOpen.invokeExact(m, c, clen, n, pk, sk);
    }

    int secretbox(byte[] c, byte[] m, long mlen, byte[] n, byte[] k) throws Throwable {
        return (int) secretboxSeal.invokeExact(c, m, mlen, n, k);
    }

    int secretboxOpen(byte[] m, byte[] c, long clen, byte[] n, byte[] k) throws Throwable {
        return (int) secretboxOpen.invokeExact(m, c, clen, n, k);
    }

    @Override
    public void close() throws java.io.IOException {
        loader.close();
    }
}
