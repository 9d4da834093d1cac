package org.edgegateway.nacl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Checks that a class loader sees this module's stand-in, and only it, under jnacl's class names.
 * Thread-safe (stateless). Meant for tests of the modules that bring JeroMQ in, and for a start-up
 * check: if the original {@code eu.neilalexander:jnacl} jar slips back onto a class path, whichever
 * copy comes first wins, silently; this makes that loud.
 */
public final class NaclClassPath {

    static final String BOX_CLASS = "com/neilalexander/jnacl/crypto/curve25519xsalsa20poly1305.class";
    static final String SECRETBOX_CLASS = "com/neilalexander/jnacl/crypto/xsalsa20poly1305.class";
    /** Classes that only the original jar has. */
    static final List<String> ORIGINAL_ONLY = List.of(
            "com/neilalexander/jnacl/NaCl.class",
            "com/neilalexander/jnacl/crypto/poly1305.class",
            "com/neilalexander/jnacl/crypto/curve25519.class");

    private NaclClassPath() {
    }

    /**
     * Throws {@link IllegalStateException}, naming the offending locations, unless {@code loader}
     * finds exactly one copy of each stand-in class, that copy is this module's, and none of the
     * classes only the original jnacl jar has.
     */
    public static void requireStandIn(ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        for (String original : ORIGINAL_ONLY) {
            URL url = loader.getResource(original);
            if (url != null) {
                problems.add("eu.neilalexander:jnacl is on the class path: " + url);
            }
        }
        for (String standIn : List.of(BOX_CLASS, SECRETBOX_CLASS)) {
            List<URL> copies = resources(loader, standIn);
            if (copies.size() != 1) {
                problems.add(copies.size() + " copies of " + standIn + ": " + copies);
            }
        }
        if (problems.isEmpty()) {
            checkItIsOurs(loader, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("NaCl stand-in not in effect: " + String.join("; ", problems));
        }
    }

    private static void checkItIsOurs(ClassLoader loader, List<String> problems) {
        String name = BOX_CLASS.replace('/', '.').substring(0, BOX_CLASS.length() - ".class".length());
        try {
            Class<?> box = Class.forName(name, false, loader);
            Class<?> ours = Class.forName(NaclCrypto.class.getName(), false, loader);
            CodeSource boxSource = box.getProtectionDomain().getCodeSource();
            CodeSource ourSource = ours.getProtectionDomain().getCodeSource();
            if (boxSource == null || ourSource == null
                    || !boxSource.getLocation().equals(ourSource.getLocation())) {
                problems.add(name + " comes from " + (boxSource == null ? null : boxSource.getLocation())
                        + ", not from the stand-in at " + (ourSource == null ? null : ourSource.getLocation()));
            }
        } catch (ClassNotFoundException e) {
            problems.add("cannot load " + e.getMessage());
        }
    }

    private static List<URL> resources(ClassLoader loader, String name) {
        try {
            return Collections.list(loader.getResources(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + name, e);
        }
    }
}
