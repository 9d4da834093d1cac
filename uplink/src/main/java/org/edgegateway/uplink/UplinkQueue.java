package org.edgegateway.uplink;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.edgegateway.plugin.api.HandlerMessage;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's durable, bounded, ordered queue of messages for the upstream, in an embedded H2 database
 * ({@code DIR/queue.mv.db}). Thread-safe: handlers on the worker threads append, the forwarder
 * reads and deletes.
 *
 * <p>Durability: H2 runs with {@code WRITE_DELAY 0}, so a message whose append returned is on disk
 * before its sensor gets the ACK, and survives {@code kill -9} of the edge.
 *
 * <p>Bound: at most {@code max} messages. Space is reserved with {@link #reserve()} before the local
 * handler runs and given back with {@link #release()} when it does not ACK; when the queue is full
 * the sensor is answered {@code BUSY} and retries, so nothing is dropped silently and nothing old is
 * overwritten.
 *
 * <p>Message ids: the queue has a random 8-byte id, made when the database is created; a message's
 * id is that and its 8-byte sequence number, stable across restarts of the edge, so the upstream can
 * recognise a message it has already recorded.
 */
public final class UplinkQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkQueue.class);
    private static final int DUPLICATE_KEY = 23505;

    private final JdbcConnectionPool pool;
    private final Path dir;
    private final long max;
    private final long queueId;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final Object appended = new Object();

    private UplinkQueue(JdbcConnectionPool pool, Path dir, long max, long queueId, long size, long dead) {
        this.pool = pool;
        this.dir = dir;
        this.max = max;
        this.queueId = queueId;
        this.used.set(size);
        this.deadLettered.set(dead);
    }

    /**
     * Opens (creating as needed) the queue in {@code dir}.
     *
     * @throws UplinkException naming the folder when the database cannot be opened
     */
    public static UplinkQueue open(Path dir, long max) {
        if (max < 1) {
            throw new IllegalArgumentException("uplink queue: max < 1: " + max);
        }
        String path = dir.toAbsolutePath().normalize().resolve("queue").toString();
        if (path.indexOf(';') >= 0) {
            throw new UplinkException("uplink queue folder " + dir + " contains ';', which an H2 URL cannot hold");
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + path + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000",
                "uplink", "");
        pool.setMaxConnections(8);
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET WRITE_DELAY 0");
            s.execute("CREATE TABLE IF NOT EXISTS uplink_meta (id INT PRIMARY KEY, queue_id BIGINT NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS uplink_queue (seq BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " sensor VARCHAR(128) NOT NULL, sensor_key VARCHAR(40) NOT NULL, type VARCHAR(32) NOT NULL,"
                    + " received_at TIMESTAMP(6) WITH TIME ZONE NOT NULL, payload VARBINARY(268435456) NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS uplink_dead (seq BIGINT PRIMARY KEY,"
                    + " sensor VARCHAR(128) NOT NULL, sensor_key VARCHAR(40) NOT NULL, type VARCHAR(32) NOT NULL,"
                    + " received_at TIMESTAMP(6) WITH TIME ZONE NOT NULL, payload VARBINARY(268435456) NOT NULL,"
                    + " reason VARCHAR(1000) NOT NULL, failed_at TIMESTAMP(6) WITH TIME ZONE NOT NULL)");
            long id = new SecureRandom().nextLong();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO uplink_meta (id, queue_id) VALUES (1, ?)")) {
                ps.setLong(1, id);
                ps.executeUpdate();
            } catch (SQLException e) {
                if (e.getErrorCode() != DUPLICATE_KEY) {
                    throw e;
                }
            }
            long queueId = single(s, "SELECT queue_id FROM uplink_meta WHERE id = 1");
            long size = single(s, "SELECT COUNT(*) FROM uplink_queue");
            long dead = single(s, "SELECT COUNT(*) FROM uplink_dead");
            LOG.info("uplink queue {}: open, {} messages waiting, {} dead-lettered", dir, size, dead);
            return new UplinkQueue(pool, dir, max, queueId, size, dead);
        } catch (SQLException e) {
            pool.dispose();
            throw new UplinkException("cannot open the uplink queue in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Takes room for one message; false when the queue is full. Give it back with {@link #release()} unless appended. */
    public boolean reserve() {
        if (used.incrementAndGet() > max) {
            used.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back room taken by {@link #reserve()} for a message that was not appended. */
    public void release() {
        used.decrementAndGet();
    }

    /**
     * Appends a message into room already reserved, committed before it returns.
     *
     * @return its sequence number
     * @throws UplinkException when the database fails (the reservation is kept: call {@link #release()})
     */
    public long append(HandlerMessage m) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO uplink_queue (sensor, sensor_key, type, received_at,"
                     + " payload) VALUES (?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, m.clientName());
            ps.setString(2, m.clientKey());
            ps.setString(3, m.type());
            ps.setTimestamp(4, Timestamp.from(m.receivedAt()));
            ps.setBytes(5, m.payload());
            ps.executeUpdate();
            long seq;
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                seq = keys.getLong(1);
            }
            synchronized (appended) {
                appended.notifyAll();
            }
            return seq;
        } catch (SQLException e) {
            throw new UplinkException("uplink queue " + dir + ": cannot append a " + m.type() + " message of "
                    + m.clientName() + ": " + e.getMessage(), e);
        }
    }

    /** The oldest {@code limit} messages, in order. */
    public List<QueuedMessage> peek(int limit) {
        try (Connection c = pool.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT seq, sensor, sensor_key, type, received_at, payload"
                     + " FROM uplink_queue ORDER BY seq LIMIT ?")) {
            ps.setInt(1, limit);
            List<QueuedMessage> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new QueuedMessage(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getBytes(6)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new UplinkException("uplink queue " + dir + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Waits up to {@code millis} for an append (returns at once when woken). */
    public void awaitAppend(long millis) throws InterruptedException {
        synchronized (appended) {
            appended.wait(millis);
        }
    }

    /** Wakes the threads in {@link #awaitAppend}. */
    public void wakeWaiters() {
        synchronized (appended) {
            appended.notifyAll();
        }
    }

    /** Removes delivered messages, in one transaction. */
    public void delete(Collection<Long> seqs) {
        if (seqs.isEmpty()) {
            return;
        }
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            int n = 0;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM uplink_queue WHERE seq = ?")) {
                for (long seq : seqs) {
                    ps.setLong(1, seq);
                    ps.addBatch();
                }
                for (int r : ps.executeBatch()) {
                    n += r;
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
            used.addAndGet(-n);
        } catch (SQLException e) {
            throw new UplinkException("uplink queue " + dir + ": cannot delete delivered messages: " + e.getMessage(), e);
        }
    }

    /** Moves a message the upstream refused for good to the dead-letter table, with the reason. */
    public void deadLetter(QueuedMessage m, String reason) {
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ins = c.prepareStatement("INSERT INTO uplink_dead (seq, sensor, sensor_key, type,"
                    + " received_at, payload, reason, failed_at) SELECT seq, sensor, sensor_key, type, received_at,"
                    + " payload, ?, CURRENT_TIMESTAMP FROM uplink_queue WHERE seq = ?");
                 PreparedStatement del = c.prepareStatement("DELETE FROM uplink_queue WHERE seq = ?")) {
                ins.setString(1, reason.length() > 1000 ? reason.substring(0, 1000) : reason);
                ins.setLong(2, m.seq());
                ins.executeUpdate();
                del.setLong(1, m.seq());
                int n = del.executeUpdate();
                c.commit();
                used.addAndGet(-n);
                deadLettered.addAndGet(n);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new UplinkException("uplink queue " + dir + ": cannot dead-letter message " + m.seq() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The 16-byte message id of a queued message: this queue's id and the sequence number. */
    public byte[] messageId(long seq) {
        return ByteBuffer.allocate(16).putLong(queueId).putLong(seq).array();
    }

    /** {@link #messageId} in hex, as carried in the forwarding envelope. */
    public String messageIdHex(long seq) {
        return HexFormat.of().formatHex(messageId(seq));
    }

    /** Messages waiting or reserved. */
    public long size() {
        return used.get();
    }

    /** Messages waiting, counted in the database. */
    public long waiting() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            return single(s, "SELECT COUNT(*) FROM uplink_queue");
        } catch (SQLException e) {
            throw new UplinkException("uplink queue " + dir + ": cannot count: " + e.getMessage(), e);
        }
    }

    public long deadLettered() {
        return deadLettered.get();
    }

    public long capacity() {
        return max;
    }

    @Override
    public void close() {
        pool.dispose();
        LOG.info("uplink queue {}: closed", dir);
    }
}
