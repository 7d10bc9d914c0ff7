package dev.creditgate.examples.upload;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditgate.test.PostgresTestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * The incident's three test scenarios, against the service over HTTP on a real PostgreSQL server. Each subclass runs
 * them under one condition (none, backends terminated, the database unreachable for a while, row-level security),
 * and each scenario asserts the truth: never a 402 to a user who holds the credits, nothing charged twice, every
 * request that was answered 200 charged exactly once, and the balance equal to the ledger's sum.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ActiveProfiles("test")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class UploadScenarios {

    /** Credits each scenario user starts with. */
    static final long CREDITS = 20_000;

    /** Scenario 2's delete-wait-upload cycles. */
    static final int CYCLES = 10;

    /** Scenario 3's simultaneous uploads. */
    static final int CONCURRENT = 64;

    /** The service's pool, closed after the class so the fixture drops its schema with no session left open. */
    private static HikariDataSource pool;

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    UploadClient client;

    /** The fixture of the subclass. */
    abstract PostgresTestDatabase db();

    /**
     * The condition the scenarios run under, one instance per class: started before each scenario's traffic and
     * closed after it (closing twice does nothing). None by default.
     */
    Fault fault() {
        return Fault.NONE;
    }

    /** The user the scenarios upload as. */
    String scenarioUser(int scenario) {
        return "user" + scenario;
    }

    /** The status every upload request ends with once re-sent past any 503. */
    int expectedStatus() {
        return 200;
    }

    /** A condition to run the scenarios under. */
    interface Fault extends AutoCloseable {
        /** Starts the fault. */
        void start();

        /** Ends it; the service must then recover by itself. */
        @Override
        void close();

        /** What it did, for the figures. */
        String describe();

        Fault NONE = new Fault() {
            @Override
            public void start() {
            }

            @Override
            public void close() {
            }

            @Override
            public String describe() {
                return "none";
            }
        };
    }

    @BeforeEach
    void connect() {
        client = new UploadClient(port);
        pool = (HikariDataSource) dataSource;
    }

    @AfterAll
    static void closePool() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        writeFirstAnswers();
    }

    @Test
    void scenario1UploadThenCheckTheBalanceAndTheLedger() {
        String user = scenarioUser(1);
        UploadClient.Answer upload;
        try (Fault fault = fault()) {
            fault.start();
            upload = client.upload(user, "s1-upload", "intro");
        }

        assertThat(upload.status()).isEqualTo(expectedStatus());
        UploadClient.Answer credits = client.credits(user);
        assertThat(credits.status()).isEqualTo(expectedStatus());
        if (expectedStatus() == 200) {
            assertThat(credits.body()).startsWith("{\"available\":19998,\"posted\":19998,\"held\":0,\"recent\":"
                    + "[{\"kind\":\"CHARGE\",\"amount\":-2,\"balanceAfter\":19998,\"reference\":\"audio.upload\"");
        }
        assertTruth(1, user, 1);
    }

    @Test
    void scenario2DeleteWaitAndUploadAgainManyTimes() throws InterruptedException {
        String user = scenarioUser(2);
        try (Fault fault = fault()) {
            fault.start();
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                UploadClient.Answer upload = client.upload(user, "s2-upload-" + cycle, "verse");
                assertThat(upload.status()).isEqualTo(expectedStatus());
                if (upload.status() == 200) {
                    assertThat(client.delete(user, uploadId(upload)).status()).isEqualTo(204);
                }
                Thread.sleep(20);
            }
        }

        assertTruth(2, user, CYCLES);
    }

    @Test
    void scenario3ManyUploadsAtOnce() throws Exception {
        String user = scenarioUser(3);
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<UploadClient.Answer>> answers = new ArrayList<>();
        try (Fault fault = fault()) {
            fault.start();
            for (int i = 0; i < CONCURRENT; i++) {
                String key = "s3-upload-" + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return client.upload(user, key, "chorus");
                }));
            }
            start.countDown();
            for (Future<UploadClient.Answer> answer : answers) {
                assertThat(answer.get().status()).isEqualTo(expectedStatus());
            }
        } finally {
            pool.shutdownNow();
        }

        assertTruth(3, user, CONCURRENT);
    }

    /**
     * The figures every scenario must end with: no 402 at all; when uploads are expected to succeed, each charged
     * exactly once and stored exactly once; and the balance equal to the ledger's sum, read by the database owner.
     */
    private void assertTruth(int scenario, String user, int requests) {
        Jdbi admin = Jdbi.create(db().dataSource());
        long balance = admin.withHandle(h -> h.createQuery("SELECT balance FROM credit_accounts WHERE account_id = "
                + ":user").bind("user", user).mapTo(Long.class).one());
        long ledgerSum = admin.withHandle(h -> h.createQuery("SELECT sum(amount) FROM credit_ledger WHERE "
                + "account_id = :user").bind("user", user).mapTo(Long.class).one());
        long charges = admin.withHandle(h -> h.createQuery("SELECT count(*) FROM credit_ledger WHERE account_id = "
                + ":user AND kind = 'CHARGE'").bind("user", user).mapTo(Long.class).one());
        long held = admin.withHandle(h -> h.createQuery("SELECT coalesce(sum(amount), 0) FROM credit_holds WHERE "
                + "account_id = :user AND state = 'HELD'").bind("user", user).mapTo(Long.class).one());
        long stored = admin.withHandle(h -> h.createQuery("SELECT count(*) FROM uploads WHERE account_id = :user")
                .bind("user", user).mapTo(Long.class).one());
        record(String.format("%s scenario %d (fault: %s): requests=%d answers[%s] 402s=%d final balance=%d "
                        + "ledger sum=%d charges=%d uploads stored=%d held=%d",
                getClass().getSimpleName(), scenario, describeFault(), requests, client.statuses(), client.count(402),
                balance, ledgerSum, charges, stored, held));

        assertThat(client.count(402)).isZero();
        assertThat(ledgerSum).isEqualTo(balance);
        long succeeded = expectedStatus() == 200 ? requests : 0;
        assertThat(client.count(200)).isEqualTo(succeeded);
        assertThat(charges).isEqualTo(succeeded);
        assertThat(stored).isEqualTo(succeeded);
        assertThat(balance).isEqualTo(CREDITS - 2 * succeeded);
        assertThat(held).isZero();
    }

    private String describeFault() {
        return fault().describe();
    }

    private static long uploadId(UploadClient.Answer upload) {
        Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(upload.body());
        assertThat(id.find()).as("an upload id in %s", upload.body()).isTrue();
        return Long.parseLong(id.group(1));
    }

    /** Appends a line to target/scenario-figures.txt, where the README's figures come from. */
    static void record(String line) {
        write("scenario-figures.txt", line + "\n");
    }

    private static void writeFirstAnswers() {
        StringBuilder all = new StringBuilder();
        UploadClient.FIRST_ANSWERS.forEach((kind, answer) -> all.append(answer).append("\n\n"));
        try {
            Files.writeString(Path.of("target", "http-answers.txt"), all.toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void write(String file, String text) {
        try {
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", file), text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
