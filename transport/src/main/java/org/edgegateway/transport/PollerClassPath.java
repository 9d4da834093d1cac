package org.edgegateway.transport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Checks that a class loader sees JeroMQ exactly once, and with this module's {@code zmq.poll.Poller}
 * and {@code zmq.poll.PollerBase}. Thread-safe (stateless). Meant for tests of the modules that bring
 * JeroMQ in, and for a start-up check: if the original {@code org.zeromq:jeromq} jar slips back onto
 * a class path, whichever copy comes first wins, silently; this makes that loud.
 */
public final class PollerClassPath {

    static final String POLLER_CLASS = "zmq/poll/Poller.class";
    static final String HANDLE_CLASS = "zmq/poll/Poller$Handle.class";
    static final String POLLER_BASE_CLASS = "zmq/poll/PollerBase.class";
    /** A class of JeroMQ's that this jar keeps as it is: one copy means one JeroMQ. */
    static final String JEROMQ_CLASS = "zmq/ZMQ.class";
    /** A class that only the original jar has. */
    static final String ORIGINAL_ONLY = "zmq/poll/PollerBase$TimerInfo.class";

    private PollerClassPath() {
    }

    /**
     * Throws {@link IllegalStateException}, naming the offending locations, unless {@code loader}
     * finds exactly one copy of JeroMQ and of each poller class, those copies come from this module's
     * jar, and the class only the original jar has is not visible.
     */
    public static void requireProjectPoller(ClassLoader loader) {
        List<String> problems = new ArrayList<>();
        URL original = loader.getResource(ORIGINAL_ONLY);
        if (original != null) {
            problems.add("org.zeromq:jeromq's own poller is on the class path: " + original);
        }
        for (String name : List.of(POLLER_CLASS, HANDLE_CLASS, POLLER_BASE_CLASS, JEROMQ_CLASS)) {
            List<URL> copies = resources(loader, name);
            if (copies.size() != 1) {
                problems.add(copies.size() + " copies of " + name + ": " + copies);
            }
        }
        if (problems.isEmpty()) {
            checkItIsOurs(loader, problems);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("JeroMQ with the project's poller not in effect: " + String.join("; ", problems));
        }
    }

    private static void checkItIsOurs(ClassLoader loader, List<String> problems) {
        try {
            URL ours = location(Class.forName(TimerQueue.class.getName(), false, loader));
            for (String name : List.of("zmq.poll.Poller", "zmq.poll.PollerBase", "zmq.ZMQ")) {
                URL where = location(Class.forName(name, false, loader));
                if (where == null || !where.equals(ours)) {
                    problems.add(name + " comes from " + where + ", not from the project's jar at " + ours);
                }
            }
        } catch (ClassNotFoundException e) {
            problems.add("cannot load " + e.getMessage());
        }
    }

    private static URL location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : source.getLocation();
    }

    private static List<URL> resources(ClassLoader loader, String name) {
        try {
            return Collections.list(loader.getResources(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + name, e);
        }
    }
}
