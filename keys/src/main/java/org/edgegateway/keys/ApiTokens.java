package org.edgegateway.keys;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The API tokens of a {@link KeyStore}, kept by their hash (see {@link TokenSecrets}): made and
 * revoked by admins, looked up on each call of the API. Every change is audited in the same
 * transaction; recording a token's use is not a change and writes no audit row. Thread-safe.
 */
public final class ApiTokens {

    private static final String COLUMNS =
            "id, name, token_hash, scope, created_at, created_by, last_used_at, expires_at, revoked_at";

    private final Database db;

    ApiTokens(Database db) {
        this.db = db;
    }

    /**
     * Records a new API token by its hash (computed by the caller; the token itself is never
     * stored), with what it may do and when it stops working ({@code null}: never).
     *
     * @throws KeyStoreException DUPLICATE_NAME; DUPLICATE_KEY if the hash is already recorded;
     *                           INVALID for a bad name, a missing scope or an expiry that is not in the future
     */
    public ApiToken create(String name, String tokenHash, TokenScope scope, Instant expiresAt, String actor,
                           String source) {
        StoreArgs.requireName("API token name", name);
        StoreArgs.requireText("token hash", tokenHash, StoreArgs.MAX_HASH, true);
        StoreArgs.requireActor(actor, source);
        if (scope == null) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "scope of API token '" + name + "' is missing");
        }
        Instant now = db.now();
        Instant expires = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
        if (expires != null && !expires.isAfter(now)) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "expiry " + expiresAt + " of API token '"
                    + name + "' is not after now (" + now + ")");
        }
        return db.insertUnique("create API token '" + name + "'", c -> checkNew(c, name, tokenHash), c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_tokens"
                    + " (name, token_hash, scope, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setString(2, tokenHash);
                ps.setString(3, scope.label());
                Database.setInstant(ps, 4, now);
                ps.setString(5, actor);
                Database.setInstant(ps, 6, expires);
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.TOKEN_CREATE, name, "scope " + scope.label()
                    + (expires == null ? ", no expiry" : ", expires " + expires), source);
            return select(c, "name", name, false).orElseThrow();
        });
    }

    private static void checkNew(Connection c, String name, String hash) throws SQLException {
        if (select(c, "name", name, false).isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_NAME,
                    "an API token named '" + name + "' already exists");
        }
        Optional<ApiToken> holder = select(c, "token_hash", hash, false);
        if (holder.isPresent()) {
            throw new KeyStoreException(KeyStoreException.Reason.DUPLICATE_KEY,
                    "that token hash is already recorded for API token '" + holder.get().name() + "'");
        }
    }

    /** The active (not revoked) token whose hash is {@code tokenHash}; whether it has expired is for the caller to check. */
    public Optional<ApiToken> findActiveByHash(String tokenHash) {
        if (tokenHash == null || tokenHash.isEmpty() || tokenHash.length() > StoreArgs.MAX_HASH) {
            return Optional.empty();
        }
        return db.query("find API token", c -> select(c, "token_hash", tokenHash, false)
                .filter(ApiToken::isActive));
    }

    /** Every API token, revoked ones included, ordered by name. */
    public List<ApiToken> list() {
        return db.list("list API tokens", "SELECT " + COLUMNS + " FROM api_tokens ORDER BY name", ApiTokens::row);
    }

    /**
     * Revokes an API token.
     *
     * @throws KeyStoreException NOT_FOUND; INVALID if it is already revoked
     */
    public void revoke(String name, String actor, String source) {
        StoreArgs.requireName("API token name", name);
        StoreArgs.requireActor(actor, source);
        Instant now = db.now();
        db.inTransaction("revoke API token '" + name + "'", c -> {
            ApiToken t = select(c, "name", name, true).orElseThrow(() -> new KeyStoreException(
                    KeyStoreException.Reason.NOT_FOUND, "no API token named '" + name + "'"));
            if (!t.isActive()) {
                throw new KeyStoreException(KeyStoreException.Reason.INVALID,
                        "API token '" + name + "' is already revoked (since " + t.revokedAt() + ")");
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET revoked_at = ? WHERE id = ?")) {
                Database.setInstant(ps, 1, now);
                ps.setLong(2, t.id());
                ps.executeUpdate();
            }
            AuditLog.insert(c, now, actor, AuditActions.TOKEN_REVOKE, name, null, source);
            return null;
        });
    }

    /** Records that token {@code id} was used at {@code at} (no audit row; unknown ids ignored). */
    public void touch(long id, Instant at) {
        if (at == null) {
            throw new KeyStoreException(KeyStoreException.Reason.INVALID, "time of use is null");
        }
        Instant t = at.truncatedTo(ChronoUnit.MICROS);
        db.inTransaction("update API token use", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE api_tokens SET last_used_at = ?"
                    + " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")) {
                Database.setInstant(ps, 1, t);
                ps.setLong(2, id);
                Database.setInstant(ps, 3, t);
                ps.executeUpdate();
            }
            return null;
        });
    }

    private static Optional<ApiToken> select(Connection c, String column, String value, boolean forUpdate)
            throws SQLException {
        return Database.selectOne(c, "SELECT " + COLUMNS + " FROM api_tokens WHERE " + column + " = ?"
                + (forUpdate ? " FOR UPDATE" : ""), value, ApiTokens::row);
    }

    private static ApiToken row(ResultSet rs) throws SQLException {
        return new ApiToken(rs.getLong(1), rs.getString(2), rs.getString(3), TokenScope.parse(rs.getString(4)),
                Database.instant(rs, 5), rs.getString(6), Database.instant(rs, 7), Database.instant(rs, 8),
                Database.instant(rs, 9));
    }
}
