package io.satstream.app.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import picocli.CommandLine.TypeConversionException;

class StoreUriConverterTest {

    @ParameterizedTest
    @CsvSource({
        "file:/srv/models, /srv/models",
        "file:///srv/models, /srv/models",
        "file://localhost/srv/models, /srv/models",
        "FILE:/srv/models/, /srv/models",
        "file:/srv/my%20models, /srv/my models",
        "/srv/models/../models, /srv/models",
        "' /srv/models ', /srv/models",
    })
    void fileUrisAndAbsolutePathsGiveTheDirectory(String value, String expected) {
        assertThat(StoreUriConverter.parse(value)).isEqualTo(Path.of(expected));
    }

    @Test
    void relativePathsAreResolvedAgainstTheCurrentDirectory() {
        assertThat(StoreUriConverter.parse("store/models"))
                .isEqualTo(Path.of("").toAbsolutePath().resolve("store/models").normalize());
        // A one-letter prefix is a path, not a scheme.
        assertThat(StoreUriConverter.parse("c:models")).isEqualTo(Path.of("c:models").toAbsolutePath());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "s3://bucket/models | the model store is a local directory; --store takes a path or a file: URI, not s3:",
        "https://example.com/models | not https:",
        "hdfs:/models | not hdfs:",
        "file://nas/models | names host 'nas'",
        "file:models | is not an absolute file: URI",
        "file:/srv/my models | is not a valid file: URI",
        "'  ' | --store must not be empty",
    })
    void otherSchemesAndBadFileUrisAreUsageErrors(String value, String message) {
        assertThatThrownBy(() -> StoreUriConverter.parse(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining(message);
    }
}
