package org.edgegateway.core.admin;

import java.time.Instant;
import java.util.List;
import org.edgegateway.core.workers.WorkerView;

/**
 * An enrolled worker key and its live connections (docs/PROTOCOL.md, "Workers").
 *
 * @param status      {@code active} or {@code revoked}
 * @param revokedAt   null while the key is active
 * @param connections its connections now (empty when none, or when no gateway runs)
 */
public record WorkerInfo(String name, String publicKey, String status, Instant enrolledAt, String enrolledBy,
                         Instant revokedAt, List<WorkerView> connections) {

    public WorkerInfo {
        connections = connections == null ? List.of() : List.copyOf(connections);
    }

    /** @param status {@code active} or {@code revoked} */
    public static WorkerInfo of(String name, String publicKey, Instant enrolledAt, String enrolledBy, Instant revokedAt,
                                List<WorkerView> connections) {
        return new WorkerInfo(name, publicKey, revokedAt == null ? "active" : "revoked", enrolledAt, enrolledBy,
                revokedAt, connections);
    }
}
