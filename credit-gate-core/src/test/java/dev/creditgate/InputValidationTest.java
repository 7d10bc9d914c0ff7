package dev.creditgate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every argument is validated at the gate, before any I/O, with a message that names it. */
class InputValidationTest {

    private static final String ACCOUNT = "acct";
    private static final long SEEDED_BALANCE = 90;

    /** 128 code points, 256 UTF-16 chars: at the limit, and every char is half of a surrogate pair. */
    private static final String EMOJI_128 = "\uD83D\uDE00".repeat(128);

    private final InMemoryBalanceStore store = new InMemoryBalanceStore();
    private final CreditGate gate = CreditGate.builder().store(store).build();
    private String seededCharge;
    private List<LedgerEntry> seededHistory;

    @BeforeEach
    void seed() {
        gate.grant(ACCOUNT, 100, "seed", "seed-grant");
        seededCharge = gate.charge(ChargeRequest.of(ACCOUNT, 10, "seed.charge").idempotencyKey("seed-charge"))
                .orElseThrow().transactionId();
        seededHistory = gate.history(ACCOUNT, 1_000);
        assertThat(seededHistory).hasSize(2);
    }

    /** A text argument of one gate operation; the other arguments are valid and address the seeded account. */
    enum TextArgument {
        CHARGE_ACCOUNT_ID("accountId", (gate, charge, value) -> gate.charge(value, 1, "act")),
        CHARGE_ACTION("action", (gate, charge, value) -> gate.charge(ACCOUNT, 1, value)),
        CHARGE_IDEMPOTENCY_KEY("idempotencyKey",
                (gate, charge, value) -> gate.charge(ChargeRequest.of(ACCOUNT, 1, "act").idempotencyKey(value))),
        GRANT_ACCOUNT_ID("accountId", (gate, charge, value) -> gate.grant(value, 1, "reason")),
        GRANT_REASON("reason", (gate, charge, value) -> gate.grant(ACCOUNT, 1, value)),
        GRANT_IDEMPOTENCY_KEY("idempotencyKey", (gate, charge, value) -> gate.grant(ACCOUNT, 1, "reason", value)),
        REFUND_TRANSACTION_ID("transactionId", (gate, charge, value) -> gate.refund(value, "reason")),
        REFUND_REASON("reason", (gate, charge, value) -> gate.refund(charge, value)),
        CHECKED_REFUND_ACCOUNT_ID("accountId", (gate, charge, value) -> gate.refund(value, charge, "reason")),
        CHECKED_REFUND_TRANSACTION_ID("transactionId", (gate, charge, value) -> gate.refund(ACCOUNT, value, "reason")),
        CHECKED_REFUND_REASON("reason", (gate, charge, value) -> gate.refund(ACCOUNT, charge, value)),
        BALANCE_ACCOUNT_ID("accountId", (gate, charge, value) -> gate.balance(value)),
        HISTORY_ACCOUNT_ID("accountId", (gate, charge, value) -> gate.history(value, 10)),
        HISTORY_CURSOR("cursor", (gate, charge, value) -> gate.history(HistoryQuery.newest(ACCOUNT, 10).after(value)));

        final String argumentName;
        private final Call call;

        TextArgument(String argumentName, Call call) {
            this.argumentName = argumentName;
            this.call = call;
        }

        void callWith(CreditGate gate, String seededCharge, String value) {
            call.run(gate, seededCharge, value);
        }

        @FunctionalInterface
        interface Call {
            void run(CreditGate gate, String seededCharge, String value);
        }
    }

    /** Text that breaks a rule. */
    enum BadText {
        NULL(null),
        EMPTY(""),
        BLANK(" \t\n\u2003 "),
        TOO_LONG("a".repeat(129)),
        TOO_LONG_IN_CODE_POINTS("\uD83D\uDE00".repeat(129)),
        CONTAINS_NUL("ab\0cd"),
        LONE_HIGH_SURROGATE("ab\uD83Dcd"),
        LONE_LOW_SURROGATE("\uDE00abc"),
        HIGH_SURROGATE_AT_END("abc\uD83D"),
        SURROGATES_IN_WRONG_ORDER("\uDE00\uD83D"),
        // Text that looks empty on every screen and in every log, though String.isBlank() says it is not.
        NO_BREAK_SPACE_ONLY("\u00A0"),
        ZERO_WIDTH_SPACE_ONLY("\u200B"),
        BYTE_ORDER_MARK_ONLY("\uFEFF"),
        INVISIBLE_MIX("\u00A0\u200B\uFEFF\u2060\u3000"),
        // Control characters rewrite what a log line or a terminal shows.
        LINE_BREAK("acct\nERROR forged log line"),
        ESCAPE_SEQUENCE("acct\u001B[2J"),
        DELETE_CHARACTER("acct\u007F");

        final String value;

