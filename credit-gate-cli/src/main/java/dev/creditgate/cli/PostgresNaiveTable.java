package dev.creditgate.cli;

import java.util.OptionalLong;
import org.jdbi.v3.core.Jdbi;

/**
 * The incident's tables on PostgreSQL, in the demo's own schema: {@code naive_user_credits} has no CHECK and the
 * app's statements run one by one in autocommit, as the incident's did.
 */
final class PostgresNaiveTable implements NaiveTable {

    private final Jdbi jdbi;
    private final String credits;
    private final String transactions;

    /** The tables in {@code schema}; {@link #create()} makes them. */
    PostgresNaiveTable(Jdbi jdbi, String schema) {
        this.jdbi = jdbi;
        this.credits = '"' + schema + "\".naive_user_credits";
        this.transactions = '"' + schema + "\".naive_credit_transactions";
    }

    void create() {
        jdbi.useHandle(handle -> {
            handle.execute("CREATE TABLE " + credits + " (user_id text PRIMARY KEY, credits bigint NOT NULL)");
            handle.execute("CREATE TABLE " + transactions + " (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "user_id text NOT NULL, amount bigint NOT NULL, reference text NOT NULL, "
                    + "created_at timestamptz NOT NULL DEFAULT now())");
        });
    }

    @Override
    public void open(String userId, long amount) {
        jdbi.useHandle(handle -> handle.execute("INSERT INTO " + credits + " (user_id, credits) VALUES (?, ?)",
                userId, amount));
        record(userId, amount, "signup");
    }

    @Override
    public OptionalLong read(String userId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT credits FROM " + credits + " WHERE user_id = ?")
                .bind(0, userId)
                .mapTo(Long.class)
                .findOne()
                .map(OptionalLong::of)
                .orElse(OptionalLong.empty()));
    }

    @Override
    public void write(String userId, long amount, String requestId) {
        jdbi.useHandle(handle -> handle.execute("UPDATE " + credits + " SET credits = ? WHERE user_id = ?",
                amount, userId));
    }

    @Override
    public void record(String userId, long amount, String reference) {
        jdbi.useHandle(handle -> handle.execute("INSERT INTO " + transactions + " (user_id, amount, reference) "
                + "VALUES (?, ?, ?)", userId, amount, reference));
    }

    @Override
    public long transactionsSum(String userId) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT coalesce(sum(amount), 0) FROM " + transactions
                        + " WHERE user_id = ?")
                .bind(0, userId)
                .mapTo(Long.class)
                .one());
    }
}
