package dev.creditgate.examples.upload;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.test.PostgresTestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The scenarios with nothing going wrong, and the answers for each outcome as the service sends them. */
class HealthyDatabaseTest extends UploadScenarios {

    @RegisterExtension
    static final PostgresTestDatabase db = PostgresTestDatabase.create();

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabases.asOwner(registry, db);
    }

    @Override
    PostgresTestDatabase db() {
        return db;
    }

    @Test
    void aUserWhoReallyLacksCreditsGets402WithRequiredAvailableAndShortfall() {
        assertThat(client.upload("poor", "poor-1", "intro").status()).isEqualTo(200);

        UploadClient.Answer answer = client.upload("poor", "poor-2", "intro");

        assertThat(answer.status()).isEqualTo(402);
        assertThat(answer.headers().getContentType()).hasToString("application/problem+json");
        assertThat(answer.body()).isEqualTo("{\"detail\":\"This action requires 2 credits; 0 are available.\","
                + "\"instance\":\"/api/upload\",\"status\":402,\"title\":\"Insufficient credits\","
                + "\"type\":\"https://creditgate.dev/problems/insufficient-credits\",\"required\":2,\"available\":0,"
                + "\"shortfall\":2}");
    }

    @Test
    void aUserWithoutACreditAccountGets404NamingNoAccount() {
        UploadClient.Answer upload = client.upload("nobody", "nobody-1", "intro");
        UploadClient.Answer credits = client.credits("nobody");

        assertThat(upload.status()).isEqualTo(404);
        assertThat(upload.body()).isEqualTo("{\"detail\":\"No credit account exists for this request.\","
                + "\"instance\":\"/api/upload\",\"status\":404,\"title\":\"Credit account not found\","
                + "\"type\":\"https://creditgate.dev/problems/account-not-found\"}");
        assertThat(credits.status()).isEqualTo(404);
    }

    @Test
    void aKeyReusedForAnotherActionIs409AndChargesNothingMore() {
        UploadClient.Answer upload = client.upload("user4", "user4-key", "intro");
        long id = Long.parseLong(upload.body().replaceAll("^\\{\"id\":(\\d+),.*$", "$1"));

        UploadClient.Answer reused = client.transcribe("user4", id, "user4-key");
        UploadClient.Answer resent = client.upload("user4", "user4-key", "intro");

        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.body()).contains("\"title\":\"Idempotency key already used\"")
                .doesNotContain("user4");
        assertThat(resent.status()).isEqualTo(200);
        assertThat(resent.body()).isEqualTo(upload.body());
        assertThat(client.credits("user4").body()).startsWith("{\"available\":19998,\"posted\":19998,\"held\":0");
    }
}
