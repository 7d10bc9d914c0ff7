package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void quoteEscapesQuotesBackslashesAndEveryControlCharacter() {
        assertThat(Json.quote("say \"hi\" \\ now")).isEqualTo("\"say \\\"hi\\\" \\\\ now\"");
        assertThat(Json.quote("a\nb\rc\td")).isEqualTo("\"a\\nb\\rc\\td\"");
        assertThat(Json.quote("\u0000\u0001\u001f\u007f")).isEqualTo("\"\\u0000\\u0001\\u001f\\u007f\"");
        assertThat(Json.quote("line\u2028para\u2029")).isEqualTo("\"line\\u2028para\\u2029\"");
    }

    @Test
    void quoteKeepsOtherUnicodeAsItIs() {
        assertThat(Json.quote("Zoë 💳 '; drop table")).isEqualTo("\"Zoë 💳 '; drop table\"");
    }

    @Test
    void everyStringSurvivesAWriteAndAParse() {
        String nasty = "\"\\/\b\f\n\r\t\u0000\u001b[31m\u2028 Zoë 💳 '; drop table credit_accounts; --";
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(nasty, nasty);
        document.put("numbers", List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE));
        document.put("flags", Arrays.asList(true, false, null));
        document.put("empty", Map.of());
        document.put("nothing", List.of());

        assertThat(JsonReader.parse(Json.write(document))).isEqualTo(document);
    }

    @Test
    void rawJsonIsEmbeddedAsItIs() {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("problem", new View.RawJson("{\"status\":402}"));

        assertThat(JsonReader.parse(Json.write(document))).isEqualTo(Map.of("problem", Map.of("status", 402L)));
    }
}
