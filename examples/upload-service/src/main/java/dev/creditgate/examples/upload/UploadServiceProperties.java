package dev.creditgate.examples.upload;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The example's own settings, {@code upload-service.*}.
 *
 * @param users the demo users, each name with the credits granted at start-up (once: the grant is idempotent)
 * @param password the demo users' password (default {@code demo})
 * @param grantCredits whether to grant the demo users their credits at start-up (default true)
 */
@ConfigurationProperties("upload-service")
public record UploadServiceProperties(
        Map<String, Long> users,
        @DefaultValue("demo") String password,
        @DefaultValue("true") boolean grantCredits) {

    /**
     * Keeps the users unmodifiable and never null.
     *
     * @param users the demo users and their credits
     * @param password the demo users' password
     * @param grantCredits whether to grant the credits at start-up
     */
    public UploadServiceProperties {
        users = users == null ? Map.of() : Map.copyOf(users);
    }
}
