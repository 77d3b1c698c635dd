package io.satstream.inference;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * What a model expects as input: band order, nominal tile size and per-band normalisation
 * {@code (sample / scale - mean[b]) / std[b]}. Samples are expected in {@code [0, scale]}, the range the model
 * was trained on ({@link #firstOutOfRange}); a NaN or infinite sample feeds the model as the band's mean (0
 * after normalisation), so it cannot spread to its neighbours' scores: such pixels have no data.
 */
public record InputSpec(List<String> bands, int tileSize, float scale, float[] mean, float[] std) {

    private static final VarHandle LE_SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LE_FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    public InputSpec {
        Objects.requireNonNull(bands, "bands");
        Objects.requireNonNull(mean, "mean");
        Objects.requireNonNull(std, "std");
        if (bands.isEmpty()) {
            throw new IllegalArgumentException("an input spec needs at least one band");
        }
        if (new HashSet<>(bands).size() != bands.size()) {
            throw new IllegalArgumentException("band names must be unique: " + bands);
        }
        for (String band : bands) {
            if (band == null || band.isBlank()) {
                throw new IllegalArgumentException("band names must be non-blank: " + bands);
            }
        }
        if (tileSize <= 0) {
            throw new IllegalArgumentException("tileSize must be positive: " + tileSize);
        }
        if (!(scale > 0) || Float.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be a positive finite number: " + scale);
        }
        if (mean.length != bands.size() || std.length != bands.size()) {
            throw new IllegalArgumentException("mean and std need one value per band (" + bands.size() + " bands), got "
                    + mean.length + " means and " + std.length + " stds");
        }
        for (int b = 0; b < bands.size(); b++) {
            if (!Float.isFinite(mean[b])) {
                throw new IllegalArgumentException("mean of band " + bands.get(b) + " is not finite: " + mean[b]);
            }
            if (!(std[b] > 0) || Float.isInfinite(std[b])) {
                throw new IllegalArgumentException("std of band " + bands.get(b) + " must be positive and finite: " + std[b]);
            }
        }
        bands = List.copyOf(bands);
        mean = mean.clone();
        std = std.clone();
    }

    /** Red, green, blue 8-bit samples normalised with the ImageNet statistics most backbones were tuned on. */
    public static InputSpec rgbUint8(int tileSize) {
        return new InputSpec(List.of("red", "green", "blue"), tileSize, 255f,
                new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
    }

    public int channels() {
        return bands.size();
    }

    @Override
    public float[] mean() {
        return mean.clone();
    }

    @Override
    public float[] std() {
        return std.clone();
    }

    /**
     * Normalises a band-sequential (planar) buffer holding {@code channels()} bands of {@code pixelCount}
     * samples each into {@code dst[dstOffset ..]}, band by band, i.e. one CHW image of a NCHW batch.
     */
    public void normalizeInto(byte[] planarPixels, SampleType type, int pixelCount, float[] dst, int dstOffset) {
        Objects.requireNonNull(planarPixels, "planarPixels");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(dst, "dst");
        int channels = bands.size();
        if (pixelCount <= 0) {
            throw new IllegalArgumentException("pixelCount must be positive: " + pixelCount);
        }
        long expectedBytes = (long) channels * pixelCount * type.bytesPerSample();
        if (planarPixels.length != expectedBytes) {
            throw new IllegalArgumentException("expected " + expectedBytes + " bytes (" + channels + " bands x "
                    + pixelCount + " pixels x " + type.bytesPerSample() + " bytes of " + type + "), got "
                    + planarPixels.length);
        }
        long values = (long) channels * pixelCount;
        if (dstOffset < 0 || dstOffset + values > dst.length) {
            throw new IllegalArgumentException("destination of length " + dst.length + " has no room for " + values
                    + " values at offset " + dstOffset);
        }
        for (int b = 0; b < channels; b++) {
            // (v / scale - mean) / std folded into one multiply-add per sample
            float gain = 1f / (scale * std[b]);
            float bias = -mean[b] / std[b];
            int out = dstOffset + b * pixelCount;
            int in = b * pixelCount;
            switch (type) {
                case UINT8 -> {
                    for (int i = 0; i < pixelCount; i++) {
                        dst[out + i] = (planarPixels[in + i] & 0xFF) * gain + bias;
                    }
                }
                case UINT16 -> {
                    int byteIn = in * 2;
                    for (int i = 0; i < pixelCount; i++) {
                        int v = ((short) LE_SHORT.get(planarPixels, byteIn + 2 * i)) & 0xFFFF;
                        dst[out + i] = v * gain + bias;
                    }
                }
                case FLOAT32 -> {
                    int byteIn = in * 4;
                    for (int i = 0; i < pixelCount; i++) {
                        float v = (float) LE_FLOAT.get(planarPixels, byteIn + 4 * i);
                        dst[out + i] = Float.isFinite(v) ? v * gain + bias : 0f;
                    }
                }
            }
        }
    }

    /**
     * The first sample with data that lies outside {@code [0, scale]}, the range this model takes, as a
     * sentence naming its band, pixel and value; null when every sample fits. NaN and infinite samples are not
     * looked at: they are no data (see {@code ValidPixels}).
     *
     * @param valid one byte per pixel, 0 where the pixel has no data (skipped), or null when every pixel has data
     */
    public String firstOutOfRange(byte[] planarPixels, SampleType type, int pixelCount, byte[] valid) {
        if (type == SampleType.UINT8 && scale >= 255f) {
            return null; // every uint8 sample fits
        }
        for (int b = 0; b < bands.size(); b++) {
            int in = b * pixelCount;
            for (int i = 0; i < pixelCount; i++) {
                if (valid != null && valid[i] == 0) {
                    continue;
                }
                double v = switch (type) {
                    case UINT8 -> planarPixels[in + i] & 0xFF;
                    case UINT16 -> ((short) LE_SHORT.get(planarPixels, 2 * (in + i))) & 0xFFFF;
                    case FLOAT32 -> (float) LE_FLOAT.get(planarPixels, 4 * (in + i));
                };
                if ((v < 0 || v > scale) && Double.isFinite(v)) {
                    return "sample " + (float) v + " in band " + bands.get(b) + " at pixel " + i
                            + " is outside the model's input range [0, " + scale + "]";
                }
            }
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec other
                && tileSize == other.tileSize
                && Float.compare(scale, other.scale) == 0
                && bands.equals(other.bands)
                && Arrays.equals(mean, other.mean)
                && Arrays.equals(std, other.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bands, tileSize, scale, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return "InputSpec[bands=" + bands + ", tileSize=" + tileSize + ", scale=" + scale
                + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std) + "]";
    }
}
