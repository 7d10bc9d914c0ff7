package dev.creditgate.test;

import dev.creditgate.AccountSnapshot;
import dev.creditgate.CreditGate;
import dev.creditgate.HistoryPage;
import dev.creditgate.HistoryQuery;
import dev.creditgate.LedgerEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.assertj.core.api.AbstractAssert;

/**
 * AssertJ assertions on an account, read through a {@link CreditGate} at the moment each assertion runs.
 */
public final class AccountAssert extends AbstractAssert<AccountAssert, String> {

    /** Ledger entries read per page; the assertions read every page. */
    private static final int PAGE = 1_000;

    private final CreditGate gate;

    AccountAssert(CreditGate gate, String accountId) {
        super(accountId, AccountAssert.class);
        this.gate = gate;
    }

    /**
     * Verifies that the account exists with this balance, as {@link CreditGate#balance(String)} reports it: the
     * available credits (posted minus held).
     *
     * @param expected the expected balance
     * @return this assertion
     */
    public AccountAssert hasBalance(long expected) {
        OptionalLong balance = gate.balance(actual);
        if (balance.isEmpty()) {
            failWithMessage("Expected account <%s> to have balance <%s> but it does not exist", actual, expected);
        } else if (balance.getAsLong() != expected) {
            failWithMessage("Expected account <%s> to have balance <%s> but was <%s>",
                    actual, expected, balance.getAsLong());
        }
        return this;
    }

    /**
     * Verifies the account's posted balance: what its ledger sums to, holds not deducted.
     *
     * @param expected the expected posted balance
     * @return this assertion
     */
    public AccountAssert hasPosted(long expected) {
        long posted = snapshot().posted();
        if (posted != expected) {
            failWithMessage("Expected account <%s> to have posted balance <%s> but was <%s>", actual, expected, posted);
        }
        return this;
    }

    /**
     * Verifies the credits held by the account's active reservations.
     *
     * @param expected the expected held credits
     * @return this assertion
     */
    public AccountAssert hasHeld(long expected) {
        long held = snapshot().held();
        if (held != expected) {
            failWithMessage("Expected account <%s> to hold <%s> credits but it holds <%s>", actual, expected, held);
        }
        return this;
    }

    /** The whole ledger, newest first, read page by page. */
    private List<LedgerEntry> ledger() {
        HistoryQuery first = HistoryQuery.newest(actual, PAGE);
        HistoryPage page = gate.history(first);
        List<LedgerEntry> newestFirst = new ArrayList<>(page.entries());
        while (page.hasNext()) {
            page = gate.history(first.after(page.nextCursor().orElseThrow()));
            newestFirst.addAll(page.entries());
        }
        return newestFirst;
    }

    private AccountSnapshot snapshot() {
        Optional<AccountSnapshot> snapshot = gate.account(actual);
        if (snapshot.isEmpty()) {
            failWithMessage("Expected account <%s> to exist but it does not", actual);
        }
        return snapshot.orElseThrow();
    }

    /**
     * Verifies that the account does not exist.
     *
     * @return this assertion
     */
    public AccountAssert doesNotExist() {
        OptionalLong balance = gate.balance(actual);
        if (balance.isPresent()) {
            failWithMessage("Expected account <%s> not to exist but it has balance <%s>",
                    actual, balance.getAsLong());
        }
        return this;
    }

    /**
     * Verifies that the account's ledger amounts sum to its posted balance, and that each entry's balance-after is
     * the running sum of the entries up to it.
     *
     * @return this assertion
     */
    public AccountAssert hasLedgerSummingToBalance() {
        long balance = gate.account(actual).map(AccountSnapshot::posted).orElse(0L);
        List<LedgerEntry> newestFirst = ledger();
        long running = 0;
        for (int i = newestFirst.size() - 1; i >= 0; i--) {
            LedgerEntry entry = newestFirst.get(i);
            running += entry.amount();
            if (entry.balanceAfter() != running) {
                failWithMessage("Ledger of <%s> is inconsistent at <%s>: running sum is <%s>", actual, entry, running);
            }
        }
        if (running != balance) {
            failWithMessage("Expected the ledger of <%s> to sum to its balance <%s> but it sums to <%s>",
                    actual, balance, running);
        }
        return this;
    }

    /**
     * Verifies the number of ledger entries of the account.
     *
     * @param expected the expected count
     * @return this assertion
     */
    public AccountAssert hasLedgerEntries(int expected) {
        int count = ledger().size();
        if (count != expected) {
            failWithMessage("Expected account <%s> to have <%s> ledger entries but it has <%s>",
                    actual, expected, count);
        }
        return this;
    }
}
