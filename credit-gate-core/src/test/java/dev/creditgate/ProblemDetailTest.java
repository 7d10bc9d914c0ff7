package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.net.URI;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The rejection results, their RFC 9457 bodies, and the JSON rendering of those bodies. */
class ProblemDetailTest {

    private static final DebugContext DEBUG =
            DebugContext.observed("req-1", "in-memory", Optional.of(Instant.parse("2026-01-02T03:04:05Z")));

    private final InsufficientCredits insufficient = new InsufficientCredits("user-1", "audio.upload", 5, 3, DEBUG);
    private final AccountNotFound notFound = new AccountNotFound("user-1", "audio.upload", DEBUG);

    @Test
    void shortfallIsRequiredMinusAvailable() {
        assertThat(insufficient.shortfall()).isEqualTo(2);
        assertThat(new InsufficientCredits("u", "a", 1, 0, DEBUG).shortfall()).isEqualTo(1);
        assertThat(new InsufficientCredits("u", "a", Long.MAX_VALUE, 0, DEBUG).shortfall()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void insufficientCreditsRequiresAvailableBetweenZeroAndRequired() {
        assertThatThrownBy(() -> new InsufficientCredits("u", "a", 5, 5, DEBUG))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("insufficient needs 0 <= available < required, got available=5 required=5");
        assertThatThrownBy(() -> new InsufficientCredits("u", "a", 5, 6, DEBUG))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("insufficient needs 0 <= available < required, got available=6 required=5");
        assertThatThrownBy(() -> new InsufficientCredits("u", "a", 5, -1, DEBUG))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("insufficient needs 0 <= available < required, got available=-1 required=5");
        assertThatThrownBy(() -> new InsufficientCredits("u", "a", 5, 3, null))
                .isExactlyInstanceOf(NullPointerException.class)
                .hasMessage("debug");
    }

    @Test
    void insufficientCreditsProblemDetailIsClientSafe() {
        ProblemDetail problem = insufficient.problemDetail();

        assertThat(problem.type()).isEqualTo(URI.create("https://creditgate.dev/problems/insufficient-credits"));
        assertThat(problem.title()).isEqualTo("Insufficient credits");
        assertThat(problem.status()).isEqualTo(402);
        assertThat(problem.detail()).isEqualTo("This action requires 5 credits; 3 are available.");
        assertThat(problem.properties())
                .containsExactly(entry("required", 5L), entry("available", 3L), entry("shortfall", 2L))
                .doesNotContainKeys("accountId", "action", "debug");
        assertThat(problem.toJson()).isEqualTo("{\"type\":\"https://creditgate.dev/problems/insufficient-credits\","
                + "\"title\":\"Insufficient credits\",\"status\":402,"
                + "\"detail\":\"This action requires 5 credits; 3 are available.\","
                + "\"required\":5,\"available\":3,\"shortfall\":2}");
        assertThat(problem.toJson()).doesNotContain("user-1", "audio.upload", "req-1", "in-memory");
    }

    @Test
    void insufficientCreditsDetailCountsCreditsInGoodEnglish() {
        DebugContext debug = insufficient.debug();

        assertThat(new InsufficientCredits("u", "a", 2, 1, debug).problemDetail().detail())
                .isEqualTo("This action requires 2 credits; 1 is available.");
        assertThat(new InsufficientCredits("u", "a", 1, 0, debug).problemDetail().detail())
                .isEqualTo("This action requires 1 credit; 0 are available.");
    }

    @Test
    void insufficientCreditsProblemDetailWithInternalsNamesAccountActionAndDebug() {
        ProblemDetail problem = insufficient.problemDetail(true);

        assertThat(problem.status()).isEqualTo(402);
        assertThat(problem.properties()).containsExactly(
                entry("required", 5L), entry("available", 3L), entry("shortfall", 2L),
                entry("accountId", "user-1"), entry("action", "audio.upload"), entry("debug", DEBUG.toString()));
        assertThat(problem.toJson()).endsWith(",\"accountId\":\"user-1\",\"action\":\"audio.upload\","
                + "\"debug\":\"DebugContext[idempotencyKey=req-1, store=in-memory, "
                + "observedAt=2026-01-02T03:04:05Z, attempts=1, elapsed=0ms, retriedFailures=[]]\"}");
        assertThat(insufficient.problemDetail(false)).isEqualTo(insufficient.problemDetail());
    }

    @Test
    void accountNotFoundProblemDetailIs404WithoutInternals() {
        ProblemDetail problem = notFound.problemDetail();

        assertThat(problem.type()).isEqualTo(URI.create("https://creditgate.dev/problems/account-not-found"));
        assertThat(problem.title()).isEqualTo("Credit account not found");
        assertThat(problem.status()).isEqualTo(404);
        assertThat(problem.detail()).isEqualTo("No credit account exists for this request.");
        assertThat(problem.properties()).isEmpty();
        assertThat(problem.toJson()).isEqualTo("{\"type\":\"https://creditgate.dev/problems/account-not-found\","
                + "\"title\":\"Credit account not found\",\"status\":404,"
                + "\"detail\":\"No credit account exists for this request.\"}");

        assertThat(notFound.problemDetail(true).properties()).containsExactly(
                entry("accountId", "user-1"), entry("action", "audio.upload"), entry("debug", DEBUG.toString()));
        assertThat(notFound.problemDetail(true).status()).isEqualTo(404);
    }

    @Test
    void toJsonEscapesQuotesBackslashesNewlinesAndControlCharacters() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("quo\"te", "c:\\path");
        properties.put("count", 7L);
        properties.put("flag", true);
        properties.put("ratio", 1.5);
        properties.put("unicode", "\u00e9\uD83D\uDE00\u2028");
        ProblemDetail problem = new ProblemDetail(URI.create("urn:test:escaping"), "say \"hi\"", 400,
                "back\\slash\nnew\rret\ttab\u0001soh\u001fus\u007fdel", properties);

        assertThat(problem.toJson()).isEqualTo("{\"type\":\"urn:test:escaping\",\"title\":\"say \\\"hi\\\"\","
                + "\"status\":400,"
                + "\"detail\":\"back\\\\slash\\nnew\\rret\\ttab\\u0001soh\\u001fus\u007fdel\","
                + "\"quo\\\"te\":\"c:\\\\path\",\"count\":7,\"flag\":true,\"ratio\":1.5,"
                + "\"unicode\":\"\u00e9\uD83D\uDE00\u2028\"}");
    }

    @Test
    void propertiesAreAnUnmodifiableCopyInInsertionOrder() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("z", 1);
        properties.put("a", 2);
        ProblemDetail problem = new ProblemDetail(URI.create("urn:x"), "t", 400, "d", properties);
        properties.put("late", 3);

        assertThat(problem.properties()).containsExactly(entry("z", 1), entry("a", 2));
        assertThatThrownBy(() -> problem.properties().put("b", 3))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
