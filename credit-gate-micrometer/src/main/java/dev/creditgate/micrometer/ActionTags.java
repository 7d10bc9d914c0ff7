package dev.creditgate.micrometer;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns actions into values of the {@code action} tag, at most {@code max} distinct ones: the first actions seen (of
 * the allowed ones, if any) keep their name, every later one is {@value #OTHER}. Shared by every registry a binder is
 * bound to, so they all see the same values.
 */
final class ActionTags {

    /** The tag value of actions past the bound or outside the allowed set. */
    static final String OTHER = "other";

    /** The tag value when the event has no action: a capture that did not reach its reservation. */
    static final String UNKNOWN = "unknown";

    private final Set<String> allowed;
    private final ConcurrentHashMap<String, String> admitted = new ConcurrentHashMap<>();
    private final AtomicInteger free;

    /**
     * @param max how many distinct actions may have their own value
     * @param allowed the only actions that may; empty for any
     */
    ActionTags(int max, Set<String> allowed) {
        this.free = new AtomicInteger(max);
        this.allowed = Set.copyOf(allowed);
    }

    String of(Optional<String> action) {
        if (action.isEmpty()) {
            return UNKNOWN;
        }
        String name = action.get();
        String known = admitted.get(name);
        if (known != null) {
            return known;
        }
        if ((!allowed.isEmpty() && !allowed.contains(name)) || free.get() <= 0) {
            // Past the bound nothing locks: only a first sighting while slots are free reaches computeIfAbsent.
            return OTHER;
        }
        String claimed = admitted.computeIfAbsent(name, this::claimSlot);
        return claimed != null ? claimed : OTHER;
    }

    /** Takes one free slot for {@code action}; {@code null} (nothing recorded) when another action took the last. */
    private String claimSlot(String action) {
        for (int left = free.get(); left > 0; left = free.get()) {
            if (free.compareAndSet(left, left - 1)) {
                return action;
            }
        }
        return null;
    }

    int admittedCount() {
        return admitted.size();
    }
}
