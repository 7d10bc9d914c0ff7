package dev.creditgate.jdbi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditgate.AmbiguousStoreException;
import dev.creditgate.CreditStoreMisconfiguredException;
import dev.creditgate.TransientStoreException;
import java.sql.SQLException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** How each SQLSTATE, found anywhere in the cause chain, is classified. */
class SqlFailuresTest {

    private static RuntimeException failure(String sqlState) {
        return new IllegalStateException("jdbi wrapper", new RuntimeException("middle",
                new SQLException("ERROR: something\n  Detail: Key (account_id)=(secret) exists", sqlState)));
    }

    @ParameterizedTest(name = "{0} during a statement is {1}")
    @CsvSource({
            "40001, TransientStoreException", "40P01, TransientStoreException", "55P03, TransientStoreException",
            "57014, TransientStoreException", "53300, TransientStoreException", "57P03, TransientStoreException",
            "25006, TransientStoreException", "08001, TransientStoreException", "25P03, TransientStoreException",
            "08003, AmbiguousStoreException", "08006, AmbiguousStoreException", "57P01, AmbiguousStoreException",
            "57P02, AmbiguousStoreException", "40003, AmbiguousStoreException", "08000, AmbiguousStoreException",
            "42P01, CreditStoreMisconfiguredException", "42501, CreditStoreMisconfiguredException",
            "42703, CreditStoreMisconfiguredException", "3F000, CreditStoreMisconfiguredException",
            "28P01, CreditStoreMisconfiguredException", "23502, CreditStoreMisconfiguredException",
            "22003, ArithmeticException"})
    void statementFailuresAreClassifiedBySqlState(String sqlState, String expected) {
        RuntimeException translated = SqlFailures.translate("charge", failure(sqlState), false);

        assertThat(translated.getClass().getSimpleName()).isEqualTo(expected);
        assertThat(translated).hasRootCauseInstanceOf(SQLException.class);
    }

    @ParameterizedTest(name = "{0} while connecting is transient")
    @CsvSource({"08001", "08006", "57P01", "53300"})
    void connectionFailuresBeforeAnythingWasSentAreTransient(String sqlState) {
        assertThat(SqlFailures.translate("charge", failure(sqlState), true))
                .isInstanceOf(TransientStoreException.class);
    }

    @Test
    void aWrongPasswordIsAMisconfigurationEvenWhileConnecting() {
        assertThat(SqlFailures.translate("charge", failure("28P01"), true))
                .isInstanceOf(CreditStoreMisconfiguredException.class)
                .hasMessageContaining("user and password");
    }

    @Test
    void aJdbcFailureWithoutSqlStateMayHaveBeenAppliedSoItIsAmbiguous() {
        RuntimeException closed = new IllegalStateException("jdbi", new SQLException("Connection is closed"));

        assertThat(SqlFailures.translate("charge", closed, false)).isInstanceOf(AmbiguousStoreException.class);
    }

    @Test
    void aFailureWithoutAnySqlExceptionIsABugAndPassesThroughUnchanged() {
        NullPointerException bug = new NullPointerException("bug");

        assertThat(SqlFailures.translate("charge", bug, false)).isSameAs(bug);
    }

    @Test
    void messagesKeepOnlyTheFirstLineOfTheServerErrorSoNoRowValuesLeak() {
        assertThat(SqlFailures.translate("charge", failure("40001"), false).getMessage())
                .isEqualTo("charge failed with SQLSTATE 40001: ERROR: something")
                .doesNotContain("secret");
    }
}
