package dev.creditgate.cli;

import java.util.Map;

/**
 * Scores one gate's run from what its clients were told and what its store really did.
 *
 * @param workload the uploads and the accounts' starting credits
 * @param answers the final answer to each upload, in the workload's order
 * @param referee the debits really applied
 * @param finalBalances each account's balance after the run, read from the store
 * @param ledgerMatchesBalance whether every account's ledger (or transaction rows) sums to its balance
 * @param faultsInjected how many faults were injected into the gate's store calls
 * @param backendsTerminated how many database sessions were ended under it
 */
record Scorecard(Workload workload, Answer[] answers, Referee referee, Map<String, Long> finalBalances,
        boolean ledgerMatchesBalance, long faultsInjected, long backendsTerminated) {

    View.Fields view() {
        long cost = Workload.COST;
        long false402s = 0;
        for (int i = 0; i < answers.length; i++) {
            String account = workload.uploads().get(i).accountId();
            boolean heldTheCostAllRunLong =
                    workload.startingCredits().get(account) - cost * referee.debits(account) >= cost;
            if (answers[i] == Answer.PAYMENT_REQUIRED && heldTheCostAllRunLong) {
                false402s++;
            }
        }
        long lostUpdates = 0;
        long overdrafts = 0;
        for (Map.Entry<String, Long> account : workload.startingCredits().entrySet()) {
            long start = account.getValue();
            long debited = cost * referee.debits(account.getKey());
            long balance = finalBalances.get(account.getKey());
            lostUpdates += Math.max(0, balance - (start - debited)) / cost;
            if (debited > start || balance < 0) {
                overdrafts++;
            }
        }
        return new View.Fields("")
                .with("attempted", (long) answers.length)
                .with("charged", count(Answer.CHARGED))
                .with("answered402", count(Answer.PAYMENT_REQUIRED))
                .with("false402s", false402s)
                .with("typedFailures", count(Answer.UNAVAILABLE) + count(Answer.OUTCOME_UNKNOWN))
                .with("untypedErrors", count(Answer.ERROR))
                .with("debits", referee.debits())
                .with("doubleCharges", referee.doubleCharges())
                .with("lostUpdates", lostUpdates)
                .with("overdrafts", overdrafts)
                .with("ledgerMatchesBalance", ledgerMatchesBalance)
                .with("faultsInjected", faultsInjected)
                .with("backendsTerminated", backendsTerminated);
    }

    private long count(Answer answer) {
        long count = 0;
        for (Answer each : answers) {
            if (each == answer) {
                count++;
            }
        }
        return count;
    }
}
