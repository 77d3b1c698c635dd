package io.satstream.training.buffer;

import io.satstream.inference.Evaluation;
import java.time.Instant;
import java.util.Arrays;

/**
 * One admitted tile on its way to the device: a reusable, preallocated holder of a slot's worth of pixels and labels
 * plus the tile's metadata and the storage slot its admission chose. Owned by whichever side holds it (the staging
 * ring under its lock, or the consumer between {@code takeAll} and the device write).
 */
final class StagedTile {

    private static final byte IGNORE = (byte) Evaluation.IGNORE;

    final byte[] pixels;
    final byte[] labels;
    String tileId;
    int partition;
    long offset;
    Instant admittedAt;
    boolean labelled;
    int slot;

    StagedTile(int pixelBytes, int labelBytes) {
        this.pixels = new byte[pixelBytes];
        this.labels = new byte[labelBytes];
    }

    /**
     * Copies the {@code size x size} window at ({@code x0}, {@code y0}) of every band of {@code entry}, and the same
     * window of its labels; an unlabelled tile gets ignore labels, so that a batch mixing both needs no special case.
     */
    void copyWindow(BufferEntry entry, int x0, int y0, int size, int slot, Instant admittedAt) {
        int w = entry.width();
        int plane = w * entry.height();
        byte[] src = entry.planarUint8();
        for (int b = 0; b < entry.bands(); b++) {
            for (int row = 0; row < size; row++) {
                System.arraycopy(src, b * plane + (y0 + row) * w + x0, pixels, (b * size + row) * size, size);
            }
        }
        if (entry.labels() != null) {
            for (int row = 0; row < size; row++) {
                System.arraycopy(entry.labels(), (y0 + row) * w + x0, labels, row * size, size);
            }
        } else {
            Arrays.fill(labels, IGNORE);
        }
        this.tileId = entry.tileId();
        this.partition = entry.partition();
        this.offset = entry.offset();
        this.labelled = entry.labels() != null;
        this.slot = slot;
        this.admittedAt = admittedAt;
    }
}
