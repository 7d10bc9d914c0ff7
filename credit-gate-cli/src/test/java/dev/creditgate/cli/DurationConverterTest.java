package dev.creditgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    private final DurationConverter converter = new DurationConverter();

    @Test
    void readsANumberAndAUnit() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(converter.convert("7D")).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void readsIso8601() {
        assertThat(converter.convert("PT1H30M")).isEqualTo(Duration.ofMinutes(90));
    }

    @Test
    void rejectsAnythingElseNamingTheValue() {
        assertThatThrownBy(() -> converter.convert("5 minutes"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessage("'5 minutes' is not a duration such as 30s, 5m, 2h, 7d or PT5M");
        assertThatThrownBy(() -> converter.convert("-5m")).isInstanceOf(CommandLine.TypeConversionException.class);
        assertThatThrownBy(() -> converter.convert("PT-5M")).isInstanceOf(CommandLine.TypeConversionException.class);
    }

    @Test
    void formatsInTheLargestWholeUnit() {
        assertThat(DurationConverter.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(DurationConverter.format(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(DurationConverter.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(DurationConverter.format(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(DurationConverter.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(DurationConverter.format(Duration.ZERO)).isEqualTo("0ms");
    }
}
