package dev.creditgate.cli;

import java.util.Map;

/** Reads the demo's JSON, and works out what an honest gate charges for a workload. */
final class DemoResults {

    private DemoResults() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    static Map<String, Object> incident(Map<String, Object> demo) {
        return map(demo, "incident");
    }

    static Map<String, Object> settings(Map<String, Object> incident) {
        return map(incident, "settings");
    }

    static Map<String, Object> gate(Map<String, Object> incident, String gate) {
        return map(map(incident, "results"), gate);
    }

    /**
     * Every upload of a rich account is charged (none can run out), and each poor account pays for as many uploads
     * as its credits cover, and not one more.
     */
    static long chargesAnHonestGateMakes(long seed, int uploads) {
        Workload workload = Workload.generate(seed, uploads);
        Map<String, Long> byAccount = new java.util.HashMap<>();
        workload.uploads().forEach(upload -> byAccount.merge(upload.accountId(), 1L, Long::sum));
        long charges = 0;
        for (Map.Entry<String, Long> account : byAccount.entrySet()) {
            long affordable = workload.startingCredits().get(account.getKey()) / Workload.COST;
            charges += Math.min(account.getValue(), affordable);
        }
        return charges;
    }
}