        BadText(String value) {
            this.value = value;
        }
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> everyTextArgumentWithEveryBadValue() {
        return Arrays.stream(TextArgument.values()).flatMap(argument -> Arrays.stream(BadText.values())
                .map(bad -> org.junit.jupiter.params.provider.Arguments.of(argument, bad)));
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("everyTextArgumentWithEveryBadValue")
    void badTextIsRejectedNamingTheArgumentAndNothingIsWritten(TextArgument argument, BadText bad) {
        assertThatThrownBy(() -> argument.callWith(gate, seededCharge, bad.value))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(argument.argumentName + " must ");
        assertNothingWritten();
    }

    @Test
    void rejectionMessagesStateTheRuleAndTheOffendingValue() {
        SoftAssertions softly = new SoftAssertions();
        softly.assertThatThrownBy(() -> gate.charge(null, 1, "act"))
                .hasMessage("accountId must not be null");
        softly.assertThatThrownBy(() -> gate.charge(ACCOUNT, 1, "  "))
                .hasMessage("action must not be blank: it needs a visible character, got '  '");
        softly.assertThatThrownBy(() -> gate.charge("\u00A0\u200B\uFEFF", 1, "act"))
                .hasMessage("accountId must not be blank: it needs a visible character, got '\\u00A0\\u200B\\uFEFF'");
        softly.assertThatThrownBy(() -> gate.charge("acct\nforged", 1, "act"))
                .hasMessage("accountId must not contain control characters, found U+000A at index 4 of "
                        + "'acct\\u000Aforged'");
        softly.assertThatThrownBy(() -> gate.grant(ACCOUNT, 1, "r".repeat(129)))
                .hasMessage("reason must be at most 128 characters, got 129");
        softly.assertThatThrownBy(() -> gate.grant(ACCOUNT, 1, "reason", "key\0"))
                .hasMessage("idempotencyKey must not contain control characters, found U+0000 at index 3 of "
                        + "'key\\u0000'");
        softly.assertThatThrownBy(() -> gate.balance("ab\uD83Dcd"))
                .hasMessage("accountId must be valid Unicode, found a lone surrogate at index 2");
        softly.assertThatThrownBy(() -> gate.refund("\uDE00", "reason"))
                .hasMessage("transactionId must be valid Unicode, found a lone surrogate at index 0");
        softly.assertAll();
        assertNothingWritten();
    }

    @Test
    void rejectedInputNeverReachesTheStore() {
        ScriptedStore scripted = new ScriptedStore();
        CreditGate scriptedGate = CreditGate.builder().store(scripted).build();

        assertThatThrownBy(() -> scriptedGate.charge(ACCOUNT, 0, "act")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scriptedGate.grant(ACCOUNT, 5, "")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scriptedGate.refund("tx", null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> scriptedGate.history(ACCOUNT, 0)).isInstanceOf(IllegalArgumentException.class);

        assertThat(scripted.calls()).isEmpty();
    }

    @Test
    void visibleTextWithInvisibleCharactersInsideIsAcceptedAndStoredExactly() {
        String account = "\u00A0user\u200B1\uFEFF";

        gate.grant(account, 5, "name\u00A0with\u2060joiners");

        assertThat(gate.balance(account)).isEqualTo(OptionalLong.of(5));
        assertThat(gate.history(account, 1)).extracting(LedgerEntry::accountId).containsExactly(account);
    }

    @Test
    void textOf128EmojiCodePointsIsAcceptedAndStoredExactly() {
        String key = "k" + "\uD83D\uDE00".repeat(127);

        assertThat(gate.grant(EMOJI_128, 50, EMOJI_128, key)).isEqualTo(50);
        Charged charged = gate.charge(ChargeRequest.of(EMOJI_128, 7, EMOJI_128).idempotencyKey(EMOJI_128))
                .orElseThrow();

        assertThat(charged.accountId()).isEqualTo(EMOJI_128);
        assertThat(charged.action()).isEqualTo(EMOJI_128);
        assertThat(charged.idempotencyKey()).isEqualTo(EMOJI_128);
        assertThat(gate.balance(EMOJI_128)).isEqualTo(OptionalLong.of(43));
        assertThat(gate.history(EMOJI_128, 10))
                .extracting(LedgerEntry::reference, LedgerEntry::idempotencyKey)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(EMOJI_128, EMOJI_128),
                        org.assertj.core.groups.Tuple.tuple(EMOJI_128, key));
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -1, Long.MIN_VALUE})
    void chargeCostBelowOneIsRejected(long cost) {
        assertThatThrownBy(() -> gate.charge(ACCOUNT, cost, "act"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("cost must be at least 1, got " + cost);
        assertNothingWritten();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, -5, Long.MIN_VALUE})
    void grantAmountBelowOneIsRejected(long amount) {
        assertThatThrownBy(() -> gate.grant(ACCOUNT, amount, "reason"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount must be at least 1, got " + amount);
        assertThatThrownBy(() -> gate.grant("new-account", amount, "reason", "key-1"))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("amount must be at least 1, got " + amount);
        assertThat(gate.balance("new-account")).isEmpty();
        assertNothingWritten();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 1_001, Integer.MAX_VALUE})
    void historyLimitOutsideOneToThousandIsRejected(int limit) {
        assertThatThrownBy(() -> gate.history(ACCOUNT, limit))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("limit must be between 1 and 1000, got " + limit);
    }

    @Test
    void historyLimitsOfOneAndThousandAreAccepted() {
        assertThat(gate.history(ACCOUNT, 1)).containsExactly(seededHistory.get(0));
        assertThat(gate.history(ACCOUNT, 1_000)).isEqualTo(seededHistory);
    }

    private void assertNothingWritten() {
        assertThat(gate.balance(ACCOUNT)).isEqualTo(OptionalLong.of(SEEDED_BALANCE));
        assertThat(gate.history(ACCOUNT, 1_000)).isEqualTo(seededHistory);
    }
}
