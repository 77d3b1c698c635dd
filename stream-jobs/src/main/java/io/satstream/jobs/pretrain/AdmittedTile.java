package io.satstream.jobs.pretrain;

import java.util.Objects;

/**
 * A tile the pretraining admission let through: 8-bit band-sequential pixels, the tile's labels when it came with
 * some (255 = unlabelled), and where it was read from (Kafka partition and offset, the lineage of what a model
 * learned from). A Flink POJO (public fields, no-arg constructor).
 */
public class AdmittedTile {
    public String tileId;
    public int partition;
    public long offset;
    public int width;
    public int height;
    public int bands;
    public byte[] pixels;
    /** One class per pixel, or null for an unlabelled tile. */
    public byte[] labels;

    public AdmittedTile() {}

    public AdmittedTile(String tileId, int partition, long offset, int width, int height, int bands, byte[] pixels,
            byte[] labels) {
        this.tileId = Objects.requireNonNull(tileId, "tileId");
        this.partition = partition;
        this.offset = offset;
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.pixels = Objects.requireNonNull(pixels, "pixels");
        this.labels = labels;
    }

    @Override
    public String toString() {
        return "AdmittedTile{" + tileId + " @" + partition + ":" + offset + "}";
    }
}
