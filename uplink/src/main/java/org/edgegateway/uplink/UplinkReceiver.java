package org.edgegateway.uplink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.edgegateway.core.HandlerLookup;
import org.edgegateway.core.router.Lane;
import org.edgegateway.core.router.LaneLimits;
import org.edgegateway.core.router.Route;
import org.edgegateway.plugin.api.HandlerMessage;
import org.edgegateway.plugin.api.HandlerResult;
import org.edgegateway.plugin.api.MessageHandler;
import org.h2.jdbcx.JdbcConnectionPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The upstream's handler of {@value UplinkEnvelope#TYPE} messages: records each forwarded message
 * exactly once, with the original sensor's name and the edge it came through. Thread-safe: the
 * gateway's workers call {@link #handle} concurrently; recording is serialised.
 *
 * <p>Where: {@code DIR/received.mv.db}, an H2 database (WRITE_DELAY 0) whose table
 * {@code uplink_received} is the record, unique by (edge key, message id) so that a message sent
 * again after a lost ACK, a restart of the edge or a restart of this gateway (whose in-memory
 * de-duplication window is bounded and forgotten) is recognised and ACKed without being recorded
 * twice; and {@code DIR/received.jsonl}, one JSON object per recorded message, in recording order,
 * for tools: {@code n} (the row number), {@code edge} (the authenticated client name of the edge),
 * {@code sensor}, {@code sensorKey}, {@code type}, {@code id}, {@code seq}, {@code receivedAt} (at the
 * edge), {@code recordedAt} (here) and {@code payload} or {@code payloadBase64}.
 *
 * <p>A line is written after its row is committed; at start, rows missing from the end of the file
 * (a crash between the two) are appended and a torn last line is cut, so the file also holds every
 * message exactly once.
 *
 * <p>Who may forward: the edge is the authenticated client that sent the envelope, never the name the
 * envelope claims. With a non-empty {@code allowedEdges} only those clients may forward; others get
 * {@code BAD_PAYLOAD}.
 */
public final class UplinkReceiver implements MessageHandler {
    private static final Logger LOG = LoggerFactory.getLogger(UplinkReceiver.class);
    private static final int DUPLICATE_KEY = 23505;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JdbcConnectionPool pool;
    private final Path dir;
    private final Set<String> allowedEdges;
    private final Clock clock;
    private final FileChannel lines;
    private final Object recording = new Object();
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    private UplinkReceiver(JdbcConnectionPool pool, Path dir, Set<String> allowedEdges, Clock clock, FileChannel lines) {
        this.pool = pool;
        this.dir = dir;
        this.allowedEdges = Set.copyOf(allowedEdges);
        this.clock = clock;
        this.lines = lines;
    }

