package dev.creditgate.jdbi;

import dev.creditgate.CreditStoreMisconfiguredException;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Distributes the store's tables by account on Citus, co-located, so that every statement about one account runs on
 * one shard. Idempotent: a table already distributed is left as it is.
 *
 * <p>The store's functions are not delegated to the workers: they run on the coordinator, which routes each of their
 * statements to the one shard of the account. Delegated, a function would number its ledger rows from the worker's
 * own identity range while grants and refunds, planned on the coordinator, number theirs from the coordinator's; an
 * account's entries must be numbered in the order they commit, whatever node wrote them and wherever its shard moves.
 */
final class CitusDistribution {

    private static final Logger LOG = LoggerFactory.getLogger(CitusDistribution.class);

    private CitusDistribution() {
    }

    /** Whether the connected database has the citus extension. */
    static boolean present(Handle handle) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")
                .mapTo(Boolean.class).one();
    }

    /** Whether {@code table} (a quoted, possibly qualified name) is a distributed table; false without Citus. */
    static boolean isDistributed(Handle handle, String table) {
        return present(handle) && handle.createQuery(
                        "SELECT EXISTS (SELECT 1 FROM pg_dist_partition WHERE logicalrelid = to_regclass(:table))")
                .bind("table", table)
                .mapTo(Boolean.class).one();
    }

    /**
     * Distributes the accounts, ledger and holds tables by account id in one co-location group. An adopted accounts table is distributed only when
     * {@code distributeAdopted} is set; otherwise nothing is distributed, so that no transaction mixes a local
     * table with distributed ones.
     *
     * @throws CreditStoreMisconfiguredException when an adopted table's id column cannot be co-located with the ledger's
     */
    static void distribute(Handle tx, Tables tables, PostgresSql sql, boolean distributeAdopted) {
        if (!tables.ownsAccountsTable() && !distributeAdopted) {
            LOG.info("Citus: the adopted table {} stays local, so the store's tables are not distributed; "
                    + "JdbiBalanceStore.builder(jdbi).distributeAdoptedTable(true) distributes it", sql.accounts());
            return;
        }
        if (tables.idType() != AccountIdType.TEXT) {
            throw new CreditStoreMisconfiguredException("Citus co-locates tables by a distribution column of one type: "
                    + "the adopted table's " + tables.idColumn() + " is " + tables.idType()
                    + ", the ledger's account_id is text; distribute it yourself or leave distributeAdoptedTable off",
                    null);
        }
        distributeTable(tx, sql.accounts(), tables.idColumn(), null);
        distributeTable(tx, sql.ledger(), "account_id", sql.accounts());
        distributeTable(tx, sql.holds(), "account_id", sql.accounts());
    }

    private static void distributeTable(Handle tx, String table, String column, String colocateWith) {
        if (isDistributed(tx, table)) {
            return;
        }
        LOG.info("Citus: distributing {} by {}", table, column);
        tx.createQuery("SELECT create_distributed_table(CAST(:table AS regclass), CAST(:column AS text), "
                + "colocate_with := CAST(:with AS text))")
                .bind("table", table)
                .bind("column", column)
                .bind("with", colocateWith == null ? "default" : colocateWith)
                .mapTo(String.class).findOne();
    }
}
