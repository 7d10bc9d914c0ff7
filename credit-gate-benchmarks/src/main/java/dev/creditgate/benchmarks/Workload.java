package dev.creditgate.benchmarks;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How many callers charge at once, and on which accounts: spread uniformly over {@value #SPREAD_ACCOUNTS} accounts,
 * or all on one hot account.
 *
 * @param callers concurrent callers, each charging in a closed loop
 * @param hot whether every charge goes to the one hot account
 */
record Workload(int callers, boolean hot) {

    /** Accounts a spread workload charges, uniformly at random. */
    static final int SPREAD_ACCOUNTS = 10_000;

    /** The hot account's number: account ids are {@code acct-} and a number, as the pgbench script builds them. */
    static final int HOT_ACCOUNT = 0;

    static String accountId(int number) {
        return "acct-" + number;
    }

    /** The next account a caller charges, chosen as pgbench's {@code random(1, 10000)} chooses. */
    String nextAccount() {
        return accountId(hot ? HOT_ACCOUNT : ThreadLocalRandom.current().nextInt(1, SPREAD_ACCOUNTS + 1));
    }

    String accounts() {
        return hot ? "1 hot" : "10,000";
    }

    String name() {
        return callers + (hot ? "-hot" : "-spread");
    }
}
