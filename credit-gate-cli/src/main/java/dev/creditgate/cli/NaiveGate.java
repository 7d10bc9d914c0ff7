package dev.creditgate.cli;

/**
 * The upload endpoint written the way the incident's app was: read the balance (a failed, missing or hidden read
 * counts as 0), compare, then write {@code balance = read - cost} and insert a transaction row, each statement on
 * its own. Here for the demo to show what goes wrong; never do this.
 */
final class NaiveGate {

    private final NaiveTable table;

    NaiveGate(NaiveTable table) {
        this.table = table;
    }

    Answer upload(String userId, long cost, String requestId) {
        long credits;
        try {
            // get_user_credits(): no visible row (row-level security, an empty result) reads as 0 credits...
            credits = table.read(userId).orElse(0);
        } catch (RuntimeException queryFailed) {
            // ...and so does a query that failed.
            credits = 0;
        }
        if (credits < cost) {
            return Answer.PAYMENT_REQUIRED;
        }
        try {
            table.write(userId, credits - cost, requestId);
            table.record(userId, -cost, "audio.upload");
        } catch (RuntimeException connectionLost) {
            // The client sees ERR_HTTP2_PROTOCOL_ERROR and sends the whole request again.
            return Answer.ERROR;
        }
        return Answer.CHARGED;
    }
}
