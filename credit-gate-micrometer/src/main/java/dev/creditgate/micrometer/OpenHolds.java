package dev.creditgate.micrometer;

import dev.creditgate.CreditGateEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The holds a gate placed that, as far as its events tell, still hold credits: not captured or released through that
 * gate, and not past their expiry. A hold captured or released through another gate (another instance of the
 * service) stays counted here until it expires; a hold placed through another gate is not counted here.
 */
final class OpenHolds implements Consumer<CreditGateEvent> {

    private static final int FIRST_PRUNE = 1024;

    private final Clock clock;
    private final ConcurrentHashMap<String, Instant> expiries = new ConcurrentHashMap<>();
    private volatile int pruneAbove = FIRST_PRUNE;

    OpenHolds(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void accept(CreditGateEvent event) {
        switch (event.operation()) {
            case RESERVE -> event.heldUntil().ifPresent(until -> placed(event.reservationId().orElseThrow(), until));
            case CAPTURE, RELEASE -> {
                // A rejected capture may leave the hold held (an amount above it): only a settled one is forgotten.
                if (event.outcome() == CreditGateEvent.Outcome.APPLIED
                        || event.outcome() == CreditGateEvent.Outcome.REPLAYED) {
                    event.reservationId().ifPresent(expiries::remove);
                }
            }
            default -> {
                // Grants, charges and refunds hold nothing.
            }
        }
    }

    private void placed(String reservationId, Instant until) {
        expiries.put(reservationId, until);
        if (expiries.size() > pruneAbove) {
            // Holds left to expire would otherwise pile up when nothing reads the gauge.
            prune();
        }
    }

    /** Counts the open holds, forgetting those past their expiry. */
    int count() {
        prune();
        return expiries.size();
    }

    private void prune() {
        Instant now = clock.instant();
        expiries.values().removeIf(until -> !until.isAfter(now));
        pruneAbove = Math.max(FIRST_PRUNE, 2 * expiries.size());
    }
}
