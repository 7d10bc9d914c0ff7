package dev.creditgate.examples.upload;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The incident's upload service done right: {@code POST /api/upload} costs 2 credits, charged by
 * {@code @ChargeCredits} around the handler, and never answers 402 to a user who holds the credits.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class UploadServiceApplication {

    /**
     * Starts the service: against the PostgreSQL in {@code spring.datasource.url}, or on an embedded one when none is
     * configured.
     *
     * @param args Spring Boot's command-line arguments, such as {@code --server.port=8081}
     */
    public static void main(String[] args) {
        SpringApplication.run(UploadServiceApplication.class, args);
    }
}
