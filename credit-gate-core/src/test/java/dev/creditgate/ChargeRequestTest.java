package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChargeRequestTest {

    @Test
    void ofCarriesTheFieldsAndNoKey() {
        ChargeRequest request = ChargeRequest.of("user-1", 2, "audio.upload");

        assertThat(request.accountId()).isEqualTo("user-1");
        assertThat(request.cost()).isEqualTo(2);
        assertThat(request.action()).isEqualTo("audio.upload");
        assertThat(request.idempotencyKey()).isEqualTo(Optional.empty());
        assertThat(request).hasToString(
                "ChargeRequest[accountId=user-1, cost=2, action=audio.upload, idempotencyKey=(fresh)]");
    }

    @Test
    void idempotencyKeyReturnsANewRequestAndLeavesTheOriginalUnchanged() {
        ChargeRequest original = ChargeRequest.of("user-1", 2, "audio.upload");

        ChargeRequest keyed = original.idempotencyKey("req-123");

        assertThat(keyed).isNotSameAs(original).isNotEqualTo(original);
        assertThat(keyed.idempotencyKey()).isEqualTo(Optional.of("req-123"));
        assertThat(keyed.accountId()).isEqualTo("user-1");
        assertThat(keyed.cost()).isEqualTo(2);
        assertThat(keyed.action()).isEqualTo("audio.upload");
        assertThat(original.idempotencyKey()).isEqualTo(Optional.empty());
        assertThat(keyed.idempotencyKey("req-456").idempotencyKey()).isEqualTo(Optional.of("req-456"));
    }

    @Test
    void equalsAndHashCodeCoverEveryField() {
        ChargeRequest request = ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-1");
        ChargeRequest same = ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-1");

        assertThat(request).isEqualTo(same).hasSameHashCodeAs(same);
        assertThat(ChargeRequest.of("user-1", 2, "audio.upload"))
                .isEqualTo(ChargeRequest.of("user-1", 2, "audio.upload"))
                .hasSameHashCodeAs(ChargeRequest.of("user-1", 2, "audio.upload"));
        assertThat(request)
                .isNotEqualTo(ChargeRequest.of("user-2", 2, "audio.upload").idempotencyKey("req-1"))
                .isNotEqualTo(ChargeRequest.of("user-1", 3, "audio.upload").idempotencyKey("req-1"))
                .isNotEqualTo(ChargeRequest.of("user-1", 2, "video.upload").idempotencyKey("req-1"))
                .isNotEqualTo(ChargeRequest.of("user-1", 2, "audio.upload").idempotencyKey("req-2"))
                .isNotEqualTo(ChargeRequest.of("user-1", 2, "audio.upload"))
                .isNotEqualTo(null)
                .isNotEqualTo("user-1");
    }
}
