package io.satstream.jobs.pretrain;

import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Decides whether a tile is worth a place in the pretraining buffer, and if not, why. Checks, in order:
 * <ul>
 *   <li>{@code nodata}: more than {@code maxNoDataFraction} of its pixels have no data;</li>
 *   <li>{@code cloud}: more than {@code maxCloudFraction} of its valid pixels are bright and colourless in every band
 *       (a heuristic for cloud and haze in 8-bit optical imagery: all bands at least {@value #CLOUD_BRIGHTNESS}, spread
 *       across bands at most {@value #CLOUD_SPREAD});</li>
 *   <li>{@code flat}: the mean per-band standard deviation of its valid pixels is below {@code minStdDev} (nothing to
 *       learn from a uniform tile);</li>
 *   <li>{@code duplicate}: its 64-bit average hash (8 x 8 block means of the band average, each above or below their
 *       median) is within {@code maxHashDistance} bits of one of the last {@code recentHashes} admitted tiles.</li>
 * </ul>
 * One instance per Flink subtask; not thread-safe.
 */
public final class TileAdmission {

    public static final String NODATA = "nodata";
    public static final String CLOUD = "cloud";
    public static final String FLAT = "flat";
    public static final String DUPLICATE = "duplicate";
    /** Every reason, as metrics name them. */
    public static final List<String> REASONS = List.of(NODATA, CLOUD, FLAT, DUPLICATE);

    static final int CLOUD_BRIGHTNESS = 215;
    static final int CLOUD_SPREAD = 20;

    /**
     * Thresholds.
     *
     * @param maxNoDataFraction refuse above this share of no-data pixels
     * @param maxCloudFraction refuse above this share of cloud-like valid pixels
     * @param minStdDev refuse below this mean per-band standard deviation (8-bit units)
     * @param maxHashDistance refuse within this many differing hash bits of a recent tile (-1 turns the check off)
     * @param recentHashes how many admitted tiles the duplicate check remembers
     */
    public record Thresholds(double maxNoDataFraction, double maxCloudFraction, double minStdDev, int maxHashDistance,
            int recentHashes) implements Serializable {

        public static Thresholds defaults() {
            return new Thresholds(0.2, 0.5, 2.0, 2, 256);
        }

        public Thresholds {
            if (!(maxNoDataFraction >= 0 && maxNoDataFraction <= 1) || !(maxCloudFraction >= 0
                    && maxCloudFraction <= 1)) {
                throw new IllegalArgumentException("fractions must be in [0, 1]: no-data " + maxNoDataFraction
                        + ", cloud " + maxCloudFraction);
            }
            if (!(minStdDev >= 0)) {
                throw new IllegalArgumentException("minStdDev must be >= 0: " + minStdDev);
            }
            if (maxHashDistance < -1 || maxHashDistance > 64 || recentHashes < 1) {
                throw new IllegalArgumentException("maxHashDistance must be -1..64 and recentHashes >= 1: "
                        + maxHashDistance + ", " + recentHashes);
            }
        }
    }

    private final Thresholds thresholds;
    private final Deque<Long> recent = new ArrayDeque<>();

    public TileAdmission(Thresholds thresholds) {
        this.thresholds = thresholds;
    }

    /**
     * Null when the tile is admitted (its hash is then remembered), else the reason it is refused.
     *
     * @param pixels band-sequential 8-bit samples, {@code bands * width * height}
     * @param valid one byte per pixel, 0 = no data; null when every pixel has data
     */
    public String refusal(byte[] pixels, int width, int height, int bands, byte[] valid) {
        int plane = width * height;
        int validCount = 0;
        int cloudy = 0;
        for (int p = 0; p < plane; p++) {
            if (valid != null && valid[p] == 0) {
                continue;
            }
            validCount++;
            int min = 255;
            int max = 0;
            for (int b = 0; b < bands; b++) {
                int v = pixels[b * plane + p] & 0xFF;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (min >= CLOUD_BRIGHTNESS && max - min <= CLOUD_SPREAD) {
                cloudy++;
            }
        }
        if (plane - validCount > thresholds.maxNoDataFraction() * plane || validCount == 0) {
            return NODATA;
        }
        if (cloudy > thresholds.maxCloudFraction() * validCount) {
            return CLOUD;
        }
        if (meanStdDev(pixels, plane, bands, valid, validCount) < thresholds.minStdDev()) {
            return FLAT;
        }
        if (thresholds.maxHashDistance() >= 0) {
            long hash = averageHash(pixels, width, height, bands);
            for (long h : recent) {
                if (Long.bitCount(h ^ hash) <= thresholds.maxHashDistance()) {
                    return DUPLICATE;
                }
            }
            recent.addLast(hash);
            if (recent.size() > thresholds.recentHashes()) {
                recent.removeFirst();
            }
        }
        return null;
    }

    private static double meanStdDev(byte[] pixels, int plane, int bands, byte[] valid, int validCount) {
        double total = 0;
        for (int b = 0; b < bands; b++) {
            double sum = 0;
            double sumSq = 0;
            for (int p = 0; p < plane; p++) {
                if (valid != null && valid[p] == 0) {
                    continue;
                }
                int v = pixels[b * plane + p] & 0xFF;
                sum += v;
                sumSq += (double) v * v;
            }
            double mean = sum / validCount;
            total += Math.sqrt(Math.max(0, sumSq / validCount - mean * mean));
        }
        return total / bands;
    }

    /** 8 x 8 block means of the band average; bit i set when block i is above the median block. */
    static long averageHash(byte[] pixels, int width, int height, int bands) {
        int plane = width * height;
        double[] blocks = new double[64];
        int[] counts = new int[64];
        for (int y = 0; y < height; y++) {
            int by = y * 8 / height;
            for (int x = 0; x < width; x++) {
                int bx = x * 8 / width;
                int sum = 0;
                for (int b = 0; b < bands; b++) {
                    sum += pixels[b * plane + y * width + x] & 0xFF;
                }
                blocks[by * 8 + bx] += (double) sum / bands;
                counts[by * 8 + bx]++;
            }
        }
        double[] means = new double[64];
        for (int i = 0; i < 64; i++) {
            means[i] = counts[i] == 0 ? 0 : blocks[i] / counts[i];
        }
        double[] sorted = means.clone();
        Arrays.sort(sorted);
        double median = (sorted[31] + sorted[32]) / 2;
        long hash = 0;
        for (int i = 0; i < 64; i++) {
            if (means[i] > median) {
                hash |= 1L << i;
            }
        }
        return hash;
    }
}
