package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

    @ParameterizedTest
    @CsvSource({
        "90s, 90000",
        "5m, 300000",
        "1h, 3600000",
        "250ms, 250",
        "90, 90000",
        "1.5, 1500",
        "0, 0",
        "1h30m, 5400000",
        "2m30s, 150000",
        "1.5s, 1500",
        "2d, 172800000",
        "' 10s ', 10000",
        "PT2M, 120000",
        "10S, 10000",
    })
    void parsesUnitsPlainSecondsAndIso(String text, long millis) {
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "abc", "5x", "-5s", "-5", "s", "1.2.3", "10 s", "m5", "5m-", "PT-5S"})
    void rejectsEverythingElseWithExamples(String text) {
        assertThatThrownBy(() -> new DurationConverter().convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("90s");
    }

    @org.junit.jupiter.api.Test
    void rejectsDurationsBeyondWhatJavaHolds() {
        assertThatThrownBy(() -> DurationConverter.parse("99999999999999999999h"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("too long");
    }

    @ParameterizedTest
    @CsvSource({"250, 250ms", "90000, 90s", "1500, 1.5s", "0, 0ms"})
    void formatsShortly(long millis, String text) {
        assertThat(DurationConverter.format(Duration.ofMillis(millis))).isEqualTo(text);
        assertThat(DurationConverter.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }
}
