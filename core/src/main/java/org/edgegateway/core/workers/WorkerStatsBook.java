package org.edgegateway.core.workers;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The running totals of each worker name and each type, made on first use, and the listeners told of
 * each new one (metrics). Thread-safe: the router thread makes them, any thread reads them. Making one
 * and adding a listener hold this object's lock, so that every listener hears of every total once;
 * listeners must therefore not block.
 */
final class WorkerStatsBook {
    private final Map<String, WorkerStats> workers = new ConcurrentHashMap<>();
    private final Map<String, WorkerStats> types = new ConcurrentHashMap<>();
    private final List<Consumer<WorkerStats>> listeners = new CopyOnWriteArrayList<>();

    /** Tells {@code listener} of every total now, and of each new one when it is made. */
    synchronized void onStats(Consumer<WorkerStats> listener) {
        listeners.add(listener);
        workers.values().forEach(listener);
        types.values().forEach(listener);
    }

    /** The totals of the workers enrolled as {@code name}, across their connections. */
    WorkerStats worker(String name) {
        return stats(workers, "worker", name);
    }

    /** The totals of the requests of {@code type}. */
    WorkerStats type(String type) {
        return stats(types, "type", type);
    }

    private WorkerStats stats(Map<String, WorkerStats> all, String kind, String name) {
        WorkerStats st = all.get(name);
        if (st == null) {
            synchronized (this) {
                st = all.computeIfAbsent(name, n -> new WorkerStats(kind, n));
                WorkerStats made = st;
                listeners.forEach(l -> l.accept(made));
            }
        }
        return st;
    }
}