    /**
     * Opens (creating as needed) the record in {@code dir}, usually {@code HOME/data/uplink-received}.
     *
     * @param allowedEdges client names allowed to forward; empty: every enrolled client
     * @throws UplinkException naming the folder when it cannot be opened
     */
    public static UplinkReceiver open(Path dir, Set<String> allowedEdges, Clock clock) {
        String path = dir.toAbsolutePath().normalize().resolve("received").toString();
        if (path.indexOf(';') >= 0) {
            throw new UplinkException("uplink record folder " + dir + " contains ';', which an H2 URL cannot hold");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UplinkException("cannot create the uplink record folder " + dir + ": " + e.getMessage(), e);
        }
        JdbcConnectionPool pool = JdbcConnectionPool.create("jdbc:h2:file:" + path + ";WRITE_DELAY=0;LOCK_TIMEOUT=10000",
                "uplink", "");
        pool.setMaxConnections(4);
        FileChannel lines = null;
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            s.execute("SET WRITE_DELAY 0");
            s.execute("CREATE TABLE IF NOT EXISTS uplink_received (n BIGINT AUTO_INCREMENT PRIMARY KEY,"
                    + " edge_key VARCHAR(40) NOT NULL, msg_id VARCHAR(128) NOT NULL, edge VARCHAR(128) NOT NULL,"
                    + " edge_claimed VARCHAR(128) NOT NULL, sensor VARCHAR(128) NOT NULL, sensor_key VARCHAR(40) NOT NULL,"
                    + " type VARCHAR(32) NOT NULL, seq BIGINT NOT NULL, received_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,"
                    + " recorded_at TIMESTAMP(6) WITH TIME ZONE NOT NULL, payload VARBINARY(268435456) NOT NULL,"
                    + " CONSTRAINT uplink_received_once UNIQUE (edge_key, msg_id))");
            lines = FileChannel.open(dir.resolve("received.jsonl"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            UplinkReceiver r = new UplinkReceiver(pool, dir, allowedEdges, clock, lines);
            long behind = r.recover(c);
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM uplink_received")) {
                rs.next();
                LOG.info("uplink receiver {}: open, {} messages recorded{}", dir, rs.getLong(1),
                        behind > 0 ? ", " + behind + " lines restored" : "");
            }
            return r;
        } catch (SQLException | IOException | RuntimeException e) {
            pool.dispose();
            if (lines != null) {
                try {
                    lines.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof UplinkException u) {
                throw u;
            }
            throw new UplinkException("cannot open the uplink record in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Cuts a torn last line and appends the rows the file lacks; returns how many. */
    private long recover(Connection c) throws IOException, SQLException {
        long size = lines.size();
        long lastN = 0;
        if (size > 0) {
            long start = Math.max(0, size - 65_536 - 1);
            ByteBuffer tail = ByteBuffer.allocate((int) (size - start));
            lines.read(tail, start);
            byte[] b = tail.array();
            int end = b.length;
            while (end > 0 && b[end - 1] != '\n') {
                end--;
            }
            if (end < b.length) {
                LOG.warn("uplink receiver {}: cutting a torn last line of {} bytes", dir, b.length - end);
                lines.truncate(start + end);
            }
            int lineStart = end - 1;
            while (lineStart > 0 && b[lineStart - 1] != '\n') {
                lineStart--;
            }
            if (end > 0) {
                lastN = JSON.readTree(new String(b, lineStart, end - lineStart, StandardCharsets.UTF_8)).path("n").asLong();
            }
        }
        lines.position(lines.size());
        long restored = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT n, edge, edge_claimed, sensor, sensor_key, type, msg_id,"
                + " seq, received_at, recorded_at, payload FROM uplink_received WHERE n > ? ORDER BY n")) {
            ps.setLong(1, lastN);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    writeLine(rs.getLong(1), rs.getString(2), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getLong(8), rs.getTimestamp(9).toInstant(),
                            rs.getTimestamp(10).toInstant(), rs.getBytes(11));
                    restored++;
                }
            }
        }
        return restored;
    }

    @Override
    public Set<String> types() {
        return Set.of(UplinkEnvelope.TYPE);
    }

    /**
     * {@code base} with this receiver serving {@value UplinkEnvelope#TYPE} (for a lookup such as the
     * plugin host, whose types change at run time). The receiver wins when a plugin also claims the
     * type, which is logged once.
     */
    public HandlerLookup servingWith(HandlerLookup base, LaneLimits limits) {
        if (base.route(UplinkEnvelope.TYPE) != null) {
            LOG.warn("uplink receiver: type {} is also claimed by {}; the uplink receiver serves it",
                    UplinkEnvelope.TYPE, base.route(UplinkEnvelope.TYPE).lane().name());
        }
        // Its own lane: recording is database and file I/O, never inline.
        Route self = new Route(Lane.unsupervised("uplink-receiver", "the uplink receiver", limits), this, false);
        return new HandlerLookup() {
            @Override
            public Route route(String type) {
                return UplinkEnvelope.TYPE.equals(type) ? self : base.route(type);
            }

            @Override
            public long version() {
                return base.version();
            }

            @Override
            public Set<String> types() {
                Set<String> all = new java.util.TreeSet<>(base.types());
                all.add(UplinkEnvelope.TYPE);
                return java.util.Collections.unmodifiableSet(all);
            }
        };
    }

