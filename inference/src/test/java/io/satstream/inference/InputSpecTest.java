package io.satstream.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputSpecTest {

    private final InputSpec twoBands = new InputSpec(List.of("nir", "red"), 256, 1000f,
            new float[] {0.5f, 0.25f}, new float[] {0.2f, 0.1f});

    @Test
    void normalisesUint8PlanarRgb() {
        InputSpec spec = InputSpec.rgbUint8(256);
        byte[] planar = {0, (byte) 255, 10, (byte) 128, 20, (byte) 200}; // 3 bands x 2 pixels
        float[] dst = new float[1 + 6];

        spec.normalizeInto(planar, SampleType.UINT8, 2, dst, 1);

        float[] mean = spec.mean();
        float[] std = spec.std();
        int[] raw = {0, 255, 10, 128, 20, 200};
        assertThat(dst[0]).isZero();
        for (int i = 0; i < 6; i++) {
            int band = i / 2;
            assertThat(dst[1 + i]).isCloseTo((raw[i] / 255f - mean[band]) / std[band], within(1e-5f));
        }
    }

    @Test
    void normalisesLittleEndianUint16AndFloat32() {
        ByteBuffer u16 = ByteBuffer.allocate(2 * 2 * 3).order(ByteOrder.LITTLE_ENDIAN);
        int[] values = {0, 1000, 65535, 300, 40000, 7};
        for (int v : values) {
            u16.putShort((short) v);
        }
        float[] dst = new float[6];
        twoBands.normalizeInto(u16.array(), SampleType.UINT16, 3, dst, 0);
        for (int i = 0; i < 6; i++) {
            int b = i / 3;
            assertThat(dst[i]).isCloseTo((values[i] / 1000f - twoBands.mean()[b]) / twoBands.std()[b], within(1e-4f));
        }

        ByteBuffer f32 = ByteBuffer.allocate(4 * 2 * 3).order(ByteOrder.LITTLE_ENDIAN);
        float[] fv = {-1.5f, 0f, 2500f, 12.25f, 1e4f, 0.001f};
        for (float v : fv) {
            f32.putFloat(v);
        }
        twoBands.normalizeInto(f32.array(), SampleType.FLOAT32, 3, dst, 0);
        for (int i = 0; i < 6; i++) {
            int b = i / 3;
            assertThat(dst[i]).isCloseTo((fv[i] / 1000f - twoBands.mean()[b]) / twoBands.std()[b], within(1e-4f));
        }
    }

    private static byte[] floats(float... values) {
        ByteBuffer f32 = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            f32.putFloat(v);
        }
        return f32.array();
    }

    @Test
    void nanAndInfinitySamplesFeedTheModelAsTheBandMean() {
        float[] dst = new float[6];
        twoBands.normalizeInto(floats(Float.NaN, 500f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, 1000f),
                SampleType.FLOAT32, 3, dst, 0);
        assertThat(dst[0]).isZero();
        assertThat(dst[2]).isZero();
        assertThat(dst[3]).isZero();
        assertThat(dst[1]).isCloseTo((0.5f - 0.5f) / 0.2f, within(1e-5f));
        assertThat(dst[5]).isCloseTo((1f - 0.25f) / 0.1f, within(1e-5f));
    }

    @Test
    void firstOutOfRangeNamesTheFirstSampleWithDataOutsideZeroToScale() {
        // scale 1000: 3e38 in band red (second band), pixel 1, is out; NaN is no data and not looked at
        byte[] pixels = floats(0f, 1000f, Float.NaN, 12f, 3e38f, 5f);
        assertThat(twoBands.firstOutOfRange(pixels, SampleType.FLOAT32, 3, null))
                .isEqualTo("sample 3.0E38 in band red at pixel 1 is outside the model's input range [0, 1000.0]");
        // the same pixel marked as no data is skipped
        assertThat(twoBands.firstOutOfRange(pixels, SampleType.FLOAT32, 3, new byte[] {1, 0, 1})).isNull();
        assertThat(twoBands.firstOutOfRange(floats(-0.5f, 0f, 0f, 0f, 0f, 0f), SampleType.FLOAT32, 3, null))
                .startsWith("sample -0.5 in band nir at pixel 0");
    }

    @Test
    void uint16AboveAnEightBitModelsScaleIsOutOfRangeAndUint8NeverIs() {
        InputSpec rgb = InputSpec.rgbUint8(256);
        ByteBuffer u16 = ByteBuffer.allocate(2 * 3).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 255)
                .putShort((short) 0).putShort((short) 256);
        assertThat(rgb.firstOutOfRange(u16.array(), SampleType.UINT16, 1, null))
                .isEqualTo("sample 256.0 in band blue at pixel 0 is outside the model's input range [0, 255.0]");
        assertThat(rgb.firstOutOfRange(new byte[] {(byte) 255, 0, 7}, SampleType.UINT8, 1, null)).isNull();
    }

    @Test
    void rejectsBuffersOfTheWrongSize() {
        float[] dst = new float[100];
        assertThatThrownBy(() -> twoBands.normalizeInto(new byte[5], SampleType.UINT8, 3, dst, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 6 bytes (2 bands x 3 pixels x 1 bytes of UINT8), got 5");
        assertThatThrownBy(() -> twoBands.normalizeInto(new byte[6], SampleType.UINT16, 3, dst, 0))
                .hasMessageContaining("expected 12 bytes");
        assertThatThrownBy(() -> twoBands.normalizeInto(new byte[6], SampleType.UINT8, 3, new float[6], 1))
                .hasMessageContaining("no room for 6 values at offset 1");
        assertThatThrownBy(() -> twoBands.normalizeInto(new byte[0], SampleType.UINT8, 0, dst, 0))
                .hasMessageContaining("pixelCount must be positive");
    }

    @Test
    void validatesTheSpecItself() {
        assertThatThrownBy(() -> new InputSpec(List.of(), 256, 255f, new float[0], new float[0]))
                .hasMessageContaining("at least one band");
        assertThatThrownBy(() -> new InputSpec(List.of("r", "r"), 256, 255f, new float[2], new float[] {1, 1}))
                .hasMessageContaining("unique");
        assertThatThrownBy(() -> new InputSpec(List.of("r", "g"), 256, 255f, new float[1], new float[] {1, 1}))
                .hasMessageContaining("one value per band (2 bands), got 1 means and 2 stds");
        assertThatThrownBy(() -> new InputSpec(List.of("r"), 256, 255f, new float[1], new float[] {0}))
                .hasMessageContaining("std of band r must be positive");
        assertThatThrownBy(() -> new InputSpec(List.of("r"), 0, 255f, new float[1], new float[] {1}))
                .hasMessageContaining("tileSize");
        assertThatThrownBy(() -> new InputSpec(List.of("r"), 256, 0f, new float[1], new float[] {1}))
                .hasMessageContaining("scale");
    }

    @Test
    void isAValueWithDefensiveCopies() {
        float[] mean = {0.5f};
        InputSpec a = new InputSpec(List.of("pan"), 128, 255f, mean, new float[] {0.25f});
        mean[0] = 9f;
        a.mean()[0] = 7f;
        InputSpec b = new InputSpec(List.of("pan"), 128, 255f, new float[] {0.5f}, new float[] {0.25f});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.mean()).containsExactly(0.5f);
        assertThat(a.channels()).isEqualTo(1);
    }
}
