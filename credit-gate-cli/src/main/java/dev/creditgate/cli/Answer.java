package dev.creditgate.cli;

/** What an upload endpoint answered its client, as the client saw it. */
enum Answer {
    /** 200: charged. */
    CHARGED,
    /** 402 Payment Required. */
    PAYMENT_REQUIRED,
    /** 503: the store stayed unavailable; nothing was charged. */
    UNAVAILABLE,
    /** 503: the charge may have been applied; re-submitting the same key settles it. */
    OUTCOME_UNKNOWN,
    /** No answer: the connection dropped (the incident's ERR_HTTP2_PROTOCOL_ERROR). */
    ERROR;

    /** Whether a client sends the request again after this answer. */
    boolean worthRetrying() {
        return this == UNAVAILABLE || this == OUTCOME_UNKNOWN || this == ERROR;
    }
}
