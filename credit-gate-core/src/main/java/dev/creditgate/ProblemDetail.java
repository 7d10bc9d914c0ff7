package dev.creditgate;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 "problem details" body for a rejected charge, ready to serialize with any JSON library or with
 * {@link #toJson()}.
 *
 * <p>By default it is client-safe: it says what the action needs and what is available, never which account,
 * store or query was involved. Internals appear only when explicitly requested by the producer.
 *
 * @param type a URI that identifies the problem type
 * @param title a short, human-readable summary of the problem type
 * @param status the HTTP status code
 * @param detail a human-readable explanation of this occurrence
 * @param properties extension members, in insertion order; values are strings, numbers or booleans
 */
public record ProblemDetail(URI type, String title, int status, String detail, Map<String, Object> properties) {

    /** The problem type of {@link InsufficientCredits}. */
    public static final URI TYPE_INSUFFICIENT_CREDITS = URI.create("https://creditgate.dev/problems/insufficient-credits");

    /** The problem type of {@link AccountNotFound}. */
    public static final URI TYPE_ACCOUNT_NOT_FOUND = URI.create("https://creditgate.dev/problems/account-not-found");

    /**
     * Validates the fields and makes the properties unmodifiable, keeping their order.
     *
     * @param type a URI that identifies the problem type
     * @param title a short, human-readable summary of the problem type
     * @param status the HTTP status code
     * @param detail a human-readable explanation of this occurrence
     * @param properties extension members, in insertion order; values are strings, numbers or booleans
     * @throws NullPointerException if a field is null
     */
    public ProblemDetail {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /**
     * Renders the body as an {@code application/problem+json} document.
     *
     * @return a JSON object with type, title, status, detail and then the extension members
     */
    public String toJson() {
        StringBuilder json = new StringBuilder("{");
        appendMember(json, "type", type.toString());
        appendMember(json, "title", title);
        appendMember(json, "status", status);
        appendMember(json, "detail", detail);
        properties.forEach((name, value) -> appendMember(json, name, value));
        return json.append('}').toString();
    }

    private static void appendMember(StringBuilder json, String name, Object value) {
        if (json.length() > 1) {
            json.append(',');
        }
        appendString(json, name);
        json.append(':');
        if (value instanceof Number || value instanceof Boolean) {
            json.append(value);
        } else {
            appendString(json, String.valueOf(value));
        }
    }

    private static void appendString(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
