package org.edgegateway.core.router;

import java.nio.charset.StandardCharsets;
import org.edgegateway.core.HandlerLookup;

/**
 * The router's copy of the routes, found from the type frame's bytes without building a string:
 * open addressing over the types a {@link HandlerLookup} serves, rebuilt whenever its
 * {@link HandlerLookup#version()} changes. Not thread-safe: owned by {@code egw-router}.
 */
final class TypeTable {
    private final HandlerLookup lookup;
    private long version = Long.MIN_VALUE;
    private byte[][] keys = new byte[0][];
    private String[] names = new String[0];
    private Route[] routes = new Route[0];
    private int mask = -1;
    /** The name of the type last found, or of the type frame when nothing serves it. */
    String name;

    TypeTable(HandlerLookup lookup) {
        this.lookup = lookup;
    }

    /** The route of the type in {@code frame}, or null (then {@link #name} is the frame as text). */
    Route find(byte[] frame) {
        long v = lookup.version();
        if (v != version) {
            rebuild(v);
        }
        if (mask >= 0) {
            for (int i = hash(frame) & mask; keys[i] != null; i = (i + 1) & mask) {
                if (java.util.Arrays.equals(keys[i], frame)) {
                    name = names[i];
                    return routes[i];
                }
            }
        }
        name = new String(frame, StandardCharsets.US_ASCII);
        // A type the table has not seen: a lookup whose answer is not in types() yet, or junk.
        return lookup.route(name);
    }

    private void rebuild(long v) {
        java.util.List<String> types = new java.util.ArrayList<>(lookup.types());
        int size = Integer.highestOneBit(Math.max(4, types.size() * 4) - 1) << 1;
        byte[][] k = new byte[size][];
        String[] n = new String[size];
        Route[] r = new Route[size];
        for (String t : types) {
            Route route = lookup.route(t);
            if (route == null) {
                continue;
            }
            byte[] bytes = t.getBytes(StandardCharsets.US_ASCII);
            int i = hash(bytes) & (size - 1);
            while (k[i] != null) {
                i = (i + 1) & (size - 1);
            }
            k[i] = bytes;
            n[i] = t;
            r[i] = route;
        }
        keys = k;
        names = n;
        routes = r;
        mask = size - 1;
        version = v;
    }

    private static int hash(byte[] b) {
        int h = 0;
        for (byte x : b) {
            h = 31 * h + x;
        }
        return h ^ (h >>> 16);
    }
}
