package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrinterTest {

    @Test
    void labelsAreTheKeysAsLowerCaseWords() {
        assertThat(Printer.label("balanceAfter")).isEqualTo("balance after");
        assertThat(Printer.label("false402s")).isEqualTo("false 402s");
        assertThat(Printer.label("ledgerMatchesBalance")).isEqualTo("ledger matches balance");
        assertThat(Printer.label("accountId")).isEqualTo("account id");
    }

    @Test
    void fieldsPrintAsAlignedLinesAndAsOneObject() {
        View.Fields fields = new View.Fields("balance")
                .with("accountId", "user-1")
                .with("available", 98L)
                .with("found", true)
                .with("reverses", null);

        assertThat(Printer.table(fields)).isEqualTo("""
                balance
                  account id  user-1
                  available   98
                  found       yes
                  reverses    -
                """);
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("accountId", "user-1");
        expected.put("available", 98L);
        expected.put("found", true);
        expected.put("reverses", null);
        assertThat(JsonReader.parse(Printer.json(fields))).isEqualTo(expected);
    }

    @Test
    void rowsPrintAsATableWithNumbersRightAlignedAndAsAnArray() {
        View.Rows rows = new View.Rows("history", "kind", "amount")
                .add("grant", 100L)
                .add("charge", -2L);

        assertThat(Printer.table(rows)).isEqualTo("""
                history
                  kind    amount
                  grant      100
                  charge      -2
                """);
        assertThat(JsonReader.parse(Printer.json(rows))).isEqualTo(List.of(
                Map.of("kind", "grant", "amount", 100L), Map.of("kind", "charge", "amount", -2L)));
    }

    @Test
    void noRowsSayNone() {
        assertThat(Printer.table(new View.Rows("history", "kind"))).isEqualTo("history\n  kind\n  (none)\n");
        assertThat(Printer.json(new View.Rows("history", "kind"))).isEqualTo("[]\n");
    }

    @Test
    void columnsPrintSideBySideAndAsAnObjectOfObjects() {
        View.Columns columns = new View.Columns("results")
                .with("naiveGate", new View.Fields("").with("false402s", 176L).with("ledgerMatchesBalance", false))
                .with("creditGate", new View.Fields("").with("false402s", 0L).with("ledgerMatchesBalance", true))
                .note("a note for people");

        assertThat(Printer.table(columns)).isEqualTo("""
                results
                                          naive gate  credit gate
                  false 402s                     176            0
                  ledger matches balance          no          yes
                  a note for people
                """);
        assertThat(JsonReader.parse(Printer.json(columns))).isEqualTo(Map.of(
                "naiveGate", Map.of("false402s", 176L, "ledgerMatchesBalance", false),
                "creditGate", Map.of("false402s", 0L, "ledgerMatchesBalance", true)));
    }

    @Test
    void aGroupIsAnObjectOfItsMembersAndTheirTablesUnderItsHeading() {
        View.Group group = new View.Group("Part 1")
                .with("grant", new View.Fields("1. grant").with("amount", 100L));

        assertThat(Printer.table(group)).isEqualTo("== Part 1 ==\n\n1. grant\n  amount  100\n\n");
        assertThat(JsonReader.parse(Printer.json(group))).isEqualTo(Map.of("grant", Map.of("amount", 100L)));
    }
}
