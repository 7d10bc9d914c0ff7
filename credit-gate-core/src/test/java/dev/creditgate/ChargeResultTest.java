package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChargeResultTest {

    private static final DebugContext DEBUG = DebugContext.observed("req-1", "in-memory", Optional.empty());

    private final Charged charged = new Charged("tx-1", "user-1", "audio.upload", 2, 19_998, "req-1", false);
    private final InsufficientCredits insufficient = new InsufficientCredits("user-1", "audio.upload", 5, 3, DEBUG);
    private final AccountNotFound notFound = new AccountNotFound("user-1", "audio.upload", DEBUG);

    @Test
    void orElseThrowReturnsTheChargedItself() {
        assertThat(charged.orElseThrow()).isSameAs(charged);
        assertThat(charged.asReplay().orElseThrow().replayed()).isTrue();
    }

    @Test
    void orElseThrowOnInsufficientCreditsThrowsCarryingTheResult() {
        assertThatThrownBy(insufficient::orElseThrow)
                .isExactlyInstanceOf(InsufficientCreditsException.class)
                .isInstanceOf(CreditGateException.class)
                .hasMessage("insufficient credits for 'audio.upload': required 5, available 3")
                .hasNoCause()
                .asInstanceOf(type(InsufficientCreditsException.class))
                .extracting(InsufficientCreditsException::result)
                .isSameAs(insufficient);
    }

    @Test
    void orElseThrowOnAccountNotFoundThrowsCarryingTheResult() {
        assertThatThrownBy(notFound::orElseThrow)
                .isExactlyInstanceOf(AccountNotFoundException.class)
                .isInstanceOf(CreditGateException.class)
                .hasMessage("no credit account 'user-1' for 'audio.upload'")
                .hasNoCause()
                .asInstanceOf(type(AccountNotFoundException.class))
                .extracting(AccountNotFoundException::result)
                .isSameAs(notFound);
    }

    @Test
    void isChargedOnlyForCharged() {
        assertThat(charged.isCharged()).isTrue();
        assertThat(charged.asReplay().isCharged()).isTrue();
        assertThat(insufficient.isCharged()).isFalse();
        assertThat(notFound.isCharged()).isFalse();
    }
}
