package org.edgegateway.core.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.OperatingSystemMXBean;

/**
 * What the JVM tells about the gateway's own process: release, heap, processors and CPU time.
 * Thread-safe (the platform beans are).
 */
public final class ProcessProbe {
    /** The version a build run from classes (no jar manifest) reports; {@code edge-gateway --version} says the same. */
    static final String DEVELOPMENT = "(development build)";

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();

    /** The release from the core jar's manifest, or {@value #DEVELOPMENT}. */
    public String version() {
        String v = ProcessProbe.class.getPackage().getImplementationVersion();
        return v == null ? DEVELOPMENT : v;
    }

    public long heapUsedBytes() {
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** The most heap the JVM may use, or -1 when it has no limit. */
    public long heapMaxBytes() {
        return memory.getHeapMemoryUsage().getMax();
    }

    public int processors() {
        return os.getAvailableProcessors();
    }

    /**
     * Processor time the process used since it started, all threads together, in nanoseconds; -1 when
     * the JVM does not report it. Read from the counter itself rather than a load figure, since the
     * JVM's load figures measure from whoever asked last (a Prometheus scrape, for one).
     */
    public long cpuNanos() {
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : -1;
    }
}
