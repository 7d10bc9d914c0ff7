package dev.creditgate.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The Java floor: the store's own charge function called through plain pgjdbc, one connection and one prepared
 * statement per caller, no pool, no Jdbi, no gate. Beside pgbench calling the same function it shows what the JVM and
 * pgjdbc cost against libpq; beside the gate it shows what the library itself adds.
 */
final class JdbcLoad {

    private final BenchDatabase database;

    JdbcLoad(BenchDatabase database) {
        this.database = database;
    }

    /** The store's charge function, as {@code JdbiBalanceStore} calls it. */
    static String chargeCall() {
        return "SELECT * FROM " + BenchDatabase.STORE_SCHEMA + ".\"credit_ledger_charge\"(?, ?, ?, ?)";
    }

    Measurement run(Workload workload, boolean synced, double warmupSeconds, double seconds)
            throws SQLException, InterruptedException {
        List<Connection> connections = new ArrayList<>();
        try {
            ClosedLoop.Charger[] chargers = new ClosedLoop.Charger[workload.callers()];
            String prefix = "jdbc-" + Long.toHexString(System.nanoTime()) + "-";
            for (int i = 0; i < chargers.length; i++) {
                Connection connection = database.connect();
                connections.add(connection);
                if (!synced) {
                    try (Statement s = connection.createStatement()) {
                        s.execute("SET synchronous_commit = off");
                    }
                }
                chargers[i] = new FunctionCharger(connection.prepareStatement(chargeCall()), prefix + i + "-");
            }
            return ClosedLoop.run(Measurement.Side.JDBC, workload, synced, warmupSeconds, seconds, chargers);
        } finally {
            for (Connection connection : connections) {
                connection.close();
            }
        }
    }

    /** One caller's statement and its own key counter, as a pgbench client has. */
    private static final class FunctionCharger implements ClosedLoop.Charger {
        private final PreparedStatement call;
        private final String keyPrefix;
        private long next;

        FunctionCharger(PreparedStatement call, String keyPrefix) {
            this.call = call;
            this.keyPrefix = keyPrefix;
        }

        @Override
        public void charge(String account) throws SQLException {
            call.setString(1, account);
            call.setLong(2, 1);
            call.setString(3, "bench");
            call.setString(4, keyPrefix + next++);
            try (ResultSet rs = call.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("the charge function answered no row");
                }
                String outcome = rs.getString(1);
                if (!"CHARGED".equals(outcome)) {
                    throw new IllegalStateException("not charged: " + outcome);
                }
            }
        }
    }
}
