package io.satstream.app.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import picocli.CommandLine.TypeConversionException;

class VersionArgTest {

    @ParameterizedTest
    @CsvSource(value = {
        "3, , 3",
        "' 12 ', , 12",
        "unet@3, unet, 3",
        "my.model-v2@7, my.model-v2, 7",
    })
    void aNumberOrANameAtANumber(String value, String name, int version) {
        assertThat(VersionArg.parse(value)).isEqualTo(new VersionArg(name, version));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "0", "unet@0", "-1", "v3", "unet@", "@3", "unet@3.1", "1234567890"})
    void anythingElseIsAUsageErrorWithAnExample(String value) {
        assertThatThrownBy(() -> VersionArg.parse(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("give N or NAME@N");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x@1", "a b@1", "-x@2"})
    void aNameThatCannotBeAModelNameIsRefusedWithTheRule(String value) {
        assertThatThrownBy(() -> VersionArg.parse(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("invalid model name");
    }
}
