package dev.creditgate.cli;

import dev.creditgate.test.FaultInjectingBalanceStore;
import dev.creditgate.test.FaultInjectingBalanceStore.Fault;
import java.time.Duration;
import java.util.List;

/**
 * The store faults the demo injects, identically into both gates' stores: each store call first waits
 * {@code latency}, then is drawn against the rules in order from a random source seeded with {@code seed}, exactly
 * as {@link FaultInjectingBalanceStore} draws them.
 *
 * @param seed the seed of the draws
 * @param failed the chance that a call fails outright (a query error; nothing applied)
 * @param droppedBeforeCommit the chance that the connection drops before the call is applied
 * @param droppedAfterCommit the chance that the connection drops after the call was applied (the reply is lost)
 * @param latency how long every call waits first: a slow store widens every read-then-write window
 */
record FaultPlan(long seed, double failed, double droppedBeforeCommit, double droppedAfterCommit, Duration latency) {

    /** One rule: this fault, with this chance. */
    record Rule(Fault fault, double probability) {
    }

    static FaultPlan defaults(long seed) {
        return new FaultPlan(seed, 0.03, 0.01, 0.01, Duration.ofMillis(1));
    }

    List<Rule> rules() {
        return List.of(
                new Rule(Fault.TRANSIENT, failed),
                new Rule(Fault.AMBIGUOUS_NOT_APPLIED, droppedBeforeCommit),
                new Rule(Fault.AMBIGUOUS_APPLIED, droppedAfterCommit));
    }

    /** Arms a credit-gate store with these faults on its charges. */
    FaultInjectingBalanceStore arm(FaultInjectingBalanceStore store) {
        store.seed(seed).latency(latency).onlyFor(FaultInjectingBalanceStore.Operation.CHARGE);
        rules().forEach(rule -> store.failWithProbability(rule.fault(), rule.probability()));
        return store;
    }

    /** How the plan reads in the demo's settings. */
    String describe() {
        return percent(failed) + " fail, " + percent(droppedBeforeCommit) + " drop before commit, "
                + percent(droppedAfterCommit) + " drop after commit, +" + latency.toMillis() + " ms each";
    }

    private static String percent(double chance) {
        return Math.round(chance * 1000) / 10.0 + "%";
    }
}
