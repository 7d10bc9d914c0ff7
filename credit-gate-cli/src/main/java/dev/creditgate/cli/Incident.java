package dev.creditgate.cli;

import dev.creditgate.BalanceStore;
import dev.creditgate.ChargeOutcomeUnknownException;
import dev.creditgate.ChargeRequest;
import dev.creditgate.ChargeResult;
import dev.creditgate.CreditGate;
import dev.creditgate.CreditStoreUnavailableException;
import dev.creditgate.HistoryPage;
import dev.creditgate.HistoryQuery;
import dev.creditgate.InsufficientCredits;
import dev.creditgate.LedgerEntry;
import dev.creditgate.test.FaultInjectingBalanceStore;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * Part 2 of the demo: the incident reproduced. The naive gate and credit-gate serve the same uploads from the same
 * number of threads, with the same faults injected into their stores, and are scored by the same referee.
 */
final class Incident {

    /** How many times a client sends an upload in all, when it got no answer or a 503. */
    static final int CLIENT_ATTEMPTS = 3;

    private final Workload workload;
    private final FaultPlan faults;
    private final int threads;
    private final PrintWriter progress;
    private final boolean live;

    Incident(Workload workload, FaultPlan faults, int threads, PrintWriter progress, boolean live) {
        this.workload = workload;
        this.faults = faults;
        this.threads = threads;
        this.progress = progress;
        this.live = live;
    }

    View.Group run(DemoBackend backend) {
        View.Fields naive = naive(backend);
        View.Fields creditGate = creditGate(backend);
        View.Fields settings = new View.Fields("")
                .with("store", backend.description())
                .with("threads", (long) threads)
                .with("uploads", (long) workload.uploads().size())
                .with("seed", faults.seed())
                .with("accounts", workload.describeAccounts())
                .with("cost", Workload.COST)
                .with("faultsPerStoreCall", faults.describe())
                .with("backendTerminations", backend.describeTerminations())
                .with("clientAttempts", (long) CLIENT_ATTEMPTS);
        View.Columns results = new View.Columns("")
                .with("naiveGate", naive)
                .with("creditGate", creditGate)
                .note("false 402s: answered 402 for an account that held at least the cost all run long")
                .note("debits: debits the store really applied; double charges: uploads debited more than once")
                .note("lost updates: applied debits missing from the final balance; overdrafts: accounts debited "
                        + "more than they held")
                .note("typed failures: 503 (unavailable, or outcome unknown: re-submit the key); untyped errors: "
                        + "the client gave up on a dropped connection");
        return new View.Group("Part 2: the incident, reproduced")
                .with("settings", settings)
                .with("results", results);
    }

    private View.Fields naive(DemoBackend backend) {
        Referee referee = new Referee();
        NaiveTable table = backend.naiveTable();
        workload.startingCredits().forEach(table::open);
        NaiveFaults faulty = new NaiveFaults(backend.runNaiveTable(), faults, referee);
        NaiveGate gate = new NaiveGate(faulty);
        faulty.armed(true);
        Answer[] answers;
        long terminated;
        try (Terminations terminations = terminations(backend, DemoBackend.Lane.NAIVE)) {
            answers = serve("naive gate", upload -> gate.upload(upload.accountId(), Workload.COST, upload.id()));
            terminated = terminations.count();
        } finally {
            faulty.armed(false);
        }
        Map<String, Long> balances = new LinkedHashMap<>();
        boolean ledgerMatches = true;
        for (String account : workload.startingCredits().keySet()) {
            long balance = table.read(account).orElseThrow();
            balances.put(account, balance);
            ledgerMatches &= table.transactionsSum(account) == balance;
        }
        return new Scorecard(workload, answers, referee, balances, ledgerMatches, faulty.injected(), terminated)
                .view();
    }

