package org.edgegateway.keys;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The enrolment claims of a {@link KeyStore} (docs/PROTOCOL.md, "Enrolment"): made, listed and
 * revoked by admins, redeemed by sensors that enrol their own keys. Thread-safe.
 *
 * <p>A claim's secret is shown once, when it is made, and stored only as its SHA-256 hash: it is 32
 * random bytes, so a fast hash is as good as a slow one, and looking it up by hash costs one indexed
 * read. A claim enrols at most {@code uses} clients, only before it expires and while it is not
 * revoked, whatever the concurrency: {@link #redeem} takes a use with one conditional
 * {@code UPDATE ... WHERE uses_left > 0 AND revoked_at IS NULL AND expires_at > now} in the same
 * transaction as the client's row, so of two sensors racing for the last use exactly one gets it, and
 * a use taken by an attempt that then fails (a name taken meanwhile) is given back by the rollback.
 */
public final class Claims {
    /** The schema version that made the claims' table. */
    static final int SINCE = 5;
    /** What every claim secret starts with, so that it is recognisable in a file or a log. */
    public static final String SECRET_PREFIX = "egc_";
    /** Most clients one claim may enrol. */
    public static final int MAX_USES = 100_000;
    private static final int MAX_SECRET = 128;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS =
            "id, prefix, uses, uses_left, approval, created_at, created_by, expires_at, revoked_at";

    private final Database db;
    private final Clients clients;

    Claims(Database db, Clients clients) {
        this.db = db;
        this.clients = clients;
    }

    /**
     * Makes a claim for {@code uses} clients whose names start with {@code prefix}, valid until
     * {@code expiresAt}. Audited as {@code claim.create}.
     *
     * @throws KeyStoreException INVALID for a bad prefix, a number of uses outside 1..{@value #MAX_USES}
     *                           or an expiry not in the future
     */
    public NewClaim create(String prefix, int uses, Instant expiresAt, boolean manualApproval, String actor,
                           String source) {
        requirePrefix(prefix);
        if (uses < 1 || uses > MAX_USES) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "claim uses must be 1.." + MAX_USES + ", got " + uses);
        }
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        if (expiresAt == null || !expiresAt.isAfter(now)) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                    "claim expiry " + expiresAt + " is not after now (" + now + ")");
        }
        Instant end = expiresAt.truncatedTo(ChronoUnit.MICROS);
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        ClaimRecord claim = db.inTransaction("create a claim for '" + prefix + "'", c -> {
            long id;
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO claims (prefix, secret_hash, uses, uses_left,"
                    + " approval, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    new String[] {"id"})) {
                ps.setString(1, prefix);
                ps.setString(2, TokenSecrets.hash(secret));
                ps.setInt(3, uses);
                ps.setInt(4, uses);
                ps.setString(5, manualApproval ? "MANUAL" : "AUTO");
                Database.setInstant(ps, 6, now);
                ps.setString(7, actor);
                Database.setInstant(ps, 8, end);
                ps.executeUpdate();
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            AuditLog.insert(c, now, actor, AuditActions.CLAIM_CREATE, "claim " + id, "prefix " + prefix
                    + ", " + uses + " uses, until " + end + ", " + (manualApproval ? "manual" : "automatic")
                    + " approval", source);
            return select(c, id, false).orElseThrow();
        });
        return new NewClaim(claim, secret);
    }

    /** Every claim, newest first. */
    public List<ClaimRecord> list() {
        return db.list("list claims", "SELECT " + COLUMNS + " FROM claims ORDER BY id DESC", Claims::row);
    }

    /** The claim {@code id}, if there is one. */
    public Optional<ClaimRecord> find(long id) {
        return db.query("find claim " + id, c -> select(c, id, false));
    }

    /**
     * Revokes claim {@code id}: it enrols nobody from now on (clients it enrolled stay). Audited as
     * {@code claim.revoke}.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID when it is revoked already
     */
    public ClaimRecord revoke(long id, String actor, String source) {
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        return db.inTransaction("revoke claim " + id, c -> {
            ClaimRecord current = select(c, id, true).orElseThrow(() -> new KeyStoreException(
                    KeyStoreException.Reason.NOT_FOUND, "no claim with id " + id));
            if (current.revokedAt() != null) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "claim " + id + " is already revoked (since " + current.revokedAt() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE claims SET revoked_at = ? WHERE id = ?")) {
                Database.setInstant(ps, 1, now);
                ps.setLong(2, id);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.CLAIM_REVOKE, "claim " + id,
                    "prefix " + current.prefix() + ", " + current.usesLeft() + " of " + current.uses() + " uses left",
                    source);
            return select(c, id, false).orElseThrow();
        });
    }

    /**
     * Enrols {@code publicKeyZ85} as client {@code name} on the claim whose secret is {@code secret},
     * active or pending as the claim says, taking one of its uses; audited as {@code claim.enrol}
     * with the claim, the key and {@code address}. A refusal changes nothing and is returned, not
     * thrown: the caller audits it (at an attacker's pace, so through its rate-limited trail).
     *
     * @param address the peer address the attempt came from
     * @throws KeyStoreException STORAGE when the store fails
     */
    public ClaimRedemption redeem(String secret, String name, String publicKeyZ85, String address) {
        if (secret == null || !secret.startsWith(SECRET_PREFIX) || secret.length() > MAX_SECRET) {
            return ClaimRedemption.refused("BAD_CLAIM", "unknown claim", 0);
        }
        String hash = TokenSecrets.hash(secret);
        String source = address == null || address.length() > StoreArgs.MAX_SOURCE ? null : address;
        Instant now = db.now();
        ClaimRecord claim = db.query("find a claim", c -> selectByHash(c, hash)).orElse(null);
        if (claim == null) {
            return ClaimRedemption.refused("BAD_CLAIM", "unknown claim", 0);
        }
        ClaimRedemption early = check(claim, name, publicKeyZ85, now);
        if (early != null) {
            return early;
        }
        try {
            return db.inTransaction("enrol '" + name + "' on claim " + claim.id(), c -> {
                ClaimRedemption taken = taken(c, claim.id(), name, publicKeyZ85);
                if (taken != null) {
                    return taken;
                }
                int updated;
                try (PreparedStatement ps = c.prepareStatement("UPDATE claims SET uses_left = uses_left - 1"
                        + " WHERE id = ? AND uses_left > 0 AND revoked_at IS NULL AND expires_at > ?")) {
                    ps.setLong(1, claim.id());
                    Database.setInstant(ps, 2, now);
                    updated = ps.executeUpdate();
                }
                if (updated != 1) {
                    // Revoked, expired or used up since it was read: say which, as it is now.
                    ClaimRecord latest = select(c, claim.id(), false).orElseThrow();
                    ClaimRedemption why = check(latest, name, publicKeyZ85, now);
                    return why != null ? why : ClaimRedemption.refused("CLAIM_USED_UP",
                            "claim " + claim.id() + " has no use left", claim.id());
                }
                ClientStatus status = claim.manualApproval() ? ClientStatus.PENDING : ClientStatus.ACTIVE;
                String actor = "claim:" + claim.id();
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO clients"
                        + " (name, public_key, status, enrolled_at, enrolled_by) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setString(1, name);
                    ps.setString(2, publicKeyZ85);
                    ps.setString(3, status.name());
                    Database.setInstant(ps, 4, now);
                    ps.setString(5, actor);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO claim_enrolments"
                        + " (claim_id, client_name, public_key, address, at) VALUES (?, ?, ?, ?, ?)")) {
                    ps.setLong(1, claim.id());
                    ps.setString(2, name);
                    ps.setString(3, publicKeyZ85);
                    ps.setString(4, source);
                    Database.setInstant(ps, 5, now);
                    ps.executeUpdate();
                }
                AuditLog.insert(c, now, actor, AuditActions.CLAIM_ENROL, name, "key " + publicKeyZ85
                        + ", claim " + claim.id() + ", " + status.label(), source);
                return new ClaimRedemption(null, status == ClientStatus.PENDING ? "enrolled, pending approval"
                        : "enrolled", claim.id(), Clients.select(c, "name", name, false).orElseThrow());
            });
        } catch (KeyStoreException e) {
            if (Database.isUniqueViolation(e) || isCheckViolation(e)) {
                // Another attempt enrolled the same name or key, or took the last use, meanwhile.
                ClaimRedemption why = db.query("enrol '" + name + "' on claim " + claim.id(), c -> {
                    ClaimRedemption t = taken(c, claim.id(), name, publicKeyZ85);
                    return t != null ? t : check(select(c, claim.id(), false).orElseThrow(), name, publicKeyZ85, now);
                });
                if (why != null) {
                    return why;
                }
                return ClaimRedemption.refused("CLAIM_USED_UP", "claim " + claim.id() + " has no use left", claim.id());
            }
            throw e;
        } finally {
            clients.changed();
        }
    }

    /** The clients enrolled on claims that wait for approval, oldest first. */
    public List<PendingClient> pending() {
        return db.list("list pending clients", "SELECT c.name, c.public_key, e.claim_id, e.address, e.at"
                + " FROM clients c JOIN claim_enrolments e ON e.client_name = c.name"
                + " WHERE c.status = 'PENDING' ORDER BY e.at, c.name",
                rs -> new PendingClient(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                        Database.instant(rs, 5)));
    }

    /** Why {@code claim} cannot enrol {@code name} now, or null when it can as far as the claim goes. */
    private static ClaimRedemption check(ClaimRecord claim, String name, String key, Instant now) {
        long id = claim.id();
        if (claim.revokedAt() != null) {
            return ClaimRedemption.refused("CLAIM_REVOKED", "claim " + id + " is revoked", id);
        }
        if (!now.isBefore(claim.expiresAt())) {
            return ClaimRedemption.refused("CLAIM_EXPIRED", "claim " + id + " expired at " + claim.expiresAt(), id);
        }
        if (claim.usesLeft() < 1) {
            return ClaimRedemption.refused("CLAIM_USED_UP", "claim " + id + " has no use left", id);
        }
        if (!ClientNames.isValid(name)) {
            return ClaimRedemption.refused("BAD_NAME", "name " + (name == null ? "null" : ClientNames.quote(name))
                    + " is not a client name (letters, digits, '.', '_' or '-', up to 64)", id);
        }
        if (!name.startsWith(claim.prefix()) || name.length() == claim.prefix().length()) {
            return ClaimRedemption.refused("BAD_NAME", "name '" + name + "' does not start with this claim's prefix '"
                    + claim.prefix() + "' followed by more", id);
        }
        if (!Z85.isValidKey(key)) {
            return ClaimRedemption.refused("BAD_KEY", "the connection's key is not a CURVE public key", id);
        }
        return null;
    }

    /** Why {@code name} or {@code key} is not free, or null when both are. */
    private ClaimRedemption taken(Connection c, long id, String name, String key) throws SQLException {
        Optional<ClientRecord> byName = Clients.select(c, "name", name, false);
        if (byName.isPresent()) {
            return ClaimRedemption.refused("NAME_TAKEN", "a client named '" + name + "' is already enrolled", id);
        }
        boolean workers = db.schemaVersion() >= WorkerKeys.SINCE;
        try (PreparedStatement ps = c.prepareStatement(workers
                ? "SELECT (SELECT COUNT(*) FROM clients WHERE public_key = ?)"
                + " + (SELECT COUNT(*) FROM workers WHERE public_key = ?)"
                : "SELECT COUNT(*) FROM clients WHERE public_key = ?")) {
            ps.setString(1, key);
            if (workers) {
                ps.setString(2, key);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) > 0) {
                    return ClaimRedemption.refused("KEY_TAKEN", "this key is enrolled already; enrol with a new key", id);
                }
            }
        }
        return null;
    }

    private static void requirePrefix(String prefix) {
        if (prefix == null || !ClientNames.isValid(prefix) || prefix.length() >= ClientNames.MAX_LENGTH) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "claim prefix "
                    + (prefix == null ? "null" : ClientNames.quote(prefix)) + " must start a client name: letters,"
                    + " digits, '.', '_' or '-', starting with a letter or digit, shorter than "
                    + ClientNames.MAX_LENGTH);
        }
    }

    private static boolean isCheckViolation(KeyStoreException e) {
        return e.reason() == KeyStoreException.Reason.STORAGE
                && e.getCause() instanceof SQLException s && "23513".equals(s.getSQLState());
    }

    private static Optional<ClaimRecord> selectByHash(Connection c, String hash) throws SQLException {
        return Database.selectOne(c, "SELECT " + COLUMNS + " FROM claims WHERE secret_hash = ?", hash, Claims::row);
    }

    private static Optional<ClaimRecord> select(Connection c, long id, boolean forUpdate) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM claims WHERE id = ?"
                + (forUpdate ? " FOR UPDATE" : ""))) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static ClaimRecord row(ResultSet rs) throws SQLException {
        return new ClaimRecord(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getInt(4),
                "MANUAL".equals(rs.getString(5)), Database.instant(rs, 6), rs.getString(7), Database.instant(rs, 8),
                Database.instant(rs, 9));
    }
}
