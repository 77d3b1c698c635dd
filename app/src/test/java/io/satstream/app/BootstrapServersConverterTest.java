package io.satstream.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine.TypeConversionException;

class BootstrapServersConverterTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "127.0.0.1:9092|127.0.0.1:9092",
        "kafka-1.example.org:19092|kafka-1.example.org:19092",
        "a:1, b:2|a:1,b:2",
        "[::1]:9092|[::1]:9092",
    })
    void acceptsHostPortLists(String text, String normalised) {
        assertThat(new BootstrapServersConverter().convert(text)).isEqualTo(normalised);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "localhost:", ":9092", "host:0", "host:70000", "host:port", "a:1,", "http://a:1"})
    void rejectsTheRest(String text) {
        assertThatThrownBy(() -> new BootstrapServersConverter().convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("HOST:PORT");
    }
}