    private View.Fields creditGate(DemoBackend backend) {
        CreditGate setup = CreditGate.builder().store(backend.store()).build();
        workload.startingCredits().forEach((account, credits) -> setup.grant(account, credits, "signup"));
        FaultInjectingBalanceStore faulty = faults.arm(FaultInjectingBalanceStore.wrap(backend.runStore()));
        CreditGate gate = CreditGate.builder().store(faulty).build();
        Answer[] answers;
        long terminated;
        try (Terminations terminations = terminations(backend, DemoBackend.Lane.CREDIT_GATE)) {
            answers = serve("credit-gate", upload -> charge(gate, upload));
            terminated = terminations.count();
        } finally {
            faulty.heal();
        }
        Referee referee = new Referee();
        Map<String, Long> balances = new LinkedHashMap<>();
        boolean ledgerMatches = true;
        for (String account : workload.startingCredits().keySet()) {
            long sum = 0;
            for (LedgerEntry entry : ledger(setup, account)) {
                sum += entry.amount();
                if (entry.kind() == LedgerEntry.Kind.CHARGE) {
                    referee.debited(account, entry.idempotencyKey());
                }
            }
            long balance = setup.store().balance(account).orElseThrow();
            balances.put(account, balance);
            ledgerMatches &= sum == balance;
        }
        return new Scorecard(workload, answers, referee, balances, ledgerMatches, faulty.injected(), terminated)
                .view();
    }

    /** The upload endpoint on credit-gate: the upload's id is the idempotency key, so the client may resend it. */
    private static Answer charge(CreditGate gate, Workload.Upload upload) {
        try {
            ChargeResult result = gate.charge(ChargeRequest.of(upload.accountId(), Workload.COST, Workload.ACTION)
                    .idempotencyKey(upload.id()));
            if (result.isCharged()) {
                return Answer.CHARGED;
            }
            if (result instanceof InsufficientCredits) {
                return Answer.PAYMENT_REQUIRED;
            }
            throw new IllegalStateException("the demo's account " + upload.accountId() + " was not found");
        } catch (CreditStoreUnavailableException unavailable) {
            return Answer.UNAVAILABLE;
        } catch (ChargeOutcomeUnknownException unknown) {
            return Answer.OUTCOME_UNKNOWN;
        }
    }

    private static List<LedgerEntry> ledger(CreditGate gate, String account) {
        List<LedgerEntry> entries = new ArrayList<>();
        HistoryQuery first = HistoryQuery.newest(account, HistoryQuery.MAX_LIMIT);
        HistoryPage page = gate.history(first);
        entries.addAll(page.entries());
        while (page.hasNext()) {
            page = gate.history(first.after(page.nextCursor().orElseThrow()));
            entries.addAll(page.entries());
        }
        return entries;
    }

    /** Serves every upload from the thread pool, each as a client would: resent after no answer or a 503. */
    private Answer[] serve(String label, Function<Workload.Upload, Answer> endpoint) {
        List<Workload.Upload> uploads = workload.uploads();
        Answer[] answers = new Answer[uploads.size()];
        Progress bar = Progress.start(progress, live, label, uploads.size());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> served = new ArrayList<>(uploads.size());
            for (int i = 0; i < uploads.size(); i++) {
                int index = i;
                served.add(pool.submit(() -> {
                    Answer answer = endpoint.apply(uploads.get(index));
                    for (int attempt = 1; attempt < CLIENT_ATTEMPTS && answer.worthRetrying(); attempt++) {
                        answer = endpoint.apply(uploads.get(index));
                    }
                    answers[index] = answer;
                    bar.step();
                }));
            }
            for (Future<?> each : served) {
                each.get();
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", interrupted);
        } catch (ExecutionException failed) {
            throw failed.getCause() instanceof RuntimeException runtime ? runtime
                    : new IllegalStateException(failed.getCause());
        } finally {
            pool.shutdownNow();
        }
        bar.finish();
        return answers;
    }

    private Terminations terminations(DemoBackend backend, DemoBackend.Lane lane) {
        return new Terminations(backend.terminator(lane, faults.seed()), progress);
    }

    /** The terminator of a run, if there is one, stopped with the run; it says if it could not end sessions. */
    private static final class Terminations implements AutoCloseable {
        private final Optional<BackendTerminator> terminator;
        private final PrintWriter progress;

        Terminations(Optional<BackendTerminator> terminator, PrintWriter progress) {
            this.terminator = terminator;
            this.progress = progress;
        }

        long count() {
            close();
            terminator.flatMap(BackendTerminator::failure).ifPresent(failure -> {
                progress.println("  sessions could not be ended: " + failure);
                progress.flush();
            });
            return terminator.map(BackendTerminator::terminated).orElse(0L);
        }

        @Override
        public void close() {
            terminator.ifPresent(BackendTerminator::close);
        }
    }
}
