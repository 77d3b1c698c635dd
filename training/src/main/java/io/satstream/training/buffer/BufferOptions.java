package io.satstream.training.buffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The shape and capacity of a {@link PretrainingBuffer}, built with {@link #builder()}; {@link Builder#build()}
 * checks everything at once and names every problem.
 *
 * <p>Every slot holds {@code bands x slotSize x slotSize} uint8 pixels plus {@code slotSize x slotSize} uint8 labels
 * ({@link #bytesPerSlot()}, whether or not a tile has labels). The buffer has {@link #slots()} =
 * {@code min(maxTiles, maxBytes / bytesPerSlot)} slots; {@code maxBytes} bounds the device storage only — the
 * host-side staging ring takes about {@code 3 x stagingCapacity x bytesPerSlot} more on the Java heap.
 */
public final class BufferOptions {

    /** Side of a slot in pixels: tiles are cropped to this. */
    public static final int DEFAULT_SLOT_SIZE = 128;
    /** Bands of every tile (RGB). */
    public static final int DEFAULT_BANDS = 3;
    /** At most this many tiles. */
    public static final int DEFAULT_MAX_TILES = 2048;
    /** At most this much device memory for the slots: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;
    /** Tiles waiting for the trainer to copy them to the device; older ones are overwritten beyond this. */
    public static final int DEFAULT_STAGING_CAPACITY = 64;
    /** Follow the stream; {@link AdmissionPolicy#RESERVOIR} keeps a uniform sample of all of it instead. */
    public static final AdmissionPolicy DEFAULT_ADMISSION = AdmissionPolicy.FIFO;
    public static final long DEFAULT_SEED = 42L;

    /** Smallest slot side accepted. */
    public static final int MIN_SLOT_SIZE = 8;
    /** Most bands accepted. */
    public static final int MAX_BANDS = 256;

    private final int slotSize;
    private final int bands;
    private final int maxTiles;
    private final long maxBytes;
    private final int stagingCapacity;
    private final AdmissionPolicy admission;
    private final long seed;

    private BufferOptions(Builder b) {
        this.slotSize = b.slotSize;
        this.bands = b.bands;
        this.maxTiles = b.maxTiles;
        this.maxBytes = b.maxBytes;
        this.stagingCapacity = b.stagingCapacity;
        this.admission = b.admission;
        this.seed = b.seed;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: {@code builder().build()}. */
    public static BufferOptions defaults() {
        return builder().build();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        return new Builder().slotSize(slotSize).bands(bands).maxTiles(maxTiles).maxBytes(maxBytes)
                .stagingCapacity(stagingCapacity).admission(admission).seed(seed);
    }

    public int slotSize() {
        return slotSize;
    }

    public int bands() {
        return bands;
    }

    public int maxTiles() {
        return maxTiles;
    }

    public long maxBytes() {
        return maxBytes;
    }

    public int stagingCapacity() {
        return stagingCapacity;
    }

    public AdmissionPolicy admission() {
        return admission;
    }

    public long seed() {
        return seed;
    }

    /** Pixel bytes of one slot: {@code bands x slotSize x slotSize}. */
    public int pixelBytesPerSlot() {
        return bands * labelBytesPerSlot();
    }

    /** Label bytes of one slot: {@code slotSize x slotSize}. */
    public int labelBytesPerSlot() {
        return slotSize * slotSize;
    }

    /** Device bytes of one slot, labels included. */
    public long bytesPerSlot() {
        return bytesPerSlot(bands, slotSize);
    }

    /** The number of slots: {@code min(maxTiles, maxBytes / bytesPerSlot)}. */
    public int slots() {
        return (int) Math.min(maxTiles, maxBytes / bytesPerSlot());
    }

    private static long bytesPerSlot(int bands, int slotSize) {
        return (bands + 1L) * slotSize * slotSize;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BufferOptions other && slotSize == other.slotSize && bands == other.bands
                && maxTiles == other.maxTiles && maxBytes == other.maxBytes
                && stagingCapacity == other.stagingCapacity && admission == other.admission && seed == other.seed;
    }

    @Override
    public int hashCode() {
        return Objects.hash(slotSize, bands, maxTiles, maxBytes, stagingCapacity, admission, seed);
    }

    @Override
    public String toString() {
        return "BufferOptions[slotSize=" + slotSize + ", bands=" + bands + ", maxTiles=" + maxTiles + ", maxBytes="
                + maxBytes + ", stagingCapacity=" + stagingCapacity + ", admission=" + admission + ", seed=" + seed
                + ", slots=" + slots() + "]";
    }

    /** Starts from the {@code DEFAULT_*} values. */
    public static final class Builder {
        private int slotSize = DEFAULT_SLOT_SIZE;
        private int bands = DEFAULT_BANDS;
        private int maxTiles = DEFAULT_MAX_TILES;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int stagingCapacity = DEFAULT_STAGING_CAPACITY;
        private AdmissionPolicy admission = DEFAULT_ADMISSION;
        private long seed = DEFAULT_SEED;

        private Builder() {
        }

        public Builder slotSize(int slotSize) {
            this.slotSize = slotSize;
            return this;
        }

        public Builder bands(int bands) {
            this.bands = bands;
            return this;
        }

        public Builder maxTiles(int maxTiles) {
            this.maxTiles = maxTiles;
            return this;
        }

        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        public Builder stagingCapacity(int stagingCapacity) {
            this.stagingCapacity = stagingCapacity;
            return this;
        }

        public Builder admission(AdmissionPolicy admission) {
            this.admission = admission;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** The options, or an {@link IllegalArgumentException} naming every value that is wrong and why. */
        public BufferOptions build() {
            List<String> problems = new ArrayList<>();
            if (slotSize < MIN_SLOT_SIZE) {
                problems.add("slotSize " + slotSize + " is below the minimum " + MIN_SLOT_SIZE);
            }
            if (bands < 1 || bands > MAX_BANDS) {
                problems.add("bands " + bands + " is outside 1.." + MAX_BANDS);
            }
            if (maxTiles < 1) {
                problems.add("maxTiles " + maxTiles + " must be >= 1");
            }
            if (stagingCapacity < 1) {
                problems.add("stagingCapacity " + stagingCapacity + " must be >= 1");
            }
            if (admission == null) {
                problems.add("admission must be one of FIFO, RESERVOIR (was null)");
            }
            if (slotSize >= MIN_SLOT_SIZE && bands >= 1 && bands <= MAX_BANDS) {
                long perSlot = bytesPerSlot(bands, slotSize);
                if (perSlot > Integer.MAX_VALUE - 8) {
                    problems.add("a slot of " + bands + " x " + slotSize + " x " + slotSize + " pixels plus labels ("
                            + perSlot + " bytes) does not fit a Java array; use a smaller slotSize");
                } else if (maxBytes < perSlot) {
                    problems.add("maxBytes " + maxBytes + " holds no slot: one slot of " + bands + " x " + slotSize
                            + " x " + slotSize + " pixels plus " + slotSize + " x " + slotSize + " labels takes "
                            + perSlot + " bytes");
                }
            } else if (maxBytes < 1) {
                problems.add("maxBytes " + maxBytes + " must be positive");
            }
            if (!problems.isEmpty()) {
                throw new IllegalArgumentException("invalid buffer options: " + String.join("; ", problems));
            }
            return new BufferOptions(this);
        }
    }

}
