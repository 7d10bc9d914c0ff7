package dev.creditgate.examples.upload;

import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;

/**
 * A real HTTP client for the service, as a browser or app would be: it re-sends a request answered 503 with the same
 * Idempotency-Key, as the answer asks. It counts every answer by status and keeps the first answer of each status as
 * sent (status line, headers, body).
 */
final class UploadClient {

    /** The password of every demo user. */
    static final String PASSWORD = "demo";

    /** The most times one request is sent; a request still answered 503 then fails the test. */
    private static final int MAX_SENDS = 100;

    /** The first answer of each status and problem title, as sent, across the test run. */
    static final Map<String, String> FIRST_ANSWERS = new ConcurrentSkipListMap<>();

    private static final Pattern TITLE = Pattern.compile("\"title\":\"([^\"]*)\"");

    private final RestClient http;
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

    UploadClient(int port) {
        this.http = RestClient.builder().baseUrl("http://127.0.0.1:" + port)
                .requestFactory(new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                        // HTTP/1.1 as browsers speak to a plain-HTTP server: no h2c upgrade attempt per request.
                        .version(HttpClient.Version.HTTP_1_1).build()))
                .build();
    }

    /** One answer. */
    record Answer(int status, HttpHeaders headers, String body) {
    }

    /** Sends one upload, once. */
    Answer uploadOnce(String user, String idempotencyKey, String section) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("file", new ByteArrayResource(("audio of " + idempotencyKey).getBytes()) {
            @Override
            public String getFilename() {
                return "take-" + idempotencyKey + ".mp3";
            }
        });
        form.add("section", section);
        Answer answer = send(http.post().uri("/api/upload").headers(h -> auth(h, user, idempotencyKey))
                .contentType(MediaType.MULTIPART_FORM_DATA).body(form));
        statuses.computeIfAbsent(answer.status(), s -> new AtomicInteger()).incrementAndGet();
        return answer;
    }

    /** Uploads, re-sending with the same key while the answer is 503; returns the final answer. */
    Answer upload(String user, String idempotencyKey, String section) {
        return untilSettled(() -> uploadOnce(user, idempotencyKey, section));
    }

    Answer delete(String user, long id) {
        return untilSettled(() -> send(http.delete().uri("/api/uploads/{id}", id)
                .headers(h -> auth(h, user, null))));
    }

    Answer credits(String user) {
        return untilSettled(() -> send(http.get().uri("/api/credits").headers(h -> auth(h, user, null))));
    }

    Answer transcribe(String user, long id, String idempotencyKey) {
        return send(http.post().uri("/api/uploads/{id}/transcribe", id).headers(h -> auth(h, user, idempotencyKey)));
    }

    /** How many answers to uploads had this status. */
    int count(int status) {
        AtomicInteger count = statuses.get(status);
        return count == null ? 0 : count.get();
    }

    /** Every status of an answer to an upload, with its count, in order: {@code 200=64 503=3}. */
    String statuses() {
        return new java.util.TreeMap<>(statuses).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(" "));
    }

    private static void auth(HttpHeaders headers, String user, String idempotencyKey) {
        headers.setBasicAuth(user, PASSWORD);
        if (idempotencyKey != null) {
            headers.set("Idempotency-Key", idempotencyKey);
        }
    }

    private Answer untilSettled(java.util.function.Supplier<Answer> request) {
        Answer answer = request.get();
        for (int sends = 1; answer.status() == 503 && sends < MAX_SENDS; sends++) {
            pause();
            answer = request.get();
        }
        return answer;
    }

    private Answer send(RestClient.RequestHeadersSpec<?> request) {
        Answer answer = request.exchange((req, response) -> new Answer(response.getStatusCode().value(),
                response.getHeaders(), new String(response.getBody().readAllBytes())), true);
        Matcher title = TITLE.matcher(answer.body());
        String kind = answer.status() + (title.find() ? " " + title.group(1) : "");
        FIRST_ANSWERS.putIfAbsent(kind, "HTTP " + answer.status() + "\n" + answer.headers().headerSet()
                .stream().map(h -> h.getKey() + ": " + String.join(", ", h.getValue()))
                .collect(Collectors.joining("\n")) + "\n\n" + answer.body());
        return answer;
    }

    /** The wait before re-sending: shorter than the Retry-After a person's client would honour, to keep tests short. */
    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to re-send", e);
        }
    }
}
