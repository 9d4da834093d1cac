package org.edgegateway.core.router;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the message path's two busy threads, the transport's I/O thread and {@code egw-router}, on
 * different CPUs: the I/O thread on the last CPU the process may use, the router on all the others.
 *
 * <p>Why: each wakes the other for every batch of messages, through a pipe, and Linux tends to place
 * a thread woken that way on its waker's CPU. Left to the kernel, a scheduler trace of the gateway at
 * 16 clients x 1 in flight on 2 cores shows the two threads taking turns on one CPU in runs that end
 * at the 4 ms scheduler tick while the other CPU idles and the clients wait for their answers: p99
 * 2.2-3.6 ms. Kept apart: 0.95-1.2 ms (docs/PERFORMANCE.md, "Eighth run").
 *
 * <p>Only on Linux, only when the process may use at least two CPUs (a container's cpuset is
 * respected: the CPUs are those the process was started with), and only when
 * {@value #PROPERTY} is {@code auto} (the default); {@code off} leaves placement to the kernel.
 * A failure of the system call is logged once and changes nothing. Thread-safe.
 */
public final class CpuPlacement {
    /** System property: {@code auto} (default) or {@code off}. */
    public static final String PROPERTY = "org.edgegateway.cpuPlacement";

    private static final Logger LOG = LoggerFactory.getLogger(CpuPlacement.class);
    private static final int MASK_WORDS = 16; // 1,024 CPUs
    private static final CpuPlacement HOST = choose(System.getProperty(PROPERTY, "auto").strip());

    private final Function setAffinity;
    private final long[] ioMask;
    private final long[] routerMask;
    private final String description;
    private volatile boolean failed;

    private CpuPlacement(Function setAffinity, long[] ioMask, long[] routerMask, String description) {
        this.setAffinity = setAffinity;
        this.ioMask = ioMask;
        this.routerMask = routerMask;
        this.description = description;
    }

    /** The placement of this process, chosen once from {@value #PROPERTY} and the CPUs it may use. */
    public static CpuPlacement host() {
        return HOST;
    }

    /** One sentence for the log: what is placed where, or why nothing is. */
    public String description() {
        return description;
    }

    /** Whether threads are placed at all. */
    public boolean active() {
        return setAffinity != null;
    }

    /** Called by the transport's I/O thread itself, before its loop. */
    public void placeIoThread() {
        place(ioMask, "the I/O thread");
    }

    /** Called by each router thread itself, before its loop. */
    void placeRouterThread() {
        place(routerMask, "the router thread");
    }

    private void place(long[] mask, String which) {
        if (setAffinity == null) {
            return;
        }
        try {
            // pid 0: the calling thread
            int rc = setAffinity.invokeInt(new Object[] {0, MASK_WORDS * Long.BYTES, mask.clone()});
            if (rc != 0 && !failed) {
                failed = true;
                LOG.warn("gateway: could not place {} on its CPUs (sched_setaffinity returned {}); the kernel places it",
                        which, rc);
            }
        } catch (RuntimeException | LinkageError e) {
            if (!failed) {
                failed = true;
                LOG.warn("gateway: could not place {} on its CPUs: {}; the kernel places it", which, e.toString());
            }
        }
    }

    static CpuPlacement choose(String mode) {
        if (mode.equalsIgnoreCase("off")) {
            return new CpuPlacement(null, null, null, "off (" + PROPERTY + "=off): the kernel places every thread");
        }
        if (!mode.equalsIgnoreCase("auto")) {
            LOG.warn("gateway: {}={} is neither auto nor off; taking auto", PROPERTY, mode);
        }
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return new CpuPlacement(null, null, null, "off: not Linux");
        }
        try {
            NativeLibrary c = NativeLibrary.getInstance("c");
            Function get = c.getFunction("sched_getaffinity");
            Function set = c.getFunction("sched_setaffinity");
            long[] allowed = new long[MASK_WORDS];
            if (get.invokeInt(new Object[] {0, MASK_WORDS * Long.BYTES, allowed}) != 0) {
                return new CpuPlacement(null, null, null, "off: sched_getaffinity failed");
            }
            List<Integer> cpus = cpus(allowed);
            if (cpus.size() < 2) {
                return new CpuPlacement(null, null, null, "off: the process may use " + cpus.size() + " CPU");
            }
            int io = cpus.get(cpus.size() - 1);
            long[] ioMask = new long[MASK_WORDS];
            ioMask[io / 64] |= 1L << (io % 64);
            long[] routerMask = allowed.clone();
            routerMask[io / 64] &= ~(1L << (io % 64));
            List<Integer> others = cpus.subList(0, cpus.size() - 1);
            return new CpuPlacement(set, ioMask, routerMask, "the I/O thread on CPU " + io + ", the router on CPU "
                    + ranges(others) + " (" + PROPERTY + "=off leaves them to the kernel)");
        } catch (RuntimeException | LinkageError e) {
            return new CpuPlacement(null, null, null, "off: " + e);
        }
    }

    static List<Integer> cpus(long[] mask) {
        List<Integer> out = new ArrayList<>();
        for (int w = 0; w < mask.length; w++) {
            for (int b = 0; b < 64; b++) {
                if ((mask[w] & (1L << b)) != 0) {
                    out.add(w * 64 + b);
                }
            }
        }
        return out;
    }

    /** "0-2,5" for [0, 1, 2, 5]. */
    static String ranges(List<Integer> cpus) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < cpus.size(); i++) {
            int start = cpus.get(i);
            int end = start;
            while (i + 1 < cpus.size() && cpus.get(i + 1) == end + 1) {
                end = cpus.get(++i);
            }
            if (s.length() > 0) {
                s.append(',');
            }
            s.append(start);
            if (end != start) {
                s.append('-').append(end);
            }
        }
        return s.toString();
    }
}
