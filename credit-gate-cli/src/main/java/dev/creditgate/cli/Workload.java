package dev.creditgate.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The incident's traffic: 2-credit audio uploads by users holding 20,000 credits, and a few by users holding 20
 * (who can really run out, so that an overdraft can show). The same seed gives the same uploads in the same order.
 *
 * @param startingCredits every account and the credits it starts with, in a stable order
 * @param uploads the uploads, each with its own id
 */
record Workload(Map<String, Long> startingCredits, List<Upload> uploads) {

    static final long COST = 2;
    static final String ACTION = "audio.upload";
    static final int RICH_ACCOUNTS = 8;
    static final long RICH_CREDITS = 20_000;
    static final int POOR_ACCOUNTS = 4;
    static final long POOR_CREDITS = 20;
    /** The share of uploads by the poor accounts: enough for each to run out several times over. */
    private static final double POOR_SHARE = 0.1;

    /** One upload request. */
    record Upload(String id, String accountId) {
    }

    static Workload generate(long seed, int count) {
        Map<String, Long> accounts = new LinkedHashMap<>();
        for (int i = 1; i <= RICH_ACCOUNTS; i++) {
            accounts.put("user-" + i, RICH_CREDITS);
        }
        for (int i = 1; i <= POOR_ACCOUNTS; i++) {
            accounts.put("low-" + i, POOR_CREDITS);
        }
        Random random = new Random(seed);
        List<Upload> uploads = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String account = random.nextDouble() < POOR_SHARE
                    ? "low-" + (1 + random.nextInt(POOR_ACCOUNTS))
                    : "user-" + (1 + random.nextInt(RICH_ACCOUNTS));
            uploads.add(new Upload(String.format("upload-%06d", i), account));
        }
        return new Workload(java.util.Collections.unmodifiableMap(accounts), List.copyOf(uploads));
    }

    String describeAccounts() {
        return RICH_ACCOUNTS + " holding " + RICH_CREDITS + ", " + POOR_ACCOUNTS + " holding " + POOR_CREDITS;
    }
}
