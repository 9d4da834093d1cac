package org.edgegateway.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Readings of a process from {@code /proc} and {@code jcmd}. Stateless, thread-safe. */
final class ProcStats {
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on Linux x86-64). */
    private static final long TICK_NANOS = 10_000_000L;
    private static final Pattern HEAP_USED = Pattern.compile("total \\d+K, used (\\d+)K");

    private ProcStats() {
    }

    /** utime + stime of all the process's threads, in nanoseconds (10 ms resolution). */
    static long cpuNanos(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state=0 ... utime=11, stime=12
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * TICK_NANOS;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/stat: " + e.getMessage(), e);
        }
    }

    /** {@link #cpuNanos} of {@code c}, or -1 when it has ended (or its stat cannot be read). */
    static long cpuNanosOrMinusOne(Child c) {
        if (!c.alive()) {
            return -1;
        }
        try {
            return cpuNanos(c.pid());
        } catch (IllegalStateException e) {
            return -1;
        }
    }

    /** Resident set size in KiB (VmRSS). */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            throw new IllegalStateException("/proc/" + pid + "/status has no VmRSS");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid + "/status: " + e.getMessage(), e);
        }
    }

    /** The 1-minute load average and the rest of /proc/loadavg. */
    static String loadavg() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    /** Java heap in use after a full GC, in KiB, via {@code jcmd PID GC.run} and {@code GC.heap_info}. */
    static long heapUsedAfterGcKib(long pid) throws IOException, InterruptedException {
        jcmd(pid, "GC.run");
        String info = jcmd(pid, "GC.heap_info");
        // G1: one "garbage-first heap ... used NK" line; Serial (the bundle's): "def new generation" and
        // "tenured generation" lines, summed. Metaspace is not heap.
        long used = 0;
        boolean found = false;
        for (String line : info.split("\n")) {
            if (line.contains("Metaspace") || line.contains("class space")) {
                continue;
            }
            Matcher m = HEAP_USED.matcher(line);
            if (m.find() && (line.contains("heap") || line.contains("generation"))) {
                used += Long.parseLong(m.group(1));
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException("jcmd " + pid + " GC.heap_info: no 'used' figure in: " + info);
        }
        return used;
    }

    static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("jcmd " + pid + " " + String.join(" ", command) + " did not finish");
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }
}
