package dev.creditgate.test;

import dev.creditgate.AccountNotFound;
import dev.creditgate.ChargeResult;
import dev.creditgate.Charged;
import dev.creditgate.InsufficientCredits;
import java.util.function.Function;
import org.assertj.core.api.AbstractObjectAssert;

/**
 * AssertJ assertions on a {@link ChargeResult}. Value assertions first check that the result is of the kind that
 * has the value, and fail with a message showing the whole result if it is not.
 */
public final class ChargeResultAssert extends AbstractObjectAssert<ChargeResultAssert, ChargeResult> {

    ChargeResultAssert(ChargeResult actual) {
        super(actual, ChargeResultAssert.class);
    }

    /**
     * Verifies that the result is {@link Charged}.
     *
     * @return this assertion
     */
    public ChargeResultAssert isCharged() {
        as(Charged.class);
        return this;
    }

    /**
     * Verifies that the result is {@link InsufficientCredits}.
     *
     * @return this assertion
     */
    public ChargeResultAssert isInsufficient() {
        as(InsufficientCredits.class);
        return this;
    }

    /**
     * Verifies that the result is {@link AccountNotFound}.
     *
     * @return this assertion
     */
    public ChargeResultAssert isAccountNotFound() {
        as(AccountNotFound.class);
        return this;
    }

    /**
     * Verifies that the result is {@link Charged} with this balance after the debit.
     *
     * @param expected the expected balance
     * @return this assertion
     */
    public ChargeResultAssert hasBalanceAfter(long expected) {
        return hasValue(Charged.class, "balanceAfter", Charged::balanceAfter, expected);
    }

    /**
     * Verifies that the result is {@link Charged} with this cost.
     *
     * @param expected the expected cost
     * @return this assertion
     */
    public ChargeResultAssert hasCost(long expected) {
        return hasValue(Charged.class, "cost", Charged::cost, expected);
    }

    /**
     * Verifies that the result is {@link Charged} and was replayed from an earlier call.
     *
     * @return this assertion
     */
    public ChargeResultAssert isReplayed() {
        return hasValue(Charged.class, "replayed", Charged::replayed, true);
    }

    /**
     * Verifies that the result is {@link Charged} and debited now (not replayed).
     *
     * @return this assertion
     */
    public ChargeResultAssert isNotReplayed() {
        return hasValue(Charged.class, "replayed", Charged::replayed, false);
    }

    /**
     * Verifies that the result is {@link Charged} with this transaction id.
     *
     * @param expected the expected transaction id
     * @return this assertion
     */
    public ChargeResultAssert hasTransactionId(String expected) {
        return hasValue(Charged.class, "transactionId", Charged::transactionId, expected);
    }

    /**
     * Verifies that the result is {@link InsufficientCredits} that required this cost.
     *
     * @param expected the expected required credits
     * @return this assertion
     */
    public ChargeResultAssert hasRequired(long expected) {
        return hasValue(InsufficientCredits.class, "required", InsufficientCredits::required, expected);
    }

    /**
     * Verifies that the result is {@link InsufficientCredits} that observed this available balance.
     *
     * @param expected the expected available credits
     * @return this assertion
     */
    public ChargeResultAssert hasAvailable(long expected) {
        return hasValue(InsufficientCredits.class, "available", InsufficientCredits::available, expected);
    }

    /**
     * Verifies that the result is {@link InsufficientCredits} with this shortfall.
     *
     * @param expected the expected shortfall
     * @return this assertion
     */
    public ChargeResultAssert hasShortfall(long expected) {
        return hasValue(InsufficientCredits.class, "shortfall", InsufficientCredits::shortfall, expected);
    }

    /**
     * Verifies the account id of the result, whatever its kind.
     *
     * @param expected the expected account id
     * @return this assertion
     */
    public ChargeResultAssert hasAccountId(String expected) {
        return hasValue(ChargeResult.class, "accountId", ChargeResult::accountId, expected);
    }

    private <R extends ChargeResult> R as(Class<R> kind) {
        isNotNull();
        if (!kind.isInstance(actual)) {
            failWithMessage("Expected a %s result but was <%s>", kind.getSimpleName(), actual);
        }
        return kind.cast(actual);
    }

    private <R extends ChargeResult, V> ChargeResultAssert hasValue(
            Class<R> kind, String name, Function<R, V> value, V expected) {
        V actualValue = value.apply(as(kind));
        if (!actualValue.equals(expected)) {
            failWithMessage("Expected %s to be <%s> but was <%s> in <%s>", name, expected, actualValue, actual);
        }
        return this;
    }
}