    @Override
    public HandlerResult handle(HandlerMessage message) {
        if (!allowedEdges.isEmpty() && !allowedEdges.contains(message.clientName())) {
            return HandlerResult.badPayload("client " + message.clientName() + " is not an edge allowed to forward");
        }
        UplinkEnvelope e;
        try {
            e = UplinkEnvelope.decode(message.payload());
        } catch (IllegalArgumentException bad) {
            return HandlerResult.badPayload(bad.getMessage());
        }
        // The database keeps microseconds: the line says what a restored line would say.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Instant receivedAt = e.receivedAt().truncatedTo(ChronoUnit.MICROS);
        synchronized (recording) {
            long n;
            try (Connection c = pool.getConnection();
                 PreparedStatement ps = c.prepareStatement("INSERT INTO uplink_received (edge_key, msg_id, edge,"
                         + " edge_claimed, sensor, sensor_key, type, seq, received_at, recorded_at, payload)"
                         + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, message.clientKey());
                ps.setString(2, e.id());
                ps.setString(3, message.clientName());
                ps.setString(4, e.edge());
                ps.setString(5, e.sensor());
                ps.setString(6, e.sensorKey());
                ps.setString(7, e.type());
                ps.setLong(8, e.seq());
                ps.setTimestamp(9, Timestamp.from(receivedAt));
                ps.setTimestamp(10, Timestamp.from(now));
                ps.setBytes(11, e.payload());
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    n = keys.getLong(1);
                }
            } catch (SQLException ex) {
                if (ex.getErrorCode() == DUPLICATE_KEY) {
                    duplicates.incrementAndGet();
                    return HandlerResult.ack("already recorded " + e.id());
                }
                LOG.error("uplink receiver {}: cannot record message {} from {}: {}", dir, e.id(), message.clientName(),
                        ex.getMessage());
                return HandlerResult.failed("cannot record the message now");
            }
            try {
                writeLine(n, message.clientName(), e.sensor(), e.sensorKey(), e.type(), e.id(), e.seq(),
                        receivedAt, now, e.payload());
            } catch (IOException | UncheckedIOException ex) {
                // The row is the record; the line is restored at the next start.
                LOG.error("uplink receiver {}: cannot write line {}: {}", dir, n, ex.getMessage());
            }
            recorded.incrementAndGet();
        }
        return HandlerResult.ack("recorded " + e.id());
    }

    private void writeLine(long n, String edge, String sensor, String sensorKey, String type, String id, long seq,
                           Instant receivedAt, Instant recordedAt, byte[] payload) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("n", n);
        o.put("edge", edge);
        o.put("sensor", sensor);
        o.put("sensorKey", sensorKey);
        o.put("type", type);
        o.put("id", id);
        o.put("seq", seq);
        o.put("receivedAt", receivedAt.toString());
        o.put("recordedAt", recordedAt.toString());
        UplinkEnvelope.putPayload(o, payload);
        byte[] line = (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.wrap(line);
        while (buffer.hasRemaining()) {
            lines.write(buffer);
        }
    }

    /** The JSON lines file. */
    public Path linesFile() {
        return dir.resolve("received.jsonl");
    }

    /** Messages recorded since start. */
    public long recorded() {
        return recorded.get();
    }

    /** Messages recognised as already recorded since start. */
    public long duplicates() {
        return duplicates.get();
    }

    /** Messages in the record, counted in the database. */
    public long count() {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM uplink_received")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new UplinkException("uplink receiver " + dir + ": cannot count: " + e.getMessage(), e);
        }
    }

    /** Closes the file and the database; the gateway calls it once it routes no more messages here. */
    @Override
    public void stop() {
        synchronized (recording) {
            try {
                lines.close();
            } catch (IOException e) {
                LOG.warn("uplink receiver {}: closing {}: {}", dir, linesFile(), e.getMessage());
            }
            pool.dispose();
        }
    }
}
