package io.satstream.raster;

import static org.assertj.core.api.Assertions.assertThat;

import io.satstream.schemas.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;

/** NaN and infinite samples make a float pixel "no data", whichever band holds them. */
class ValidPixelsNonFiniteTest {

    private static RasterImage floats(int width, int bands, float... samples) {
        ByteBuffer buffer = ByteBuffer.allocate(samples.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : samples) {
            buffer.putFloat(v);
        }
        List<String> names = bands == 1 ? List.of("a") : List.of("a", "b");
        return new RasterImage(width, samples.length / bands / width, names, DataType.FLOAT32, buffer.array(), null,
                null);
    }

    @Test
    void nanAndBothInfinitiesInAnyBandMarkThePixelAsNoData() {
        // band a: 1, NaN, 3, 4 ; band b: 5, 6, +Inf, -Inf
        RasterImage image = floats(4, 2, 1f, Float.NaN, 3f, 4f, 5f, 6f, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY);
        assertThat(ValidPixels.of(image)).containsExactly(1, 0, 0, 0);
    }

    @Test
    void aTileOfFiniteFloatsNeedsNoValidityArray() {
        assertThat(ValidPixels.of(floats(2, 1, 0f, 3e38f))).isNull();
    }

    @Test
    void aTileFullOfNaNHasNoPixelWithData() {
        byte[] valid = ValidPixels.of(floats(3, 1, Float.NaN, Float.NaN, Float.NaN));
        assertThat(ValidPixels.count(valid, 3)).isZero();
    }
}
