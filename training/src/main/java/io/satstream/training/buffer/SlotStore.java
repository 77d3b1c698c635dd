package io.satstream.training.buffer;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The buffer's tiles on the device: one uint8 array of {@code (slots, bands, size, size)} pixels and one of
 * {@code (slots, 1, size, size)} labels, plus each slot's metadata as Java values. Writes and gathers are one device
 * operation each, whatever the number of tiles.
 *
 * <p>Not thread-safe: used only from the buffer's consumer thread, so that DJL arrays see one thread.
 */
final class SlotStore implements AutoCloseable {

    private final NDManager manager;
    private final int slots;
    private final int bands;
    private final int size;
    private final NDArray pixels;
    private final NDArray labels;

    private final String[] tileIds;
    private final int[] partitions;
    private final long[] offsets;
    private final Instant[] admittedAt;
    private final boolean[] labelled;
    /** The filled slots, in no particular order, so that sampling draws among them uniformly. */
    private final int[] filled;
    /** Where each slot is in {@link #filled}, or -1 while it is empty. */
    private final int[] filledAt;
    private int fill;
    private int labelledCount;

    /** Host staging of one write, reused: at most {@code maxWrite} tiles. */
    private final ByteBuffer pixelUpload;
    private final ByteBuffer labelUpload;
    private final int maxWrite;

    /**
     * @param manager  owns the device arrays; closed by {@link #close()}
     * @param maxWrite the most tiles a single {@link #write} receives (the staging capacity)
     */
    SlotStore(NDManager manager, int slots, int bands, int size, int maxWrite) {
        this.manager = manager;
        this.slots = slots;
        this.bands = bands;
        this.size = size;
        this.pixels = manager.zeros(new Shape(slots, bands, size, size), DataType.UINT8);
        this.labels = manager.zeros(new Shape(slots, 1, size, size), DataType.UINT8);
        this.tileIds = new String[slots];
        this.partitions = new int[slots];
        this.offsets = new long[slots];
        this.admittedAt = new Instant[slots];
        this.labelled = new boolean[slots];
        this.filled = new int[slots];
        this.filledAt = new int[slots];
        Arrays.fill(filledAt, -1);
        // Distinct slots per write: never more than the tiles handed over, nor than the slots.
        this.maxWrite = Math.min(maxWrite, slots);
        this.pixelUpload = ByteBuffer.allocateDirect(this.maxWrite * bands * size * size);
        this.labelUpload = ByteBuffer.allocateDirect(this.maxWrite * size * size);
    }

    int slots() {
        return slots;
    }

    int fill() {
        return fill;
    }

    int labelledCount() {
        return labelledCount;
    }

    Device device() {
        return manager.getDevice();
    }

    /** The {@code i}-th filled slot, {@code 0 <= i < fill()}. */
    int filledSlot(int i) {
        return filled[i];
    }

    boolean isFilled(int slot) {
        return filledAt[slot] >= 0;
    }

    boolean isLabelled(int slot) {
        return labelled[slot];
    }

    StoredTile describe(int slot) {
        return new StoredTile(tileIds[slot], partitions[slot], offsets[slot], admittedAt[slot], labelled[slot], slot);
    }

    /**
     * Writes {@code tiles[0..n)} (oldest first) into their slots with one host-to-device copy. When several of them
     * target the same slot only the newest is written, as if each had replaced the previous one.
     *
     * @return how many stored or handed-over tiles were replaced: slots that held a tile before, plus tiles superseded
     *     by a newer one for the same slot within this write
     */
    int write(StagedTile[] tiles, int n) {
        if (n == 0) {
            return 0;
        }
        Map<Integer, Integer> newest = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            newest.put(tiles[i].slot, i);
        }
        int replaced = n - newest.size();
        int distinct = newest.size();
        if (distinct > maxWrite) {
            throw new IllegalStateException(distinct + " distinct slots in one write, more than " + maxWrite);
        }
        long[] targets = new long[distinct];
        pixelUpload.clear();
        labelUpload.clear();
        int k = 0;
        for (int i = 0; i < n; i++) {
            StagedTile t = tiles[i];
            if (newest.get(t.slot) != i) {
                continue;
            }
            if (isFilled(t.slot)) {
                replaced++;
            }
            targets[k++] = t.slot;
            pixelUpload.put(t.pixels);
            labelUpload.put(t.labels);
            remember(t);
        }
        pixelUpload.flip();
        labelUpload.flip();
        try (NDManager scratch = manager.newSubManager()) {
            NDIndex where = new NDIndex("{}", scratch.create(targets));
            pixels.set(where, scratch.create(pixelUpload, new Shape(distinct, bands, size, size), DataType.UINT8));
            labels.set(where, scratch.create(labelUpload, new Shape(distinct, 1, size, size), DataType.UINT8));
        }
        return replaced;
    }

    private void remember(StagedTile t) {
        int slot = t.slot;
        if (filledAt[slot] < 0) {
            filledAt[slot] = fill;
            filled[fill++] = slot;
        } else if (labelled[slot]) {
            labelledCount--;
        }
        if (t.labelled) {
            labelledCount++;
        }
        tileIds[slot] = t.tileId;
        partitions[slot] = t.partition;
        offsets[slot] = t.offset;
        admittedAt[slot] = t.admittedAt;
        labelled[slot] = t.labelled;
    }

    /**
     * The pixels of {@code chosen} slots as FLOAT32 {@code (N, bands, size, size)} in [0, 1], gathered and scaled on
     * the device and attached to {@code target}.
     */
    NDArray gatherPixels(NDManager target, int[] chosen) {
        return gather(pixels, target, chosen, DataType.FLOAT32, true);
    }

    /** The labels of {@code chosen} slots as INT64 {@code (N, 1, size, size)}, attached to {@code target}. */
    NDArray gatherLabels(NDManager target, int[] chosen) {
        return gather(labels, target, chosen, DataType.INT64, false);
    }

    private NDArray gather(NDArray from, NDManager target, int[] chosen, DataType type, boolean toUnitRange) {
        long[] index = new long[chosen.length];
        for (int i = 0; i < chosen.length; i++) {
            index[i] = chosen[i];
        }
        NDArray out;
        try (NDManager scratch = manager.newSubManager()) {
            // The result goes straight to the caller's manager: ops on the store's arrays would otherwise attach
            // their results to the store's long-lived manager (STACK.md, DJL memory-leak pitfall).
            NDArray raw = from.get(target, new NDIndex("{}", scratch.create(index)));
            out = raw.toType(type, false);
            raw.close();
        }
        if (toUnitRange) {
            out.divi(255f);
        }
        if (!target.getDevice().equals(out.getDevice())) {
            NDArray moved = out.toDevice(target.getDevice(), false);
            moved.attach(target);
            out.close();
            out = moved;
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
