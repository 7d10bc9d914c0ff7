package dev.creditgate.examples.upload;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.reflect.ConstructorMapper;
import org.springframework.stereotype.Repository;

/** The {@code uploads} table, in the same database as the credits. */
@Repository
class Uploads {

    /** Its DDL: one upload per account and idempotency key, so a re-sent request stores nothing twice. */
    static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS uploads (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                account_id text NOT NULL,
                section text NOT NULL,
                filename text NOT NULL,
                size_bytes bigint NOT NULL,
                sha256 text NOT NULL,
                idempotency_key text,
                created_at timestamptz NOT NULL DEFAULT now(),
                deleted_at timestamptz,
                UNIQUE (account_id, idempotency_key))""";

    private static final String COLUMNS = "id, section, filename, size_bytes, sha256, created_at";

    private final Jdbi jdbi;

    Uploads(Jdbi jdbi) {
        this.jdbi = jdbi;
        jdbi.registerRowMapper(ConstructorMapper.factory(Upload.class));
    }

    void createTable() {
        jdbi.useHandle(handle -> handle.execute(SCHEMA));
    }

    /**
     * Stores an upload; with a key that stored one already, returns that one instead (the request was re-sent).
     */
    Upload store(String accountId, String section, String filename, long sizeBytes, String sha256,
            Optional<String> idempotencyKey) {
        return jdbi.inTransaction(handle -> handle.createQuery("""
                        WITH inserted AS (
                            INSERT INTO uploads (account_id, section, filename, size_bytes, sha256, idempotency_key)
                            VALUES (:account, :section, :filename, :size, :sha256, :key)
                            ON CONFLICT (account_id, idempotency_key) DO NOTHING
                            RETURNING %1$s)
                        SELECT %1$s FROM inserted
                        UNION ALL
                        SELECT %1$s FROM uploads WHERE account_id = :account AND idempotency_key = :key
                        LIMIT 1""".formatted(COLUMNS))
                .bind("account", accountId).bind("section", section).bind("filename", filename)
                .bind("size", sizeBytes).bind("sha256", sha256).bind("key", idempotencyKey.orElse(null))
                .mapTo(Upload.class).one());
    }

    List<Upload> list(String accountId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM uploads "
                        + "WHERE account_id = :account AND deleted_at IS NULL ORDER BY id DESC")
                .bind("account", accountId).mapTo(Upload.class).list());
    }

    /** Deletes an upload of the account; true if it exists (deleting it again is not an error). */
    boolean delete(String accountId, long id) {
        return jdbi.withHandle(handle -> handle.createUpdate("UPDATE uploads SET deleted_at = coalesce(deleted_at, "
                        + "now()) WHERE account_id = :account AND id = :id")
                .bind("account", accountId).bind("id", id).execute()) == 1;
    }
}
