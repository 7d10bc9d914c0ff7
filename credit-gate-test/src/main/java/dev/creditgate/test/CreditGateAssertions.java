package dev.creditgate.test;

import dev.creditgate.CreditGate;
import dev.creditgate.ChargeResult;

/**
 * Entry point of the AssertJ assertions for credit-gate.
 *
 * <pre>{@code
 * import static dev.creditgate.test.CreditGateAssertions.assertThat;
 * import static dev.creditgate.test.CreditGateAssertions.assertThatAccount;
 *
 * assertThat(gate.charge("user-1", 2, "audio.upload")).isCharged().hasBalanceAfter(98);
 * assertThatAccount(gate, "user-1").hasBalance(98).hasLedgerSummingToBalance();
 * }</pre>
 */
public final class CreditGateAssertions {

    private CreditGateAssertions() {
    }

    /**
     * Starts assertions on a charge result.
     *
     * @param actual the result
     * @return the assertion object
     */
    public static ChargeResultAssert assertThat(ChargeResult actual) {
        return new ChargeResultAssert(actual);
    }

    /**
     * Starts assertions on an account as a gate sees it now (balance and ledger are read when asserted).
     *
     * @param gate the gate to read through
     * @param accountId the account
     * @return the assertion object
     */
    public static AccountAssert assertThatAccount(CreditGate gate, String accountId) {
        return new AccountAssert(gate, accountId);
    }
}
